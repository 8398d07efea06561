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

// WaitReleased waits until no hancho holds the app root's lock and the
// hancho that held it has exited (it lets go of the lock just before).
// It returns false after timeout.
func WaitReleased(root string, timeout time.Duration) bool {
	path := filepath.Join(Dir(root), "lock")
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return true
	}
	pid := holder(path)
	done := make(chan struct{})
	go func() {
		defer f.Close()
		// Blocks until the holder's lock goes away with its process.
		syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		close(done)
	}()
	select {
	case <-done:
		if pid > 0 {
			waitEnding(pid)
		}
		return true
	case <-time.After(timeout):
		return false
	}
}

// StopLeftovers stops the recorded processes of a dead run that still
// run (the same pid and start time): SIGTERM to each process group and
// every descendant, SIGKILL after timeout. It returns once they are gone,
// so that the caller may say so. It calls each for every one it stops and
// returns how many there were.
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
	var killed []int
	for _, pid := range pids {
		if !waitExit(pid, time.Until(end)) {
			syscall.Kill(-pid, syscall.SIGKILL)
			syscall.Kill(pid, syscall.SIGKILL)
			killed = append(killed, pid)
		}
	}
	for _, pid := range killed {
		waitEnding(pid) // SIGKILL is not instant
	}
	return stopped
}
