; timer: the PIT at a rate the program sets drives INT 8 in step with the
; wall clock; HLT waits for the tick; the BIOS tick count moves.
	org 100h
%include "dos.inc"
start:
	; Hook INT 8 with a counter that acknowledges the PIC itself.
	mov ax, 3508h
	int 21h
	mov [old8], bx
	mov [old8 + 2], es
	mov ax, 2508h
	mov dx, tick
	int 21h
	; 1000 Hz: divisor 1193.
	cli
	mov al, 36h
	out 43h, al
	mov ax, 1193
	out 40h, al
	mov al, ah
	out 40h, al
	sti
	; The time now, in hundredths.
	call hundredths
	mov [t0], ax
	; 500 ticks, waiting in HLT.
.wait:	hlt
	cmp word [count], 500
	jb .wait
	call hundredths
	sub ax, [t0]
	mov [elapsed], ax
	; Back to 18.2 Hz and the BIOS handler.
	cli
	mov al, 36h
	out 43h, al
	xor al, al
	out 40h, al
	out 40h, al
	push ds
	lds dx, [old8]
	mov ax, 2508h
	int 21h
	pop ds
	sti
	; The BIOS count moves by at least 3 in three HLT waits.
	xor ax, ax
	mov es, ax
	mov bx, [es:46Ch]
	hlt
	hlt
	hlt
	hlt
	mov ax, [es:46Ch]
	sub ax, bx
	mov [bios], ax
	; Channel 0 read back twice: it counts down.
	mov al, 0
	out 43h, al
	in al, 40h
	mov ah, al
	in al, 40h
	xchg al, ah
	mov [c1], ax
	mov cx, 200
.spin:	loop .spin
	mov al, 0
	out 43h, al
	in al, 40h
	mov ah, al
	in al, 40h
	xchg al, ah
	mov [c2], ax
	say "elapsed "
	mov ax, [elapsed]
	call hexax
	say " bios "
	mov ax, [bios]
	call hexax
	call crlf
	mov ax, [c1]
	cmp ax, [c2]
	jne .moved
	sayln "FAIL the counter stands still"
	exit 1
.moved:
	sayln "timer OK"
	exit 0

; hundredths: the time of day in hundredths of a second (mod 65536).
hundredths:
	mov ah, 2Ch
	int 21h
	mov al, dh		; seconds
	xor ah, ah
	mov bl, 100
	mul bl
	xor dh, dh
	add ax, dx		; + hundredths
	mov bx, ax
	mov al, cl		; minutes
	xor ah, ah
	mov dx, 6000
	mul dx
	add ax, bx
	ret

tick:	inc word [cs:count]
	push ax
	mov al, 20h
	out 20h, al
	pop ax
	iret

old8	dd 0
count	dw 0
t0	dw 0
elapsed	dw 0
bios	dw 0
c1	dw 0
c2	dw 0
