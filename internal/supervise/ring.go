package supervise

import (
	"sync"
	"time"
)

// ringLineMax is the longest line kept for `hancho logs`; longer lines are
// cut there. It bounds the memory of the ring.
const ringLineMax = 16 << 10

// ring keeps the last lines of a process for `hancho logs`. Slots are
// reused, so a process in steady state adds lines without allocating. The
// reader goroutine adds; control requests read.
type ring struct {
	mu      sync.Mutex
	lines   [][]byte
	times   []int64 // unix nanoseconds of each line
	next    int
	full    bool
	seq     uint64        // lines added so far
	changed chan struct{} // closed on the next add; nil when nobody follows
}

func newRing(n int) *ring { return &ring{lines: make([][]byte, n), times: make([]int64, n)} }

func (r *ring) add(line []byte) {
	if len(line) > ringLineMax {
		line = line[:ringLineMax]
	}
	now := time.Now().UnixNano()
	r.mu.Lock()
	r.lines[r.next] = append(r.lines[r.next][:0], line...)
	r.times[r.next] = now
	r.next++
	r.seq++
	if r.next == len(r.lines) {
		r.next, r.full = 0, true
	}
	if r.changed != nil {
		close(r.changed)
		r.changed = nil
	}
	r.mu.Unlock()
}

// since returns the lines added after sequence number after (at most the
// last n when n > 0, and never more than the ring holds), the sequence
// number of the newest, and a channel closed when another line arrives.
func (r *ring) since(after uint64, n int) ([]LogLine, uint64, <-chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	count := r.seq - min(after, r.seq)
	held := uint64(r.next)
	if r.full {
		held = uint64(len(r.lines))
	}
	count = min(count, held)
	if n > 0 {
		count = min(count, uint64(n))
	}
	out := make([]LogLine, 0, count)
	for i := count; i > 0; i-- {
		slot := (r.next - int(i) + len(r.lines)) % len(r.lines)
		out = append(out, LogLine{Text: string(r.lines[slot]), Time: time.Unix(0, r.times[slot])})
	}
	if r.changed == nil {
		r.changed = make(chan struct{})
	}
	return out, r.seq, r.changed
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
