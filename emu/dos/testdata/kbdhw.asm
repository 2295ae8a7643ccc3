; kbdhw: a program's own INT 9 reads scan codes from port 60h, as games
; do; then the BIOS handler is back and INT 16h reads a key.
	org 100h
%include "dos.inc"
start:
	mov ax, 3509h
	int 21h
	mov [old9], bx
	mov [old9 + 2], es
	mov ax, 2509h
	mov dx, kbd
	int 21h
.wait:	hlt
	cmp word [n], 4
	jb .wait
	push ds
	lds dx, [old9]
	mov ax, 2509h
	int 21h
	pop ds
	say "codes"
	xor si, si
.p:	say " "
	xor ax, ax
	mov al, [codes + si]
	call hexax
	inc si
	cmp si, [n]
	jb .p
	call crlf
	; The next key through the BIOS: INT 16h AH=00h.
	xor ah, ah
	int 16h
	say "key "
	call hexax
	call crlf
	sayln "kbdhw OK"
	exit 0

kbd:	push ax
	push bx
	in al, 60h
	mov bx, [cs:n]
	cmp bx, 16
	jae .full
	mov [cs:codes + bx], al
	inc word [cs:n]
.full:	mov al, 20h
	out 20h, al
	pop bx
	pop ax
	iret

old9	dd 0
n	dw 0
codes	times 16 db 0
