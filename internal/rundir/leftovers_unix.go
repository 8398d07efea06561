//go:build unix

package rundir

import (
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/hancho-dev/hancho/internal/proctree"
)

// Held reports whether a live hancho holds the app root's lock.
func Held(root string) bool {
	f, err := os.OpenFile(filepath.Join(Dir(root), "lock"), os.O_RDWR, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return true
	}
	return false
}

// WaitReleased waits until no hancho holds the app root's lock: the
// running one has exited. It returns false after timeout.
func WaitReleased(root string, timeout time.Duration) bool {
	f, err := os.OpenFile(filepath.Join(Dir(root), "lock"), os.O_RDWR, 0)
	if err != nil {
		return true
	}
	done := make(chan struct{})
	go func() {
		defer f.Close()
		// Blocks until the holder's lock goes away with its process.
		syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}

// StopLeftovers stops the recorded processes of a dead run that still
// run (the same pid and start time): SIGTERM to each process group and
// every descendant, SIGKILL after timeout. It calls each for every one it
// stops and returns how many there were.
func StopLeftovers(rec *Record, timeout time.Duration, each func(Proc)) int {
	var pids []int
	stopped := 0
	for _, p := range rec.Procs {
		if !Alive(p.PID, p.StartTime) {
			continue
		}
		each(p)
		stopped++
		tree := append([]int{p.PID}, proctree.Descendants(p.PID)...)
		syscall.Kill(-p.PGID, syscall.SIGTERM)
		for _, pid := range tree {
			syscall.Kill(pid, syscall.SIGTERM)
		}
		pids = append(pids, tree...)
	}
	end := time.Now().Add(timeout)
	for _, pid := range pids {
		if !waitExit(pid, time.Until(end)) {
			syscall.Kill(-pid, syscall.SIGKILL)
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	return stopped
}
