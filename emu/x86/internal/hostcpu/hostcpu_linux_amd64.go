//go:build linux && amd64

package hostcpu

import (
	"fmt"
	"sync"
	"syscall"
	"unsafe"
)

// Supported says whether Exec works here.
const Supported = true

// callStub calls the code at fn with DI = st (call_amd64.s).
func callStub(fn uintptr, st *State)

var (
	mu   sync.Mutex
	page []byte
)

// The stub around the instruction: save the callee-saved registers, load
// the state (R15 points at it), load the flags, run the instruction, and
// store everything back.
var (
	prologue = []byte{
		0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57, // push rbx rbp r12 r13 r14 r15
		0x49, 0x89, 0xFF, // mov r15, rdi
		0x41, 0x8B, 0x47, 0, // mov eax, [r15+0]
		0x41, 0x8B, 0x4F, 4, // mov ecx, [r15+4]
		0x41, 0x8B, 0x57, 8, // mov edx, [r15+8]
		0x41, 0x8B, 0x5F, 12, // mov ebx, [r15+12]
		0x41, 0x8B, 0x6F, 20, // mov ebp, [r15+20]
		0x41, 0x8B, 0x77, 24, // mov esi, [r15+24]
		0x41, 0xFF, 0x77, 32, // push qword [r15+32]
		0x41, 0x8B, 0x7F, 28, // mov edi, [r15+28] (after the push: it does not touch flags)
		0x9D, // popfq
	}
	epilogue = []byte{
		0x9C,                 // pushfq
		0x41, 0x8F, 0x47, 32, // pop qword [r15+32]
		0x41, 0x89, 0x47, 0, // mov [r15+0], eax
		0x41, 0x89, 0x4F, 4,
		0x41, 0x89, 0x57, 8,
		0x41, 0x89, 0x5F, 12,
		0x41, 0x89, 0x6F, 20,
		0x41, 0x89, 0x77, 24,
		0x41, 0x89, 0x7F, 28,
		0xFC,                                                       // cld
		0x41, 0x5F, 0x41, 0x5E, 0x41, 0x5D, 0x41, 0x5C, 0x5D, 0x5B, // pop r15 r14 r13 r12 rbp rbx
		0xC3, // ret
	}
)

// Exec runs code (one or a few register-only instructions, 64-bit mode
// encodings) on st.
func Exec(code []byte, st *State) error {
	mu.Lock()
	defer mu.Unlock()
	if page == nil {
		p, err := syscall.Mmap(-1, 0, 4096, syscall.PROT_READ|syscall.PROT_WRITE|syscall.PROT_EXEC, syscall.MAP_PRIVATE|syscall.MAP_ANON)
		if err != nil {
			return fmt.Errorf("hostcpu: mmap: %w", err)
		}
		page = p
	}
	n := copy(page, prologue)
	if n+len(code)+len(epilogue) > len(page) {
		return fmt.Errorf("hostcpu: code too long")
	}
	n += copy(page[n:], code)
	copy(page[n:], epilogue)
	st.Flags = st.Flags&0x8D5 | 2
	callStub(uintptr(unsafe.Pointer(&page[0])), st)
	return nil
}
