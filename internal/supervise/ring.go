package supervise

import (
	"bytes"
	"sync"
	"time"
)

// ringBytes bounds the recent output kept per process for `hancho logs`:
// about a thousand lines of a hundred bytes.
const ringBytes = 128 << 10

// ringMarks bounds how many write times are kept per process.
const ringMarks = 1024

// ring keeps the recent raw output of a process for `hancho logs`, as an
// io.Writer the output stream copies into: one append and one clock read
// per batch read from the pipe, never per line, so the hot path pays almost
// nothing. Lines are found when someone asks. It holds at most ringBytes
// (plus as much again before it compacts), allocated as output comes.
type ring struct {
	mu      sync.Mutex
	data    []byte        // the newest output, ending at byte total
	total   uint64        // bytes written so far
	marks   []mark        // when each recent write ended
	changed chan struct{} // closed on the next write; nil when nobody follows
}

// mark records that output up to byte end was written at time t.
type mark struct {
	end uint64
	t   int64 // unix nanoseconds
}

func newRing() *ring { return &ring{} }

// Write appends raw output. It never fails.
func (r *ring) Write(p []byte) (int, error) {
	now := time.Now().UnixNano()
	r.mu.Lock()
	r.data = keepLast(append(r.data, p...), ringBytes)
	r.total += uint64(len(p))
	r.marks = append(r.marks, mark{end: r.total, t: now})
	if len(r.marks) > 2*ringMarks {
		r.marks = append(r.marks[:0], r.marks[len(r.marks)-ringMarks:]...)
	}
	if r.changed != nil {
		close(r.changed)
		r.changed = nil
	}
	r.mu.Unlock()
	return len(p), nil
}

// keepLast drops all but the last n bytes of b once it holds twice that,
// moving them to the front so the buffer is reused.
func keepLast(b []byte, n int) []byte {
	if len(b) <= 2*n {
		return b
	}
	return append(b[:0], b[len(b)-n:]...)
}

// since returns the complete lines that end after byte offset after (the
// last n of them when n > 0), the offset the newest line ends at (also
// when after is past it: a follower that asked for no recent line goes on
// from there), and a channel
// closed when more output arrives. A line cut by the start of what is
// kept is left out.
func (r *ring) since(after uint64, n int) ([]LogLine, uint64, <-chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.changed == nil {
		r.changed = make(chan struct{})
	}
	first := r.total - uint64(len(r.data)) // offset of data[0]
	last := bytes.LastIndexByte(r.data, '\n')
	// The newest complete line ends here, whatever after asked: a
	// follower goes on from it.
	seq := first + uint64(last+1)
	if last < 0 || after >= seq {
		return nil, seq, r.changed
	}
	// Where to read from: a follower's offset is a line boundary, so a
	// wake-up reads only what is new; else from the first whole line (the
	// first one kept may be cut).
	start := 0
	switch {
	case after >= first:
		start = int(after - first)
	case first > 0:
		start = bytes.IndexByte(r.data, '\n') + 1
	}
	var lines []LogLine
	m := 0
	for start <= last {
		e := start + bytes.IndexByte(r.data[start:], '\n') + 1
		end := first + uint64(e)
		for m < len(r.marks) && r.marks[m].end < end {
			m++
		}
		var t time.Time
		if m < len(r.marks) {
			t = time.Unix(0, r.marks[m].t)
		}
		lines = append(lines, LogLine{Text: string(r.data[start : e-1]), Time: t})
		start = e
	}
	if n > 0 && len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines, seq, r.changed
}

// LogSource reads the recent and new lines of one process.
type LogSource struct {
	Name string
	r    *ring
}

// Since returns the lines after sequence number after (the last n of them
// when n > 0), the newest sequence number, and a channel closed when a
// new line arrives.
func (s *LogSource) Since(after uint64, n int) ([]LogLine, uint64, <-chan struct{}) {
	lines, seq, ch := s.r.since(after, n)
	for i := range lines {
		lines[i].Name = s.Name
	}
	return lines, seq, ch
}
