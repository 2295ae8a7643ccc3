; hooks.asm: software interrupts and ports as a personality sees them.
; Loaded at 1000:0000; the test's hooks decide what each access does.
bits 16
cpu 8086
start:
        mov     ax, cs
        mov     ds, ax
        mov     ss, ax
        mov     sp, 0xFFF0
        xor     ax, ax
        mov     es, ax
        mov     word [es:0x21*4], h21
        mov     [es:0x21*4+2], cs
        mov     ah, 0x09
        int     0x21                    ; hook: Exit; the test puts 0xBEEF in AX
        mov     [r1], ax
        int     0x21                    ; hook: Handled (no vector table)
        int     0x21                    ; hook: Continue (through the vector table)
        mov     al, 0x55
        out     0x80, al                ; hook: Exit with the value
        in      al, 0x60                ; hook: Handled, reads 0x99
        mov     [r2], al
        in      al, 0x61                ; hook: Continue: nothing there, reads 0xFF
        mov     [r3], al
        hlt
h21:    inc     byte [viaivt]
        iret

        align   16
r1:     dw      0
r2:     db      0
r3:     db      0
viaivt: db      0
        times 16 - ($ - r1) db 0
