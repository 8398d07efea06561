//go:build unix

package output

import (
	"io"
	"os"
	"syscall"
)

// readPooled waits until f is readable without holding a buffer, then reads
// into a pooled one. The caller returns the buffer to the pool.
func readPooled(f *os.File) (*[]byte, int, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, 0, err
	}
	var (
		bp   *[]byte
		n    int
		rerr error
	)
	err = rc.Read(func(fd uintptr) bool {
		if bp == nil {
			bp = reads.Get().(*[]byte)
		}
		n, rerr = syscall.Read(int(fd), *bp)
		if rerr == syscall.EAGAIN {
			reads.Put(bp)
			bp = nil
			return false // not ready: wait on the poller without a buffer
		}
		return true
	})
	if err != nil {
		return bp, 0, err
	}
	if rerr == syscall.EINTR {
		return bp, 0, nil
	}
	if rerr != nil {
		return bp, 0, rerr
	}
	if n == 0 {
		return bp, 0, io.EOF
	}
	return bp, n, nil
}
