package output

import (
	"bytes"
	"io"
	"sync"
	"time"
)

// Stream turns one process's raw output into whole, prefixed lines. It is
// an io.Writer for one goroutine: the reader of that process's pipe.
//
// Complete lines are written to the Sink in one call per Write; a partial
// last line is kept until its newline arrives or Flush is called, so lines
// are never torn and a partial line never holds up other processes.
type Stream struct {
	sink      *Sink
	quiet     bool
	timestamp bool
	now       func() time.Time
	colourOn  string // "" without colour
	label     []byte // padded name and "| ", plus the colour reset; nil without prefix
	stamp     stamp
	carry     []byte            // the partial line so far
	tap       func(line []byte) // sees each complete line, without its newline
	copy      io.Writer         // gets the raw output too (--log-dir)
}

// Copy makes w receive the process's raw output as it arrives, unframed,
// with a newline added to a last partial line by Flush.
func (s *Stream) Copy(w io.Writer) { s.copy = w }

// Tap makes fn see every complete line (without its newline) before it is
// printed, also when the stream is quiet. fn must not keep line.
func (s *Stream) Tap(fn func(line []byte)) { s.tap = fn }

// maxKept is the largest carry or batch buffer kept for reuse; a larger
// one (a huge line) is dropped after use so memory follows the lines in flight.
const maxKept = 1 << 20

var batches = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// Write frames p into lines. It never fails and always consumes all of p.
func (s *Stream) Write(p []byte) (int, error) {
	n := len(p)
	if s.copy != nil {
		s.copy.Write(p)
	}
	last := bytes.LastIndexByte(p, '\n')
	if last < 0 {
		s.carry = append(s.carry, p...)
		return n, nil
	}
	whole, rest := p[:last+1], p[last+1:]
	if s.label == nil && s.tap == nil && !s.quiet {
		s.writeBare(whole)
	} else {
		s.writeFramed(whole)
	}
	s.carry = append(s.carry, rest...)
	return n, nil
}

// writeBare writes whole lines with no prefix: no copy unless a partial
// line is pending.
func (s *Stream) writeBare(whole []byte) {
	if len(s.carry) == 0 {
		s.sink.Write(whole)
		return
	}
	s.carry = append(s.carry, whole...)
	s.sink.Write(s.carry)
	s.resetCarry()
}

// writeFramed prefixes each line of whole and writes them in one call.
func (s *Stream) writeFramed(whole []byte) {
	bp := batches.Get().(*[]byte)
	out := (*bp)[:0]
	var prefix []byte
	if s.label != nil {
		var pb [64]byte
		prefix = s.prefix(pb[:0])
	}
	if len(s.carry) > 0 {
		i := bytes.IndexByte(whole, '\n')
		s.carry = append(s.carry, whole[:i+1]...)
		out = s.frame(out, prefix, s.carry)
		s.resetCarry()
		whole = whole[i+1:]
	}
	for len(whole) > 0 {
		i := bytes.IndexByte(whole, '\n')
		out = s.frame(out, prefix, whole[:i+1])
		whole = whole[i+1:]
	}
	if len(out) > 0 {
		s.sink.Write(out)
	}
	if cap(out) <= maxKept {
		*bp = out[:0]
		batches.Put(bp)
	}
}

// frame appends one line (with its newline) to out unless the stream is quiet.
func (s *Stream) frame(out, prefix, line []byte) []byte {
	if s.tap != nil {
		s.tap(line[:len(line)-1])
	}
	if s.quiet {
		return out
	}
	out = append(out, prefix...)
	return append(out, line...)
}

// prefix appends "[colour]HH:MM:SS name | [reset]" to b.
func (s *Stream) prefix(b []byte) []byte {
	b = append(b, s.colourOn...)
	if s.timestamp {
		b = append(b, s.stamp.at(s.now())...)
	}
	return append(b, s.label...)
}

// Flush prints a pending partial line, with a newline added. Call it once
// the process's output has ended.
func (s *Stream) Flush() {
	if len(s.carry) == 0 {
		return
	}
	s.Write([]byte{'\n'}) // ends the pending line, in the copy too
}

func (s *Stream) resetCarry() {
	if cap(s.carry) > maxKept {
		s.carry = nil
		return
	}
	s.carry = s.carry[:0]
}
