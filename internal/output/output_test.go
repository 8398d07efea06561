package output

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var noon = func() time.Time { return time.Date(2026, 1, 2, 12, 0, 1, 0, time.Local) }

func TestStreamFraming(t *testing.T) {
	tests := []struct {
		name   string
		opts   Options
		writes []string
		flush  bool
		want   string
	}{
		{"honcho prefix", Options{Prefix: true, Timestamp: true}, []string{"hello\n"}, false,
			"12:00:01 web.1  | hello\n"},
		{"no timestamp", Options{Prefix: true}, []string{"hello\n"}, false,
			"web.1  | hello\n"},
		{"no prefix", Options{}, []string{"a\nb\n"}, false, "a\nb\n"},
		{"partial line waits for its newline", Options{Prefix: true}, []string{"par", "tial\nnext"}, false,
			"web.1  | partial\n"},
		{"flush prints the last partial line", Options{Prefix: true}, []string{"one\ntwo"}, true,
			"web.1  | one\nweb.1  | two\n"},
		{"flush without partial adds nothing", Options{Prefix: true}, []string{"one\n"}, true,
			"web.1  | one\n"},
		{"bytes pass through", Options{Prefix: true}, []string{"\xff\xfe \x1b[31mred\x1b[0m\r\n"}, false,
			"web.1  | \xff\xfe \x1b[31mred\x1b[0m\r\n"},
		{"colour wraps the prefix", Options{Prefix: true, Timestamp: true, Colour: true}, []string{"x\n"}, false,
			"\x1b[0m\x1b[36m12:00:01 web.1  | \x1b[0mx\n"},
		{"empty lines kept", Options{Prefix: true}, []string{"\n\n"}, false,
			"web.1  | \nweb.1  | \n"},
		{"no prefix partial joins", Options{}, []string{"ab", "c\nd", "e\n"}, false, "abc\nde\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			tt.opts.Now = noon
			s := NewPrinter(NewSink(&out, nil), tt.opts, []string{"web.1"}).Stream("web.1", 0, false)
			for _, w := range tt.writes {
				s.Write([]byte(w))
			}
			if tt.flush {
				s.Flush()
			}
			if got := out.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPaletteOrder(t *testing.T) {
	want := []string{"36", "33", "32", "35", "31", "34", "36;1", "33;1", "32;1", "35;1", "31;1", "34;1", "36"}
	for i, code := range want {
		var out bytes.Buffer
		s := NewPrinter(NewSink(&out, nil), Options{Prefix: true, Colour: true}, nil).Stream("a.1", i, false)
		s.Write([]byte("x\n"))
		if !strings.HasPrefix(out.String(), "\x1b[0m\x1b["+code+"m") {
			t.Errorf("process %d: got %q, want colour %s", i, out.String(), code)
		}
	}
}

func TestSystemLinesArePaddedAndUncoloured(t *testing.T) {
	var out bytes.Buffer
	p := NewPrinter(NewSink(&out, nil), Options{Prefix: true, Timestamp: true, Colour: true, Now: noon}, []string{"web.1", "scheduler.1"})
	p.System("web.1 started (pid=%d)", 42)
	if got, want := out.String(), "12:00:01 system      | web.1 started (pid=42)\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestQuietStreamStillTaps(t *testing.T) {
	var out bytes.Buffer
	var seen []string
	s := NewPrinter(NewSink(&out, nil), Options{Prefix: true}, nil).Stream("w.1", 0, true)
	s.Tap(func(l []byte) { seen = append(seen, string(l)) })
	s.Write([]byte("a\nb\n"))
	if out.Len() != 0 || strings.Join(seen, ",") != "a,b" {
		t.Errorf("out %q, seen %q", out.String(), seen)
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) { f.n++; return 0, errors.New("broken pipe") }

func TestSinkReportsTheFirstErrorOnce(t *testing.T) {
	w := &failWriter{}
	calls := 0
	s := NewSink(w, func(error) { calls++ })
	s.Write([]byte("a\n"))
	s.Write([]byte("b\n"))
	if calls != 1 || w.n != 1 || s.Err() == nil {
		t.Errorf("calls=%d writes=%d err=%v; want one call, one write, an error", calls, w.n, s.Err())
	}
}

func TestHugeLineComesOutWhole(t *testing.T) {
	var out bytes.Buffer
	s := NewPrinter(NewSink(&out, nil), Options{Prefix: true}, nil).Stream("w.1", 0, false)
	line := bytes.Repeat([]byte("y"), 10<<20)
	for i := 0; i < len(line); i += 64 << 10 {
		s.Write(line[i:min(i+64<<10, len(line))])
	}
	s.Write([]byte("\n"))
	if want := "w.1    | " + string(line) + "\n"; out.String() != want {
		t.Errorf("got %d bytes, want %d", out.Len(), len(want))
	}
	if cap(s.carry) > maxKept {
		t.Errorf("the 10 MiB carry buffer was kept (cap %d)", cap(s.carry))
	}
}

func TestRotatingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "web.1.log")
	r := &RotatingFile{Path: path, Max: 10, Keep: 2}
	for _, w := range []string{"aaaaaa\n", "bbbbbb\n", "cccccc\n", "dddddd\n"} {
		r.Write([]byte(w))
	}
	r.Close()
	for name, want := range map[string]string{path: "dddddd\n", path + ".1": "cccccc\n", path + ".2": "bbbbbb\n"} {
		got, _ := os.ReadFile(name)
		if string(got) != want {
			t.Errorf("%s = %q, want %q", filepath.Base(name), got, want)
		}
	}
	if _, err := os.Stat(path + ".3"); err == nil {
		t.Errorf("kept more than Keep old files")
	}
}

func TestStreamCopyGetsRawOutput(t *testing.T) {
	var out, raw bytes.Buffer
	s := NewPrinter(NewSink(&out, nil), Options{Prefix: true}, nil).Stream("w.1", 0, false)
	s.Copy(&raw)
	s.Write([]byte("a\npar"))
	s.Flush()
	if raw.String() != "a\npar\n" {
		t.Errorf("raw = %q", raw.String())
	}
}
