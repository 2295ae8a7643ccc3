; tsr: installs INT 61h (returns BEEFh) and stays resident.
	org 100h
	jmp start
handler:
	mov ax, 0BEEFh
	iret
start:
	mov ax, 2561h
	mov dx, handler
	int 21h
	mov ax, 3107h
	mov dx, (start - $$ + 100h + 15) / 16
	int 21h
