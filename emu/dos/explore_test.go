package dos

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestExplore runs a FreeDOS program given by DOS_EXPLORE ("PROG args"),
// for looking at what it does.
func TestExplore(t *testing.T) {
	spec := os.Getenv("DOS_EXPLORE")
	if spec == "" {
		t.Skip("DOS_EXPLORE not set")
	}
	parts := strings.Fields(spec)
	files := freedos(t, "COMMAND.COM", "SORT.COM", "FIND.COM", "MORE.EXE", "MEM.EXE", "TREE.COM", "XCOPY.EXE",
		"COMP.COM", "ATTRIB.COM", "DELTREE.COM", "MOVE.EXE", "CHOICE.EXE", "EDIT.EXE", "EDIT.HLP", "FDL.TXT")
	files["A.TXT"] = []byte("banana\r\napple\r\ncherry\r\n")
	files["SUB/B.TXT"] = []byte("bee\r\n")
	r := newRig(t, files)
	if os.Getenv("DOS_TRACE") != "" {
		r.cfg.Trace = func(s string) { fmt.Println(s) }
	}
	r.keys(os.Getenv("DOS_KEYS"))
	code, err := r.run(parts[0], parts[1:]...)
	fmt.Printf("exit %d err %v\nlogs %q\n--- console\n%s\n--- screen\n%s--- mcb\n%s", code, err, r.logs, r.out.String(), r.m.Screen().Dump(), r.m.dumpMCB())
}

func (m *Machine) dumpMCB() string {
	var b strings.Builder
	m.walk(false, func(c mcb) bool {
		fmt.Fprintf(&b, "%04X %c owner=%04X size=%04X name=%q\n", c.seg, c.sig, c.owner, c.size, m.read(c.seg, 8, 8))
		return true
	})
	return b.String()
}
