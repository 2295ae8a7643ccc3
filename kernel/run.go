package kernel

import (
	"bytes"
	"context"
	"errors"
)

// RunOptions describe a command line run through the shell, as the embed
// API's run(cmd) does.
type RunOptions struct {
	Cmd    string
	Stdin  []byte       // standard input; empty means /dev/null
	Stdout func([]byte) // receives output as it is written; nil discards
	Stderr func([]byte) // likewise
	Cwd    string       // "/home" when empty
	Env    map[string]string
}

// Run runs opts.Cmd with `sh -c` and returns its exit status once it has
// ended. Cancelling ctx sends SIGKILL to the shell and its group.
func (k *Kernel) Run(ctx context.Context, opts RunOptions) (int, error) {
	if _, ok := LookupProgram("sh"); !ok {
		return 0, errors.New("no shell registered")
	}
	stdin := NewOpenFile(DevNull{})
	if len(opts.Stdin) > 0 {
		stdin = NewOpenFile(ReaderFile{R: bytes.NewReader(opts.Stdin)})
	}
	discard := func([]byte) {}
	outFn, errFn := opts.Stdout, opts.Stderr
	if outFn == nil {
		outFn = discard
	}
	if errFn == nil {
		errFn = discard
	}
	stdout := NewOpenFile(NewWriterFile(outFn))
	stderr := NewOpenFile(NewWriterFile(errFn))
	cwd := opts.Cwd
	if cwd == "" {
		cwd = k.env["HOME"]
	}
	if _, err := k.fs.Stat(cwd); err != nil {
		cwd = "/"
	}
	env := opts.Env
	if env == nil {
		env = k.env
	}
	p, err := k.Spawn(SpawnOptions{
		Args:  []string{"sh", "-c", opts.Cmd},
		Files: []*OpenFile{stdin, stdout, stderr},
		Cwd:   cwd,
		Env:   env,
	})
	stdin.Close()
	stdout.Close()
	stderr.Close()
	if err != nil {
		return 0, err
	}
	select {
	case <-p.Done():
	case <-ctx.Done():
		k.Kill(-p.PGID(), SIGKILL)
		p.Signal(SIGKILL)
		<-p.Done()
	}
	return p.Wait(), nil
}
