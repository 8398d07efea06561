//go:build unix && !linux

package rundir

import "time"

// waitExit has no pidfd off Linux: it gives the process the whole timeout.
func waitExit(pid int, timeout time.Duration) bool {
	if timeout > 0 {
		time.Sleep(timeout)
	}
	return !Alive(pid, 0)
}

// waitEnding does not wait off Linux: without a pidfd, waiting would
// mean sleeping.
func waitEnding(int) {}
