//go:build unix

package rundir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// ErrRunning is returned by Claim when another hancho runs in the app root.
var ErrRunning = errors.New("hancho is already running")

// Claim makes this hancho the one running in root, for as long as it
// lives: an exclusive lock on .hancho/lock, which the kernel drops when
// the process dies, so a crashed run never blocks the next. The lock file
// holds the pid of its holder. Claim refuses when another live hancho
// holds it, naming its pid.
func Claim(root string) (release func(), err error) {
	if err := Ensure(root); err != nil {
		return nil, err
	}
	path := filepath.Join(Dir(root), "lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		who := "another hancho"
		if pid := holder(path); pid > 0 {
			who = fmt.Sprintf("pid %d", pid)
		} else if rec, _ := Read(root); rec != nil {
			who = fmt.Sprintf("pid %d", rec.PID)
		}
		return nil, fmt.Errorf("%w in %s (%s); stop it with `hancho stop`, or watch it with `hancho status`", ErrRunning, root, who)
	}
	// Written at once, unlike the run record, which waits for the first
	// processes to start.
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return func() { f.Close() }, nil
}

// holder returns the pid written in the lock file at path, or 0.
func holder(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	return pid
}
