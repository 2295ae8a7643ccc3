//go:build !js

// Command nacho is Nacho's one native binary (the page's kernel is
// cmd/nacho-wasm; every file here is native only). Each subcommand lives in a
// file of its own (cmd_<name>.go) and registers itself in init, so that
// subcommands can be added without touching this file.
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

// command is one subcommand of nacho.
type command struct {
	name    string
	summary string                  // one line for `nacho help`
	run     func(args []string) int // returns the process exit code
}

var commands = map[string]*command{}

// register adds a subcommand; it is called from init functions.
func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("nacho: duplicate subcommand " + c.name)
	}
	commands[c.name] = c
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: nacho COMMAND [ARGS...]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(os.Stderr, "\nRun 'nacho COMMAND -h' for a command's options.")
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	name := os.Args[1]
	if name == "help" || name == "-h" || name == "--help" {
		usage()
		return
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "nacho: unknown command %q\n", name)
		usage()
		os.Exit(2)
	}
	os.Exit(c.run(os.Args[2:]))
}

// fatalf prints a message prefixed with the subcommand name and returns 1.
func fatalf(cmd, format string, a ...any) int {
	msg := fmt.Sprintf(format, a...)
	fmt.Fprintf(os.Stderr, "nacho %s: %s\n", cmd, strings.TrimSuffix(msg, "\n"))
	return 1
}
