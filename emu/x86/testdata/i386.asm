; i386.asm: the 386 in real mode with 32-bit operands and addresses.
; Loaded at 1000:0000 with everything in one 64 KiB segment; ends on HLT.
; Results (dwords, in order) at res for the test to compare with values
; it computes itself:
;   0  sum of arr[i] for i in 0..15, arr[i] = i*i*0x01010101 (stored through
;      [ebx+ecx*4], read back through [esi+ecx*4+0] with every scale)
;   1  arr[3] read through [ebx+eax*8-0x10] with eax = 2 (== arr[3]... see below)
;   2  movzx of byte arr+1, movsx of word arr+6, added
;   3  bits found by bt/bts/btr with memory operands and negative offsets
;   4  a checksum of pushad/popad round trip (must be 0)
;   5  rep movsd copy of arr to copy, summed
;   6  enter/leave frame depth check (ebp after leave == ebp before)
;   7  near jcc taken count
bits 16
cpu 386
start:
        mov     ax, cs
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     esp, 0xFFF0
        cld

        ; 0: fill arr[i] = i*i*0x01010101 through [ebx+ecx*4]
        mov     ebx, arr
        xor     ecx, ecx
fill:   mov     eax, ecx
        imul    eax, ecx
        imul    eax, eax, 0x01010101
        mov     [ebx+ecx*4], eax
        inc     ecx
        cmp     ecx, 16
        jb      fill
        ; sum through the four scales
        xor     edx, edx
        xor     ecx, ecx
        mov     esi, arr
sum:    mov     eax, [esi+ecx*4]
        add     edx, eax
        inc     ecx
        cmp     ecx, 16
        jne     sum
        mov     [res+0], edx

        ; 1: scales 1, 2, 8 and a disp32 without a base
        mov     eax, 12
        mov     edi, [esi+eax*1]        ; arr[3]
        mov     eax, 6
        add     edi, [esi+eax*2]        ; arr[3]
        mov     eax, 2
        add     edi, [esi+eax*8-4]      ; arr[3]
        mov     eax, 3
        add     edi, [eax*4+arr]        ; arr[3], no base
        mov     [res+4], edi

        ; 2: movzx/movsx from memory
        movzx   eax, byte [arr+5]       ; byte 1 of arr[1] = 0x01
        movsx   edx, word [arr+16*0+4*15+2] ; high word of arr[15] = 0xE1E1 -> sign-extended
        add     eax, edx
        mov     [res+8], eax

        ; 3: bit strings in memory; offsets relative to bitstr, some negative
        xor     edx, edx
        mov     ebx, bitstr
        mov     ecx, 35
        bts     dword [ebx+8], ecx      ; sets bit 3 of bits+12
        mov     ecx, -61
        bts     dword [ebx+8], ecx      ; -61 = -64+3: bit 3 of bits+0
        mov     ecx, 67
        bt      dword [bitstr], ecx       ; bit 3 of bits+8: clear
        adc     edx, 0
        mov     ecx, 99
        bt      dword [bitstr], ecx       ; bit 3 of bits+12: set by the first bts
        adc     edx, 0
        shl     edx, 8
        mov     eax, [bitstr]
        or      edx, eax                ; 8
        mov     eax, [bitstr+12]
        shl     eax, 16
        or      edx, eax                ; 8 << 16
        mov     [res+12], edx

        ; 4: pushad/popad keep every register
        mov     eax, 0x11111111
        mov     ebx, 0x22222222
        mov     ecx, 0x33333333
        mov     edx, 0x44444444
        mov     ebp, 0x55555555
        mov     esi, 0x66666666
        mov     edi, 0x77777777
        pushad
        xor     eax, eax
        xor     ebx, ebx
        xor     ecx, ecx
        xor     edx, edx
        xor     ebp, ebp
        xor     esi, esi
        xor     edi, edi
        popad
        sub     eax, 0x11111111
        sub     ebx, 0x22222222
        or      eax, ebx
        sub     ecx, 0x33333333
        or      eax, ecx
        sub     edx, 0x44444444
        or      eax, edx
        sub     ebp, 0x55555555
        or      eax, ebp
        sub     esi, 0x66666666
        or      eax, esi
        sub     edi, 0x77777777
        or      eax, edi
        mov     [res+16], eax

        ; 5: rep movsd with ECX, then sum the copy with lodsd and a 32-bit loop
        mov     esi, arr
        mov     edi, copy
        mov     ecx, 16
        a32 rep movsd
        mov     esi, copy
        mov     ecx, 16
        xor     edx, edx
sum2:   a32 lodsd
        add     edx, eax
        a32 loop sum2
        mov     [res+20], edx

        ; 6: enter/leave with 32-bit operands, nesting 2
        mov     ebp, 0xFF00
        mov     ebx, ebp
        o32 enter 16, 2
        o32 leave
        sub     ebp, ebx
        mov     [res+24], ebp

        ; 7: near conditional jumps (rel16) over a long gap
        xor     eax, eax
        mov     ecx, 5
jloop:  inc     eax
        dec     ecx
        jnz     near jtarget
        jmp     near jdone
        times 300 nop
jtarget:
        jmp     near jloop
jdone:  mov     [res+28], eax
        hlt

        align   16
bitstr: times 16 db 0
arr:    times 16 dd 0
copy:   times 16 dd 0
res:    times 8 dd 0xEEEEEEEE
