package coreutils

import (
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/nachoos/nacho/kernel"
)

func init() {
	prog("ps", "list processes (-f: full command lines)", ps)
	prog("kill", "send a signal to processes: kill [-s SIG | -SIG] PID...", kill)
	prog("clear", "clear the terminal screen", clear)
	prog("env", "print the environment", env)
	prog("date", "print the date and time", date)
	prog("uname", "print system information (-a all)", uname)
	prog("uptime", "how long the system has been running", uptime)
	prog("sync", "write files to durable storage; sync add|rm|status: keep folders in sync with a room", syncCmd)
	prog("df", "show storage used, per mount (-h human sizes)", df)
	prog("run", "run a guest program: run FILE [ARGS...]", run)
}

func ps(p *kernel.Process) int {
	f, ok := parseFlags(p, p.Args()[1:], "efax", "")
	if !ok {
		return 2
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%5s %5s %-2s %8s %s\n", "PID", "PPID", "S", "TIME", "CMD")
	for _, pi := range p.Kernel().Processes() {
		cmd := strings.Join(pi.Args, " ")
		if !f.set['f'] && len(cmd) > 60 {
			cmd = cmd[:57] + "..."
		}
		fmt.Fprintf(&b, "%5d %5d %-2s %8s %s\n", pi.PID, pi.PPID, pi.State, fmtDuration(pi.CPU), cmd)
	}
	io.WriteString(p.Stdout(), b.String())
	return 0
}

func fmtDuration(d time.Duration) string {
	s := int(d.Seconds())
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
}

func kill(p *kernel.Process) int {
	args := p.Args()[1:]
	sig := kernel.SIGTERM
	if len(args) > 0 && args[0] == "-l" {
		for i := 1; i <= 31; i++ {
			if s := kernel.Signal(i).String(); !strings.HasPrefix(s, "signal") {
				fmt.Fprintf(p.Stdout(), "%2d) %s\n", i, s)
			}
		}
		return 0
	}
	if len(args) > 1 && args[0] == "-s" {
		s, err := kernel.ParseSignal(args[1])
		if err != nil {
			fmt.Fprintf(p.Stderr(), "kill: %v\n", err)
			return 2
		}
		sig, args = s, args[2:]
	} else if len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 {
		s, err := kernel.ParseSignal(args[0][1:])
		if err != nil {
			fmt.Fprintf(p.Stderr(), "kill: %v\n", err)
			return 2
		}
		sig, args = s, args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(p.Stderr(), "usage: kill [-s SIGNAL | -SIGNAL] PID...")
		return 2
	}
	st := 0
	for _, a := range args {
		pid, err := strconv.Atoi(a)
		if err != nil {
			fmt.Fprintf(p.Stderr(), "kill: %s: arguments must be process ids\n", a)
			st = 1
			continue
		}
		if err := p.Kernel().Kill(pid, sig); err != nil {
			fmt.Fprintf(p.Stderr(), "kill: %v\n", err)
			st = 1
		}
	}
	return st
}

func clear(p *kernel.Process) int {
	io.WriteString(p.Stdout(), "\033[H\033[2J\033[3J")
	return 0
}

func env(p *kernel.Process) int {
	io.WriteString(p.Stdout(), strings.Join(p.EnvList(), "\n")+"\n")
	return 0
}

func date(p *kernel.Process) int {
	now := p.Kernel().Now()
	if len(p.Args()) > 1 && p.Args()[1] == "-u" {
		now = now.UTC()
	}
	fmt.Fprintln(p.Stdout(), now.Format("Mon Jan _2 15:04:05 MST 2006"))
	return 0
}

func uname(p *kernel.Process) int {
	f, ok := parseFlags(p, p.Args()[1:], "asnrm", "")
	if !ok {
		return 2
	}
	parts := []string{"Nacho"}
	if f.set['a'] || f.set['n'] {
		parts = append(parts, p.Kernel().Hostname())
	}
	if f.set['a'] || f.set['r'] {
		parts = append(parts, Version)
	}
	if f.set['a'] || f.set['m'] {
		parts = append(parts, runtime.GOARCH)
	}
	if f.set['n'] && !f.set['a'] && !f.set['s'] {
		parts = parts[1:]
	}
	fmt.Fprintln(p.Stdout(), strings.Join(parts, " "))
	return 0
}

// Version is the kernel's version, set by the build.
var Version = "dev"

func uptime(p *kernel.Process) int {
	up := p.Kernel().Uptime().Round(time.Second)
	fmt.Fprintf(p.Stdout(), "up %s, %d processes\n", up, len(p.Kernel().Processes()))
	return 0
}

func syncCmd(p *kernel.Process) int {
	if len(p.Args()) > 1 {
		return syncFolders(p)
	}
	if err := p.Kernel().FS().Sync(); err != nil {
		fmt.Fprintf(p.Stderr(), "sync: %s\n", errText(err))
		return 1
	}
	return 0
}

func df(p *kernel.Process) int {
	f, ok := parseFlags(p, p.Args()[1:], "h", "")
	if !ok {
		return 2
	}
	u, err := p.Kernel().FS().Usage()
	if err != nil {
		fmt.Fprintf(p.Stderr(), "df: %s\n", errText(err))
		return 1
	}
	size := func(n int64) string {
		if f.set['h'] {
			return humanSize(n)
		}
		return strconv.FormatInt((n+1023)/1024, 10)
	}
	unit := "1K-blocks"
	if f.set['h'] {
		unit = "Size"
	}
	fmt.Fprintf(p.Stdout(), "%-10s %10s %10s %10s %5s  %s\n", "Filesystem", unit, "Used", "Avail", "Use%", "Mounted on")
	for _, m := range u.Mounts {
		quota, avail, pct := "-", "-", "-"
		if m.Quota > 0 {
			quota = size(m.Quota)
			avail = size(max(0, m.Quota-m.Used))
			pct = fmt.Sprintf("%d%%", (m.Used*100+m.Quota-1)/m.Quota)
		}
		kind := m.Type
		if !m.Durable {
			kind += "*"
		}
		fmt.Fprintf(p.Stdout(), "%-10s %10s %10s %10s %5s  %s\n", kind, quota, size(m.Used), avail, pct, m.Path)
	}
	return 0
}

// run starts a guest program file with the runner that accepts it.
func run(p *kernel.Process) int {
	args := p.Args()[1:]
	if len(args) == 0 {
		fmt.Fprintln(p.Stderr(), "usage: run FILE [ARGS...]")
		if rs := kernel.Runners(); len(rs) > 0 {
			fmt.Fprintf(p.Stderr(), "runners: %s\n", strings.Join(rs, ", "))
		}
		return 2
	}
	abs := p.Abs(args[0])
	f, err := p.Kernel().FS().Open(abs, 0, 0)
	if err != nil {
		warn(p, args[0], err)
		return 127
	}
	head := make([]byte, kernel.HeadSize)
	n, _ := io.ReadFull(f, head)
	fi, _ := f.Stat()
	f.Close()
	if fi != nil && fi.IsDir() {
		fmt.Fprintf(p.Stderr(), "run: %s: is a directory\n", args[0])
		return 126
	}
	r, ok := kernel.FindRunner(abs, head[:n])
	if !ok {
		fmt.Fprintf(p.Stderr(), "run: %s: no runner for this kind of file", args[0])
		if rs := kernel.Runners(); len(rs) > 0 {
			fmt.Fprintf(p.Stderr(), " (runners: %s)", strings.Join(rs, ", "))
		}
		fmt.Fprintln(p.Stderr())
		return 126
	}
	return p.Exec(append([]string{r.Name, abs}, args[1:]...), p.Kernel().RunnerMain(r))
}
