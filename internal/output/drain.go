package output

import (
	"errors"
	"io"
	"os"
	"sync"
)

// readSize is the most read from a pipe at once.
const readSize = 128 << 10

var reads = sync.Pool{New: func() any { b := make([]byte, readSize); return &b }}

// Drain copies everything read from f to w until EOF, an error, or f's read
// deadline. A read buffer is taken from a shared pool only while data is
// being moved, so an idle process costs no buffer. A deadline (set with
// f.SetReadDeadline when a grandchild keeps the pipe open after the
// process exited) ends the drain with os.ErrDeadlineExceeded.
func Drain(f *os.File, w io.Writer) error {
	for {
		bp, n, err := readPooled(f)
		if n > 0 {
			w.Write((*bp)[:n])
		}
		if bp != nil {
			reads.Put(bp)
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
