package output

import (
	"fmt"
	"strings"
	"time"
)

// Options choose the format of every line. The zero value prints bare lines.
type Options struct {
	Prefix    bool             // "HH:MM:SS name | " before each line (--no-prefix clears it)
	Timestamp bool             // the "HH:MM:SS " part of the prefix (--no-timestamp clears it)
	Colour    bool             // colour each process's prefix (only on a terminal)
	Now       func() time.Time // the clock; nil means time.Now
}

// SystemName is the name on hancho's own lines.
const SystemName = "system"

// palette is honcho's colour order: cyan, yellow, green, magenta, red,
// blue, then the same bold.
var palette = [...]string{"36", "33", "32", "35", "31", "34", "36;1", "33;1", "32;1", "35;1", "31;1", "34;1"}

// Printer formats lines for one Sink: it knows the width names are padded
// to and gives each process a Stream.
type Printer struct {
	sink  *Sink
	opts  Options
	width int
	now   func() time.Time
}

// NewPrinter returns a Printer whose names are padded to the longest of
// names and "system", as honcho does.
func NewPrinter(sink *Sink, opts Options, names []string) *Printer {
	width := len(SystemName)
	for _, n := range names {
		width = max(width, len(n))
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Printer{sink: sink, opts: opts, width: width, now: now}
}

// System prints one of hancho's own lines: "HH:MM:SS system | message".
func (p *Printer) System(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	var b strings.Builder
	var st stamp
	for _, line := range strings.Split(strings.TrimSuffix(msg, "\n"), "\n") {
		if p.opts.Prefix {
			if p.opts.Timestamp {
				b.Write(st.at(p.now()))
			}
			b.WriteString(p.pad(SystemName))
			b.WriteString("| ")
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	p.sink.Write([]byte(b.String()))
}

// pad returns name padded to the width plus the space before the bar.
func (p *Printer) pad(name string) string {
	return name + strings.Repeat(" ", p.width-len(name)+1)
}

// Stream returns the Stream for the process called name (e.g. "web.1"),
// coloured with the nth colour of the palette. A quiet stream drops its
// lines (but still calls the tap).
func (p *Printer) Stream(name string, nth int, quiet bool) *Stream {
	s := &Stream{sink: p.sink, quiet: quiet, timestamp: p.opts.Prefix && p.opts.Timestamp, now: p.now}
	if p.opts.Prefix {
		label := p.pad(name) + "| "
		if p.opts.Colour {
			// honcho colours the whole prefix, time included.
			s.colourOn = "\x1b[0m\x1b[" + palette[nth%len(palette)] + "m"
			s.label = []byte(label + "\x1b[0m")
		} else {
			s.label = []byte(label)
		}
	}
	return s
}
