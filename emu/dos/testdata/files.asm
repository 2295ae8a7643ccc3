; files: the handle functions of INT 21h (3Ch-46h, 56h, 57h, 5Ah, 5Bh,
; 68h, 6Ch, 44h) against what DOS documents for each.
	org 100h
%include "dos.inc"
start:
	; 3Ch create NEW.TXT, 40h write, 3Eh close.
	mov ah, 3Ch
	xor cx, cx
	mov dx, fname
	int 21h
	ok "create"
	mov bx, ax
	mov [h1], ax
	mov ah, 40h
	mov cx, msglen
	mov dx, msg
	int 21h
	ok "write"
	expect_ax msglen, "write count"
	; 42h seek to the end reports the size; 42h from the start to 7.
	mov ax, 4202h
	xor cx, cx
	xor dx, dx
	int 21h
	ok "seek end"
	expect_ax msglen, "size"
	mov ax, 4200h
	xor cx, cx
	mov dx, 7
	int 21h
	ok "seek"
	; 40h with CX=0 cuts the file at the position.
	mov ah, 40h
	xor cx, cx
	int 21h
	ok "truncate"
	mov ah, 3Eh
	int 21h
	ok "close"
	; 3Eh again: invalid handle (6).
	mov ah, 3Eh
	int 21h
	fail_nc "second close"
	expect_ax 6, "second close error"
	; 3Dh open read-only, 3Fh read it back.
	mov ax, 3D00h
	mov dx, fname
	int 21h
	ok "open"
	mov bx, ax
	mov ah, 3Fh
	mov cx, 100
	mov dx, buf
	int 21h
	ok "read"
	expect_ax 7, "read count"
	mov si, buf
	mov cx, ax
	say "read: "
	call putsn
	call crlf
	; Reading at the end gives 0 bytes.
	mov ah, 3Fh
	mov cx, 10
	mov dx, buf
	int 21h
	ok "read at end"
	expect_ax 0, "read at end"
	; Writing a read-only handle: access denied (5).
	mov ah, 40h
	mov cx, 1
	mov dx, msg
	int 21h
	fail_nc "write to a read-only handle"
	expect_ax 5, "write to a read-only handle"
	; 45h dup shares the file pointer; 46h forces handle 9 onto it.
	mov ax, 4200h
	xor cx, cx
	mov dx, 2
	int 21h
	mov ah, 45h
	int 21h
	ok "dup"
	mov [h2], ax
	mov bx, ax
	mov ax, 4201h
	xor cx, cx
	xor dx, dx
	int 21h
	expect_ax 2, "dup shares the position"
	mov bx, [h2]
	mov cx, 9
	mov ah, 46h
	int 21h
	ok "dup2"
	mov bx, 9
	mov ah, 3Fh
	mov cx, 3
	mov dx, buf
	int 21h
	ok "read through handle 9"
	mov si, buf
	mov cx, 3
	say "dup2: "
	call putsn
	call crlf
	mov bx, 9
	mov ah, 3Eh
	int 21h
	mov bx, [h2]
	mov ah, 3Eh
	int 21h
	mov bx, [h1]
	mov ah, 3Eh
	int 21h
	; 3Dh of a missing file: file not found (2); of a missing
	; directory: path not found (3).
	mov ax, 3D00h
	mov dx, missing
	int 21h
	fail_nc "open missing"
	expect_ax 2, "open missing"
	mov ax, 3D00h
	mov dx, nodir
	int 21h
	fail_nc "open in a missing directory"
	expect_ax 3, "open in a missing directory"
	; 5Bh create new on an existing file: file exists (80).
	mov ah, 5Bh
	xor cx, cx
	mov dx, fname
	int 21h
	fail_nc "create new over a file"
	expect_ax 50h, "create new over a file"
	; 43h: get attributes, set read-only, get again.
	mov ax, 4300h
	mov dx, fname
	int 21h
	ok "get attributes"
	mov ax, cx
	expect_ax 20h, "attributes of a new file"
	mov ax, 4301h
	mov cx, 1
	mov dx, fname
	int 21h
	ok "set read-only"
	mov ax, 4300h
	mov dx, fname
	int 21h
	mov ax, cx
	expect_ax 01h, "attributes after set (archive cleared: CX is the new set)"
	; A read-only file cannot be opened for writing or deleted.
	mov ax, 3D01h
	mov dx, fname
	int 21h
	fail_nc "open a read-only file for writing"
	expect_ax 5, "open read-only for writing"
	mov ah, 41h
	mov dx, fname
	int 21h
	fail_nc "delete a read-only file"
	mov ax, 4301h
	xor cx, cx
	mov dx, fname
	int 21h
	ok "clear read-only"
	; 57h: set the date and time, read them back.
	mov ax, 3D02h
	mov dx, fname
	int 21h
	ok "open read-write"
	mov bx, ax
	mov ax, 5701h
	mov cx, (12 << 11) | (34 << 5) | (56 / 2)
	mov dx, ((1994 - 1980) << 9) | (7 << 5) | 15
	int 21h
	ok "set time"
	mov ax, 5700h
	int 21h
	ok "get time"
	mov ax, cx
	expect_ax (12 << 11) | (34 << 5) | (56 / 2), "file time"
	mov ax, dx
	expect_ax ((1994 - 1980) << 9) | (7 << 5) | 15, "file date"
	; 44h 00h: a file is not a device; 68h commit.
	mov ax, 4400h
	int 21h
	ok "ioctl"
	test dx, 80h
	jz .notdev
	sayln "FAIL a file reported as a device"
	exit 1
