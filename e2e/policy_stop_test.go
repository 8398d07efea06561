package e2e

import (
	"syscall"
	"testing"
)

// Stopping under hancho.yaml (issue 5): stop_timeout per process,
// stop_signal, and the top-level timeout.

// slowStopper traps SIGTERM and takes secs seconds to finish, then exits 0.
func slowStopper(secs string) string {
	return `trap 'echo got TERM; sleep ` + secs + `; echo finished; exit 0' TERM; echo up; while :; do sleep 1; done`
}

// A process with stop_timeout 3s that needs 1 s to stop finishes cleanly,
// while the global -t 0.2 still applies to the others.
func TestPolicyStopTimeoutPerProcess(t *testing.T) {
	dir := appDir(t, map[string]string{
		"Procfile":    "slow: " + slowStopper("1") + "\nhard: exec stubborn\n",
		"hancho.yaml": "processes:\n  slow:\n    stop_timeout: 3s\n",
	})
	r, mark := polStart(t, dir, "-t", "0.2")
	r.WaitLine(polOut("slow.1", "up"))
	r.WaitLine(polOut("hard.1", `ready pid=\d+`))
	r.Signal(syscall.SIGINT)
	if code := r.Wait(); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	noneLeft(t, mark)
	out := r.Stdout()
	polOrder(t, out,
		polSys(`sending SIGTERM to slow\.1 \(pid \d+\)`),
		polOut("slow.1", "got TERM"),
		polOut("slow.1", "finished"),
		polSys(`slow\.1 stopped \(rc=0\)`))
	polNone(t, out, `sending SIGKILL to slow\.1`)
	polOrder(t, out, polOut("hard.1", "ignoring SIGTERM"), polSys(`sending SIGKILL to hard\.1 \(pid \d+\)`), polSys(`hard\.1 stopped \(rc=-9\)`))
	// hard, killed after -t, was gone before slow finished.
	polOrder(t, out, polSys(`hard\.1 stopped \(rc=-9\)`), polOut("slow.1", "finished"))
}

// stop_signal: the named signal (in any of its spellings) reaches the
// process instead of SIGTERM.
func TestPolicyStopSignal(t *testing.T) {
	dir := appDir(t, map[string]string{
		"Procfile": "int: exec stubborn -ignore TERM -exit-on INT\n" +
			"quit: exec stubborn -ignore TERM -exit-on QUIT\n" +
			"usr: exec stubborn -ignore TERM -exit-on USR2 -exit-code 7\n",
		"hancho.yaml": "processes:\n" +
			"  int:\n    stop_signal: INT\n" +
			"  quit:\n    stop_signal: SIGQUIT\n" +
			"  usr:\n    stop_signal: usr2\n",
	})
	r, mark := polStart(t, dir)
	for _, name := range []string{"int.1", "quit.1", "usr.1"} {
		r.WaitLine(polOut(name, `ready pid=\d+`))
	}
	r.Signal(syscall.SIGINT)
	if code := r.Wait(); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	noneLeft(t, mark)
	out := r.Stdout()
	polOrder(t, out, polSys(`sending SIGINT to int\.1 \(pid \d+\)`), polOut("int.1", "got SIGINT; exiting 0"), polSys(`int\.1 stopped \(rc=0\)`))
	polOrder(t, out, polSys(`sending SIGQUIT to quit\.1 \(pid \d+\)`), polOut("quit.1", "got SIGQUIT; exiting 0"), polSys(`quit\.1 stopped \(rc=0\)`))
	polOrder(t, out, polSys(`sending SIGUSR2 to usr\.1 \(pid \d+\)`), polOut("usr.1", "got SIGUSR2; exiting 7"), polSys(`usr\.1 stopped \(rc=7\)`))
	polNone(t, out, `ignoring SIGTERM|sending SIGTERM|SIGKILL`)
}

// The top-level timeout replaces the default 5 s for every process without
// a stop_timeout: hard (ignoring SIGTERM) is killed after 0.2 s, long
// before slow (stop_timeout 20s) finishes its 3 s stop.
func TestPolicyTopLevelTimeout(t *testing.T) {
	dir := appDir(t, map[string]string{
		"Procfile":    "slow: " + slowStopper("3") + "\nhard: exec stubborn\n",
		"hancho.yaml": "timeout: 0.2s\nprocesses:\n  slow:\n    stop_timeout: 20s\n",
	})
	r, mark := polStart(t, dir)
	r.WaitLine(polOut("slow.1", "up"))
	r.WaitLine(polOut("hard.1", `ready pid=\d+`))
	r.Signal(syscall.SIGINT)
	if code := r.Wait(); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	noneLeft(t, mark)
	out := r.Stdout()
	polOrder(t, out, polSys(`sending SIGKILL to hard\.1 \(pid \d+\)`), polOut("slow.1", "finished"), polSys(`slow\.1 stopped \(rc=0\)`))
	polNone(t, out, `sending SIGKILL to slow\.1`)
}

// An explicit -t is the default stop timeout even when hancho.yaml sets
// timeout: start.go gives -t precedence over the file's timeout, but each
// process's stop timeout is taken from the file.
func TestPolicyTimeoutFlagOverridesFile(t *testing.T) {
	dir := appDir(t, map[string]string{
		"Procfile":    "hard: exec stubborn\n",
		"hancho.yaml": "timeout: 60s\n",
	})
	r, mark := polStart(t, dir, "-t", "0.2")
	r.WaitLine(polOut("hard.1", `ready pid=\d+`))
	r.Signal(syscall.SIGINT)
	// Within the harness deadline (30 s), so not the file's 60 s.
	r.WaitLine(polSys(`sending SIGKILL to hard\.1 \(pid \d+\)`))
	if code := r.Wait(); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	noneLeft(t, mark)
}
