package cli

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// stdoutPipeSize is the capacity asked for hancho's stdout when it is a
// pipe: hancho writes batches of whole lines, and a 64 KiB pipe would
// split each into several blocking writes.
const stdoutPipeSize = 1 << 20

// growStdout enlarges w's pipe, when w is one; errors are harmless (an
// unprivileged user may be capped at /proc/sys/fs/pipe-max-size).
func growStdout(w io.Writer) {
	f, ok := w.(*os.File)
	if !ok {
		return
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		return
	}
	unix.FcntlInt(f.Fd(), unix.F_SETPIPE_SZ, stdoutPipeSize)
}