.notdev:
	mov ah, 68h
	int 21h
	ok "commit"
	mov ah, 3Eh
	int 21h
	; 44h 00h on standard output: CON is a device.
	mov ax, 4400h
	mov bx, 1
	int 21h
	test dx, 80h
	jnz .dev
	sayln "FAIL stdout is not a device"
	exit 1
.dev:
	; 56h rename, 41h delete.
	mov ah, 56h
	mov dx, fname
	push ds
	pop es
	mov di, fname2
	int 21h
	ok "rename"
	mov ax, 3D00h
	mov dx, fname
	int 21h
	fail_nc "open the old name"
	; 6Ch: open existing only (fails when missing), create if missing.
	mov ax, 6C00h
	mov bx, 2
	xor cx, cx
	mov dx, 01h
	mov si, missing
	int 21h
	fail_nc "extended open of a missing file"
	mov ax, 6C00h
	mov bx, 2
	xor cx, cx
	mov dx, 10h
	mov si, missing
	int 21h
	ok "extended create"
	push ax
	mov ax, cx
	expect_ax 2, "extended create action"
	pop bx
	mov ah, 3Eh
	int 21h
	; 5Ah temporary file in C:\ (the name is appended to the path).
	mov ah, 5Ah
	xor cx, cx
	mov dx, tmpdir
	int 21h
	ok "temp file"
	mov bx, ax
	mov ah, 3Eh
	int 21h
	mov si, tmpdir
	say "temp: "
	call puts
	call crlf
	mov ah, 41h
	mov dx, tmpdir
	int 21h
	ok "delete temp"
	mov ah, 41h
	mov dx, fname2
	int 21h
	ok "delete"
	mov ah, 41h
	mov dx, fname2
	int 21h
	fail_nc "delete twice"
	expect_ax 2, "delete twice"
	sayln "files OK"
	exit 0

fname	db "NEW.TXT", 0
fname2	db "RENAMED.TXT", 0
missing	db "MISSING.TXT", 0
nodir	db "NODIR\X.TXT", 0
tmpdir	db "C:\", 0
	times 20 db 0
msg	db "written by DOS"
msglen	equ $ - msg
h1	dw 0
h2	dw 0
buf	times 128 db 0
