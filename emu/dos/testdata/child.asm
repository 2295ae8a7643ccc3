; child: run by process.asm through EXEC.
	org 100h
%include "dos.inc"
start:
	mov si, 81h
	xor cx, cx
	mov cl, [80h]
	say "child tail:["
	call putsn
	sayln "]"
	; Our parent is the program that ran us, and it is not us.
	mov ax, [16h]
	mov bx, cs
	cmp ax, bx
	jne .parent
	sayln "FAIL child's parent"
	exit 1
.parent:
	mov es, [2Ch]
	xor di, di
.scan:	cmp word [es:di], 0
	je .found
	inc di
	jmp .scan
.found:	add di, 4
	say "child name: "
	push ds
	push es
	pop ds
	mov si, di
	call puts
	call crlf
	pop ds
	mov ax, 4C2Ah
	int 21h
