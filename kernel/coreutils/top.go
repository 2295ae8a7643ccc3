package coreutils

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nachoos/nacho/kernel"
)

func init() {
	prog("top", "show processes by CPU use, live (-b batch, -n COUNT, -d SECONDS)", top)
}

// top shows each process's share of the CPU, guest instructions per
// second and memory (MEM: charged to it; RSS: what its own worker holds,
// for processes in one), refreshed every second; q or ^C quits.
func top(p *kernel.Process) int {
	f, ok := parseFlags(p, p.Args()[1:], "b", "nd")
	if !ok {
		return 2
	}
	count := -1
	if v, ok := f.values['n']; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			fmt.Fprintf(p.Stderr(), "top: bad count %q\n", v)
			return 2
		}
		count = n
	}
	delay := time.Second
	if v, ok := f.values['d']; ok {
		s, err := strconv.ParseFloat(v, 64)
		if err != nil || s <= 0 {
			fmt.Fprintf(p.Stderr(), "top: bad delay %q\n", v)
			return 2
		}
		delay = time.Duration(s * float64(time.Second))
	}
	tty, interactive := kernel.TTYOf(p.File(1))
	interactive = interactive && !f.set['b']
	keys := make(chan byte, 8)
	if interactive {
		old := tty.Mode()
		tty.SetMode(kernel.TTYMode{ISig: true, ONLCR: true})
		defer tty.SetMode(old)
		io.WriteString(p.Stdout(), "\033[?1049h\033[?25l") // alternate screen, hide cursor
		defer io.WriteString(p.Stdout(), "\033[?25h\033[?1049l")
		go func() {
			buf := make([]byte, 16)
			for {
				n, err := p.Stdin().Read(buf)
				for _, c := range buf[:n] {
					select {
					case keys <- c:
					default:
					}
				}
				if err != nil {
					close(keys)
					return
				}
			}
		}()
	}
	k := p.Kernel()
	prev := map[int]time.Duration{}
	prevAt := k.Now()
	first := true
	for n := 0; count < 0 || n < count; n++ {
		if !first {
			select {
			case <-time.After(delay):
			case c, ok := <-keys:
				if !ok || c == 'q' || c == 'Q' {
					return 0
				}
			case <-p.Context().Done():
				return 130
			}
		}
		now := k.Now()
		span := now.Sub(prevAt)
		procs := k.Processes()
		cur := map[int]time.Duration{}
		type row struct {
			kernel.ProcInfo
			share float64
		}
		rows := make([]row, 0, len(procs))
		for _, pi := range procs {
			cur[pi.PID] = pi.CPU
			share := 0.0
			if last, ok := prev[pi.PID]; ok && span > 0 {
				share = (pi.CPU - last).Seconds() / span.Seconds()
			}
			rows = append(rows, row{pi, share})
		}
		prev, prevAt = cur, now
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].share > rows[j].share })
		var b strings.Builder
		if interactive {
			b.WriteString("\033[H\033[2J")
		}
		used, limit := k.MemoryUsed()
		fmt.Fprintf(&b, "top - up %s, %d processes, memory %s of %s\n\n",
			k.Uptime().Round(time.Second), len(procs), humanSize(used), humanSize(limit))
		fmt.Fprintf(&b, "%5s %-2s %6s %10s %8s %8s %9s  %s\n", "PID", "S", "%CPU", "INSN/S", "MEM", "RSS", "TIME", "COMMAND")
		for _, r := range rows {
			ips := "-"
			if r.IPS > 0 {
				ips = siCount(r.IPS)
			}
			cmd := strings.Join(r.Args, " ")
			if len(cmd) > 40 {
				cmd = cmd[:37] + "..."
			}
			rss := "-"
			if r.HostMemory > 0 {
				rss = humanSize(r.HostMemory)
			}
			fmt.Fprintf(&b, "%5d %-2s %6.1f %10s %8s %8s %9s  %s\n", r.PID, r.State, r.share*100, ips,
				humanSize(r.Memory), rss, fmtDuration(r.CPU), cmd)
		}
		if interactive {
			b.WriteString("\nq: quit")
		} else if count != 1 {
			b.WriteString("\n")
		}
		if _, err := io.WriteString(p.Stdout(), b.String()); err != nil {
			return 1
		}
		first = false
	}
	return 0
}

// siCount prints 12345678 as 12.3M.
func siCount(v float64) string {
	switch {
	case v >= 1e9:
		return fmt.Sprintf("%.2fG", v/1e9)
	case v >= 1e6:
		return fmt.Sprintf("%.1fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}
