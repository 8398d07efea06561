//go:build unix

package supervise

import (
	"context"
	"net"
	"net/http"
	"regexp"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hancho-dev/hancho/internal/policy"
)

// defaultProbeTimeout bounds a readiness wait whose policy sets none.
const defaultProbeTimeout = 30 * time.Second

// Probe attempts start probeFirst apart and back off to probeMax: a
// readiness check has no event to wait for, only a service to ask.
const (
	probeFirst = 25 * time.Millisecond
	probeMax   = 500 * time.Millisecond
)

func probeTimeout(pr *policy.Probe) time.Duration {
	if pr.Timeout > 0 {
		return pr.Timeout
	}
	return defaultProbeTimeout
}

// runProbe checks a tcp, http or exec probe until it passes or times out,
// without blocking the loop.
func (s *supervisor) runProbe(p *proc, gen int, pr *policy.Probe) {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout(pr))
	p.cancelProbe = cancel
	env, dir := p.spec.Env, p.spec.Dir
	go func() {
		defer cancel()
		wait := probeFirst
		for {
			if s.check(ctx, pr, env, dir) {
				s.post(func() { s.probePassed(p, gen) })
				return
			}
			select {
			case <-ctx.Done():
				if ctx.Err() == context.DeadlineExceeded {
					s.post(func() { s.probeFailed(p, gen, pr) })
				}
				return
			case <-time.After(wait):
			}
			wait = min(2*wait, probeMax)
		}
	}()
}

// check runs one attempt of a probe.
func (s *supervisor) check(ctx context.Context, pr *policy.Probe, env []string, dir string) bool {
	attempt, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	switch {
	case pr.TCP != "":
		var d net.Dialer
		c, err := d.DialContext(attempt, "tcp", pr.TCP)
		if err == nil {
			c.Close()
		}
		return err == nil
	case pr.HTTP != "":
		req, err := http.NewRequestWithContext(attempt, http.MethodGet, pr.HTTP, nil)
		if err != nil {
			return false
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode < 400
	case pr.Exec != "":
		return s.execProbe(ctx, pr.Exec, env, dir)
	}
	return false
}

// execProbe runs command through the shell in its own process group; it
// passes when the command exits 0. The reaper collects it like any child.
func (s *supervisor) execProbe(ctx context.Context, command string, env []string, dir string) bool {
	attr := &syscall.ProcAttr{
		Dir:   dir,
		Env:   env,
		Files: []uintptr{s.launcher.devnull.Fd(), s.launcher.devnull.Fd(), s.launcher.devnull.Fd()},
		Sys:   &syscall.SysProcAttr{Setpgid: true},
	}
	pid, exited, err := s.reaper.spawnWait(func() (int, error) {
		return syscall.ForkExec(Shell, []string{Shell, "-c", command}, attr)
	})
	if err != nil {
		return false
	}
	select {
	case st := <-exited:
		return st.Code == 0 && st.Signal == 0
	case <-ctx.Done():
		signalGroup(pid, syscall.SIGKILL)
		<-exited
		return false
	}
}

// logProbe returns the tap that passes the probe on the first output line
// matching its pattern, and arms its timeout.
func (s *supervisor) logProbe(p *proc, gen int, pr *policy.Probe) func([]byte) {
	re, err := regexp.Compile(pr.Log)
	if err != nil { // the policy parser rejects bad patterns; never ready
		return func([]byte) {}
	}
	var passed atomic.Bool
	return func(line []byte) {
		if !passed.Load() && re.Match(line) {
			passed.Store(true)
			s.post(func() { s.probePassed(p, gen) })
		}
	}
}

// probeTimeout arms the timeout of a log probe.
func (s *supervisor) probeTimeout(p *proc, gen int, pr *policy.Probe) {
	t := s.after(probeTimeout(pr), func() {
		if gen == p.gen && !p.ready && p.alive() {
			s.probeFailed(p, gen, pr)
		}
	})
	p.cancelProbe = func() { t.Stop() }
}

func (s *supervisor) probePassed(p *proc, gen int) {
	if gen != p.gen || !p.alive() || p.ready {
		return
	}
	if p.cancelProbe != nil {
		p.cancelProbe()
		p.cancelProbe = nil
	}
	s.markReady(p, true)
}

// probeFailed gives up on a process that did not become ready: it counts
// as failed, which stops the others unless it is optional.
func (s *supervisor) probeFailed(p *proc, gen int, pr *policy.Probe) {
	if gen != p.gen || !p.alive() || p.ready || s.stopping {
		return
	}
	p.cancelProbe = nil
	s.print.System("%s not ready after %s; giving up on it", p.spec.Name, probeTimeout(pr))
	p.held = true
	if !p.spec.Policy.Optional {
		s.shutdown(1)
		p.state = stateFailed
		return
	}
	s.stop(p)
	p.state = stateFailed
}
