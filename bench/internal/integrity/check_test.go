package integrity

import (
	"fmt"
	"testing"

	"github.com/hancho-dev/hancho/bench/internal/line"
)

// stream builds output from parts: "a:3" is data line 3 of generator a,
// "a:end" its sentinel, anything else is taken as it is (one line).
func stream(prefixed bool, parts ...string) []byte {
	var out []byte
	for _, p := range parts {
		var name, what string
		if n, err := fmt.Sscanf(p, "%1s:%s", &name, &what); n != 2 || err != nil {
			out = append(out, p...)
			out = append(out, '\n')
			continue
		}
		if prefixed {
			out = append(out, "12:00:00 "+name+".1 | "...)
		}
		if what == "end" {
			out = line.AppendEnd(out, name)
			continue
		}
		var seq int
		fmt.Sscan(what, &seq)
		out = line.AppendData(out, name, seq)
	}
	return out
}

func TestCheck(t *testing.T) {
	want := map[string]int{"a": 3, "b": 2}
	whole := line.AppendData(nil, "a", 1)
	tests := []struct {
		name     string
		prefixed bool
		parts    []string
		report   Report
	}{
		{"clean, interleaved", true,
			[]string{"12:00:00 system | a.1 started (pid=1)", "a:0", "b:0", "a:1", "b:1", "b:end", "a:2", "a:end"},
			Report{Lines: 7}},
		{"clean without prefix", false,
			[]string{"a:0", "a:1", "a:2", "a:end", "b:0", "b:1", "b:end"},
			Report{Lines: 7}},
		{"a line lost", true,
			[]string{"a:0", "a:2", "a:end", "b:0", "b:1", "b:end"},
			Report{Lines: 6, Lost: 1}},
		{"a sentinel lost", true,
			[]string{"a:0", "a:1", "a:2", "b:0", "b:1", "b:end"},
			Report{Lines: 6, Lost: 1}},
		{"a line duplicated", true,
			[]string{"a:0", "a:1", "a:1", "a:2", "a:end", "b:0", "b:1", "b:end"},
			Report{Lines: 8, Dup: 1}},
		{"a line late", true,
			[]string{"a:0", "a:2", "a:1", "a:end", "b:0", "b:1", "b:end"},
			Report{Lines: 7, Reordered: 1}},
		{"a line after the sentinel", true,
			[]string{"a:0", "a:1", "a:end", "a:2", "b:0", "b:1", "b:end"},
			Report{Lines: 7, Reordered: 1}},
		{"a line torn in two", true,
			[]string{"a:0", string(whole[:30]), string(whole[30 : len(whole)-1]), "a:2", "a:end", "b:0", "b:1", "b:end"},
			Report{Lines: 6, Lost: 1, Torn: 2}},
		{"two lines run together", false,
			[]string{"a:0", string(whole[:len(whole)-1]) + string(line.AppendData(nil, "a", 2)), "a:end", "b:0", "b:1", "b:end"},
			Report{Lines: 5, Lost: 2, Torn: 1}},
		{"a line of an unknown generator", true,
			[]string{"c:0", "a:0", "a:1", "a:2", "a:end", "b:0", "b:1", "b:end"},
			Report{Lines: 7, Torn: 1}},
		{"a sequence number out of range", true,
			[]string{"a:0", "a:1", "a:2", "a:3", "a:end", "b:0", "b:1", "b:end"},
			Report{Lines: 7, Torn: 1}},
		{"a line behind another process's prefix", false,
			[]string{"12:00:00 b.1 | " + string(whole[:len(whole)-1]), "a:0", "a:2", "a:end", "b:0", "b:1", "b:end"},
			Report{Lines: 7, Misattributed: 1, Reordered: 1}},
		{"nothing arrived", true,
			nil,
			Report{Lost: 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Check(stream(tt.prefixed, tt.parts...), want)
			if got != tt.report {
				t.Errorf("Check = %#v, want %#v", got, tt.report)
			}
			if got.OK() != (tt.report == Report{Lines: tt.report.Lines}) {
				t.Errorf("OK() = %v for %+v", got.OK(), got)
			}
		})
	}
}

func TestCheckLastLineWithoutNewline(t *testing.T) {
	out := stream(false, "a:0")
	out = line.AppendEnd(out, "a")
	out = out[:len(out)-1]
	if got := Check(out, map[string]int{"a": 1}); !got.OK() || got.Lines != 2 {
		t.Errorf("Check = %+v, want 2 clean lines", got)
	}
}
