// Package supervise runs a set of processes and owns their lifecycle:
// start order, readiness, restarts, and a shutdown that leaves nothing
// behind. All state lives in one goroutine (the loop); everything else
// (readers, the reaper, timers, probes, signals) posts events to it.
package supervise

import (
	"io"
	"os"
	"syscall"
	"time"

	"github.com/hancho-dev/hancho/internal/output"
	"github.com/hancho-dev/hancho/internal/policy"
)

// Spec is one process to supervise.
type Spec struct {
	Name    string    // instance name, "web.1"
	Type    string    // process type, "web"
	Command string    // run through /bin/sh -c
	Env     []string  // whole environment
	Dir     string    // working directory
	Quiet   bool      // hide its output (not its system lines)
	Log     io.Writer // also gets its raw output (--log-dir); may be nil
	Policy  policy.Process
}

// Options configure a run. Specs, Printer and Signals are required.
type Options struct {
	Specs   []Spec
	Printer *output.Printer
	// Timeout is the stop timeout of processes whose policy sets none.
	Timeout time.Duration
	// Signals delivers SIGINT, SIGTERM, SIGHUP, SIGUSR1 and SIGUSR2.
	Signals <-chan os.Signal
	// Broken is closed when hancho's stdout can no longer be written.
	Broken <-chan struct{}
	// Stderr receives hancho's own warnings. nil discards them.
	Stderr io.Writer
	// Record, when not nil, is called from the loop with the processes
	// running now, after each batch of starts and exits.
	Record func([]Running)
	// Control, when not nil, delivers requests from `hancho status`,
	// `restart`, `stop` and `logs`.
	Control <-chan Request
	// KeepLogs keeps each process's recent output (about 128 KiB) for
	// `hancho logs`.
	KeepLogs bool
}

// Running is a process that is running, for the run record.
type Running struct {
	Name      string `json:"name"`
	PID       int    `json:"pid"`
	PGID      int    `json:"pgid"`
	StartTime uint64 `json:"start_time,omitempty"` // clock ticks since boot, Linux
}

// drainGrace is how long a process's output may pause after it exited
// (when a descendant keeps the pipe open) before "stopped" is printed.
const drainGrace = 200 * time.Millisecond

// Exit codes hancho uses for its own reasons.
const (
	codeNotFound   = 127 // the command could not be started
	codeBrokenPipe = 128 + int(syscall.SIGPIPE)
)
