; disasm.asm: one instruction per line, written the way Disasm renders
; them. The test assembles this file, decodes it instruction by
; instruction as an 80386 in a 16-bit code segment, and compares each
; rendering with its source line. Lines must not be changed by hand to
; match Disasm; Disasm must match them.
bits 16
cpu 386
org 0x100
add byte [bx+si],al
add word [bx+di+0x12],cx
add dx,word [bp-0x4]
or al,0x12
sub ax,0x1234
cmp word [0x1234],0x5
adc word [si],-0x2
push es
pop ds
push bp
pop bx
je 0x100
jl 0x150
mov al,byte [es:di]
mov word [ss:bp+0x2],sp
mov word [cs:0x10],ds
lea si,[bx+0x10]
xchg cx,ax
xchg byte [bx],dl
nop
cbw
cwd
call 0x3000:0x1234
jmp 0xf000:0xfff0
pushf
popf
sahf
lahf
mov al,[0x1234]
mov [es:0x10],ax
movsb
rep movsw
repe cmpsb
repne scasw
lodsb
stosw
test al,0x1
test word [bx],0x8000
les bx,[si]
lds di,[bp+0x4]
mov byte [bx],0x7
mov cx,0x1234
ret 0x4
ret
retf
int 0x21
int3
into
iret
rol al,1
shl word [bx],cl
sar dx,1
rcr byte [di],0x3
aam 0xa
aad 0xa
xlatb
loop 0x100
jcxz 0x170
in al,0x60
out dx,al
in ax,dx
out 0x80,ax
hlt
cmc
not byte [bx]
neg ax
mul cl
imul word [si]
div bl
idiv cx
clc
stc
cli
sti
cld
std
inc byte [bx]
dec word [di]
call word [bx]
call far [bx+0x4]
jmp ax
jmp far [di]
push word [bp+0x2]
pop word [bx]
push 0x1234
push -0x1
imul ax,word [bx],0x5
imul cx,dx,0x1234
shl ax,0x4
enter 0x10,0x0
leave
pusha
popa
bound ax,[bx]
insb
outsw
daa
das
aaa
aas
salc
mov eax,dword [ebx+ecx*4+0x10]
mov dword [esp],eax
mov ax,word [ebp-0x8]
movzx eax,byte [si]
movsx cx,al
movzx ecx,word [bx]
bt eax,ecx
bts word [bx],0x3
btr dword [si],edx
btc ax,0xf
bsf eax,ecx
bsr cx,word [bx]
sete al
setg byte [bx]
shld eax,ebx,0x4
shrd ax,dx,cl
imul eax,ecx
lss sp,[bx]
lfs si,[bp]
push fs
pop gs
je 0x2000
mov eax,cr0
mov cr0,eax
mov dr7,eax
cwde
cdq
pushad
popad
xor eax,0x12345678
add esp,0x10
lgdt [bx]
sidt [0x40]
smsw ax
lmsw word [bx]
clts
