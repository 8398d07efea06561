//go:build unix

package rundir

import (
	"syscall"

	"github.com/hancho-dev/hancho/internal/proctree"
)

// Alive reports whether pid still runs and is the same process as the
// one recorded (same start time, where the OS tells it). A zombie does not
// run: a dead run's processes are orphans, and where nothing reaps them
// (an init that does not, as in many containers) they stay zombies for
// good; `hancho stop` must not name them as left running.
func Alive(pid int, startTime uint64) bool {
	if pid <= 0 {
		return false
	}
	if err := syscall.Kill(pid, 0); err != nil && err != syscall.EPERM {
		return false
	}
	if state, _, ok := proctree.Stat(pid); ok && state == 'Z' {
		return false
	}
	if startTime == 0 {
		return true
	}
	st, ok := proctree.StartTime(pid)
	return !ok || st == startTime
}
