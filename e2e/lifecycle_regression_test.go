package e2e

import (
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Bug: SIGUSR1 forwarded to the whole process group killed the `sh -c`
// wrapper (Debian's dash does not exec the last command and has no
// handler for it), so hancho saw the process stop (rc=-10) and stopped
// the run. The shell is now spared; only what runs under it gets the signal.
func TestLifecycleRegressionForwardedUSR1KilledShellWrapper(t *testing.T) {
	dir := appDir(t, map[string]string{"Procfile": "a: stubborn -ignore ''\n"})
	mark := marker(t)
	r := start(t, dir, []string{mark}, "start", "--no-colour")
	r.WaitLine(`a\.1 +\| ready`)
	r.Signal(syscall.SIGUSR1)
	r.WaitLine(`a\.1 +\| got SIGUSR1$`)
	if code := r.stopWith(syscall.SIGINT); code != 130 {
		t.Errorf("exit code = %d, want 130 (SIGINT decided the run, not a dead shell)", code)
	}
	if strings.Contains(r.Stdout(), "rc=-10") {
		t.Errorf("SIGUSR1 killed a.1's shell")
	}
	noneLeft(t, mark)
}

// Bug: when the last process had exited before the shutdown began (a
// launcher whose daemon double-forked), no stop deadline was set, so the
// leftover daemon got SIGKILL together with its SIGTERM, with no time to
// stop. It now gets the timeout like any process.
func TestLifecycleRegressionLeftoverKilledWithoutGrace(t *testing.T) {
	dir := appDir(t, map[string]string{"Procfile": "daemon: daemon -sleep 1h -ignore-term\n"})
	mark := marker(t)
	const timeout = time.Second
	r := start(t, dir, []string{mark}, "start", "--no-colour", "-t", "1")
	r.WaitLine(`daemon\.1 +\| daemon started`)
	began := time.Now()
	if code := r.Wait(); code != 0 {
		t.Errorf("exit code = %d, want 0", code)
	}
	// The launcher exits right after its line: the daemon's grace starts
	// then, so hancho cannot end much sooner than a timeout after began.
	if took := time.Since(began); took < timeout/2 {
		t.Errorf("the leftover daemon was killed %s after its SIGTERM, want about -t 1", took)
	}
	f := r.follow()
	f.WaitLine(`system +\| sending SIGTERM to leftover pid \d+ `)
	f.WaitLine(`system +\| sending SIGKILL to leftover pid \d+ `)
	noneLeft(t, mark)
}

// Bug: after the deadline every event (each leftover reaped) killed what
// was left again and announced it again, so N leftovers gave up to N*N
// "sending SIGKILL" lines. Each is announced once now.
func TestLifecycleRegressionLeftoverSIGKILLAnnouncedRepeatedly(t *testing.T) {
	dir := appDir(t, map[string]string{"Procfile": "" +
		"a: stubborn & stubborn & stubborn & stubborn & echo spawned; wait\n" +
		"b: stubborn -ignore ''\n"})
	mark := marker(t)
	r := start(t, dir, []string{mark}, "start", "--no-colour", "-t", "1")
	f := r.follow()
	for range 4 {
		f.WaitLine(`a\.1 +\| ready`)
	}
	if code := r.stopWith(syscall.SIGINT); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	noneLeft(t, mark)
	seen := map[string]int{}
	for _, m := range regexp.MustCompile(`sending SIGKILL to leftover pid (\d+)`).FindAllStringSubmatch(r.Stdout(), -1) {
		seen[m[1]]++
	}
	if len(seen) != 4 {
		t.Errorf("SIGKILL announced for %d leftovers, want the 4 stubborn ones", len(seen))
	}
	for pid, n := range seen {
		if n != 1 {
			t.Errorf("SIGKILL to pid %s announced %d times", pid, n)
		}
	}
}

// Bug: a process that could not start because its working directory is
// missing was also reported as "command not found (rc=127)", a second and
// wrong reason.
func TestLifecycleRegressionMissingDirReportedAsCommandNotFound(t *testing.T) {
	dir := appDir(t, map[string]string{
		"Procfile":    "a: stubborn -ignore ''\n",
		"hancho.yaml": "processes:\n  a:\n    dir: missing\n",
	})
	mark := marker(t)
	r := start(t, dir, []string{mark}, "start", "--no-colour", "--no-checks")
	r.Wait()
	r.WaitLine(`system +\| a\.1 failed to start: working directory `)
	if strings.Contains(r.Stdout(), "command not found") {
		t.Errorf("a missing working directory was reported as a command not found")
	}
	noneLeft(t, mark)
}
