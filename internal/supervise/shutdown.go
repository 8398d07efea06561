//go:build unix

package supervise

import (
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/hancho-dev/hancho/internal/proctree"
)

// shutdown stops everything: the stop signal to every process group at
// once (dependents before what they depend on), SIGKILL to what is left
// after its stop timeout, then the same for any descendant left behind.
func (s *supervisor) shutdown(code int) {
	s.setCode(code)
	if s.stopping {
		return
	}
	s.stopping = true
	for _, p := range s.procs {
		if p.restartTimer != nil {
			p.restartTimer.Stop()
		}
		if p.cancelProbe != nil {
			p.cancelProbe()
			p.cancelProbe = nil
		}
		if p.state == statePending || p.state == stateRestarting {
			p.state = stateStopped
		}
	}
	// Descendants left by processes that have already exited (a daemon
	// that double-forked, a job's setsid() horse) get SIGTERM too, and
	// the timeout like everything else before SIGKILL; stop extends the
	// deadline for processes with a longer stop timeout.
	if d := time.Now().Add(s.opts.Timeout); d.After(s.deadline) {
		s.deadline = d
	}
	s.armSweep()
	s.stopReady()
	s.checkDone()
}

// stopReady sends the stop signal to every running process that no
// running process depends on.
func (s *supervisor) stopReady() {
	if !s.stopping {
		return
	}
	for _, p := range s.procs {
		if p.alive() && !p.stopSent && !s.neededByRunning(p) {
			s.stop(p)
		}
	}
}

// neededByRunning reports whether a running process depends on p's type.
// A process counts as running until its exit is announced: its output
// (and whatever still writes it) may still need p.
func (s *supervisor) neededByRunning(p *proc) bool {
	for _, q := range s.procs {
		if q == p || !(q.alive() || q.exited && !q.announced) {
			continue
		}
		for _, dep := range q.spec.Policy.DependsOn {
			if dep == p.spec.Type && dep != q.spec.Type {
				return true
			}
		}
	}
	return false
}

// stop sends p its stop signal and arms its kill timer.
func (s *supervisor) stop(p *proc) {
	sig := stopSignal(p.spec.Policy.StopSignal)
	p.stopSent = true
	p.state = stateStopping
	s.signalled[p.pid] = true
	s.print.System("sending %s to %s (pid %d)", unix.SignalName(sig), p.spec.Name, p.pid)
	signalGroup(p.pid, sig)
	timeout := s.stopTimeout(p)
	if d := time.Now().Add(timeout); s.stopping && d.After(s.deadline) {
		// Leftovers are swept only when the run ends: a `hancho stop` or
		// restart must not kill what other processes left running.
		s.deadline = d
		s.armSweep()
	}
	gen := p.gen
	p.killTimer = s.after(timeout, func() {
		if gen == p.gen && p.alive() {
			s.kill(p)
		}
	})
}

// stopTimeout is how long p may take to stop after its stop signal.
func (s *supervisor) stopTimeout(p *proc) time.Duration {
	if t := p.spec.Policy.StopTimeout; t > 0 {
		return t
	}
	return s.opts.Timeout
}

// kill sends SIGKILL to p's group and every descendant of p or of a
// member of its group (a setsid() job of the program under the shell).
func (s *supervisor) kill(p *proc) {
	s.print.System("sending SIGKILL to %s (pid %d)", p.spec.Name, p.pid)
	tree := proctree.Descendants(p.pid)
	for _, m := range groupMembers(p.pid) {
		tree = append(tree, proctree.Descendants(m)...)
	}
	if p.lingering {
		syscall.Kill(-p.pid, syscall.SIGKILL) // the leader's pid is not its own any more
	} else {
		signalGroup(p.pid, syscall.SIGKILL)
	}
	for _, d := range tree {
		syscall.Kill(d, syscall.SIGKILL)
	}
}

// killAll sends SIGKILL to everything at once: the second Ctrl-C.
func (s *supervisor) killAll() {
	s.killed = true
	for _, p := range s.procs {
		if p.alive() {
			s.kill(p)
		}
	}
	s.killLeftovers()
	s.checkDone()
}

// checkDone asks for a look at whether the run is done, once the events
// that are already queued have been handled: a thousand processes exiting
// together make one look at /proc, not a thousand.
func (s *supervisor) checkDone() { s.doneDue = true }

