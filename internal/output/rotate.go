package output

import (
	"fmt"
	"os"
	"sync"
)

// RotatingFile is a log file that rotates by size: when a write would take
// it past Max bytes, NAME becomes NAME.1 (NAME.1 becomes NAME.2, and so
// on up to Keep files) and a new NAME starts. Errors are kept, not
// returned: a full disk must not stop a process's output to the terminal.
type RotatingFile struct {
	Path string
	Max  int64 // bytes; 0 means never rotate
	Keep int   // rotated files kept

	mu   sync.Mutex
	f    *os.File
	size int64
	err  error
}

// Write appends p, rotating first if needed.
func (r *RotatingFile) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil || (r.Max > 0 && r.size > 0 && r.size+int64(len(p)) > r.Max) {
		r.rotate()
	}
	if r.f == nil {
		return len(p), nil
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	if err != nil && r.err == nil {
		r.err = err
	}
	return len(p), nil
}

// rotate closes the current file, shifts the old ones and opens a new one.
// The first open appends to an existing file.
func (r *RotatingFile) rotate() {
	if r.f != nil {
		r.f.Close()
		r.f = nil
		for i := r.Keep - 1; i >= 1; i-- {
			os.Rename(fmt.Sprintf("%s.%d", r.Path, i), fmt.Sprintf("%s.%d", r.Path, i+1))
		}
		if r.Keep > 0 {
			os.Rename(r.Path, r.Path+".1")
		} else {
			os.Remove(r.Path)
		}
	}
	f, err := os.OpenFile(r.Path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		r.err = err
		return
	}
	r.f = f
	r.size = 0
	if st, err := f.Stat(); err == nil {
		r.size = st.Size()
	}
}

// Err returns the first error writing the file.
func (r *RotatingFile) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Close closes the file.
func (r *RotatingFile) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}
