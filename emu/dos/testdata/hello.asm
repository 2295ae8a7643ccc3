; hello: INT 21h AH=09h to standard output, exit code 5.
	org 100h
	mov ah, 09h
	mov dx, msg
	int 21h
	mov ax, 4C05h
	int 21h
msg	db "Hello, DOS!", 13, 10, "$"
