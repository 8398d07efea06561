package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// How `start` runs each line (shell semantics, stdin, cwd) and what its
// exit code is.

func TestCompatShellSemanticsPerLine(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		"Procfile": "app: echo one >> out.log && echo two >> out.log && cat out.log && GREETING=hi sh -c 'echo greeting=$GREETING' && false && echo not-this; echo after-false; echo \"quoted  spaces\" | tr a-z A-Z\n",
	})
	res := compatFinish(t, dir, noColour, "start", "--no-prefix")
	want := "app.1 started (pid=N)\none\ntwo\ngreeting=hi\nafter-false\nQUOTED  SPACES\napp.1 stopped (rc=0)\n"
	if got := compatNorm(res.stdout); res.code != 0 || got != want {
		t.Errorf("exit %d, stdout:\n%s\nwant:\n%s", res.code, got, want)
	}
	if data, err := os.ReadFile(filepath.Join(dir, "out.log")); err != nil || string(data) != "one\ntwo\n" {
		t.Errorf("out.log in the app root = %q, %v", data, err)
	}
}

func TestCompatStdinIsDevNull(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{"Procfile": "app: readlink /proc/self/fd/0; cat; echo cat-ended\n"})
	// hancho's own stdin is a pipe with data: the process must not see it.
	r := compatStartWith(t, dir, noColour, compatStdin("from-the-terminal\n"), "start", "--no-prefix")
	r.WaitLine(`^cat-ended$`)
	if code := r.Wait(); code != 0 {
		t.Errorf("exit code %d", code)
	}
	if got := r.Stdout(); !regexp.MustCompile(`(?m)^/dev/null$`).MatchString(got) || regexp.MustCompile(`from-the-terminal`).MatchString(got) {
		t.Errorf("stdin of the process is not /dev/null:\n%s", got)
	}
}

func TestCompatOwnProcessGroup(t *testing.T) {
	t.Parallel()
	// Field 5 of /proc/PID/stat is the process group (the command, "sh",
	// holds no blank).
	dir := appDir(t, map[string]string{"Procfile": "app: read -r _ _ _ _ pgid _ < /proc/$$/stat; echo pgid=$pgid pid=$$; sleep 30\n"})
	r := compatUntil(t, dir, noColour, []string{"start", "--no-prefix"}, `^pgid=\d+ pid=\d+$`)
	m := regexp.MustCompile(`(?m)^pgid=(\d+) pid=(\d+)$`).FindStringSubmatch(r.Stdout())
	if m == nil || m[1] != m[2] || m[2] != strconv.Itoa(r.PIDs()["app.1"]) {
		t.Errorf("app.1 (pid %d) is not the leader of its own group: %v", r.PIDs()["app.1"], m)
	}
}

func TestCompatExitCodes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, procfile string
		code           int
		stopped        string
	}{
		{"first exit with 0 stops all", "web: sleep 30\nquick: true\n", 0, `quick\.1 stopped \(rc=0\)`},
		{"first exit code", "web: sleep 30\nfail: exit 3\n", 3, `fail\.1 stopped \(rc=3\)`},
		{"first exit, not the last", "fail: exit 4\nlater: sleep 30; exit 5\n", 4, `fail\.1 stopped \(rc=4\)`},
		{"killed by a signal: 128+N", "web: sleep 30\nkilled: kill -KILL $$\n", 137, `killed\.1 stopped \(rc=-9\)`},
		// Through sh -c, so that the check before start does not see it.
		{"127 for a missing program", "web: sleep 30\nmissing: sh -c no-such-program-hancho\n", 127, `missing\.1 stopped \(rc=127\)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mark := marker(t)
			res := compatFinish(t, appDir(t, map[string]string{"Procfile": tc.procfile}), append([]string{mark}, noColour...), "start")
			if res.code != tc.code {
				t.Errorf("exit code %d, want %d", res.code, tc.code)
			}
			if !regexp.MustCompile(`(?m)^` + compatStamp + `system +\| ` + tc.stopped + `$`).MatchString(res.stdout) {
				t.Errorf("no line matching %q:\n%s", tc.stopped, res.stdout)
			}
			noneLeft(t, mark)
		})
	}
}

func TestCompatTimeoutTakesDecimals(t *testing.T) {
	t.Parallel()
	// The process ignores SIGTERM (sleep inherits the ignored signal), so
	// only SIGKILL after the timeout stops it.
	dir := appDir(t, map[string]string{"Procfile": "stubborn: trap '' TERM; echo ready; sleep 30\n"})
	mark := marker(t)
	r := start(t, dir, append([]string{mark}, noColour...), "start", "-t", "0.5")
	r.WaitLine(`stubborn\.1 \| ready$`)
	pid := r.PIDs()["stubborn.1"]
	began := time.Now()
	r.Signal(syscall.SIGINT)
	r.WaitLine(`system     \| sending SIGKILL to stubborn\.1 \(pid ` + strconv.Itoa(pid) + `\)$`)
	if code := r.Wait(); code != 130 {
		t.Errorf("exit code %d, want 130", code)
	}
	// The default is 5 s; 0.5 s must not be read as 0 or 5.
	if took := time.Since(began); took < 500*time.Millisecond || took > 4*time.Second {
		t.Errorf("stopping took %s with -t 0.5", took)
	}
	r.WaitLine(`sending SIGTERM to stubborn\.1`)
	noneLeft(t, mark)
}
