package e2e

import (
	"syscall"
	"testing"
)

// The tests in this file run a bench as `bench start` does, without
// hancho.yaml: hancho must be the drop-in for honcho that bench expects.

// TestFrappeBenchStart runs a bench the way `bench start` calls its
// process manager (with and without -c) and checks that every part comes
// up and works.
func TestFrappeBenchStart(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		argv    []string
		workers int
	}{
		{"plain", []string{"honcho", "start", "-f", "Procfile", "--no-prefix"}, 1},
		{"two workers", []string{"honcho", "start", "-c", "worker=2", "-f", "Procfile", "--no-prefix"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := newFrappeBench(t, frappeSetup{socketioRetry: true})
			mark := marker(t)
			r := start(t, b.root, benchEnv(mark), tc.argv...)
			b.waitUp(t, r, tc.workers, true)
			jobs := []string{"frappe.email.queue.flush", "frappe.utils.global_search.sync"}
			b.runJobs(t, jobs[:tc.workers]...)
			names := r.PIDs()
			for _, name := range []string{"redis_cache.1", "redis_queue.1", "web.1", "socketio.1", "watch.1", "schedule.1", "worker.1"} {
				if names[name] == 0 {
					t.Errorf("%s was not reported started", name)
				}
			}
			if tc.workers == 2 && names["worker.2"] == 0 {
				t.Errorf("-c worker=2: worker.2 was not reported started")
			}
			signalTerminal(t, r, syscall.SIGINT)
			if code := r.Wait(); code != 130 {
				t.Errorf("exit code after Ctrl-C = %d, want 130", code)
			}
			b.assertStopped(t, mark)
		})
	}
}

// TestFrappeStopSignals checks that Ctrl-C, SIGTERM and closing the
// terminal each stop the whole bench: every port free afterwards, so the
// next `bench start` does not fail with "Address already in use", and
// nothing left running (the web reloader's child, the watcher's tree, a
// job's setsid() horse).
func TestFrappeStopSignals(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		sig   syscall.Signal
		group bool // sent to the process group, as a terminal does
		code  int
	}{
		{"Ctrl-C", syscall.SIGINT, true, 130},
		{"SIGTERM", syscall.SIGTERM, false, 143},
		{"terminal closed", syscall.SIGHUP, true, 129},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := newFrappeBench(t, frappeSetup{socketioRetry: true})
			mark := marker(t)
			r := start(t, b.root, benchEnv(mark), "honcho", "start", "-f", "Procfile", "--no-prefix")
			b.waitUp(t, r, 1, true)
			b.runJobs(t, "frappe.email.queue.flush")
			if tc.group {
				signalTerminal(t, r, tc.sig)
			} else {
				r.Signal(tc.sig)
			}
			if code := r.Wait(); code != tc.code {
				t.Errorf("exit code = %d, want %d", code, tc.code)
			}
			b.assertStopped(t, mark)
		})
	}
}
