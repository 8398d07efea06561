package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// runCount numbers runs so that each gets its own marker.
var runCount atomic.Int64

// until is told, from the goroutine reading a run's output, each newly
// completed stretch of whole lines, how many bytes have been read in all,
// and when the read that completed them returned. Once it returns true it is
// not called again and the run is done.
type until func(lines []byte, total int64, at time.Time) bool

// group is one run: processes started together whose stdout (and stderr,
// to a file) all go to one pipe that the harness reads to its end. A group
// is a baseline (generators or a shell loop writing straight into the pipe)
// or hancho itself.
type group struct {
	cmds   []*exec.Cmd
	marker string   // tags every process of the run and its descendants
	stderr *os.File // everything the processes wrote to stderr
	start  time.Time

	done   chan time.Time // receives when the run's until first returns true
	eof    chan struct{}  // closed when every writer has closed the pipe
	exited chan struct{}  // closed when every process in cmds has exited
	exitAt time.Time      // set before exited is closed
	errs   []error        // from Wait, set before exited is closed

	data []byte // the whole output, when kept; set before eof is closed
}

// startGroup starts cmds with their stdout on one new pipe and reads it to
// its end, keeping everything read when keep is set (sizeHint bytes are
// reserved for it). Each process starts in a process group of its own.
func startGroup(cmds []*exec.Cmd, keep bool, sizeHint int, u until) (*group, error) {
	g := &group{
		cmds:   cmds,
		marker: fmt.Sprintf("%d-%d", os.Getpid(), runCount.Add(1)),
		done:   make(chan time.Time, 1),
		eof:    make(chan struct{}),
		exited: make(chan struct{}),
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("creating the output pipe: %w", err)
	}
	g.stderr, err = os.CreateTemp("", "hancho-bench-stderr-")
	if err != nil {
		r.Close()
		w.Close()
		return nil, err
	}
	os.Remove(g.stderr.Name()) // the open file is all the harness needs

	// Both ends are *os.File, so Wait does not copy and returns as soon as
	// the process exits, whoever still holds the pipe.
	g.start = time.Now()
	for i, c := range cmds {
		c.Stdout, c.Stderr = w, g.stderr
		c.Env = append(os.Environ(), markerVar+"="+g.marker)
		c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := c.Start(); err != nil {
			w.Close()
			for _, started := range cmds[:i] {
				started.Process.Kill()
				started.Wait()
			}
			r.Close()
			killMarked(runTag(g.marker))
			return nil, fmt.Errorf("starting %s: %w", c.Path, err)
		}
	}
	w.Close()
	go g.read(r, keep, sizeHint, u)
	go g.wait()
	return g, nil
}

// read reads the pipe to its end, telling u of each new stretch of lines.
func (g *group) read(r *os.File, keep bool, sizeHint int, u until) {
	defer close(g.eof)
	defer r.Close()
	chunk := make([]byte, 1<<20)
	var (
		buf     []byte // kept output, or the unfinished line when not keeping
		scanned int    // buf[:scanned] has been passed to u
		total   int64
		fired   bool
	)
	if keep {
		buf = make([]byte, 0, sizeHint)
	}
	for {
		n, err := r.Read(chunk)
		at := time.Now()
		total += int64(n)
		if !fired || keep {
			buf = append(buf, chunk[:n]...)
		}
		if !fired {
			end := bytes.LastIndexByte(buf[scanned:], '\n') + 1
			if err != nil {
				end = len(buf) - scanned // a last line without newline counts too
			}
			if end > 0 && u(buf[scanned:scanned+end], total, at) {
				fired = true
				g.done <- at
			}
			scanned += end
			if !keep {
				buf = buf[:copy(buf, buf[scanned:])]
				scanned = 0
			}
		}
		if err != nil {
			if keep {
				g.data = buf
			}
			return
		}
	}
}

// wait waits for every process and notes when the last one exited.
func (g *group) wait() {
	for _, c := range g.cmds {
		if err := c.Wait(); err != nil {
			g.errs = append(g.errs, fmt.Errorf("%s: %w", c.Path, err))
		}
	}
	g.exitAt = time.Now()
	close(g.exited)
}

// waitDone waits for the run's until to be met and returns how long that
// took from the start. It fails if every process exits first or the
// deadline passes.
func (g *group) waitDone(deadline time.Duration) (time.Duration, error) {
	timer := time.NewTimer(deadline)
	defer timer.Stop()
	select {
	case at := <-g.done:
		return at.Sub(g.start), nil
	case <-g.exited:
		// The reader may not have reached the last lines yet: it has
		// them all once the pipe is closed.
		select {
		case at := <-g.done:
			return at.Sub(g.start), nil
		case <-g.eof:
		case <-timer.C:
		}
		select { // done is sent before eof is closed
		case at := <-g.done:
			return at.Sub(g.start), nil
		default:
		}
		return 0, fmt.Errorf("every process exited before the run was done (%v)%s", errors.Join(g.errs...), g.stderrTail())
	case <-timer.C:
		return 0, fmt.Errorf("not done after %v%s", deadline, g.stderrTail())
	}
}

// signal sends sig to each process, or to each process group when group is
// set, and returns when it was sent.
func (g *group) signal(sig syscall.Signal, group bool) time.Time {
	at := time.Now()
	for _, c := range g.cmds {
		pid := c.Process.Pid
		if group {
			pid = -pid
		}
		syscall.Kill(pid, sig)
	}
	return at
}

// waitExit waits for every process to exit and returns when the last did.
func (g *group) waitExit(deadline time.Duration) (time.Time, error) {
	timer := time.NewTimer(deadline)
	defer timer.Stop()
	select {
	case <-g.exited:
		return g.exitAt, nil
	case <-timer.C:
		return time.Time{}, fmt.Errorf("still running %v after being stopped%s", deadline, g.stderrTail())
	}
}

// waitEOF waits until nothing holds the output pipe open any more.
func (g *group) waitEOF(deadline time.Duration) error {
	timer := time.NewTimer(deadline)
	defer timer.Stop()
	select {
	case <-g.eof:
		return nil
	case <-timer.C:
		return fmt.Errorf("output still open %v after the run's processes exited", deadline)
	}
}

// close ends whatever is left of the run and returns how many processes
// had to be killed: descendants that outlived it.
func (g *group) close() int {
	left := killMarked(runTag(g.marker))
	for _, c := range g.cmds {
		c.Process.Kill() // a no-op once it has exited
	}
	// Killed processes exit at once; these bound the wait all the same.
	g.waitExit(10 * time.Second)
	g.waitEOF(10 * time.Second)
	g.stderr.Close()
	return left
}

// stderrTail returns the end of what the run wrote to stderr, for errors.
func (g *group) stderrTail() string {
	b, err := io.ReadAll(io.NewSectionReader(g.stderr, 0, 1<<30))
	if err != nil || len(b) == 0 {
		return ""
	}
	s := strings.TrimSpace(string(b))
	if len(s) > 2000 {
		s = "..." + s[len(s)-2000:]
	}
	return "; stderr: " + s
}
