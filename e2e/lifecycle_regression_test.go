package e2e

import (
	"regexp"
	"strconv"
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
	// Four daemons in sessions of their own, ignoring SIGTERM: leftovers
	// only the sweep at the deadline ends.
	daemon := "daemon -sleep 1h -ignore-term; "
	dir := appDir(t, map[string]string{"Procfile": "" +
		"a: " + strings.Repeat(daemon, 4) + "exec stubborn -ignore ''\n" +
		"b: stubborn -ignore ''\n"})
	mark := marker(t)
	r := start(t, dir, []string{mark}, "start", "--no-colour", "-t", "1")
	f := r.follow()
	for range 4 {
		f.WaitLine(`a\.1 +\| daemon started`)
	}
	f.WaitLine(`a\.1 +\| ready`)
	if code := r.stopWith(syscall.SIGINT); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	noneLeft(t, mark)
	seen := map[string]int{}
	for _, m := range regexp.MustCompile(`sending SIGKILL to leftover pid (\d+)`).FindAllStringSubmatch(r.Stdout(), -1) {
		seen[m[1]]++
	}
	if len(seen) != 4 {
		t.Errorf("SIGKILL announced for %d leftovers, want the 4 daemons", len(seen))
	}
	for pid, n := range seen {
		if n != 1 {
			t.Errorf("SIGKILL to pid %s announced %d times", pid, n)
		}
	}
}

// Bug: Debian's /bin/sh stays between hancho and the program, and dies of
// SIGTERM at once; hancho printed "worker.1 stopped" then, while the
// worker was still finishing its job (warm shutdown), and its last lines
// came after. A process asked to stop has stopped when its whole process
// group has.
func TestLifecycleRegressionStoppedWhileProgramStillStopping(t *testing.T) {
	// A job of 1s that prints nothing until it ends: the output pauses.
	dir := appDir(t, map[string]string{"Procfile": "worker: rqworker -every 10ms -job-time 1s -progress 1h\n"})
	mark := marker(t)
	r := start(t, dir, []string{mark}, "start", "--no-colour", "-t", "60")
	r.WaitLine(`worker\.1 +\| job 1 started`)
	if code := r.stopWith(syscall.SIGTERM); code != 143 {
		t.Errorf("exit code = %d, want 143", code)
	}
	f := r.follow()
	f.WaitLine(`worker\.1 +\| job 1 finished`)
	f.WaitLine(`worker\.1 +\| warm shutdown complete`)
	f.WaitLine(`system +\| worker\.1 stopped `)
	noneLeft(t, mark)
}

// Bug: `hancho restart web` started web again as soon as its shell died of
// SIGTERM, while the program (here werkzeug's reloader child, which
// ignores SIGTERM) still held the port: the new server could not listen
// and its exit stopped the run. The restart now waits for the whole
// process group, SIGKILLed at the stop timeout.
func TestLifecycleRegressionRestartBeforeOldProgramGone(t *testing.T) {
	port := freePort(t)
	dir := appDir(t, map[string]string{"Procfile": "web: reloader -child-ignore-term\n"})
	mark := marker(t)
	env := []string{mark}
	r := start(t, dir, env, "start", "--no-colour", "-t", "1", "-p", strconv.Itoa(port))
	f := r.follow()
	f.WaitLine(`web\.1 +\|  \* Running on`)
	if out, code := runHancho(t, dir, env, "restart", "web"); code != 0 {
		t.Fatalf("hancho restart web: exit code %d\n%s", code, out)
	}
	f.WaitLine(`system +\| web\.1 started`)
	f.WaitLine(`web\.1 +\|  \* Running on`)
	httpOK(t, port)
	if code := r.stopWith(syscall.SIGINT); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	noneLeft(t, mark)
	assertPortFree(t, port)
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

// Bug: `hancho restart` (or `hancho stop`) of one process armed the
// shutdown's sweep, which at the stop timeout SIGKILLed every orphan
// hancho had adopted: here the daemon that d double-forked, while d ran
// on. Leftovers are swept only when the run ends.
func TestLifecycleRegressionRestartKilledOtherLeftovers(t *testing.T) {
	dir := appDir(t, map[string]string{"Procfile": "" +
		"d: daemon -sleep 1h -hold\n" +
		"web: stubborn\n"}) // ignores SIGTERM: its restart waits for the kill timer
	mark := marker(t)
	env := []string{mark}
	r := start(t, dir, env, "start", "--no-colour", "-t", "1")
	daemon, _ := strconv.Atoi(r.WaitLine(`d\.1 +\| daemon started \(pid=(\d+)\)`)[1])
	f := r.follow()
	f.WaitLine(`web\.1 +\| ready`)
	if out, code := runHancho(t, dir, env, "restart", "web"); code != 0 {
		t.Fatalf("hancho restart web: exit code %d\n%s", code, out)
	}
	f.WaitLine(`system +\| sending SIGKILL to web\.1 `)
	f.WaitLine(`system +\| web\.1 started`)
	if !alive(daemon) || strings.Contains(r.Stdout(), "leftover") {
		t.Errorf("restarting web.1 killed d.1's daemon (pid %d)", daemon)
	}
	if code := r.stopWith(syscall.SIGINT); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	waitGone(t, daemon)
	noneLeft(t, mark)
}
