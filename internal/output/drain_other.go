//go:build !unix

package output

import "os"

// readPooled reads into a pooled buffer. Off Unix the buffer is held while
// the read blocks.
func readPooled(f *os.File) (*[]byte, int, error) {
	bp := reads.Get().(*[]byte)
	n, err := f.Read(*bp)
	return bp, n, err
}
