package e2e

import (
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Restart policies of hancho.yaml (issue 5): on-failure, always, no, the
// --restart flag, backoff with jitter measured as ratios, the reset after
// a stable run, and the crash-loop limit.

// The printed delays carry ±10% jitter and are rounded to 0.1 s, so two
// successive delays that double are 1.5 to 2.7 times apart.
const (
	polDoubleLo = 1.5
	polDoubleHi = 2.7
)

func TestPolicyRestartOnFailureBacksOff(t *testing.T) {
	dir := appDir(t, map[string]string{
		"Procfile":    "flaky: echo flaky run; exit 3\nsteady: exec sleep 60\n",
		"hancho.yaml": "processes:\n  flaky:\n    restart: on-failure\n",
	})
	r, mark := polStart(t, dir)
	c := polFollow(r)

	// Each restart: the exit, a system line with the delay and the
	// attempt, and the start after the delay. The gap between the line
	// and the start is measured as the lines arrive.
	var printed, measured []time.Duration
	c.next(polSys(`flaky\.1 started \(pid=\d+\)`))
	for attempt := 1; attempt <= 3; attempt++ {
		c.next(polSys(`flaky\.1 stopped \(rc=3\)`))
		m := c.next(polSys(`flaky\.1 restarting in (\d+\.\d)s \(attempt (\d+)\)`))
		if m[2] != strconv.Itoa(attempt) {
			t.Fatalf("attempt %s printed for restart %d", m[2], attempt)
		}
		printed = append(printed, polSeconds(t, m[1]))
		if attempt == 3 {
			break // stop during this delay, below
		}
		before := time.Now()
		c.next(polSys(`flaky\.1 started \(pid=\d+\)`))
		measured = append(measured, time.Since(before))
	}

	// A stop during the restart delay ends at once: no waiting for the
	// delay, no last start.
	began := time.Now()
	r.Signal(syscall.SIGINT)
	if code := r.Wait(); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	if took := time.Since(began); took >= printed[2] {
		t.Errorf("stop during a restart delay of %v took %v", printed[2], took)
	}
	noneLeft(t, mark)

	out := r.Stdout()
	if n := strings.Count(out, "flaky.1 started"); n != 3 {
		t.Errorf("flaky started %d times, want 3 (the first run and two restarts)", n)
	}
	polOrder(t, out, polSys(`SIGINT received`), polSys(`sending SIGTERM to steady\.1 \(pid \d+\)`))
	if printed[0] < 850*time.Millisecond || printed[0] > 1150*time.Millisecond {
		t.Errorf("first delay %v, want 1s ±10%%", printed[0])
	}
	polRatio(t, "printed delays 1 and 2", printed[0], printed[1], polDoubleLo, polDoubleHi)
	polRatio(t, "printed delays 2 and 3", printed[1], printed[2], polDoubleLo, polDoubleHi)
	// The measured gaps carry scheduling noise on top of the jitter.
	polRatio(t, "measured delays 1 and 2", measured[0], measured[1], 1.3, 3.2)
	for i, m := range measured {
		if m < printed[i]*3/4 {
			t.Errorf("restart %d came after %v, before its delay of %v", i+1, m, printed[i])
		}
	}
}

func TestPolicyRestartOnFailureNotAfterExitZero(t *testing.T) {
	dir := appDir(t, map[string]string{
		"Procfile":    "done: echo done; exit 0\nsteady: exec sleep 60\n",
		"hancho.yaml": "processes:\n  done:\n    restart: on-failure\n",
	})
	r, mark := polStart(t, dir)
	// An exit 0 is final, and (done not being optional) stops the rest.
	if code := r.Wait(); code != 0 {
		t.Errorf("exit code = %d, want 0", code)
	}
	noneLeft(t, mark)
	out := r.Stdout()
	polOrder(t, out, polSys(`done\.1 stopped \(rc=0\)`), polSys(`sending SIGTERM to steady\.1 \(pid \d+\)`))
	polNone(t, out, `restarting`)
}

// A death by signal (the OOM killer's SIGKILL, say) is a failure too.
func TestPolicyRestartOnFailureAfterSignal(t *testing.T) {
	dir := appDir(t, map[string]string{
		"Procfile":    "oom: echo oom run; kill -KILL $$\nsteady: exec sleep 60\n",
		"hancho.yaml": "processes:\n  oom:\n    restart: on-failure\n",
	})
	r, mark := polStart(t, dir)
	c := polFollow(r)
	c.next(polSys(`oom\.1 stopped \(rc=-9\)`))
	c.next(polSys(`oom\.1 restarting in \d+\.\ds \(attempt 1\)`))
	r.Signal(syscall.SIGINT)
	if code := r.Wait(); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	noneLeft(t, mark)
}

func TestPolicyRestartAlwaysAfterExitZero(t *testing.T) {
	dir := appDir(t, map[string]string{
		"Procfile":    "loop: echo loop run; exit 0\nsteady: exec sleep 60\n",
		"hancho.yaml": "processes:\n  loop:\n    restart: always\n",
	})
	r, mark := polStart(t, dir)
	c := polFollow(r)
	c.next(polSys(`loop\.1 stopped \(rc=0\)`))
	d1 := c.next(polSys(`loop\.1 restarting in (\d+\.\d)s \(attempt 1\)`))
	c.next(polSys(`loop\.1 started \(pid=\d+\)`))
	c.next(polSys(`loop\.1 stopped \(rc=0\)`))
	d2 := c.next(polSys(`loop\.1 restarting in (\d+\.\d)s \(attempt 2\)`))
	r.Signal(syscall.SIGINT)
	if code := r.Wait(); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	noneLeft(t, mark)
	polRatio(t, "printed delays", polSeconds(t, d1[1]), polSeconds(t, d2[1]), polDoubleLo, polDoubleHi)
	polOrder(t, r.Stdout(), polSys(`SIGINT received`), polSys(`sending SIGTERM to steady\.1 \(pid \d+\)`))
}

// Without hancho.yaml, and with restart: no, the first exit stops all with
// its exit code, as under honcho.
func TestPolicyRestartNoIsHonchos(t *testing.T) {
	const procfile = "once: echo bye; exit 4\nsteady: exec sleep 60\n"
	for name, files := range map[string]map[string]string{
		"no hancho.yaml":    {"Procfile": procfile},
		"empty hancho.yaml": {"Procfile": procfile, "hancho.yaml": "# nothing yet\n"},
		"restart no":        {"Procfile": procfile, "hancho.yaml": "processes:\n  once:\n    restart: no\n"},
	} {
		t.Run(name, func(t *testing.T) {
			r, mark := polStart(t, appDir(t, files))
			if code := r.Wait(); code != 4 {
				t.Errorf("exit code = %d, want 4", code)
			}
			noneLeft(t, mark)
			out := r.Stdout()
			polOrder(t, out, polSys(`once\.1 stopped \(rc=4\)`), polSys(`sending SIGTERM to steady\.1 \(pid \d+\)`), polSys(`steady\.1 stopped \(rc=-15\)`))
			polNone(t, out, `restarting`)
		})
	}
}

func TestPolicyRestartFlag(t *testing.T) {
	dir := appDir(t, map[string]string{
		"Procfile": "flaky: echo flaky run; exit 3\nsteady: exec sleep 60\n",
	})
	r, mark := polStart(t, dir, "--restart", "flaky")
	c := polFollow(r)
	c.next(polSys(`flaky\.1 stopped \(rc=3\)`))
	c.next(polSys(`flaky\.1 restarting in \d+\.\ds \(attempt 1\)`))
	c.next(polSys(`flaky\.1 started \(pid=\d+\)`))
	r.Signal(syscall.SIGINT)
	if code := r.Wait(); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	noneLeft(t, mark)
}

// After a run that stayed up 10 s, the backoff starts again from 1 s.
func TestPolicyRestartBackoffResetsAfterStableRun(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		// The third run stays up 11 s, longer than the 10 s that count
		// as stable; the others fail at once.
		"Procfile":    "flaky: n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n >count; echo run $n; if [ $n -eq 3 ]; then sleep 11; fi; exit 1\n",
		"hancho.yaml": "processes:\n  flaky:\n    restart: on-failure\n",
	})
	r, mark := polStart(t, dir)
	c := polFollow(r)
	var d []time.Duration
	for attempt := 1; attempt <= 3; attempt++ {
		c.next(polOut("flaky.1", "run "+strconv.Itoa(attempt)))
		m := c.next(polSys(`flaky\.1 restarting in (\d+\.\d)s \(attempt \d+\)`))
		d = append(d, polSeconds(t, m[1]))
	}
	r.Signal(syscall.SIGINT)
	if code := r.Wait(); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	noneLeft(t, mark)
	polRatio(t, "delays before the stable run", d[0], d[1], polDoubleLo, polDoubleHi)
	polRatio(t, "first delay and the one after the stable run", d[0], d[2], 0.7, 1.4)
}

