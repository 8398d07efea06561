//go:build unix

package supervise

import (
	"errors"
	"github.com/hancho-dev/hancho/internal/proctree"
	"os"
	"syscall"
	"time"

	"github.com/hancho-dev/hancho/internal/output"
	"github.com/hancho-dev/hancho/internal/policy"
)

// startReady starts every pending process whose dependencies are ready.
func (s *supervisor) startReady() {
	if s.stopping {
		return
	}
	for _, p := range s.procs {
		if p.state == statePending && !p.held && s.depsReady(p) {
			s.start(p)
		}
	}
}

// depsReady reports whether every type p depends on is ready: each of its
// instances passed its probe, or started when it has none. A type that is
// not being run does not hold p back.
func (s *supervisor) depsReady(p *proc) bool {
	for _, dep := range p.spec.Policy.DependsOn {
		for _, d := range s.byType[dep] {
			if !d.ready {
				return false
			}
		}
	}
	return true
}

// start launches p.
func (s *supervisor) start(p *proc) {
	p.gen++
	gen := p.gen
	p.exited, p.drained, p.announced, p.stopSent, p.ready = false, false, false, false, false
	p.restartAsked = false
	probe := p.spec.Policy.Ready
	var logProbe func([]byte)
	if probe != nil && probe.Log != "" {
		logProbe = s.logProbe(p, gen, probe)
	}
	stream := s.stream(p, logProbe)
	st, err := s.launcher.start(p.spec.Command, p.spec.Env, p.spec.Dir, func(status Status) {
		s.post(func() { s.onExit(p, gen, status) })
	})
	if err != nil {
		s.print.System("%s failed to start: %s", p.spec.Name, startError(err, p.spec.Dir))
		code := codeNotFound
		if errors.Is(err, os.ErrPermission) {
			code = 126
		}
		p.pid, p.startedAt = 0, time.Now()
		p.exited, p.drained = true, true
		p.status, p.hasExited = Status{Code: code}, true
		s.settle(p)
		return
	}
	p.pid, p.output, p.startedAt = st.pid, st.output, time.Now()
	p.startTick, _ = proctree.StartTime(st.pid)
	p.moved = &moved{w: stream}
	p.state = stateRunning
	s.dirty = true
	s.print.System("%s started (pid=%d)", p.spec.Name, st.pid)
	go func(out *moved) {
		output.Drain(st.output, out)
		stream.Flush()
		st.output.Close()
		s.post(func() { s.onDrained(p, gen) })
	}(p.moved)
	if probe != nil {
		p.state = stateStarting
		if probe.Log == "" {
			s.runProbe(p, gen, probe)
		} else {
			s.probeTimeout(p, gen, probe)
		}
	} else {
		s.markReady(p, false)
	}
}

// startError explains why a process could not be started.
func startError(err error, dir string) string {
	var pe *os.PathError
	if errors.As(err, &pe) && pe.Op == "chdir" || errors.Is(err, syscall.ENOENT) && dir != "" {
		if _, serr := os.Stat(dir); serr != nil {
			return "working directory " + dir + " does not exist; check -d/--app-root or the process's dir"
		}
	}
	if errors.Is(err, syscall.ENOENT) {
		return Shell + " not found: " + err.Error()
	}
	return err.Error()
}

// markReady records that p is ready and starts what waited for it.
func (s *supervisor) markReady(p *proc, announce bool) {
	p.ready = true
	if announce {
		p.state = stateReady
		s.print.System("%s ready after %.1fs", p.spec.Name, time.Since(p.startedAt).Seconds())
	}
	if s.awaited[p.spec.Type] {
		s.startReady()
	}
}

// onExit handles the exit of p's start number gen.
func (s *supervisor) onExit(p *proc, gen int, st Status) {
	if gen != p.gen {
		return
	}
	if p.stopSent && groupAlive(p.pid) {
		// Asked to stop, the process's leader is gone but not its group:
		// the shell died of the stop signal while the program it ran
		// (dash does not exec it) is still stopping, or a parent that
		// exits on SIGTERM left its child (werkzeug's reloader). The
		// process has stopped once its group is empty (onReaped); until
		// then it is stopping, and its kill timer ends the group.
		p.lingering, p.status = true, st
		return
	}
	p.lingering = false
	p.exited, p.status, p.hasExited = true, st, true
	s.dirty = true
	if p.killTimer != nil {
		p.killTimer.Stop()
	}
	if p.cancelProbe != nil {
		p.cancelProbe()
		p.cancelProbe = nil
	}
	if p.drained {
		s.settle(p)
		return
	}
	// Its output has not ended: the pipe still holds what it wrote
	// before it exited, or a descendant keeps the pipe open. Announce
	// the exit once the output pauses (or at the stop timeout, for a
	// descendant that keeps writing); the drain goes on.
	s.afterOutput(p, gen, time.Now().Add(s.stopTimeout(p)), func() {
		if !p.announced {
			s.settle(p)
		}
	})
}

