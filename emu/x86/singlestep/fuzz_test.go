package singlestep

import (
	"bytes"
	"testing"
)

// The readers take files from anywhere: bad input is an error, never a
// panic or a runaway allocation.

func FuzzReadMOO(f *testing.F) {
	f.Add(mooFile("C286", mooTestChunk(0, "nop", []byte{0x90},
		mkChunk("REGS", u16(0)), mkChunk("REGS", u16(0)))))
	f.Add([]byte("MOO \x04\x00\x00\x00\x01\x00\x00\x00"))
	f.Add(mooFile("386E", mkChunk("RM32", u32(1<<17), u32(0xFFEF))))
	f.Fuzz(func(t *testing.T, b []byte) {
		tests, err := ReadMOO(bytes.NewReader(b))
		if err != nil {
			return
		}
		r := NewRunner(3)
		for i := range tests {
			if i == 4 {
				break
			}
			r.Run("00", &tests[i]) // must not panic on odd but well-formed tests
		}
	})
}

func FuzzReadJSON(f *testing.F) {
	f.Add([]byte(`[{"name":"nop","bytes":[144],"initial":{"regs":{"ax":1,"bx":0,"cx":0,"dx":0,"cs":0,"ss":0,"ds":0,"es":0,"sp":0,"bp":0,"si":0,"di":0,"ip":0,"flags":2},"ram":[[0,144]]},"final":{"regs":{"ip":1},"ram":[]},"hash":"00"}]`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`[{"initial":{"regs":{"zz":1}}}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		tests, err := ReadJSON(bytes.NewReader(b))
		if err != nil {
			return
		}
		r := NewRunner(0)
		for i := range tests {
			if i == 4 {
				break
			}
			r.Run("90", &tests[i])
		}
	})
}
