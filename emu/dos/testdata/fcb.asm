; fcb: the file control block functions (0Fh-17h, 21h-24h, 27h, 28h).
	org 100h
%include "dos.inc"
start:
	mov ah, 1Ah
	mov dx, dta
	int 21h
	; 16h create, 15h write two records, 10h close.
	mov ah, 16h
	mov dx, fcb1
	int 21h
	xor ah, ah
	expect_ax 0, "create"
	mov word [fcb1 + 0Eh], 16	; 16-byte records
	mov si, rec1
	call setdta
	mov ah, 15h
	mov dx, fcb1
	int 21h
	xor ah, ah
	expect_ax 0, "write record 1"
	mov si, rec2
	call setdta
	mov ah, 15h
	mov dx, fcb1
	int 21h
	xor ah, ah
	expect_ax 0, "write record 2"
	mov ah, 10h
	mov dx, fcb1
	int 21h
	xor ah, ah
	expect_ax 0, "close"
	; 0Fh open, the size is there; 14h reads records in order.
	mov ah, 0Fh
	mov dx, fcb2
	int 21h
	xor ah, ah
	expect_ax 0, "open"
	mov ax, [fcb2 + 10h]
	expect_ax 32, "size in the FCB"
	mov word [fcb2 + 0Eh], 16
	mov ah, 14h
	mov dx, fcb2
	int 21h
	xor ah, ah
	expect_ax 0, "read record 1"
	mov si, dta
	mov cx, 16
	say "rec:"
	call putsn
	call crlf
	; 21h random read of record 1 (the second).
	mov word [fcb2 + 21h], 1
	mov word [fcb2 + 23h], 0
	mov ah, 21h
	mov dx, fcb2
	int 21h
	xor ah, ah
	expect_ax 0, "random read"
	mov si, dta
	mov cx, 16
	say "rec:"
	call putsn
	call crlf
	; Reading past the end: 1.
	mov word [fcb2 + 21h], 5
	mov ah, 21h
	mov dx, fcb2
	int 21h
	xor ah, ah
	expect_ax 1, "read past the end"
	mov ah, 10h
	mov dx, fcb2
	int 21h
	; 23h file size in records.
	mov word [fcb3 + 0Eh], 16
	mov ah, 23h
	mov dx, fcb3
	int 21h
	xor ah, ah
	expect_ax 0, "file size"
	mov ax, [fcb3 + 21h]
	expect_ax 2, "records"
	; 11h find first with a pattern fills the DTA with a directory entry.
	mov ah, 11h
	mov dx, fcbpat
	int 21h
	xor ah, ah
	expect_ax 0, "find first"
	mov si, dta + 1
	mov cx, 11
	say "found:["
	call putsn
	sayln "]"
	mov ah, 12h
	mov dx, fcbpat
	int 21h
	xor ah, ah
	expect_ax 0FFh, "find next: no more"
	; 17h rename, 13h delete.
	mov ah, 17h
	mov dx, fcbren
	int 21h
	xor ah, ah
	expect_ax 0, "rename"
	mov ah, 13h
	mov dx, fcbdel
	int 21h
	xor ah, ah
	expect_ax 0, "delete"
	mov ah, 13h
	mov dx, fcbdel
	int 21h
	xor ah, ah
	expect_ax 0FFh, "delete again"
	sayln "fcb OK"
	exit 0

setdta:
	mov di, dta
	mov cx, 16
	rep movsb
	ret

fcb1	db 0, "RECORDS DAT"
	times 25 db 0
fcb2	db 0, "RECORDS DAT"
	times 25 db 0
fcb3	db 0, "RECORDS DAT"
	times 25 db 0
fcbpat	db 0, "RECORD? ???"
	times 25 db 0
fcbren	db 0, "RECORDS DAT"		; old name at 01h
	times 4 db 0
	db 0, "RENAMED DAT"		; new name at 11h
	times 9 db 0
fcbdel	db 0, "RENAMED DAT"
	times 25 db 0
rec1	db "first record... "
rec2	db "second record.. "
dta	times 128 db 0
