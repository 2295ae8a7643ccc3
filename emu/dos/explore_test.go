package dos

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nachoos/nacho/emu/x86"
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
	r.cfg.IO.Terminal = os.Getenv("DOS_TERM") != ""
	if os.Getenv("DOS_CPUTRACE") != "" {
		var ring [200]string
		n := 0
		r.onMachine = func(m *Machine) {
			m.cpu.Trace = func(c *x86.CPU) {
				ring[n%len(ring)] = fmt.Sprintf("%04X:%04X %s AX=%04X BX=%04X SP=%04X", c.Seg(x86.CS), c.IP(), c.DisasmAt(), c.Reg16(x86.AX), c.Reg16(x86.BX), c.Reg16(x86.SP))
				n++
			}
		}
		defer func() {
			for i := 0; i < len(ring); i++ {
				fmt.Println(ring[(n+i)%len(ring)])
			}
		}()
	}
	if d := os.Getenv("DOS_DUMPMEM"); d != "" {
		defer func() { os.WriteFile(d, r.m.mem.RAM, 0o644) }()
	}
	if os.Getenv("DOS_SNAP") != "" {
		w := newFakeWindow()
		last := ""
		w.onFrame = func(s *Screen) {
			if d := s.Dump(); d != last {
				last = d
				fmt.Printf("--- frame\n%s", d)
			}
		}
		r.cfg.IO.Window = w
	}
	if ws := os.Getenv("DOS_WINDOW"); ws != "" {
		w := newFakeWindow()
		r.cfg.IO.Window = w
		r.cfg.IO.Keyboard = nil
		go func() {
			time.Sleep(time.Second)
			for _, step := range strings.Split(ws, "|") {
				w.send(step)
				time.Sleep(time.Second)
				sc := w.screen()
				fmt.Printf("--- after %q\n%s", step, sc.Dump())
			}
		}()
	}
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
