//go:build !unix

package rundir

import "os"

// Alive reports whether pid still runs.
func Alive(pid int, _ uint64) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
