package rundir

import (
	"time"

	"golang.org/x/sys/unix"
)

// waitExit waits up to timeout for pid to end, on its pidfd.
func waitExit(pid int, timeout time.Duration) bool {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return true // already gone
	}
	defer unix.Close(fd)
	if timeout <= 0 {
		return !Alive(pid, 0)
	}
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	n, err := unix.Poll(fds, int(timeout.Milliseconds())+1)
	return err == nil && n > 0
}

// waitEnding waits for a process on its way out (sent SIGKILL, or past
// its last act) to be gone. One stuck in the kernel (uninterruptible
// sleep) is given endingWait.
func waitEnding(pid int) { waitExit(pid, endingWait) }

const endingWait = 5 * time.Second
