package supervise

import (
	"fmt"
	"strings"
	"testing"
)

func ringTexts(lines []LogLine) string {
	var out []string
	for _, l := range lines {
		out = append(out, l.Text)
	}
	return strings.Join(out, ",")
}

func TestRing(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		after  int // index into the results of an earlier since, -1 for 0
		n      int
		want   string
	}{
		{"whole lines", []string{"a\nb\n"}, -1, 0, "a,b"},
		{"lines across writes", []string{"par", "tial\nx"}, -1, 0, "partial"},
		{"last n", []string{"1\n2\n3\n4\n"}, -1, 2, "3,4"},
		{"empty line kept", []string{"\n\n"}, -1, 0, ","},
		{"nothing yet", nil, -1, 0, ""},
	}
	for _, tt := range tests {
		r := newRing()
		for _, w := range tt.writes {
			r.Write([]byte(w))
		}
		lines, _, _ := r.since(0, tt.n)
		if got := ringTexts(lines); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestRingFollow(t *testing.T) {
	r := newRing()
	r.Write([]byte("a\nb"))
	lines, seq, changed := r.since(0, 0)
	if ringTexts(lines) != "a" {
		t.Fatalf("first: %q", ringTexts(lines))
	}
	r.Write([]byte("\nc\n"))
	select {
	case <-changed:
	default:
		t.Fatal("a write did not wake the follower")
	}
	lines, _, _ = r.since(seq, 0)
	if got := ringTexts(lines); got != "b,c" {
		t.Errorf("after %d: got %q, want b,c", seq, got)
	}
}

func TestRingKeepsTheNewestWholeLines(t *testing.T) {
	r := newRing()
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(r, "line %05d %s\n", i, strings.Repeat("x", 80))
	}
	lines, _, _ := r.since(0, 0)
	if len(lines) == 0 || lines[len(lines)-1].Text[:10] != "line 19999" {
		t.Fatalf("newest line missing: %d lines", len(lines))
	}
	for _, l := range lines {
		if len(l.Text) != 91 || !strings.HasPrefix(l.Text, "line ") {
			t.Fatalf("a cut line was returned: %q", l.Text)
		}
	}
	if len(r.data) > 2*ringBytes || len(lines) < ringBytes/91-1 {
		t.Errorf("holds %d bytes, %d lines; want at most %d bytes and at least %d lines", len(r.data), len(lines), 2*ringBytes, ringBytes/91-1)
	}
}

func TestRingWriteDoesNotAllocateOnceWarm(t *testing.T) {
	r := newRing()
	batch := []byte(strings.Repeat("a line of output\n", 100))
	for i := 0; i < 400; i++ {
		r.Write(batch)
	}
	if allocs := testing.AllocsPerRun(100, func() { r.Write(batch) }); allocs > 0 {
		t.Errorf("%.1f allocations per write once warm, want 0", allocs)
	}
}

func TestRingFollowFromNow(t *testing.T) {
	r := newRing()
	r.Write([]byte("old\n"))
	lines, seq, _ := r.since(^uint64(0), 0) // -n 0: nothing recent
	if len(lines) != 0 || seq != 4 {
		t.Fatalf("got %q, seq %d; want none, seq 4", ringTexts(lines), seq)
	}
	r.Write([]byte("new\n"))
	if lines, _, _ = r.since(seq, 0); ringTexts(lines) != "new" {
		t.Errorf("then got %q, want new", ringTexts(lines))
	}
}

func TestRingFollowAcrossCompaction(t *testing.T) {
	r := newRing()
	line := strings.Repeat("y", 99) + "\n"
	for i := 0; i < 5000; i++ {
		r.Write([]byte(line))
	}
	_, seq, _ := r.since(0, 1)
	for i := 0; i < 3000; i++ { // enough to compact the buffer again
		fmt.Fprintf(r, "new %04d\n", i)
	}
	lines, _, _ := r.since(seq, 0)
	if len(lines) == 0 || lines[len(lines)-1].Text != "new 2999" {
		t.Fatalf("got %d lines ending %q", len(lines), lines[len(lines)-1].Text)
	}
	for i, l := range lines {
		if !strings.HasPrefix(l.Text, "new ") {
			t.Fatalf("line %d is old or cut: %q", i, l.Text)
		}
	}
}
