; text: INT 10h in 80x25 colour text mode, and direct writes to B800h.
	org 100h
	mov ax, 0003h		; mode 3 (clears the screen)
	int 10h
	mov ah, 02h		; cursor to row 2, column 5
	xor bh, bh
	mov dx, 0205h
	int 10h
	mov ax, 0948h		; 'H' in yellow on blue, 3 times, cursor stays
	mov bx, 001Eh
	mov cx, 3
	int 10h
	mov ah, 02h		; row 4, column 0
	mov dx, 0400h
	int 10h
	mov si, tt		; teletype "AB", CR LF, "C"
.tt:	lodsb
	or al, al
	jz .ttdone
	mov ah, 0Eh
	xor bh, bh
	int 10h
	jmp .tt
.ttdone:
	mov ax, 0B800h		; "Direct" at row 11 in white on red
	mov es, ax
	mov di, 11 * 160
	mov si, direct
	mov ah, 4Fh
.d:	lodsb
	or al, al
	jz .ddone
	stosw
	jmp .d
.ddone:
	mov ax, 0601h		; scroll rows 10-11 up by one (Direct moves to row 10),
				; the new row 11 blank with attribute 17h
	mov bh, 17h
	mov cx, 0A00h
	mov dx, 0B4Fh
	int 10h
	mov ah, 02h		; read back row 2, column 6
	xor bh, bh
	mov dx, 0206h
	int 10h
	mov ah, 08h
	int 10h
	mov [readback], ax
	mov ah, 01h		; a block cursor
	mov cx, 000Fh
	int 10h
	mov ah, 02h		; the cursor at row 20, column 40
	mov dx, 1428h
	int 10h
	mov ax, [readback]
	cmp ax, 1E48h
	jne .bad
	mov ax, 4C00h
	int 21h
.bad:	mov ax, 4C01h
	int 21h
tt	db "AB", 13, 10, "C", 0
direct	db "Direct", 0
readback dw 0
