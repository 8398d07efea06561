//go:build unix

package supervise

import (
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/hancho-dev/hancho/internal/output"
)

// supervisor is the state of one run. Only the loop goroutine touches it.
type supervisor struct {
	opts     Options
	print    *output.Printer
	launcher *launcher
	reaper   *reaper
	procs    []*proc
	byType   map[string][]*proc
	awaited  map[string]bool // types some process depends on
	doneDue  bool            // lookDone is to run once the queue is empty
	failed   bool            // an optional process failed: failCode is its exit code
	failCode int
	events   chan func()
	quit     chan struct{} // closed when the loop has ended

	stopping   bool      // shutdown has begun
	killed     bool      // SIGKILL has been sent to everything
	exitCode   int       // decided by the first cause of shutdown
	codeSet    bool      //
	deadline   time.Time // latest stop deadline of the shutdown
	sweepTimer *time.Timer
	sweepSent  map[int]bool   // leftover descendants already sent SIGTERM
	killNoted  map[int]uint64 // leftovers whose SIGKILL was announced: pid -> start time
	signalled  map[int]bool   // process groups sent their stop signal
	finishing  bool           // every process is gone; waiting for output
	dirty      bool           // the run record is out of date
}

// Run starts the processes and supervises them until they have all
// stopped and nothing they started is left. It returns hancho's exit code.
func Run(opts Options) int {
	if opts.Stderr == nil {
		opts.Stderr = io.Discard
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	s := &supervisor{
		opts:      opts,
		print:     opts.Printer,
		byType:    map[string][]*proc{},
		awaited:   map[string]bool{},
		events:    make(chan func(), 64),
		quit:      make(chan struct{}),
		sweepSent: map[int]bool{},
		killNoted: map[int]uint64{},
		signalled: map[int]bool{},
	}
	if err := becomeSubreaper(); err != nil {
		fmt.Fprintf(opts.Stderr, "hancho: warning: cannot become a child subreaper (%v); orphaned descendants may survive\n", err)
	}
	s.reaper = newReaper(
		func() { s.post(s.onReaped) },
		func() { s.post(s.onReaped) },
	)
	defer s.reaper.stop()
	l, err := newLauncher(s.reaper)
	if err != nil {
		fmt.Fprintf(opts.Stderr, "hancho: %v\n", err)
		return 1
	}
	s.launcher = l
	defer l.close()

	for i, spec := range opts.Specs {
		p := &proc{spec: spec, nth: i, state: statePending}
		if opts.KeepLogs {
			p.ring = newRing()
		}
		s.procs = append(s.procs, p)
		s.byType[spec.Type] = append(s.byType[spec.Type], p)
		for _, dep := range spec.Policy.DependsOn {
			s.awaited[dep] = true
		}
	}
	s.post(s.startReady)
	return s.loop()
}

// post queues fn to run on the loop. After the loop has ended it is dropped.
func (s *supervisor) post(fn func()) {
	select {
	case s.events <- fn:
	case <-s.quit:
	}
}

// after runs fn on the loop after d.
func (s *supervisor) after(d time.Duration, fn func()) *time.Timer {
	return time.AfterFunc(d, func() { s.post(fn) })
}

func (s *supervisor) loop() int {
	defer close(s.quit)
	for {
		select {
		case fn := <-s.events:
			fn()
		case sig := <-s.opts.Signals:
			s.onSignal(sig.(syscall.Signal))
		case <-s.opts.Broken:
			s.opts.Broken = nil
			fmt.Fprintln(s.opts.Stderr, "hancho: stdout is closed; stopping all processes")
			s.shutdown(codeBrokenPipe)
		case req := <-s.opts.Control:
			s.control(req)
		}
		if s.doneDue && len(s.events) == 0 {
			s.lookDone()
		}
		if s.finishing && s.allDrained() {
			s.record()
			return s.exitCode
		}
		if s.dirty && len(s.events) == 0 {
			s.record()
		}
	}
}

// onSignal handles a signal sent to hancho.
func (s *supervisor) onSignal(sig syscall.Signal) {
	switch sig {
	case syscall.SIGUSR1, syscall.SIGUSR2:
		for _, p := range s.procs {
			switch {
			case p.lingering:
				syscall.Kill(-p.pid, sig)
			case p.alive():
				s.launcher.forward(p.pid, sig)
			}
		}
		return
	}
	if s.stopping {
		// A second Ctrl-C: no more waiting.
		s.print.System("%s received again; killing all processes", signalName(sig))
		s.killAll()
		return
	}
	s.print.System("%s received", signalName(sig))
	s.shutdown(128 + int(sig))
}

// setCode records the exit code of the run, once.
func (s *supervisor) setCode(code int) {
	if !s.codeSet {
		s.exitCode, s.codeSet = code, true
	}
}

// record hands the running processes to Options.Record.
func (s *supervisor) record() {
	s.dirty = false
	if s.opts.Record == nil {
		return
	}
	var run []Running
	for _, p := range s.procs {
		if p.alive() {
			// The start time read at the start: a lingering process's
			// leader is gone, and its pid may be another process's.
			run = append(run, Running{Name: p.spec.Name, PID: p.pid, PGID: p.pid, StartTime: p.startTick})
		}
	}
	s.opts.Record(run)
}

// allDrained reports whether every process's output has been read to the end.
func (s *supervisor) allDrained() bool {
	for _, p := range s.procs {
		if p.output != nil {
			return false
		}
	}
	return true
}

func signalName(sig syscall.Signal) string {
	switch sig {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	case syscall.SIGKILL:
		return "SIGKILL"
	case syscall.SIGQUIT:
		return "SIGQUIT"
	}
	return fmt.Sprintf("signal %d", int(sig))
}

var _ = os.Getpid
