; cga: mode 4, 320x200 in four colours, two banks of interleaved lines.
	org 100h
	mov ax, 0004h
	int 10h
	mov ah, 0Bh		; palette 1 (cyan, magenta, white)
	mov bx, 0101h
	int 10h
	mov ah, 0Bh		; background blue
	mov bx, 0001h
	int 10h
	mov ax, 0C01h		; (0,0)=1 (1,0)=2 (2,0)=3
	xor bh, bh
	xor cx, cx
	xor dx, dx
	int 10h
	mov ax, 0C02h
	inc cx
	int 10h
	mov ax, 0C03h
	inc cx
	int 10h
	mov ax, 0B800h		; line 1 is in the odd bank: pixels 0-3 = 3,2,1,0
	mov es, ax
	mov byte [es:2000h], 0E4h
	mov ax, 0C03h		; XOR colour 3 onto (2,0): becomes 0
	or al, 80h
	mov cx, 2
	xor dx, dx
	int 10h
	mov ah, 0Dh		; read (1,0) back: 2
	mov cx, 1
	int 10h
	cmp al, 2
	jne .bad
	mov ax, 4C00h
	int 21h
.bad:	mov ax, 4C01h
	int 21h
