// Package policy reads hancho.yaml, the optional per-process policy file that
// sits beside the Procfile: restart, optional, stop signal and timeout,
// readiness probes, start order, extra environment and working directory.
package policy

import "time"

// Restart says when a process is started again after it exits.
type Restart string

// The restart policies.
const (
	RestartNo        Restart = "no"         // default: an exit is final
	RestartOnFailure Restart = "on-failure" // restart after a non-zero exit or a signal
	RestartAlways    Restart = "always"     // restart after any exit
)

// Probe says how to tell that a process is ready. Exactly one of TCP, HTTP,
// Exec and Log is set.
type Probe struct {
	TCP     string        // host:port that accepts a connection
	HTTP    string        // URL answering 2xx or 3xx
	Exec    string        // shell command exiting 0
	Log     string        // regular expression matched against the process's output lines
	Timeout time.Duration // give up after this long; zero means 30s
	Line    int           // line of the probe in the file, for messages
}

// Process is the policy of one process type. The zero value is honcho's
// behaviour: no restart, not optional, SIGTERM, the global timeout.
type Process struct {
	Restart     Restart       // "" means RestartNo
	Optional    bool          // its exit never stops the others
	StopTimeout time.Duration // zero: Config.Timeout (or -t)
	StopSignal  string        // signal name without "SIG", e.g. "TERM", "INT", "QUIT"; "" means TERM
	DependsOn   []string      // process types that must be ready (or started) first
	Ready       *Probe        // nil: ready as soon as started
	Env         []EnvVar      // extra environment, in file order, applied after .env
	Dir         string        // working directory, relative to the app root unless absolute
	Line        int           // line of the process's key in the file
}

// EnvVar is one KEY=value pair of a process's env map.
type EnvVar struct {
	Key, Value string
}

// Config is a whole hancho.yaml. The zero value (no file) is valid and
// means honcho's behaviour for every process.
type Config struct {
	Path      string              // file it came from; "" when there is none
	Timeout   time.Duration       // default stop timeout; zero means "not set" (use -t or 5s)
	Processes map[string]*Process // by process type name (the Procfile name, e.g. "worker")
}
