; dirs: directories, the current drive and directory, searches with the
; DTA, free space and TRUENAME (INT 21h 0Eh, 19h, 1Ah, 2Fh, 36h, 39h-3Bh,
; 47h, 4Eh, 4Fh, 60h).
	org 100h
%include "dos.inc"
start:
	; 19h: the current drive is C: (2).
	mov ah, 19h
	int 21h
	xor ah, ah
	expect_ax 2, "current drive"
	; 0Eh reports the number of drives and keeps C: for a bad one.
	mov ah, 0Eh
	mov dl, 25
	int 21h
	mov ah, 19h
	int 21h
	xor ah, ah
	expect_ax 2, "drive after selecting a missing one"
	; 39h mkdir, twice: the second is access denied (5).
	mov ah, 39h
	mov dx, dname
	int 21h
	ok "mkdir"
	mov ah, 39h
	mov dx, dname
	int 21h
	fail_nc "mkdir twice"
	expect_ax 5, "mkdir twice"
	; 3Bh chdir, 47h getcwd.
	mov ah, 3Bh
	mov dx, dname
	int 21h
	ok "chdir"
	mov ah, 47h
	xor dl, dl
	mov si, buf
	int 21h
	ok "getcwd"
	say "cwd: "
	call puts
	call crlf
	; Create two files dot for the search.
	mov dx, f1
	call touch
	mov dx, f2
	call touch
	mov dx, f3
	call touch
	; 1Ah: our own DTA; 4Eh/4Fh *.TXT finds A.TXT and B.TXT, not C.DAT.
	mov ah, 1Ah
	mov dx, dta
	int 21h
	mov ah, 2Fh
	int 21h
	mov ax, bx
	expect_ax dta, "DTA"
	mov ah, 4Eh
	xor cx, cx
	mov dx, pat
	int 21h
	ok "find first"
.next:
	mov si, dta + 1Eh
	say "found: "
	call puts
	say " size "
	mov ax, [dta + 1Ah]
	call hexax
	call crlf
	mov ah, 4Fh
	int 21h
	jnc .next
	expect_ax 18, "find next at the end"
	; A pattern that matches nothing: file not found (2).
	mov ah, 4Eh
	xor cx, cx
	mov dx, nopat
	int 21h
	fail_nc "find nothing"
	expect_ax 2, "find nothing"
	; Directories only with the directory attribute: . and .. first.
	mov ah, 4Eh
	mov cx, 10h
	mov dx, all
	int 21h
	ok "find dirs"
	mov si, dta + 1Eh
	say "first: "
	call puts
	call crlf
	; 3Ah rmdir of the current directory: error 16.
	mov ah, 3Ah
	mov dx, dot
	int 21h
	fail_nc "rmdir of the current directory"
	; Back dotdot, and rmdir of a full directory: access denied.
	mov ah, 3Bh
	mov dx, dotdot
	int 21h
	ok "chdir .."
	mov ah, 3Ah
	mov dx, dname
	int 21h
	fail_nc "rmdir of a full directory"
	expect_ax 5, "rmdir of a full directory"
	; 60h TRUENAME of a relative name.
	mov ah, 60h
	mov si, relname
	push ds
	pop es
	mov di, buf
	int 21h
	ok "truename"
	mov si, buf
	say "truename: "
	call puts
	call crlf
	; 36h free space: sectors per cluster, 512-byte sectors.
	mov ah, 36h
	xor dl, dl
	int 21h
	cmp ax, 0FFFFh
	jne .space
	sayln "FAIL free space"
	exit 1
.space:
	mov ax, cx
	expect_ax 512, "bytes per sector"
	; 36h of a drive that does not exist: AX=FFFFh.
	mov ah, 36h
	mov dl, 20
	int 21h
	expect_ax 0FFFFh, "free space of a missing drive"
	; 3Bh to a missing directory: path not found (3).
	mov ah, 3Bh
	mov dx, nodir
	int 21h
	fail_nc "chdir to a missing directory"
	expect_ax 3, "chdir to a missing directory"
	; Clean dotdot and remove the directory.
	mov ah, 41h
	mov dx, p1
	int 21h
	mov ah, 41h
	mov dx, p2
	int 21h
	mov ah, 41h
	mov dx, p3
	int 21h
	mov ah, 3Ah
	mov dx, dname
	int 21h
	ok "rmdir"
	sayln "dirs OK"
	exit 0

touch:
	mov ah, 3Ch
	xor cx, cx
	int 21h
	ok "create"
	mov bx, ax
	mov ah, 40h
	mov cx, 3
	mov dx, three
	int 21h
	mov ah, 3Eh
	int 21h
	ret

dname	db "WORK", 0
dot	db ".", 0
dotdot	db "..", 0
f1	db "B.TXT", 0
f2	db "A.TXT", 0
f3	db "C.DAT", 0
p1	db "WORK\A.TXT", 0
p2	db "WORK\B.TXT", 0
p3	db "WORK\C.DAT", 0
pat	db "*.TXT", 0
nopat	db "*.XYZ", 0
all	db "*.*", 0
relname	db "work\..\work\a.txt", 0
nodir	db "NOPE", 0
three	db "abc"
dta	times 128 db 0
buf	times 128 db 0
