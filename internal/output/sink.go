// Package output frames process output into whole lines, prefixes them the
// way honcho does, and writes them to one destination without tearing or
// interleaving lines.
package output

import (
	"io"
	"sync"
)

// Sink serialises writes to one destination (hancho's stdout). Each Write
// is one call on the destination, so a batch of whole lines from one
// process is never interleaved with another's.
//
// The first write error (a closed terminal, `hancho start | head`) is kept
// and reported once through OnError; later writes are discarded so that
// processes can still be drained and stopped.
type Sink struct {
	mu      sync.Mutex
	w       io.Writer
	err     error
	onError func(error)
	tees    []io.Writer
}

// NewSink returns a Sink writing to w. onError, if not nil, is called once,
// outside the lock, with the first write error.
func NewSink(w io.Writer, onError func(error)) *Sink {
	return &Sink{w: w, onError: onError}
}

// Write writes p in one call. It never fails: errors go to OnError.
func (s *Sink) Write(p []byte) {
	s.mu.Lock()
	if s.err != nil {
		s.mu.Unlock()
		return
	}
	_, err := s.w.Write(p)
	if err != nil {
		s.err = err
	}
	s.mu.Unlock()
	if err != nil && s.onError != nil {
		s.onError(err)
	}
}

// Err returns the first write error, if any.
func (s *Sink) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}
