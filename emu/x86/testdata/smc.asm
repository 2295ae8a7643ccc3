; smc.asm: self-modifying code. Loaded at 1000:0000 with DS = CS; ends on
; HLT. Results go to res (8 words) for the test to check:
;   res+0  0x42  an immediate patched a few instructions ahead, same block
;   res+2  0x0201  a cached block executed, patched, executed again
;   res+4  0x77  code copied over the following instructions by REP MOVSB
;   res+6  0x1234  a store into data right beside the code, which must not
;          disturb it (the code keeps running as decoded)
;   res+8  0x5A  a patched jump target taken on the second pass
bits 16
cpu 8086
start:
        mov     ax, cs
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     sp, 0xFFF0
        cld

; 1. patch the immediate of an instruction later in this block
        mov     byte [p1+1], 0x42
        nop
        nop
        nop
        nop
        nop
        nop
        nop
        nop
p1:     mov     al, 0x00
        mov     [res+0], al

; 2. run a block, patch it, run it again
        xor     bx, bx
        mov     cx, 2
again:  call    sub2
        mov     bh, bl
        mov     bl, al
        mov     byte [s2+1], 2
        loop    again
        xchg    bl, bh
        mov     [res+2], bx

; 3. REP MOVSB copies new code over what follows it
        mov     si, newcode
        mov     di, p3
        mov     cx, newcode_end - newcode
        rep     movsb
p3:     mov     al, 0x11                ; replaced by: mov al, 0x77
        nop
        mov     [res+4], al

; 4. data beside the code
        mov     word [dat], 0x1234
        mov     ax, [dat]
        mov     [res+6], ax

; 5. patch a jump's target, second pass takes it
        mov     cx, 2
        xor     dl, dl
j5:     jmp     short t5a
t5a:    mov     byte [j5+1], t5b - (j5 + 2)
        loop    j5
        jmp     short done5
t5b:    mov     dl, 0x5A
done5:  mov     [res+8], dl
        hlt

sub2:   nop
s2:     mov     al, 1
        ret

newcode:
        mov     al, 0x77
newcode_end:

dat:    dw      0
        align   16
res:    times 16 db 0xEE
