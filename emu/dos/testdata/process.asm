; process: the PSP, the environment, EXEC and return codes (INT 21h 4Bh,
; 4Ch, 4Dh, 31h, 62h, 26h) as DOS sets them up.
	org 100h
%include "dos.inc"
start:
	; 62h: a .COM's PSP is its code segment.
	mov ah, 62h
	int 21h
	mov ax, bx
	mov bx, cs
	cmp ax, bx
	je .psp
	sayln "FAIL PSP"
	exit 1
.psp:
	; The command tail at PSP:80h, as typed after the name.
	mov si, 81h
	xor cx, cx
	mov cl, [80h]
	say "tail:["
	call putsn
	sayln "]"
	cmp byte [81h + 0 + 0], ' '
	; The environment ends with two NULs, a count of 1 and our name.
	mov es, [2Ch]
	xor di, di
.scan:	cmp word [es:di], 0
	je .found
	inc di
	jmp .scan
.found:	add di, 2
	mov ax, [es:di]
	expect_ax 1, "strings after the environment"
	add di, 2
	say "name: "
	push ds
	push es
	pop ds
	mov si, di
	call puts
	call crlf
	pop ds
	; Give memory back so EXEC has room.
	mov ah, 4Ah
	mov bx, 1000h
	push cs
	pop es
	int 21h
	ok "shrink"
	; EXEC CHILD.COM with a tail; it exits with 42.
	mov [pb_tail + 2], cs
	mov [pb_fcb1 + 2], cs
	mov [pb_fcb2 + 2], cs
	mov ax, 4B00h
	mov dx, child
	push cs
	pop es
	mov bx, pblock
	mov [savesp], sp
	int 21h
	ok "exec"
	cmp sp, [savesp]
	je .sp
	sayln "FAIL SP after EXEC"
	exit 1
.sp:
	mov ah, 4Dh
	int 21h
	expect_ax 002Ah, "child's return code"
	; 4Dh again: the code was taken.
	mov ah, 4Dh
	int 21h
	expect_ax 0, "second 4Dh"
	; A TSR: 31h keeps memory, 4Dh says 03h.
	mov ax, 4B00h
	mov dx, tsr
	mov bx, pblock
	int 21h
	ok "exec tsr"
	mov ah, 4Dh
	int 21h
	expect_ax 0307h, "TSR return code"
	; The TSR's vector is still there and works.
	mov ax, 3561h
	int 21h
	mov ax, es
	or ax, ax
	jnz .vec
	sayln "FAIL the TSR's vector is gone"
	exit 1
.vec:	int 61h
	expect_ax 0BEEFh, "calling the resident TSR"
	; EXEC of a missing program: file not found.
	mov ax, 4B00h
	mov dx, nochild
	push cs
	pop es
	mov bx, pblock
	int 21h
	fail_nc "exec of a missing program"
	expect_ax 2, "exec of a missing program"
	; 4B03h: an overlay loaded at a segment, then called.
	mov ah, 48h
	mov bx, 10h
	int 21h
	ok "alloc for overlay"
	mov [ovseg], ax
	mov [ovblock], ax
	mov [ovblock + 2], ax
	mov ax, 4B03h
	mov dx, ovl
	push cs
	pop es
	mov bx, ovblock
	int 21h
	ok "load overlay"
	call far [ovcall]
	expect_ax 1234h, "the overlay's result"
	sayln "process OK"
	exit 0

child	db "CHILD.COM", 0
tsr	db "TSR.COM", 0
nochild	db "NOCHILD.COM", 0
ovl	db "OVL.BIN", 0
pblock	dw 0
pb_tail	dw ctail, 0
pb_fcb1	dw fcb, 0
pb_fcb2	dw fcb, 0
ctail	db 5, " arg1", 13
fcb	times 16 db 0
savesp	dw 0
ovblock	dw 0, 0
ovcall	dw 0
ovseg	dw 0
