package kernel

import (
	"slices"
	"sort"
	"strings"
	"sync"
)

// Program is a command that can run as a process: a utility, the shell, an
// emulator front end. Programs register themselves from init functions.
type Program struct {
	Name    string
	Summary string // one line for help
	Main    Main
}

// Runner runs a guest program file (a DOS .COM/.EXE, an ELF binary, ...).
// `run FILE` and executing a file by path pick the first runner whose Match
// accepts the file's name and first bytes.
type Runner struct {
	Name  string                              // "dos", "linux-i386", ...
	Match func(name string, head []byte) bool // head holds up to HeadSize bytes
	// Main runs the program; p.Args()[0] is the runner name, Args()[1] the
	// absolute path of the file and the rest its arguments.
	Main Main
	// Heavy marks guests that keep a CPU busy (emulators): where the
	// kernel can (Config.RunHeavy), they run apart from it, in the page
	// in a Web Worker of their own.
	Heavy bool
}

// HeadSize is how many leading bytes of a file Runner.Match sees.
const HeadSize = 512

var registry struct {
	sync.Mutex
	programs map[string]Program
	runners  []Runner
}

// RegisterProgram adds a program. It panics on a duplicate name.
func RegisterProgram(p Program) {
	registry.Lock()
	defer registry.Unlock()
	if registry.programs == nil {
		registry.programs = map[string]Program{}
	}
	if _, dup := registry.programs[p.Name]; dup {
		panic("kernel: program registered twice: " + p.Name)
	}
	registry.programs[p.Name] = p
}

// LookupProgram finds a program by name.
func LookupProgram(name string) (Program, bool) {
	registry.Lock()
	defer registry.Unlock()
	p, ok := registry.programs[name]
	return p, ok
}

// Programs lists the registered programs by name.
func Programs() []Program {
	registry.Lock()
	defer registry.Unlock()
	out := make([]Program, 0, len(registry.programs))
	for _, p := range registry.programs {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// RegisterRunner adds a runner for guest program files.
func RegisterRunner(r Runner) {
	registry.Lock()
	defer registry.Unlock()
	registry.runners = append(registry.runners, r)
}

// FindRunner returns the first runner that accepts the file.
func FindRunner(name string, head []byte) (Runner, bool) {
	registry.Lock()
	runners := slices.Clone(registry.runners)
	registry.Unlock()
	for _, r := range runners {
		if r.Match(name, head) {
			return r, true
		}
	}
	return Runner{}, false
}

// Runners lists the registered runner names.
func Runners() []string {
	registry.Lock()
	defer registry.Unlock()
	var names []string
	for _, r := range registry.runners {
		names = append(names, r.Name)
	}
	return names
}

// HasSuffixFold reports whether name ends with one of the suffixes,
// ignoring case; a helper for Runner.Match.
func HasSuffixFold(name string, suffixes ...string) bool {
	l := strings.ToLower(name)
	for _, s := range suffixes {
		if strings.HasSuffix(l, strings.ToLower(s)) {
			return true
		}
	}
	return false
}

// LookupRunner finds a runner by name.
func LookupRunner(name string) (Runner, bool) {
	registry.Lock()
	defer registry.Unlock()
	for _, r := range registry.runners {
		if r.Name == name {
			return r, true
		}
	}
	return Runner{}, false
}
