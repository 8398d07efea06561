//go:build unix

package supervise

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// reaper collects the exit status of every child of this process: the
// processes it started and, as a child subreaper, the orphans of their
// descendants. It is the only caller of wait4 in the process, so it
// replaces os/exec's Wait.
type reaper struct {
	mu      sync.Mutex
	waiters map[int]func(Status)
	orphan  func() // called after an unknown child is reaped
	none    func() // called when no child is left
	sigs    chan os.Signal
	done    chan struct{}
}

// newReaper starts reaping on SIGCHLD. orphan and none may be nil.
func newReaper(orphan, none func()) *reaper {
	r := &reaper{
		waiters: map[int]func(Status){},
		orphan:  orphan,
		none:    none,
		sigs:    make(chan os.Signal, 1),
		done:    make(chan struct{}),
	}
	signal.Notify(r.sigs, syscall.SIGCHLD)
	go r.loop()
	return r
}

// spawn runs start (which forks a child and returns its pid) under the
// reaper's lock, so the child's status cannot be reaped before it is
// claimed. onExit is called once with the status, on the reaper's
// goroutine: it must not block for long.
func (r *reaper) spawn(start func() (int, error), onExit func(Status)) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	pid, err := start()
	if err != nil {
		return 0, err
	}
	r.waiters[pid] = onExit
	return pid, nil
}

// spawnWait is spawn for a caller that waits for the status on a channel.
func (r *reaper) spawnWait(start func() (int, error)) (int, <-chan Status, error) {
	ch := make(chan Status, 1)
	pid, err := r.spawn(start, func(st Status) { ch <- st })
	if err != nil {
		return 0, nil, err
	}
	return pid, ch, nil
}

func (r *reaper) stop() {
	signal.Stop(r.sigs)
	close(r.done)
}

func (r *reaper) loop() {
	for {
		select {
		case <-r.sigs:
			r.reap()
		case <-r.done:
			return
		}
	}
}

// reap collects every child that has exited.
func (r *reaper) reap() {
	for {
		var ws syscall.WaitStatus
		r.mu.Lock()
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		if err == syscall.EINTR {
			r.mu.Unlock()
			continue
		}
		if err != nil || pid <= 0 {
			r.mu.Unlock()
			if err == syscall.ECHILD && r.none != nil {
				r.none()
			}
			return
		}
		onExit, known := r.waiters[pid]
		delete(r.waiters, pid)
		r.mu.Unlock()
		st := Status{Code: ws.ExitStatus()}
		if ws.Signaled() {
			st = Status{Signal: int(ws.Signal())}
		}
		if known {
			onExit(st)
		} else if r.orphan != nil {
			r.orphan()
		}
	}
}

// poke makes the reaper look for exited children now, for a caller that
// may have missed a SIGCHLD coalesced with an earlier one.
func (r *reaper) poke() {
	select {
	case r.sigs <- syscall.SIGCHLD:
	default:
	}
}
