package hostcpu

import "testing"

func TestExec(t *testing.T) {
	if !Supported {
		t.Skip(ErrUnsupported)
	}
	st := State{Regs: [8]uint32{0xFFFFFFFF, 1, 2, 3, 0, 5, 6, 7}}
	if err := Exec([]byte{0x01, 0xC8}, &st); err != nil { // add eax, ecx
		t.Fatal(err)
	}
	if st.Regs[0] != 0 || st.Flags&0x41 != 0x41 {
		t.Errorf("add eax,ecx: eax=%#x flags=%#x, want 0 with CF and ZF", st.Regs[0], st.Flags)
	}
	if st.Regs[7] != 7 || st.Regs[5] != 5 {
		t.Error("other registers changed")
	}
}
