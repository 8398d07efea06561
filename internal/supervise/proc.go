//go:build unix

package supervise

import (
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/hancho-dev/hancho/internal/output"
)

// State is where a process is in its life.
type State string

// The states `hancho status` shows.
const (
	statePending    State = "pending"    // waiting for its dependencies
	stateStarting   State = "starting"   // started; its readiness probe has not passed
	stateRunning    State = "running"    // started, no probe
	stateReady      State = "ready"      // started and its probe passed
	stateRestarting State = "restarting" // exited; waiting to be started again
	stateStopping   State = "stopping"   // sent its stop signal
	stateStopped    State = "stopped"    // exited, or never started
	stateFailed     State = "failed"     // exited and gave up, or its probe failed
)

// proc is one supervised process across its restarts.
type proc struct {
	spec  Spec
	nth   int // position, for its colour
	state State

	gen       int      // counts starts; events of an earlier start are ignored
	pid       int      // of the current start; 0 when not running
	output    *os.File // read end of its pipe while being drained
	moved     *moved   // counts the output of the current start
	exited    bool     // the current start has exited
	lingering bool     // its leader exited after the stop signal, its group has not
	drained   bool     // the current start's output has ended
	announced bool     // "stopped" has been printed for the current start
	status    Status   // of the last exit
	hasExited bool     // status is valid
	startedAt time.Time
	startTick uint64 // the leader's start time (clock ticks since boot, Linux), for the run record

	restarts     int         // restarts so far
	recentExits  []time.Time // for crash-loop detection
	delay        time.Duration
	restartTimer *time.Timer
	killTimer    *time.Timer
	graceTimer   *time.Timer
	cancelProbe  func()
	ready        bool // its probe passed (or it has none) since the last start
	held         bool // stopped from `hancho stop NAME`: not restarted
	restartAsked bool // `hancho restart NAME`: start again once stopped
	stopSent     bool // its stop signal was sent for the current start
	ring         *ring
}

// alive reports whether the current start is running.
func (p *proc) alive() bool { return p.pid != 0 && !p.exited }

// stream makes the output stream of a new start, feeding the log ring
// and the log probe.
func (s *supervisor) stream(p *proc, probe func([]byte)) *output.Stream {
	st := s.print.Stream(p.spec.Name, p.nth, p.spec.Quiet)
	switch {
	case p.spec.Log != nil && p.ring != nil:
		st.Copy(io.MultiWriter(p.ring, p.spec.Log))
	case p.spec.Log != nil:
		st.Copy(p.spec.Log)
	case p.ring != nil:
		st.Copy(p.ring)
	}
	if probe != nil {
		st.Tap(probe)
	}
	return st
}

// moved passes a start's output on and counts the batches, so the loop
// can tell output still in flight after the process exited from a pause.
type moved struct {
	w       io.Writer
	batches atomic.Uint64 // batches printed
	writing atomic.Bool   // a batch is being printed
}

func (m *moved) Write(b []byte) (int, error) {
	m.writing.Store(true)
	n, err := m.w.Write(b)
	m.batches.Add(1)
	m.writing.Store(false)
	return n, err
}

// paused reports whether nothing of the output read from f is in flight:
// the pipe is empty, no batch is being printed, and none was since the
// count seen.
func (m *moved) paused(f *os.File, seen uint64) bool {
	return unread(f) == 0 && !m.writing.Load() && m.batches.Load() == seen
}
