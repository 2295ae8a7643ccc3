; irq.asm: external interrupts, NMI and the trap flag. Loaded at 1000:0000;
; the program installs its own handlers. The test drives INTR and NMI and
; reads the counters at the end of the image.
bits 16
cpu 8086
start:
        cli
        mov     ax, cs
        mov     ds, ax
        mov     ss, ax
        mov     sp, 0xFFF0
        xor     ax, ax
        mov     es, ax
        mov     word [es:0x20*4], irq
        mov     [es:0x20*4+2], cs
        mov     word [es:2*4], nmi
        mov     [es:2*4+2], cs
        mov     word [es:1*4], trap
        mov     [es:1*4+2], cs
        hlt                             ; 1: halted with IF=0: INTR must not wake it
        mov     ax, 0x1111
        sti
        mov     ax, 0x2222              ; 2: INTR is pending here; it comes after this
        hlt                             ; 3: halted with IF=1
        cli
        ; 4: trap flag: single-step the next five instructions
        pushf
        pop     ax
        or      ax, 0x100
        push    ax
        popf                            ; TF set: the trap comes after the next one
        nop
        nop
        nop
        nop
        pushf
        pop     ax
        and     ax, 0xFEFF
        push    ax
        popf                            ; trapped too (TF was set when it began)
        nop
        hlt

irq:    inc     word [count]
        mov     [seenax], ax            ; AX when the interrupt came
        iret
nmi:    inc     word [nmis]
        hlt                             ; the test raises a second NMI here
        iret
trap:   inc     word [steps]
        iret

        align   16
count:  dw      0
seenax: dw      0
nmis:   dw      0
steps:  dw      0
