package supervise

import "sync"

// ringLineMax is the longest line kept for `hancho logs`; longer lines are
// cut there. It bounds the memory of the ring.
const ringLineMax = 16 << 10

// ring keeps the last lines of a process for `hancho logs`. Slots are
// reused, so a process in steady state adds lines without allocating. The
// reader goroutine adds; the loop reads.
type ring struct {
	mu    sync.Mutex
	lines [][]byte
	next  int
	full  bool
	seq   uint64 // lines added so far
}

func newRing(n int) *ring { return &ring{lines: make([][]byte, n)} }

func (r *ring) add(line []byte) {
	if len(line) > ringLineMax {
		line = line[:ringLineMax]
	}
	r.mu.Lock()
	r.lines[r.next] = append(r.lines[r.next][:0], line...)
	r.next++
	r.seq++
	if r.next == len(r.lines) {
		r.next, r.full = 0, true
	}
	r.mu.Unlock()
}

// last returns up to n of the newest lines, oldest first (all when n <= 0),
// and the sequence number of the newest.
func (r *ring) last(n int) ([]string, uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var all [][]byte
	if r.full {
		all = append(all, r.lines[r.next:]...)
	}
	all = append(all, r.lines[:r.next]...)
	if n > 0 && n < len(all) {
		all = all[len(all)-n:]
	}
	out := make([]string, len(all))
	for i, l := range all {
		out[i] = string(l)
	}
	return out, r.seq
}
