; ega: mode 12h (640x480, 16 colours in four planes) through the
; graphics controller: write modes 0 (set/reset, bit mask), 1 (latches)
; and 2, the map mask, read mode 1 (colour compare), INT 10h pixels and
; text drawn with the 8x16 font. Then mode X: 13h with chain-4 off.
	org 100h
	mov ax, 0012h
	int 10h
	push 0A000h
	pop es
	mov dx, 3CEh
	mov ax, 0205h		; write mode 2
	out dx, ax
	mov ax, 0F008h		; bit mask: the left four pixels
	out dx, ax
	mov al, [es:0]		; latches
	mov byte [es:0], 9	; pixels 0-3 = colour 9
	mov ax, 0005h		; write mode 0
	out dx, ax
	mov ax, 0F01h		; set/reset on all planes
	out dx, ax
	mov ax, 0C00h		; set/reset colour 12
	out dx, ax
	mov ax, 0F08h		; bit mask: the right four pixels
	out dx, ax
	mov al, [es:0]
	mov byte [es:0], 0FFh	; pixels 4-7 = colour 12
	mov ax, 0001h		; set/reset off, all bits
	out dx, ax
	mov ax, 0FF08h
	out dx, ax
	mov dx, 3C4h		; map mask: planes 0 and 2 (colour 5)
	mov ax, 0502h
	out dx, ax
	mov byte [es:80], 0FFh	; row 1, pixels 0-7
	mov ax, 0F02h
	out dx, ax
	mov dx, 3CEh		; write mode 1 copies the latches
	mov al, [es:0]
	mov ax, 0105h
	out dx, ax
	mov byte [es:81], 0	; row 1, pixels 8-15 = row 0, pixels 0-7
	mov ax, 0805h		; read mode 1: where is colour 9?
	out dx, ax
	mov ax, 0902h
	out dx, ax
	mov al, [es:0]
	cmp al, 0F0h
	jne .bad
	mov ax, 0005h
	out dx, ax
	mov ax, 0C0Eh		; INT 10h: pixel (100,100) colour 14
	xor bh, bh
	mov cx, 100
	mov dx, 100
	int 10h
	mov ah, 0Dh
	int 10h
	cmp al, 14
	jne .bad
	mov ah, 02h		; 'A' in colour 15 at row 0, column 2
	xor bh, bh
	mov dx, 0002h
	int 10h
	mov ax, 0E41h
	mov bl, 15
	int 10h
%ifdef MODEX
	mov ax, 0013h
	int 10h
	mov dx, 3C4h
	mov ax, 0604h		; chain-4 off: mode X
	out dx, ax
	mov ax, 0202h		; plane 1 only
	out dx, ax
	push 0A000h
	pop es
	mov byte [es:0], 33	; pixel (1,0)
	mov byte [es:80], 44	; pixel (1,1): a row is 80 bytes a plane
%endif
	mov ax, 4C00h
	int 21h
.bad:	mov ax, 4C01h
	int 21h
