// Package rundir keeps what a running hancho leaves under its app root:
// a private folder .hancho/ with the run record (run.json: who runs, which
// processes, with their pids, process groups and start times) and the
// control socket. It is how a later hancho finds a running one, or what a
// dead one left behind.
package rundir

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Name is the folder under the app root.
const Name = ".hancho"

// Proc is one process of a run.
type Proc struct {
	Name      string `json:"name"`
	PID       int    `json:"pid"`
	PGID      int    `json:"pgid"`
	StartTime uint64 `json:"start_time,omitempty"` // clock ticks since boot (Linux)
}

// Record describes a run of `hancho start`.
type Record struct {
	PID       int       `json:"pid"`                 // the supervisor
	GuardPID  int       `json:"guard_pid,omitempty"` // its guard, on Linux
	StartTime uint64    `json:"start_time,omitempty"`
	Started   time.Time `json:"started"`
	Procfile  string    `json:"procfile"`
	Socket    string    `json:"socket,omitempty"`
	Procs     []Proc    `json:"processes"`
}

// Dir is the run folder of an app root.
func Dir(root string) string { return filepath.Join(root, Name) }

// RecordPath is the run record of an app root.
func RecordPath(root string) string { return filepath.Join(Dir(root), "run.json") }

// SocketPath is the control socket of an app root.
func SocketPath(root string) string { return filepath.Join(Dir(root), "control.sock") }

// Ensure creates the run folder, private to this user (0700).
func Ensure(root string) error {
	dir := Dir(root)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cannot create %s: %w", dir, err)
	}
	return os.Chmod(dir, 0o700)
}

// Write replaces the run record atomically.
func Write(root string, rec *Record) error {
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	path := RecordPath(root)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Read returns the run record, or nil when there is none.
func Read(root string) (*Record, error) {
	data, err := os.ReadFile(RecordPath(root))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var rec Record
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, fmt.Errorf("%s is damaged (%v); remove it", RecordPath(root), err)
	}
	return &rec, nil
}

// Remove deletes the run record and the socket.
func Remove(root string) {
	os.Remove(RecordPath(root))
	os.Remove(SocketPath(root))
}
