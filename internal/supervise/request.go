package supervise

import "time"

// Request is a command from another hancho (status, restart, stop, logs),
// answered on Reply by the loop.
type Request struct {
	Op    string   // "status", "restart", "stop", "shutdown", "logs"
	Names []string // instance names or globs ("web.1", "web", "worker*"); empty means all
	Reply chan<- Reply
}

// Reply answers a Request.
type Reply struct {
	Procs   []ProcStatus `json:"processes,omitempty"`
	Sources []*LogSource `json:"-"` // for "logs": one per process matched
	Err     string       `json:"error,omitempty"`
}

// ProcStatus is one row of `hancho status`.
type ProcStatus struct {
	Name     string  `json:"name"`
	PID      int     `json:"pid"`
	State    string  `json:"state"`
	Restarts int     `json:"restarts"`
	Uptime   float64 `json:"uptime"`
	ExitCode *int    `json:"exit_code"`
}

// LogLine is a recent output line of a process.
type LogLine struct {
	Name string    `json:"name"`
	Time time.Time `json:"time"`
	Text string    `json:"text"`
}