// Five exits within 60 s: hancho gives up with a system line. An optional
// process that gives up stops nothing; a required one then stops the rest
// with its exit code. The backoff (1, 2, 4, 8 s) bounds the test: about
// 20 s.
func TestPolicyCrashLoopGivesUp(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		// slow fails 1 s after each start, so it gives up about 5 s after
		// fast, even with the jitter against it.
		"Procfile": "fast: echo fast run; exit 1\nslow: sleep 1; echo slow run; exit 2\nsteady: exec sleep 120\n",
		"hancho.yaml": "processes:\n" +
			"  fast:\n    restart: on-failure\n    optional: true\n" +
			"  slow:\n    restart: on-failure\n",
	})
	began := time.Now()
	r, mark := polStart(t, dir)
	c := polFollow(r)
	var d []time.Duration
	for attempt := 1; attempt <= 4; attempt++ {
		m := c.next(polSys(`fast\.1 restarting in (\d+\.\d)s \(attempt ` + strconv.Itoa(attempt) + `\)`))
		d = append(d, polSeconds(t, m[1]))
	}
	c.next(polSys(`fast\.1 exited 5 times in \S+; giving up on restarting it`))
	c.next(polSys(`slow\.1 exited 5 times in \S+; giving up on restarting it`))
	if code := r.Wait(); code != 2 {
		t.Errorf("exit code = %d, want 2 (slow's)", code)
	}
	noneLeft(t, mark)
	t.Logf("crash loops ended after %v", time.Since(began))

	out := r.Stdout()
	for i := 1; i < len(d); i++ {
		polRatio(t, "printed delays", d[i-1], d[i], polDoubleLo, polDoubleHi)
	}
	if n := strings.Count(out, "fast.1 started"); n != 5 {
		t.Errorf("fast started %d times, want 5", n)
	}
	if n := strings.Count(out, "slow.1 started"); n != 5 {
		t.Errorf("slow started %d times, want 5", n)
	}
	// fast giving up stopped nothing; slow giving up stopped steady.
	polOrder(t, out,
		polSys(`fast\.1 exited 5 times in \S+; giving up on restarting it`),
		polSys(`slow\.1 exited 5 times in \S+; giving up on restarting it`),
		polSys(`sending SIGTERM to steady\.1 \(pid \d+\)`))
	polNone(t, out, `restarting in .* \(attempt 5\)`)
}