// lookDone ends the run once shutting down and every process is gone.
// Descendants left behind (a setsid() job whose worker exited, a daemon)
// get SIGTERM as soon as they are orphaned, and SIGKILL at the deadline;
// the run ends when none is left.
func (s *supervisor) lookDone() {
	s.doneDue = false
	if !s.stopping || s.finishing {
		return
	}
	s.termOrphans()
	for _, p := range s.procs {
		if p.alive() || (p.exited && !p.announced) {
			return
		}
	}
	if len(proctree.Descendants(os.Getpid())) == 0 {
		s.endRun()
		return
	}
	if s.killed || !time.Now().Before(s.deadline) {
		s.killLeftovers()
	}
}

// termOrphans sends SIGTERM, once, to each child of hancho that is not
// one of its processes: an orphan it adopted as subreaper.
func (s *supervisor) termOrphans() {
	tracked := s.trackedPIDs()
	for _, c := range proctree.Children(os.Getpid()) {
		if tracked[c] || s.sweepSent[c] {
			continue
		}
		s.sweepSent[c] = true
		state, pgid, ok := proctree.Stat(c)
		if !ok || state == 'Z' || s.signalled[pgid] {
			continue // gone, or its group already got the stop signal
		}
		s.print.System("sending SIGTERM to leftover pid %d (%s)", c, proctree.CommandLine(c))
		signalGroup(c, syscall.SIGTERM)
		if pgid == c {
			s.signalled[c] = true
		}
	}
}

// killLeftovers sends SIGKILL to every descendant that is not one of the
// processes or below one (those get theirs, with a message, from their
// own timer).
func (s *supervisor) killLeftovers() {
	tracked := s.trackedPIDs()
	for _, c := range proctree.Children(os.Getpid()) {
		if tracked[c] {
			continue
		}
		if _, pgid, ok := proctree.Stat(c); ok && tracked[pgid] {
			continue // in the group of a process still stopping: its timer's
		}
		for _, d := range append([]int{c}, proctree.Descendants(c)...) {
			st, ok := proctree.StartTime(d)
			if state, _, found := proctree.Stat(d); !ok || !found || state == 'Z' {
				continue // already gone, waiting to be reaped
			}
			// Every event after the deadline kills again what is left;
			// say so once per process (a pid with its start time).
			if noted, ok := s.killNoted[d]; !ok || noted != st {
				s.killNoted[d] = st
				s.print.System("sending SIGKILL to leftover pid %d (%s)", d, proctree.CommandLine(d))
			}
			syscall.Kill(d, syscall.SIGKILL)
		}
	}
	s.reaper.poke()
}

func (s *supervisor) trackedPIDs() map[int]bool {
	m := make(map[int]bool, len(s.procs))
	for _, p := range s.procs {
		if p.alive() {
			m[p.pid] = true
		}
	}
	return m
}

// armSweep makes sure leftovers are killed at the shutdown's deadline.
func (s *supervisor) armSweep() {
	if s.sweepTimer != nil {
		s.sweepTimer.Stop()
	}
	s.sweepTimer = s.after(time.Until(s.deadline), func() {
		s.killLeftovers()
		s.checkDone()
	})
}

// endRun stops waiting for processes: what output is left is drained
// while it flows, then the loop ends.
func (s *supervisor) endRun() {
	s.finishing = true
	if s.sweepTimer != nil {
		s.sweepTimer.Stop()
	}
	for _, p := range s.procs {
		if p.output != nil {
			// No process is left, so what flows is the pipe's backlog;
			// a pause means a writer that escaped (a descendant off
			// Linux, with no subreaper, or a process that got the pipe
			// passed to it): stop reading then.
			f := p.output
			s.afterOutput(p, p.gen, time.Now().Add(s.opts.Timeout), func() {
				f.SetReadDeadline(time.Now())
			})
		}
	}
}

// stopSignal resolves a policy signal name ("TERM") to a signal.
func stopSignal(name string) syscall.Signal {
	if name == "" {
		return syscall.SIGTERM
	}
	if sig := unix.SignalNum("SIG" + name); sig != 0 {
		return sig
	}
	return syscall.SIGTERM
}
