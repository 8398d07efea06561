package supervise

import (
	"os"

	"golang.org/x/sys/unix"
)

// pipeSize is the capacity asked for each output pipe: a process that
// floods output blocks less often, and hancho reads larger batches.
const pipeSize = 256 << 10

func growPipe(f *os.File) {
	unix.FcntlInt(f.Fd(), unix.F_SETPIPE_SZ, pipeSize)
}

// unread returns how many bytes wait in the pipe f reads from.
func unread(f *os.File) int {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0
	}
	n := 0
	rc.Control(func(fd uintptr) { // not f.Fd(), which would end its deadlines
		n, _ = unix.IoctlGetInt(int(fd), unix.TIOCINQ) // FIONREAD
	})
	return n
}
