package singlestep

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nachoos/nacho/emu/x86"
)

// testdata finds the shared test data: NACHO_TESTDATA, or ../shared/testdata
// beside the project root.
func testdata(t testing.TB, sub string) string {
	t.Helper()
	dir := os.Getenv("NACHO_TESTDATA")
	if dir == "" {
		wd, _ := os.Getwd()
		for d := wd; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				dir = filepath.Join(filepath.Dir(d), "shared", "testdata")
				break
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	p := filepath.Join(dir, sub)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("SingleStepTests sample not found at %s (set NACHO_TESTDATA): %v", p, err)
	}
	return p
}

func runSample(t *testing.T, m x86.Model, sub string, uncached bool) {
	sum, fails, err := RunPaths([]string{testdata(t, sub)}, Options{Model: m, Uncached: uncached})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range fails {
		if i == 200 {
			t.Errorf("... and %d more", len(fails)-i)
			break
		}
		t.Error(f)
	}
	t.Log(sum)
	if sum.Passed == 0 {
		t.Fatal("no test ran")
	}
}

func TestSample8086(t *testing.T)  { runSample(t, x86.I8086, "singlestep-8086/v1", false) }
func TestSample80286(t *testing.T) { runSample(t, x86.I80286, "singlestep-80286/v1_real_mode", false) }

// The same suites with every instruction decoded afresh: the cached and
// uncached paths must agree.
func TestSample8086Uncached(t *testing.T) { runSample(t, x86.I8086, "singlestep-8086/v1", true) }
func TestSample80286Uncached(t *testing.T) {
	runSample(t, x86.I80286, "singlestep-80286/v1_real_mode", true)
}
