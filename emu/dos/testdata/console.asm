; console: the character functions of INT 21h (01h, 02h, 06h-0Ch) with
; keys typed at the keyboard.
	org 100h
%include "dos.inc"
start:
	; 09h: a $-terminated string.
	mov ah, 09h
	mov dx, hello
	int 21h
	; 08h: a key without echo.
	mov ah, 08h
	int 21h
	mov [key1], al
	; 01h: a key with echo.
	mov ah, 01h
	int 21h
	mov [key2], al
	call crlf
	; 07h: direct input.
	mov ah, 07h
	int 21h
	mov [key3], al
	; 06h with DL=FFh polls: wait until a key is there.
.poll:	mov ah, 06h
	mov dl, 0FFh
	int 21h
	jz .poll
	mov [key4], al
	; 06h with another DL writes it.
	mov ah, 06h
	mov dl, '>'
	int 21h
	mov ah, 02h
	mov dl, [key1]
	int 21h
	mov dl, [key2]
	int 21h
	mov dl, [key3]
	int 21h
	mov dl, [key4]
	int 21h
	call crlf
	; 0Ah: buffered input of a line (echoed), 10 characters at most.
	mov ah, 0Ah
	mov dx, line
	int 21h
	call crlf
	say "line:"
	xor cx, cx
	mov cl, [line + 1]
	mov si, line + 2
	call putsn
	say ":"
	xor ax, ax
	mov al, [line + 1]
	call hexax
	call crlf
	; 0Ch with AL=08h: flush, then read.
	mov ax, 0C08h
	int 21h
	mov dl, al
	mov ah, 02h
	int 21h
	call crlf
	; An extended key: 0 first, then its scan code.
	mov ah, 08h
	int 21h
	xor ah, ah
	expect_ax 0, "first byte of F1"
	mov ah, 08h
	int 21h
	xor ah, ah
	expect_ax 3Bh, "scan code of F1"
	; 0Bh: nothing more to read.
	mov ah, 0Bh
	int 21h
	xor ah, ah
	expect_ax 0, "input status"
	sayln "console OK"
	exit 0

hello	db "Hello, console.", 13, 10, "$"
key1	db 0
key2	db 0
key3	db 0
key4	db 0
line	db 10, 0
	times 12 db 0
