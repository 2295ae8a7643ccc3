package wire

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func id(b byte) (h [HashSize]byte) {
	for i := range h {
		h[i] = b + byte(i)
	}
	return h
}

func TestRoundTrip(t *testing.T) {
	ids := [][HashSize]byte{id(1), id(2), id(3)}
	cases := []struct {
		name string
		b    []byte
		want Message
	}{
		{"hello", AppendHello(nil, 65536), Message{Type: THello, Version: Version, MaxFrame: 65536}},
		{"has", AppendHas(nil, 7, ids), Message{Type: THas, Req: 7, IDs: ids}},
		{"has-reply", AppendHasReply(nil, 7, []bool{true, false, true}), Message{Type: THasReply, Req: 7, Count: 3, Bitmap: []byte{0b101}}},
		{"get-chunk", AppendGet(nil, TGetChunk, 9, id(4)), Message{Type: TGetChunk, Req: 9, ID: id(4)}},
		{"get-manifest", AppendGet(nil, TGetManifest, 10, id(5)), Message{Type: TGetManifest, Req: 10, ID: id(5)}},
		{"data", AppendData(nil, 11, 100, 200, []byte("abc")), Message{Type: TData, Req: 11, Offset: 100, Total: 200, Payload: []byte("abc")}},
		{"empty-data", AppendData(nil, 11, 0, 0, nil), Message{Type: TData, Req: 11, Payload: []byte{}}},
		{"error", AppendError(nil, 12, CodeNotFound, "no such chunk"), Message{Type: TError, Req: 12, Code: CodeNotFound, Text: "no such chunk"}},
		{"cancel", AppendCancel(nil, 13), Message{Type: TCancel, Req: 13}},
		{"app", AppendApp(nil, "game/pos", []byte{1, 2}), Message{Type: TApp, Channel: "game/pos", Payload: []byte{1, 2}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Decode(c.b)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("Decode = %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestHasReplyBits(t *testing.T) {
	has := make([]bool, 19)
	for i := range has {
		has[i] = i%3 == 0
	}
	m, err := Decode(AppendHasReply(nil, 1, has))
	if err != nil {
		t.Fatal(err)
	}
	for i := range has {
		if HasBit(m.Bitmap, i) != has[i] {
			t.Errorf("bit %d = %v, want %v", i, HasBit(m.Bitmap, i), has[i])
		}
	}
}

func TestRejects(t *testing.T) {
	long := AppendData(nil, 1, 0, MaxDataPayload, make([]byte, MaxDataPayload))
	cases := map[string][]byte{
		"empty":               nil,
		"unknown type":        {0x7f, 1, 2},
		"too large":           append(long, 0),
		"hello short":         {byte(THello), 1},
		"hello tiny frame":    AppendHello(nil, 10),
		"has zero":            {byte(THas), 0, 0, 0, 1, 0, 0},
		"has count mismatch":  append(AppendHas(nil, 1, [][HashSize]byte{id(1)}), 0),
		"has too many":        {byte(THas), 0, 0, 0, 1, 0xff, 0xff},
		"has-reply stray bit": {byte(THasReply), 0, 0, 0, 1, 0, 3, 0xff},
		"get short":           AppendGet(nil, TGetChunk, 1, id(1))[:20],
		"data past total":     AppendData(nil, 1, 5, 6, []byte("ab")),
		"data huge total":     {byte(TData), 0, 0, 0, 1, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 1},
		"data empty payload":  AppendData(nil, 1, 0, 6, nil),
		"error bad utf8":      {byte(TError), 0, 0, 0, 1, 1, 0, 1, 0xff},
		"error length":        {byte(TError), 0, 0, 0, 1, 1, 0, 5, 'a'},
		"cancel long":         append(AppendCancel(nil, 1), 0),
		"app no name":         {byte(TApp), 0},
		"app space in name":   {byte(TApp), 2, 'a', ' '},
		"app name cut":        {byte(TApp), 9, 'a'},
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			m, err := Decode(b)
			if err == nil {
				t.Fatalf("Decode accepted %x as %+v", b, m)
			}
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
		})
	}
}

func TestErrorTextCut(t *testing.T) {
	text := strings.Repeat("é", MaxErrorText) // two bytes a rune
	m, err := Decode(AppendError(nil, 1, CodeInternal, text))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Text) > MaxErrorText || !strings.HasPrefix(text, m.Text) {
		t.Fatalf("text cut to %d bytes, not a prefix within the limit", len(m.Text))
	}
}

// FuzzDecode checks that Decode never panics, and that whatever it accepts
// encodes back to the same bytes (so there is one encoding per message and
// no field is silently dropped).
func FuzzDecode(f *testing.F) {
	f.Add(AppendHello(nil, 65536))
	f.Add(AppendHas(nil, 1, [][HashSize]byte{id(1), id(2)}))
	f.Add(AppendHasReply(nil, 1, []bool{true, false, true, true, false, false, true, false, true}))
	f.Add(AppendGet(nil, TGetChunk, 2, id(3)))
	f.Add(AppendGet(nil, TGetManifest, 2, id(3)))
	f.Add(AppendData(nil, 3, 0, 10, []byte("0123456789")))
	f.Add(AppendError(nil, 4, CodeBusy, "busy"))
	f.Add(AppendCancel(nil, 5))
	f.Add(AppendApp(nil, "chat", []byte("hi")))
	f.Add([]byte{0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Decode(b)
		if err != nil {
			return
		}
		var re []byte
		switch m.Type {
		case THello:
			re = append([]byte{byte(THello), m.Version}, b[2:]...)
		case THas:
			re = AppendHas(nil, m.Req, m.IDs)
		case THasReply:
			has := make([]bool, m.Count)
			for i := range has {
				has[i] = HasBit(m.Bitmap, i)
			}
			re = AppendHasReply(nil, m.Req, has)
		case TGetChunk, TGetManifest:
			re = AppendGet(nil, m.Type, m.Req, m.ID)
		case TData:
			re = AppendData(nil, m.Req, m.Offset, m.Total, m.Payload)
		case TError:
			re = AppendError(nil, m.Req, m.Code, m.Text)
		case TCancel:
			re = AppendCancel(nil, m.Req)
		case TApp:
			re = AppendApp(nil, m.Channel, m.Payload)
		default:
			t.Fatalf("Decode accepted unknown type %v", m.Type)
		}
		if !bytes.Equal(re, b) {
			t.Fatalf("re-encoding differs:\n in %x\nout %x", b, re)
		}
	})
}
