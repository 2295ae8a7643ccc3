; faults: programs that go wrong in the ways the tests expect to survive.
; Assemble with one of -DUD -DGARBAGE -DDIVIDE -DIVT -DLOOP -DCLIHLT.
	org 100h
%ifdef UD
	db 0Fh, 0FFh			; no such instruction on the 386
%endif
%ifdef GARBAGE
	mov di, junk
	mov cx, 64
	mov al, 0FFh
	rep stosb
	jmp junk			; FF FF is not an instruction
%endif
%ifdef DIVIDE
	xor bl, bl
	mov ax, 1
	div bl
	mov ax, 4C00h			; not reached: DOS ends the program
	int 21h
%endif
%ifdef IVT
	xor ax, ax
	mov es, ax
	xor di, di
	mov cx, 512
	mov ax, 0FFFFh
	cli
	rep stosw			; every vector now points at FFFF:FFFF
	sti
.spin:	jmp .spin
%endif
%ifdef LOOP
.spin:	jmp .spin
%endif
%ifdef CLIHLT
	cli
	hlt
%endif
junk:
	times 80 db 0
