; loop: the benchmark program (LoopProgram in bench.go holds these bytes).
; OUTER times 10000 iterations of nine instructions of ALU work, memory
; and a branch, then exit.
	org 100h
	mov bp, OUTER
outer:	mov cx, 10000
	xor si, si
inner:	mov ax, [si + buf]
	add ax, cx
	xor ax, bx
	mov [si + buf], ax
	add si, 2
	and si, 0FEh
	inc bx
	dec cx
	jnz inner
	dec bp
	jnz outer
	mov ax, 4C00h
	int 21h
buf:	times 256 db 0
