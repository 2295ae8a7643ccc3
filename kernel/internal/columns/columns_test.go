package columns

import "testing"

func TestFormat(t *testing.T) {
	names := []string{"a", "bbb", "cc", "d", "eeeee"}
	show := func(i int) string { return names[i] }
	width := func(i int) int { return len(names[i]) }
	// Widest is 5, so columns are 7 wide: 3 fit in 21 cells; 5 items make
	// 2 rows, filled down then across.
	want := "a      cc     eeeee\nbbb    d\n"
	if got := Format(len(names), show, width, 21); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := Format(len(names), show, width, 3); got != "a\nbbb\ncc\nd\neeeee\n" {
		t.Errorf("narrow terminal: %q", got)
	}
	if Format(0, show, width, 80) != "" {
		t.Error("no items should print nothing")
	}
}
