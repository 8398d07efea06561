package e2e

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// An RQ-like worker runs its job in a horse that called setsid(): the
// process-group signal does not reach it, the worker waits for it (warm
// shutdown), and when the timeout is up both are killed.
func TestLifecycleSetsidHorseStopped(t *testing.T) {
	dir := appDir(t, map[string]string{"Procfile": "worker: rqworker -every 10ms -job-time 1h -progress 200ms\n"})
	mark := marker(t)
	r := start(t, dir, []string{mark}, "start", "--no-colour", "-t", "1")
	horse, _ := strconv.Atoi(r.WaitLine(`worker\.1 +\| job 1 started \(horse pid=(\d+)\)`)[1])
	r.WaitLine(`worker\.1 +\| job 1 working \(1\)`)
	if sid, _ := unix.Getsid(horse); sid != horse {
		t.Fatalf("the horse %d is not in a session of its own (sid %d)", horse, sid)
	}
	if code := r.stopWith(syscall.SIGINT); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	r.WaitLine(`worker\.1 +\| warm shutdown requested`)
	waitGone(t, horse)
	noneLeft(t, mark)
}

// A warm shutdown that ends within the timeout is not cut short: the job
// finishes, the worker exits, and hancho exits then, not at the timeout.
func TestLifecycleWarmShutdownFinishesJob(t *testing.T) {
	dir := appDir(t, map[string]string{"Procfile": "worker: rqworker -every 10ms -job-time 1s -progress 100ms\n"})
	mark := marker(t)
	r := start(t, dir, []string{mark}, "start", "--no-colour", "-t", "60")
	r.WaitLine(`worker\.1 +\| job 1 started`)
	code, took := r.stopTimed(syscall.SIGTERM)
	if code != 143 {
		t.Errorf("exit code = %d, want 143", code)
	}
	f := r.follow()
	f.WaitLine(`worker\.1 +\| warm shutdown requested`)
	f.WaitLine(`worker\.1 +\| job 1 finished`)
	f.WaitLine(`worker\.1 +\| warm shutdown complete`)
	if strings.Contains(r.Stdout(), "SIGKILL") {
		t.Errorf("the worker was killed during its warm shutdown")
	}
	if took > 30*time.Second {
		t.Errorf("shutdown took %s: hancho waited for the timeout after the worker exited", took)
	}
	noneLeft(t, mark)
}

// A daemon that double-forked into a session of its own is stopped, with
// SIGTERM first and SIGKILL after the timeout when it ignores SIGTERM,
// whether its launcher exits (and so ends the run) or keeps running.
func TestLifecycleDaemonStopped(t *testing.T) {
	for _, tt := range []struct {
		name string
		args string
		stop syscall.Signal // 0: the launcher's exit ends the run
		code int
	}{
		{"launcher exits", "", 0, 0},
		{"launcher runs", "-hold", syscall.SIGINT, 130},
		{"ignores SIGTERM", "-ignore-term", 0, 0},
		{"holds the pipe", "-ignore-term -keep-stdout", 0, 0},
		{"ignores SIGTERM, launcher runs", "-ignore-term -hold", syscall.SIGTERM, 143},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := appDir(t, map[string]string{"Procfile": "" +
				"daemon: daemon -sleep 1h " + tt.args + "\n" +
				"web: stubborn -ignore ''\n"})
			mark := marker(t)
			r := start(t, dir, []string{mark}, "start", "--no-colour", "-t", "1")
			pid, _ := strconv.Atoi(r.WaitLine(`daemon\.1 +\| daemon started \(pid=(\d+)\)`)[1])
			if tt.stop != 0 {
				r.Signal(tt.stop)
			}
			if code := r.Wait(); code != tt.code {
				t.Errorf("exit code = %d, want %d", code, tt.code)
			}
			waitGone(t, pid)
			noneLeft(t, mark)
		})
	}
}

// werkzeug's reloader: the parent exits on SIGTERM without forwarding it;
// the child holds the port. After hancho exits the port is free, also
// when the child ignores SIGTERM.
func TestLifecycleReloaderChildPortFreed(t *testing.T) {
	for _, tt := range []struct {
		name string
		args string
	}{
		{"child stops on SIGTERM", ""},
		{"child ignores SIGTERM", "-child-ignore-term"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			port := freePort(t)
			dir := appDir(t, map[string]string{"Procfile": "web: reloader " + tt.args + "\n"})
			mark := marker(t)
			r := start(t, dir, []string{mark}, "start", "--no-colour", "-t", "1", "-p", strconv.Itoa(port))
			r.WaitLine(fmt.Sprintf(`web\.1 +\|  \* Running on http://127\.0\.0\.1:%d `, port))
			httpOK(t, port)
			if code := r.stopWith(syscall.SIGTERM); code != 143 {
				t.Errorf("exit code = %d, want 143", code)
			}
			noneLeft(t, mark)
			assertPortFree(t, port)
		})
	}
}

// bench watch's tree (watcher -> sh -> child -> grandchild) is stopped
// whole, and its partial lines come out whole.
func TestLifecycleWatcherTreeStopped(t *testing.T) {
	dir := appDir(t, map[string]string{"Procfile": "watch: watcher -interval 10ms -partial 20ms\nweb: stubborn -ignore ''\n"})
	mark := marker(t)
	r := start(t, dir, []string{mark}, "start", "--no-colour")
	r.WaitLine(`watch\.1 +\| grandchild: building done 3$`)
	if code := r.stopWith(syscall.SIGINT); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	noneLeft(t, mark)
	whole := regexp.MustCompile(`^(top|child): started \d+$|^grandchild: building( done \d+)?$`)
	for _, l := range strings.Split(r.Stdout(), "\n") {
		if _, text, ok := strings.Cut(l, "watch.1  | "); ok && !whole.MatchString(text) {
			t.Errorf("torn or spliced line: %q", l)
		}
	}
}

// A scheduler that finds the lock held exits 0 at once: like any exit it
// stops the run (honcho's rule), with its exit code, and nothing is left.
func TestLifecycleSchedulerLockHeldStopsRun(t *testing.T) {
	dir := appDir(t, map[string]string{"Procfile": "schedule: scheduler -lock config/scheduler_process\nweb: stubborn -ignore ''\n"})
	mark := marker(t)
	r := start(t, dir, []string{mark}, "start", "--no-colour", "-c", "schedule=2")
	if code := r.Wait(); code != 0 {
		t.Errorf("exit code = %d, want 0", code)
	}
	r.WaitLine(`schedule\.\d +\| scheduler: another scheduler holds config/scheduler_process; exiting`)
	r.WaitLine(`system +\| schedule\.\d stopped \(rc=0\)`)
	noneLeft(t, mark)
}
