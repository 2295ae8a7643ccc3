; mode13: 320x200x256, the DAC through ports 3C7h-3C9h and INT 10h, pixels
; through A000h and INT 10h, and teletype text drawn in the framebuffer.
	org 100h
	mov ax, 0013h
	int 10h
	; DAC entry 1: red, through the ports.
	mov dx, 3C8h
	mov al, 1
	out dx, al
	inc dx
	mov al, 63
	out dx, al
	xor al, al
	out dx, al
	out dx, al
	; Entry 2: a green of 40 through INT 10h AX=1010h.
	mov ax, 1010h
	mov bx, 2
	mov dh, 0
	mov ch, 40
	mov cl, 0
	int 10h
	; Row 100 in colour 1, a 10x10 square of colour 2 at (50,50).
	mov ax, 0A000h
	mov es, ax
	mov di, 100 * 320
	mov cx, 320
	mov al, 1
	rep stosb
	mov di, 50 * 320 + 50
	mov bx, 10
.sq:	mov cx, 10
	mov al, 2
	rep stosb
	add di, 310
	dec bx
	jnz .sq
	; A pixel through INT 10h AH=0Ch, read back with 0Dh.
	mov ax, 0C2Ah		; colour 2Ah
	xor bh, bh
	mov cx, 300
	mov dx, 199
	int 10h
	mov ah, 0Dh
	int 10h
	cmp al, 2Ah
	jne .bad
	; Read DAC entry 1 back through 3C7h/3C9h.
	mov dx, 3C7h
	mov al, 1
	out dx, al
	mov dx, 3C9h
	in al, dx
	cmp al, 63
	jne .bad
	; Teletype "A" at the top left in colour 15.
	mov ax, 0E41h
	mov bx, 000Fh
	int 10h
	mov ax, 4C00h
	int 21h
.bad:	mov ax, 4C01h
	int 21h
