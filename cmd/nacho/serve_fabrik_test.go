//go:build !js

package main

import (
	"flag"
	"reflect"
	"testing"

	"github.com/nachoos/nacho/fabrik"
)

func TestParseICEServer(t *testing.T) {
	good := map[string]fabrik.ICEServer{
		"stun:stun.example.org:3478": {URLs: []string{"stun:stun.example.org:3478"}},
		"turn:t.example.org:3478,turns:t.example.org:5349|alice|pw": {
			URLs: []string{"turn:t.example.org:3478", "turns:t.example.org:5349"}, Username: "alice", Credential: "pw"},
	}
	for in, want := range good {
		got, err := parseICEServer(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("parseICEServer(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"http://x", "stun:x|user", "stun:x,ftp:y", ""} {
		if _, err := parseICEServer(in); err == nil {
			t.Errorf("parseICEServer(%q) accepted", in)
		}
	}
}

func TestParsePeerArgs(t *testing.T) {
	var rf roomFlags
	fs := newTestFlagSet(&rf)
	pos, err := parsePeerArgs(fs, []string{"file.bin", "--room", "r", "--server", "http://h", "extra"})
	if err != nil || !reflect.DeepEqual(pos, []string{"file.bin", "extra"}) || rf.room != "r" || rf.server != "http://h" {
		t.Fatalf("pos %v err %v flags %+v", pos, err, rf)
	}
}

func TestHumanBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 48 << 20: "48.0 MiB", 3 << 30: "3.0 GiB"} {
		if got := humanBytes(n); got != want {
			t.Errorf("humanBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func newTestFlagSet(rf *roomFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	rf.add(fs)
	return fs
}
