; models.asm: behaviour that differs between the 8086, 80186, 80286 and
; 80386. Loaded at 1000:0000; results at the end of the image.
bits 16
cpu 8086
start:
        mov     ax, cs
        mov     ds, ax
        mov     ss, ax
        mov     sp, 0xFFF0
        xor     ax, ax
        mov     es, ax
        mov     word [es:0*4], de
        mov     [es:0*4+2], cs
        mov     word [es:6*4], ud
        mov     [es:6*4+2], cs

        push    sp                      ; 8086/186: SP after the push; 286+: before
        pop     ax
        sub     ax, sp
        mov     [pushsp], ax

        mov     cl, 33                  ; 8086: 33 shifts; 186+: count masked to 1
        mov     al, 1
        shl     al, cl
        mov     [shift], al

        xor     bl, bl
        mov     ax, 1
divz:   div     bl                      ; #DE: what return address?
        mov     ax, 0xFF00              ; -256 / 2 = -128: the 8086 cannot
        mov     bl, 2
idv:    idiv    bl
        mov     [idivq], al

        mov     ax, 0x00FF              ; AAA: AH+1 (8086) or AX+0x106 (286+)
        clc
        aaa
        mov     [aaa_], ax

        db      0x8F, 0xC8              ; POP with reg=1: POP AX on the 8086, #UD from the 186
        mov     [udd], al

        pushf                           ; the top four FLAGS bits
        pop     ax
        and     ax, 0xF000
        mov     [flagtop], ax

        mov     ax, 0xFFFF              ; FFFF:0010 is 100000: wraps on the 8086
        mov     es, ax
        mov     byte [es:0x10], 0x5A
        hlt

de:     push    bp                      ; record the return IP; skip a DIV/IDIV
        mov     bp, sp
        mov     ax, [bp+2]
        mov     [deip], ax
        inc     byte [decount]
        cmp     ax, divz
        je      .skip
        cmp     ax, idv
        jne     .out
.skip:  add     word [bp+2], 2
.out:   pop     bp
        mov     al, 0xDE
        iret
ud:     push    bp
        mov     bp, sp
        add     word [bp+2], 2          ; skip the two-byte opcode
        pop     bp
        mov     al, 0x66
        iret

        align   16
pushsp: dw      0
shift:  db      0
idivq:  db      0
deip:   dw      0
decount: db     0
udd:    db      0
aaa_:   dw      0
flagtop: dw     0
        times 16 - ($ - pushsp) db 0
