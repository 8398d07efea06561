package e2e

import (
	"strings"
	"syscall"
	"testing"
	"time"
)

// SIGINT, SIGTERM and SIGHUP (a closed terminal) all start the same
// graceful shutdown: SIGTERM to every process group at once, no waiting
// for the timeout when the processes stop, the shell's exit code for the
// signal.
func TestLifecycleSignalStartsGracefulShutdown(t *testing.T) {
	for _, tt := range []struct {
		sig  syscall.Signal
		name string
		code int
	}{
		{syscall.SIGINT, "SIGINT", 130},
		{syscall.SIGTERM, "SIGTERM", 143},
		{syscall.SIGHUP, "SIGHUP", 129},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := appDir(t, map[string]string{"Procfile": "" +
				"a: stubborn -ignore '' -exit-on TERM\n" +
				"b: stubborn -ignore '' -exit-on TERM\n" +
				"c: sleep 1000\n"})
			mark := marker(t)
			const timeout = 60 * time.Second // far more than a graceful stop needs
			r := start(t, dir, []string{mark}, "start", "--no-colour", "-t", "60")
			r.WaitLine(`a\.1 +\| ready`)
			r.WaitLine(`b\.1 +\| ready`)
			r.WaitLine(`system +\| c\.1 started`)
			code, took := r.stopTimed(tt.sig)
			if code != tt.code {
				t.Errorf("exit code = %d, want %d", code, tt.code)
			}
			r.WaitLine(`system +\| ` + tt.name + ` received$`)
			for _, p := range []string{"a.1", "b.1", "c.1"} {
				r.WaitLine(`system +\| sending SIGTERM to ` + strings.ReplaceAll(p, ".", `\.`) + ` `)
			}
			r.WaitLine(`a\.1 +\| got SIGTERM; exiting 0`)
			r.WaitLine(`b\.1 +\| got SIGTERM; exiting 0`)
			if strings.Contains(r.Stdout(), "SIGKILL") {
				t.Errorf("processes that stop on SIGTERM were killed")
			}
			if took >= timeout/2 {
				t.Errorf("shutdown took %s: it waited for the timeout", took)
			}
			noneLeft(t, mark)
		})
	}
}

// The exit of a process starts the same shutdown, and its exit code is
// hancho's.
func TestLifecycleExitStartsGracefulShutdown(t *testing.T) {
	dir := appDir(t, map[string]string{"Procfile": "" +
		"a: stubborn -ignore '' -exit-on USR1 -exit-code 3\n" +
		"b: stubborn -ignore '' -exit-on TERM\n"})
	mark := marker(t)
	r := start(t, dir, []string{mark}, "start", "--no-colour", "-t", "60")
	r.WaitLine(`a\.1 +\| ready`)
	r.WaitLine(`b\.1 +\| ready`)
	signalPID(t, programPID(t, r.PIDs()["a.1"]), syscall.SIGUSR1)
	if code := r.Wait(); code != 3 {
		t.Errorf("exit code = %d, want 3 (a.1's)", code)
	}
	f := r.follow()
	f.WaitLine(`system +\| a\.1 stopped \(rc=3\)$`)
	f.WaitLine(`system +\| sending SIGTERM to b\.1 `)
	r.WaitLine(`b\.1 +\| got SIGTERM; exiting 0`)
	noneLeft(t, mark)
}

// N processes that ignore SIGTERM take one timeout, not N: the stop signal
// goes to all at once and SIGKILL follows at one deadline.
func TestLifecycleStubbornProcessesTakeOneTimeout(t *testing.T) {
	dir := appDir(t, map[string]string{"Procfile": "s: stubborn\n"})
	mark := marker(t)
	const timeout = time.Second
	r := start(t, dir, []string{mark}, "start", "--no-colour", "-c", "s=4", "-t", "1")
	for _, p := range []string{"1", "2", "3", "4"} {
		r.WaitLine(`s\.` + p + ` +\| ready`)
	}
	code, took := r.stopTimed(syscall.SIGINT)
	if code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	for _, p := range []string{"1", "2", "3", "4"} {
		r.WaitLine(`s\.` + p + ` +\| ignoring SIGTERM`)
	}
	if n := strings.Count(r.Stdout(), "sending SIGKILL"); n < 4 {
		t.Errorf("%d SIGKILL lines, want one for each of the 4 stubborn processes", n)
	}
	if ratio := float64(took) / float64(timeout); ratio >= 2 || ratio < 0.9 {
		t.Errorf("4 stubborn processes took %s to stop with -t 1 (%.1f timeouts), want about one", took, ratio)
	}
	noneLeft(t, mark)
}

// A second Ctrl-C kills everything at once, without waiting for the timeout.
func TestLifecycleSecondSIGINTKillsAtOnce(t *testing.T) {
	dir := appDir(t, map[string]string{"Procfile": "s: stubborn\n"})
	mark := marker(t)
	r := start(t, dir, []string{mark}, "start", "--no-colour", "-c", "s=2", "-t", "600")
	r.WaitLine(`s\.1 +\| ready`)
	r.WaitLine(`s\.2 +\| ready`)
	r.Signal(syscall.SIGINT)
	r.WaitLine(`s\.1 +\| ignoring SIGTERM`)
	r.WaitLine(`s\.2 +\| ignoring SIGTERM`)
	// Wait's deadline is far below the 600 s timeout: only the second
	// SIGINT can end the run in time.
	if code := r.stopWith(syscall.SIGINT); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	r.WaitLine(`system +\| SIGINT received again`)
	noneLeft(t, mark)
}

// SIGUSR1 and SIGUSR2 reach every process, and the run goes on.
func TestLifecycleUSR1USR2ForwardedToEveryProcess(t *testing.T) {
	dir := appDir(t, map[string]string{"Procfile": "" +
		"a: stubborn -ignore ''\n" +
		"b: stubborn -ignore ''\n" +
		"c: stubborn -ignore ''\n"})
	mark := marker(t)
	r := start(t, dir, []string{mark}, "start", "--no-colour")
	for _, p := range []string{"a", "b", "c"} {
		r.WaitLine(p + `\.1 +\| ready`)
	}
	f := r.follow()
	for _, sig := range []syscall.Signal{syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGUSR1} {
		r.Signal(sig)
		name := map[syscall.Signal]string{syscall.SIGUSR1: "SIGUSR1", syscall.SIGUSR2: "SIGUSR2"}[sig]
		seen := map[string]bool{}
		for len(seen) < 3 {
			m := f.WaitLine(`^\S+ ([abc])\.1 +\| got ` + name + `$`)
			seen[m[1]] = true
		}
	}
	if r.Exited() || strings.Contains(r.Stdout(), "stopped") {
		t.Fatalf("forwarding SIGUSR1/SIGUSR2 stopped a process")
	}
	if code := r.stopWith(syscall.SIGINT); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	noneLeft(t, mark)
}
