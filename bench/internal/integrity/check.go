// Package integrity checks that a stream of output holds every line of every
// generator exactly once, whole, and in each generator's own order.
package integrity

import (
	"bytes"
	"fmt"

	"github.com/hancho-dev/hancho/bench/internal/line"
)

// Report counts what Check found. The zero value is a clean stream with no
// generator lines.
type Report struct {
	Lines         int // whole generator lines seen, sentinels included
	Lost          int // expected lines never seen whole
	Torn          int // lines holding part of a generator line, or a corrupt one
	Dup           int // lines seen whole more than once
	Reordered     int // lines seen after a later line of the same generator
	Misattributed int // lines behind a prefix naming another process
}

// OK reports whether the stream was clean.
func (r Report) OK() bool {
	return r.Lost == 0 && r.Torn == 0 && r.Dup == 0 && r.Reordered == 0 && r.Misattributed == 0
}

// Add returns the sum of two reports, for totals over repeated runs.
func (r Report) Add(o Report) Report {
	return Report{
		Lines:         r.Lines + o.Lines,
		Lost:          r.Lost + o.Lost,
		Torn:          r.Torn + o.Torn,
		Dup:           r.Dup + o.Dup,
		Reordered:     r.Reordered + o.Reordered,
		Misattributed: r.Misattributed + o.Misattributed,
	}
}

// String gives the counts as "lost/torn/dup/reordered/misattributed".
func (r Report) String() string {
	return fmt.Sprintf("%d/%d/%d/%d/%d", r.Lost, r.Torn, r.Dup, r.Reordered, r.Misattributed)
}

// generator is what Check knows of one generator while reading.
type generator struct {
	seen  []bool // seen[seq]: data line seq arrived whole
	count int    // distinct data lines seen
	last  int    // highest sequence number seen, -1 before the first
	ends  int    // sentinels seen
}

// Check reads out, the whole output of a run, and counts its faults. want
// gives each generator's name and how many data lines it wrote (each
// followed by one sentinel). Lines that hold no part of a generator line,
// such as hancho's own, are ignored.
func Check(out []byte, want map[string]int) Report {
	gens := make(map[string]*generator, len(want))
	for name, n := range want {
		gens[name] = &generator{seen: make([]bool, n), last: -1}
	}
	var r Report
	for len(out) > 0 {
		text := out
		if i := bytes.IndexByte(out, '\n'); i >= 0 {
			text, out = out[:i], out[i+1:]
		} else {
			out = nil
		}
		p := line.Parse(text)
		if p.Kind == line.Other {
			continue
		}
		g := gens[p.Name]
		if p.Kind == line.Torn || g == nil || (p.Kind == line.Data && p.Seq >= len(g.seen)) {
			r.Torn++
			continue
		}
		r.Lines++
		if len(p.Prefix) > 0 && !names(p.Prefix, p.Name) {
			r.Misattributed++
		}
		if p.Kind == line.End {
			g.ends++
			if g.ends > 1 {
				r.Dup++
			}
			continue
		}
		switch {
		case g.seen[p.Seq]:
			r.Dup++
		case p.Seq < g.last || g.ends > 0:
			r.Reordered++
		}
		if !g.seen[p.Seq] {
			g.seen[p.Seq] = true
			g.count++
		}
		g.last = max(g.last, p.Seq)
	}
	for _, g := range gens {
		r.Lost += len(g.seen) - g.count
		if g.ends == 0 {
			r.Lost++
		}
	}
	return r
}

// names reports whether a prefix such as "12:00:00 g01.1  | " names process
// name: one of its fields is "name.N".
func names(prefix []byte, name string) bool {
	for _, f := range bytes.Fields(prefix) {
		if rest, ok := bytes.CutPrefix(f, []byte(name+".")); ok && len(rest) > 0 {
			return true
		}
	}
	return false
}
