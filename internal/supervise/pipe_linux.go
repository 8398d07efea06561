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
