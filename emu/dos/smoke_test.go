package dos

import "testing"

func TestHello(t *testing.T) {
	r := newRig(t, map[string][]byte{"HELLO.COM": assemble(t, "hello")})
	code := r.mustRun("HELLO.COM")
	if code != 5 {
		t.Errorf("exit code %d, want 5", code)
	}
	if got := r.out.String(); got != "Hello, DOS!\r\n" {
		t.Errorf("console %q", got)
	}
	if got := r.m.Screen().Dump(); got != "Hello, DOS!\n" {
		t.Errorf("screen %q", got)
	}
}
