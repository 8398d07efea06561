//go:build unix

package rundir

import (
	"syscall"

	"github.com/hancho-dev/hancho/internal/proctree"
)

// Alive reports whether pid still runs and is the same process as the
// one recorded (same start time, where the OS tells it).
func Alive(pid int, startTime uint64) bool {
	if pid <= 0 {
		return false
	}
	if err := syscall.Kill(pid, 0); err != nil && err != syscall.EPERM {
		return false
	}
	if startTime == 0 {
		return true
	}
	st, ok := proctree.StartTime(pid)
	return !ok || st == startTime
}
