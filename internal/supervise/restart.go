//go:build unix

package supervise

import (
	"math/rand/v2"
	"time"
)

// Restart backoff: the first restart waits about firstDelay, each next one
// twice as long up to maxDelay. A process that stayed up for stableAfter
// starts again from firstDelay. crashLoopExits exits within crashLoopWindow
// is a crash loop: hancho gives up on the process.
const (
	firstDelay      = time.Second
	maxDelay        = 30 * time.Second
	stableAfter     = 10 * time.Second
	crashLoopExits  = 5
	crashLoopWindow = 60 * time.Second
)

// nextDelay returns the delay before the next restart given the last one,
// with +-10% jitter so that processes that died together do not restart
// in lockstep.
func nextDelay(last time.Duration, upFor time.Duration) time.Duration {
	d := firstDelay
	if last > 0 && upFor < stableAfter {
		d = min(2*last, maxDelay)
	}
	return d
}

func jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.9 + 0.2*rand.Float64()))
}

// scheduleRestart starts p again after its backoff delay, or gives up on
// a crash loop.
func (s *supervisor) scheduleRestart(p *proc) {
	now := time.Now()
	recent := p.recentExits[:0]
	for _, t := range p.recentExits {
		if now.Sub(t) < crashLoopWindow {
			recent = append(recent, t)
		}
	}
	p.recentExits = append(recent, now)
	if len(p.recentExits) >= crashLoopExits {
		p.state = stateFailed
		s.print.System("%s exited %d times in %s; giving up on restarting it", p.spec.Name, len(p.recentExits), crashLoopWindow)
		if !p.spec.Policy.Optional {
			s.shutdown(p.status.ExitCode())
		}
		return
	}
	p.delay = nextDelay(p.delay, now.Sub(p.startedAt))
	wait := jitter(p.delay)
	p.restarts++
	p.state = stateRestarting
	s.print.System("%s restarting in %.1fs (attempt %d)", p.spec.Name, wait.Seconds(), p.restarts)
	gen := p.gen
	p.restartTimer = s.after(wait, func() {
		if gen == p.gen && p.state == stateRestarting && !s.stopping {
			p.state = statePending
			if s.depsReady(p) {
				s.start(p)
			}
		}
	})
}
