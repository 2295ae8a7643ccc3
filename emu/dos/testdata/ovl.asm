; ovl: an overlay image, called far at its offset 0.
	org 0
	mov ax, 1234h
	retf
