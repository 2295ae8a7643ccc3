; memory: allocate, resize, free (INT 21h 48h, 49h, 4Ah, 58h), with the
; errors DOS gives and the arena the program can walk.
	org 100h
%include "dos.inc"
start:
	; A .COM owns all memory: 48h fails with 8 and the largest in BX.
	mov ah, 48h
	mov bx, 100h
	int 21h
	fail_nc "alloc while the .COM owns everything"
	expect_ax 8, "alloc error"
	; Shrink to 64 KiB (4Ah on our PSP).
	mov ah, 4Ah
	mov bx, 1000h
	int 21h
	ok "shrink"
	; Now 48h works; the block is ours to write.
	mov ah, 48h
	mov bx, 100h
	int 21h
	ok "alloc"
	mov [blk], ax
	mov es, ax
	mov word [es:0], 1234h
	; Its MCB: 'M' or 'Z', owned by our PSP, 100h paragraphs.
	dec ax
	mov es, ax
	mov ax, [es:3]
	expect_ax 100h, "MCB size"
	mov ax, [es:1]
	mov bx, cs
	cmp ax, bx
	je .owner
	sayln "FAIL MCB owner"
	exit 1
.owner:
	; Grow it, then ask for too much: error 8 with the most it can have.
	mov es, [blk]
	mov ah, 4Ah
	mov bx, 200h
	int 21h
	ok "grow"
	mov ah, 4Ah
	mov bx, 0FFFFh
	int 21h
	fail_nc "grow past memory"
	expect_ax 8, "grow past memory"
	cmp bx, 200h
	ja .most
	sayln "FAIL BX after a failed grow"
	exit 1
.most:
	; 49h free. (DOS checks only the MCB's signature, so freeing a
	; free block again is not an error.)
	mov es, [blk]
	mov ah, 49h
	int 21h
	ok "free"
	mov ax, es
	dec ax
	mov es, ax
	mov ax, [es:1]
	expect_ax 0, "owner of a freed block"
	; 58h: last fit takes the top of memory.
	mov ax, 5801h
	mov bx, 2
	int 21h
	ok "set strategy"
	mov ax, 5800h
	int 21h
	expect_ax 2, "strategy"
	mov ah, 48h
	mov bx, 10h
	int 21h
	ok "alloc last fit"
	cmp ax, 9000h
	ja .high
	sayln "FAIL last fit did not take the top"
	exit 1
.high:
	mov es, ax
	mov ah, 49h
	int 21h
	mov ax, 5801h
	xor bx, bx
	int 21h
	; A block's address that is not one: error 9.
	mov ax, cs
	add ax, 5
	mov es, ax
	mov ah, 49h
	int 21h
	fail_nc "free of a non-block"
	expect_ax 9, "free of a non-block"
	sayln "memory OK"
	exit 0
blk	dw 0
