//go:build unix

package supervise

import (
	"fmt"
	"path"
	"strings"
	"time"
)

// control answers a request from another hancho.
func (s *supervisor) control(req Request) {
	var reply Reply
	switch req.Op {
	case "status":
		reply.Procs = s.statuses()
	case "shutdown":
		if !s.stopping {
			s.print.System("stop requested")
			s.shutdown(0)
		}
	case "restart", "stop", "logs":
		procs, err := s.match(req.Names)
		if err != nil {
			reply.Err = err.Error()
			break
		}
		switch req.Op {
		case "restart":
			reply.Err = s.restartProcs(procs)
		case "stop":
			reply.Err = s.stopProcs(procs)
		case "logs":
			for _, p := range procs {
				if p.ring != nil {
					reply.Sources = append(reply.Sources, &LogSource{Name: p.spec.Name, r: p.ring})
				}
			}
		}
		if reply.Err == "" {
			reply.Procs = s.statuses()
		}
	default:
		reply.Err = fmt.Sprintf("unknown request %q", req.Op)
	}
	if req.Reply != nil {
		req.Reply <- reply
	}
}

// match resolves names and globs ("web.1", "web", "worker*") to processes.
func (s *supervisor) match(names []string) ([]*proc, error) {
	if len(names) == 0 {
		return s.procs, nil
	}
	var out []*proc
	seen := map[*proc]bool{}
	for _, n := range names {
		found := false
		for _, p := range s.procs {
			a, _ := path.Match(n, p.spec.Name)
			b, _ := path.Match(n, p.spec.Type)
			if a || b {
				found = true
				if !seen[p] {
					seen[p] = true
					out = append(out, p)
				}
			}
		}
		if !found {
			return nil, fmt.Errorf("no process matches %q (processes: %s)", n, strings.Join(s.names(), ", "))
		}
	}
	return out, nil
}

func (s *supervisor) names() []string {
	var out []string
	for _, p := range s.procs {
		out = append(out, p.spec.Name)
	}
	return out
}

// restartProcs stops each process gracefully and starts it again; a
// stopped one is simply started.
func (s *supervisor) restartProcs(procs []*proc) string {
	if s.stopping {
		return "hancho is shutting down"
	}
	for _, p := range procs {
		p.held = false
		p.recentExits = nil
		if !p.restartAsked {
			p.restarts++ // a request merged into a restart under way is not another
		}
		switch {
		case p.alive():
			if !p.stopSent {
				p.restartAsked = true
				s.print.System("restarting %s", p.spec.Name)
				s.stop(p)
			} else {
				p.restartAsked = true
			}
		case p.exited && !p.announced:
			p.restartAsked = true // settle starts it
		default:
			if p.restartTimer != nil {
				p.restartTimer.Stop()
			}
			p.state = statePending
			s.start(p)
		}
	}
	return ""
}

// stopProcs stops each process gracefully and keeps it stopped.
func (s *supervisor) stopProcs(procs []*proc) string {
	for _, p := range procs {
		p.held = true
		p.restartAsked = false
		if p.restartTimer != nil {
			p.restartTimer.Stop()
		}
		switch {
		case p.alive() && !p.stopSent:
			s.print.System("stopping %s", p.spec.Name)
			s.stop(p)
		case !p.alive() && (p.state == statePending || p.state == stateRestarting):
			p.state = stateStopped
		}
	}
	return ""
}

// statuses lists every process for `hancho status`.
func (s *supervisor) statuses() []ProcStatus {
	out := make([]ProcStatus, 0, len(s.procs))
	for _, p := range s.procs {
		st := ProcStatus{Name: p.spec.Name, State: string(p.state), Restarts: p.restarts}
		if p.alive() {
			st.PID = p.pid
			st.Uptime = time.Since(p.startedAt).Round(time.Millisecond).Seconds()
		}
		if p.hasExited {
			code := p.status.RC()
			st.ExitCode = &code
		}
		out = append(out, st)
	}
	return out
}
