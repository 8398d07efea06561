package supervise

import "fmt"

// GuardEnv marks the supervisor process that a guard started (Linux).
const GuardEnv = "HANCHO_GUARD_PID"

// Status is how a process ended.
type Status struct {
	Code   int // exit code, when Signal is 0
	Signal int // the signal that killed it, or 0
}

// RC is the value honcho prints in "stopped (rc=N)": the exit code, or
// minus the signal number.
func (s Status) RC() int {
	if s.Signal != 0 {
		return -s.Signal
	}
	return s.Code
}

// ExitCode is what hancho exits with when this process decided the run:
// the exit code, or 128+N after signal N, as a shell reports it.
func (s Status) ExitCode() int {
	if s.Signal != 0 {
		return 128 + s.Signal
	}
	return s.Code
}

// Failed reports whether the exit counts as a failure for restart: on-failure.
func (s Status) Failed() bool { return s.Signal != 0 || s.Code != 0 }

func (s Status) String() string { return fmt.Sprintf("rc=%d", s.RC()) }
