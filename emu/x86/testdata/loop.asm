; loop.asm: the interpreter benchmark. A tight real-mode loop that mixes
; ALU work, memory loads and stores and branches: 11 instructions per inner
; iteration, about 200 million guest instructions in all. Loaded at
; 1000:0000, it ends on HLT with a checksum in AX that a test recomputes
; independently.
;
; DATA selects where the data lives: 1 = 4 KiB past the code, a page of
; its own; 0 = right beside the code in the same 4 KiB page (where a
; page-granular code cache would invalidate on every store).

bits 16
cpu 8086
%ifndef DATA
%define DATA 1
%endif
%ifndef OUTER
%define OUTER 1820
%endif
%define INNER 10000
%if DATA
%define BUF 0
%else
%define BUF buf
%endif

start:
        mov     ax, cs
        mov     ss, ax
        mov     sp, 0xFFFE
%if DATA
        add     ax, 0x100               ; DS:0 is CS:1000
%endif
        mov     ds, ax
        xor     bp, bp                  ; checksum
        mov     cx, OUTER
outer:
        xor     si, si                  ; loads walk a 256-byte ring...
        mov     di, 0x80                ; ...and stores walk it half a turn ahead
        mov     bx, cx
        mov     dx, INNER
inner:
        mov     ax, [si+BUF]            ; load
        add     ax, bx
        xor     ax, dx
        mov     [di+BUF], ax            ; store
        add     si, 2
        add     di, 2
        and     si, 0xFF
        and     di, 0xFF
        inc     bx
        dec     dx
        jnz     inner
        add     bp, ax
        loop    outer
        mov     ax, bp
        hlt

        align   16
%if DATA
        times 0x1000 - ($ - $$) db 0
%endif
buf:    times 258 db 0
