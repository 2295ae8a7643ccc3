; misc: vectors, version, date and time, Ctrl-Break flag, country,
; file name parsing (INT 21h 25h, 29h, 2Ah-2Dh, 30h, 33h, 35h, 38h).
	org 100h
%include "dos.inc"
start:
	; 30h: DOS 5.00.
	mov ah, 30h
	int 21h
	expect_ax 0005h, "version"
	; 25h/35h: set a vector and read it back.
	mov ax, 2560h
	mov dx, handler
	int 21h
	mov ax, 3560h
	int 21h
	mov ax, bx
	expect_ax handler, "vector offset"
	mov ax, es
	mov bx, cs
	cmp ax, bx
	je .seg
	sayln "FAIL vector segment"
	exit 1
.seg:	int 60h
	expect_ax 0ABCDh, "our INT 60h"
	; 2Ah: a plausible date; 2Bh rejects February 30th.
	mov ah, 2Ah
	int 21h
	cmp cx, 1980
	jae .year
	sayln "FAIL year"
	exit 1
.year:	mov ah, 2Bh
	mov cx, 2001
	mov dx, 021Eh
	int 21h
	xor ah, ah
	expect_ax 0FFh, "set February 30th"
	; 2Bh/2Ah: set a date, read it back.
	mov ah, 2Bh
	mov cx, 1999
	mov dx, 0C1Fh
	int 21h
	xor ah, ah
	expect_ax 0, "set date"
	mov ah, 2Ah
	int 21h
	mov ax, cx
	expect_ax 1999, "year after setting it"
	mov ax, dx
	expect_ax 0C1Fh, "month and day after setting them"
	; 2Dh/2Ch: set the time, read it back (seconds may have moved on).
	mov ah, 2Dh
	mov cx, 0C22h
	mov dx, 0
	int 21h
	xor ah, ah
	expect_ax 0, "set time"
	mov ah, 2Ch
	int 21h
	mov ax, cx
	expect_ax 0C22h, "hour and minute"
	; 33h: the Ctrl-Break flag.
	mov ax, 3301h
	mov dl, 1
	int 21h
	mov ax, 3300h
	int 21h
	xor dh, dh
	mov ax, dx
	expect_ax 1, "BREAK ON"
	; 38h: the country block for the United States.
	mov ax, 3800h
	mov dx, cinfo
	int 21h
	ok "country"
	mov ax, bx
	expect_ax 1, "country code"
	mov al, [cinfo + 2]
	xor ah, ah
	expect_ax '$', "currency"
	; 29h: parse "C:FOO.T*" into an FCB.
	mov ax, 2900h
	mov si, fspec
	push cs
	pop es
	mov di, fcb
	int 21h
	xor ah, ah
	expect_ax 1, "parse with a wildcard"
	mov si, fcb + 1
	mov cx, 11
	say "fcb:["
	call putsn
	sayln "]"
	mov al, [fcb]
	xor ah, ah
	expect_ax 3, "parsed drive"
	sayln "misc OK"
	exit 0

handler:
	mov ax, 0ABCDh
	iret
fspec	db "C:FOO.T*", 13
fcb	times 37 db 0
cinfo	times 34 db 0
