package line

import (
	"bytes"
	"slices"
	"testing"
)

func TestDataLineIsSizeBytesAndParses(t *testing.T) {
	for _, name := range []string{"g", "g01", "flood-07"} {
		for _, seq := range []int{0, 7, 9999999999} {
			b := AppendData(nil, name, seq)
			if len(b) != Size {
				t.Fatalf("AppendData(%q, %d) is %d bytes, want %d: %q", name, seq, len(b), Size, b)
			}
			p := Parse(bytes.TrimSuffix(b, []byte("\n")))
			if p.Kind != Data || p.Name != name || p.Seq != seq {
				t.Errorf("Parse(AppendData(%q, %d)) = %+v", name, seq, p)
			}
		}
	}
}

func TestParse(t *testing.T) {
	data := string(bytes.TrimSuffix(AppendData(nil, "g01", 42), []byte("\n")))
	end := string(bytes.TrimSuffix(AppendEnd(nil, "g01"), []byte("\n")))
	tests := []struct {
		name string
		text string
		kind Kind
	}{
		{"bare data line", data, Data},
		{"behind hancho's prefix", "12:00:00 g01.1  | " + data, Data},
		{"sentinel", end, End},
		{"sentinel behind a prefix", "12:00:00 g01.1  | " + end, End},
		{"hancho's own line", "12:00:00 system | g01.1 started (pid=12)", Other},
		{"empty line", "", Other},
		{"head cut off", data[:40], Torn},
		{"tail alone", data[40:], Torn},
		{"middle alone", data[30:60], Torn},
		{"two lines run together", data + data, Torn},
		{"tail then whole line", data[60:] + data, Torn},
		{"padding then whole line", "====" + data, Torn},
		{"one byte short", data[:len(data)-1], Torn},
		{"padding corrupted", data[:50] + "x" + data[51:], Torn},
		{"sequence corrupted", data[:8] + "x" + data[9:], Torn},
		{"sentinel with trailing text", end + " ", Torn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Parse([]byte(tt.text)).Kind; got != tt.kind {
				t.Errorf("Parse(%q).Kind = %v, want %v", tt.text, got, tt.kind)
			}
		})
	}
}

func TestCountEnds(t *testing.T) {
	out := AppendData(nil, "g3", 1)
	out = AppendEnd(out, "g3")
	out = append(out, "12:00:00 g4.1 | "...)
	out = AppendEnd(out, "g4")
	if got := CountEnds(out); got != 2 {
		t.Errorf("CountEnds = %d, want 2", got)
	}
	if got, want := EndSize("g3"), len(AppendEnd(nil, "g3")); got != want {
		t.Errorf("EndSize = %d, want %d", got, want)
	}
}

func TestProbeRoundTrip(t *testing.T) {
	b := AppendProbe(nil, 17, 1733000000123456789)
	text := append([]byte("12:00:00 probe.1 | "), bytes.TrimSuffix(b, []byte("\n"))...)
	two := append(append(slices.Clip(text), "\n=====\n"...), AppendProbe(nil, 18, 5)...)
	first, rest, ok := NextProbe(two)
	if !ok || !bytes.Equal(first, bytes.TrimSuffix(b, []byte("\n"))) {
		t.Fatalf("NextProbe found %q, %v; want %q", first, ok, b)
	}
	second, rest, ok := NextProbe(rest)
	if !ok || string(second) != "<<probe 18 5>>" || len(rest) != 0 {
		t.Fatalf("second NextProbe = %q, %q, %v", second, rest, ok)
	}
	if _, _, ok := NextProbe(rest); ok {
		t.Fatal("NextProbe found a probe line in nothing")
	}
	seq, sent, err := ParseProbe(text)
	if err != nil || seq != 17 || sent != 1733000000123456789 {
		t.Errorf("ParseProbe(%q) = %d, %d, %v", text, seq, sent, err)
	}
	for _, bad := range []string{"", "<<probe 1>>", "<<probe x 5>>", "<<probe 1 y>>", "<<probe 1 5"} {
		if _, _, err := ParseProbe([]byte(bad)); err == nil {
			t.Errorf("ParseProbe(%q) succeeded", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(string(AppendData(nil, "g01", 5)))
	f.Add("12:00:00 g01.1 | " + string(AppendEnd(nil, "g01")))
	f.Fuzz(func(t *testing.T, s string) {
		p := Parse([]byte(s))
		if p.Kind == Data {
			// A line that parses whole must be exactly what the generator writes.
			want := AppendData(nil, p.Name, p.Seq)
			if !bytes.HasSuffix([]byte(s+"\n"), want) {
				t.Errorf("Parse(%q) = Data %q %d, but that line is %q", s, p.Name, p.Seq, want)
			}
		}
	})
}
