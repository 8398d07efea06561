package supervise

import (
	"sync"
	"time"
)

// ringLineMax is the longest line kept for `hancho logs`; longer lines are
// cut there. It bounds the memory of the ring.
const ringLineMax = 16 << 10

// ring keeps the last lines of a process for `hancho logs`. It grows as
// lines come, up to its size, then reuses its slots, so a quiet process
// costs almost nothing and a busy one adds lines without allocating. The
// reader goroutine adds; control requests read.
type ring struct {
	mu      sync.Mutex
	size    int
	entries []entry
	next    int           // once full: the slot to overwrite (the oldest)
	seq     uint64        // lines added so far
	changed chan struct{} // closed on the next add; nil when nobody follows
}

type entry struct {
	line []byte
	time int64 // unix nanoseconds
}

func newRing(n int) *ring { return &ring{size: n} }

func (r *ring) add(line []byte) {
	if len(line) > ringLineMax {
		line = line[:ringLineMax]
	}
	now := time.Now().UnixNano()
	r.mu.Lock()
	if len(r.entries) < r.size {
		r.entries = append(r.entries, entry{line: append([]byte(nil), line...), time: now})
	} else {
		e := &r.entries[r.next]
		e.line, e.time = append(e.line[:0], line...), now
		r.next = (r.next + 1) % r.size
	}
	r.seq++
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
	count := min(r.seq-min(after, r.seq), uint64(len(r.entries)))
	if n > 0 {
		count = min(count, uint64(n))
	}
	out := make([]LogLine, 0, count)
	held := len(r.entries)
	for i := int(count); i > 0; i-- {
		// The newest entry sits just before next (next is 0 until full).
		e := r.entries[(r.next-i+held)%held]
		out = append(out, LogLine{Text: string(e.line), Time: time.Unix(0, e.time)})
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
