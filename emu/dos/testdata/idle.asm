; idle: the ways a program waits for a key or the screen, each of which
; must let the host sleep. -DBIOS -DPOLL -DDOS -DPORT -DRETRACE -DHALT
	org 100h
%ifdef BIOS
	xor ah, ah		; blocking read
	int 16h
%endif
%ifdef POLL
.l:	mov ah, 01h		; keyboard status, in a loop
	int 16h
	jz .l
%endif
%ifdef DOS
.l:	mov ah, 0Bh		; DOS input status, in a loop
	int 21h
	or al, al
	jz .l
%endif
%ifdef PORT
.l:	in al, 64h		; the controller's status, in a loop
	test al, 1
	jz .l
	in al, 60h
%endif
%ifdef RETRACE
	mov cx, 35		; 35 frames at 70 Hz: half a second
	mov dx, 3DAh
.f:
.a:	in al, dx		; wait for the end of a retrace
	test al, 8
	jnz .a
.b:	in al, dx		; and the start of the next
	test al, 8
	jz .b
	loop .f
%endif
%ifdef HALT
	mov cx, 9		; nine timer ticks: half a second
.h:	hlt
	loop .h
%endif
	mov ax, 4C00h
	int 21h