// afterOutput calls then on the loop unless the output of p's start
// number gen ends first: once the output has paused for drainGrace (the
// pipe empty, nothing printed), or at limit when it keeps flowing. A
// pause tells an idle pipe holder from a backlog hancho has not read yet:
// printing "stopped" a fixed time after the exit put it before lines the
// process wrote, whenever hancho was slower than the process.
func (s *supervisor) afterOutput(p *proc, gen int, limit time.Time, then func()) {
	out, f := p.moved, p.output
	seen := out.batches.Load()
	p.graceTimer = s.after(drainGrace, func() {
		if gen != p.gen || p.drained {
			return
		}
		if !out.paused(f, seen) && time.Now().Before(limit) {
			s.afterOutput(p, gen, limit, then)
			return
		}
		then()
	})
}

// onReaped looks again at processes whose group outlived its leader, once
// an orphan (maybe the group's last member) has been reaped.
func (s *supervisor) onReaped() {
	for _, p := range s.procs {
		if p.lingering && !groupAlive(p.pid) {
			s.onExit(p, p.gen, p.status)
		}
	}
	s.checkDone()
}

// onDrained handles the end of the output of p's start number gen.
func (s *supervisor) onDrained(p *proc, gen int) {
	if gen != p.gen {
		s.checkDone() // an earlier start's drain: p.output is the current one's
		return
	}
	p.drained = true
	p.output = nil
	if p.exited && !p.announced {
		s.settle(p)
		return
	}
	s.checkDone()
}

// settle handles an exit once its output is out: print it and apply the
// policy. A process exits once per start, so this runs once per start.
func (s *supervisor) settle(p *proc) {
	p.announced = true
	if p.graceTimer != nil {
		p.graceTimer.Stop()
	}
	ran := p.pid != 0 // 0: it failed to start, and start said why
	p.pid = 0
	s.print.System("%s stopped (%s)", p.spec.Name, p.status)
	if ran && p.status.Signal == 0 {
		// The shell's own message is a line of the process's output;
		// say once, as hancho, what the exit code means.
		switch p.status.Code {
		case 127:
			s.print.System("%s: command not found (rc=127); check the command in the Procfile and PATH", p.spec.Name)
		case 126:
			s.print.System("%s: command found but not executable (rc=126); check its permissions (chmod +x) and its #! line", p.spec.Name)
		}
	}
	pol := p.spec.Policy
	switch {
	case s.stopping:
		p.state = stateStopped
		s.stopReady()
	case p.restartAsked:
		p.state = statePending
		s.start(p)
	case p.held && p.state == stateFailed: // an optional process whose probe failed
		p.held = false
		s.giveUpOn(p, "did not become ready")
	case p.held:
		p.state = stateStopped
	case wantsRestart(pol.Restart, p.status):
		s.scheduleRestart(p)
	default:
		p.state = stateStopped
		if p.status.Failed() {
			p.state = stateFailed
		}
		if !pol.Optional {
			s.shutdown(p.status.ExitCode())
			break
		}
		s.giveUpOn(p, "has stopped")
	}
	s.checkDone()
}

// giveUpOn handles an optional process that is gone for good (exited, or
// its probe failed): what waits for its type will never start, so say so;
// and once nothing runs or can run any more, the run ends, with the code
// of the first failure.
func (s *supervisor) giveUpOn(p *proc, why string) {
	if p.status.Failed() && !s.failed {
		s.failed, s.failCode = true, p.status.ExitCode()
	}
	if s.stopping {
		return
	}
	for _, q := range s.byType[p.spec.Type] {
		if q.alive() || q.state == statePending || q.state == stateRestarting {
			return // the type may still become ready
		}
	}
	for _, q := range s.procs {
		if q.state != statePending || q.held {
			continue
		}
		for _, dep := range q.spec.Policy.DependsOn {
			if dep == p.spec.Type {
				q.state = stateStopped
				s.print.System("%s not started: %s, which it depends on, %s", q.spec.Name, p.spec.Name, why)
				break
			}
		}
	}
	for _, q := range s.procs {
		if q.alive() || q.held || q.state == statePending || q.state == stateRestarting {
			return
		}
	}
	s.print.System("no process is left to run")
	code := 0
	if s.failed {
		code = s.failCode
	}
	s.shutdown(code)
}

func wantsRestart(r policy.Restart, st Status) bool {
	switch r {
	case policy.RestartAlways:
		return true
	case policy.RestartOnFailure:
		return st.Failed()
	}
	return false
}
