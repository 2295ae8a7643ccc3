; bare.asm: a program for `nacho run --bare`: it prints a message through
; port E9 (the Bochs debug port), fills 2000:0000 with 16 bytes of A5 and
; halts. Loaded at 1000:0000.
bits 16
cpu 8086
start:
        mov     ax, cs
        mov     ds, ax
        mov     si, msg
.next:  lodsb
        or      al, al
        jz      .done
        out     0xE9, al
        jmp     .next
.done:  mov     ax, 0x2000
        mov     es, ax
        xor     di, di
        mov     cx, 16
        mov     al, 0xA5
        cld
        rep     stosb
        hlt
msg:    db      "hello, bare", 10, 0
