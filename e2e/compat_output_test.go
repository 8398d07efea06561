package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// Output compatibility with honcho: byte for byte with colour off, the
// palette and its order with colour on, and the options that change it.

// noColour keeps the tests' own environment from turning colour on or off.
var noColour = []string{"FORCE_COLOR=", "NO_COLOR="}

func TestCompatOutputIsHonchosByteForByte(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{"Procfile": "web: echo hello\n"})
	res := compatFinish(t, dir, noColour, "start")
	want := "" +
		"HH:MM:SS system | web.1 started (pid=N)\n" +
		"HH:MM:SS web.1  | hello\n" +
		"HH:MM:SS system | web.1 stopped (rc=0)\n"
	if got := compatNorm(res.stdout); res.code != 0 || got != want {
		t.Errorf("exit %d, stdout:\n%s\nwant:\n%s", res.code, got, want)
	}
	if res.stderr != "" {
		t.Errorf("stderr = %q, want nothing", res.stderr)
	}
}

func TestCompatNamesArePaddedToTheLongest(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		"Procfile": "web: echo hello; sleep 30\nlong_worker_name: echo busy; sleep 30\nworker: echo $PS; sleep 30\n",
	})
	t.Run("system is the longest", func(t *testing.T) {
		compatUntil(t, dir, noColour, []string{"start", "web"},
			`^`+compatStamp+`web\.1  \| hello$`,
			`^`+compatStamp+`system \| web\.1 started \(pid=\d+\)$`)
	})
	t.Run("a process name is the longest", func(t *testing.T) {
		compatUntil(t, dir, noColour, []string{"start"},
			`^`+compatStamp+`web\.1              \| hello$`,
			`^`+compatStamp+`long_worker_name\.1 \| busy$`,
			`^`+compatStamp+`worker\.1           \| worker\.1$`,
			`^`+compatStamp+`system             \| web\.1 started \(pid=\d+\)$`)
	})
	t.Run("instance numbers count", func(t *testing.T) {
		r := compatUntil(t, dir, noColour, []string{"start", "worker", "-c", "worker=10"},
			`^`+compatStamp+`worker\.1  \| worker\.1$`,
			`^`+compatStamp+`worker\.10 \| worker\.10$`)
		if !regexp.MustCompile(`(?m)^` + compatStamp + `system    \| worker\.10 started`).MatchString(r.Stdout()) {
			t.Errorf("system lines are not padded to worker.10:\n%s", r.Stdout())
		}
	})
}

func TestCompatSystemLines(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{"Procfile": "web: echo up; sleep 30\nworker: echo up; sleep 30\n"})
	for _, tc := range []struct {
		sig  syscall.Signal
		name string
		code int
	}{
		{syscall.SIGINT, "SIGINT", 130},
		{syscall.SIGTERM, "SIGTERM", 143},
		{syscall.SIGHUP, "SIGHUP", 129},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mark := marker(t)
			r := start(t, dir, append([]string{mark}, noColour...), "start")
			r.WaitLine(`^` + compatStamp + `web\.1    \| up$`)
			r.WaitLine(`^` + compatStamp + `worker\.1 \| up$`)
			pids := r.PIDs()
			r.Signal(tc.sig)
			if code := r.Wait(); code != tc.code {
				t.Errorf("exit code after %s = %d, want %d", tc.name, code, tc.code)
			}
			noneLeft(t, mark)
			out := r.Stdout()
			for _, want := range []string{
				`system   \| ` + tc.name + ` received`,
				fmt.Sprintf(`system   \| sending SIGTERM to web\.1 \(pid %d\)`, pids["web.1"]),
				fmt.Sprintf(`system   \| sending SIGTERM to worker\.1 \(pid %d\)`, pids["worker.1"]),
				`system   \| web\.1 stopped \(rc=-15\)`,
				`system   \| worker\.1 stopped \(rc=-15\)`,
			} {
				if !regexp.MustCompile(`(?m)^` + compatStamp + want + `$`).MatchString(out) {
					t.Errorf("no line %q in:\n%s", want, out)
				}
			}
			compatNoPanic(t, out+r.Stderr())
		})
	}
}

func TestCompatNoPrefixAndNoTimestamp(t *testing.T) {
	t.Parallel()
	files := map[string]string{"Procfile": "web: echo hello\n"}
	for _, tc := range []struct {
		argv []string
		want string
	}{
		{[]string{"start", "--no-prefix"}, "web.1 started (pid=N)\nhello\nweb.1 stopped (rc=0)\n"},
		{[]string{"--no-prefix", "start"}, "web.1 started (pid=N)\nhello\nweb.1 stopped (rc=0)\n"},
		{[]string{"start", "--no-timestamp"}, "system | web.1 started (pid=N)\nweb.1  | hello\nsystem | web.1 stopped (rc=0)\n"},
		{[]string{"start", "--no-timestamp", "--no-prefix"}, "web.1 started (pid=N)\nhello\nweb.1 stopped (rc=0)\n"},
	} {
		t.Run(strings.Join(tc.argv, " "), func(t *testing.T) {
			t.Parallel()
			dir := appDir(t, files)
			res := compatFinish(t, dir, noColour, tc.argv...)
			if got := compatNorm(res.stdout); res.code != 0 || got != tc.want {
				t.Errorf("exit %d, stdout:\n%s\nwant:\n%s", res.code, got, tc.want)
			}
		})
	}
	// With colour forced, --no-prefix leaves nothing to colour.
	res := compatFinish(t, appDir(t, files), []string{"FORCE_COLOR=1", "NO_COLOR="}, "start", "--no-prefix")
	if strings.Contains(res.stdout, "\x1b") {
		t.Errorf("--no-prefix with FORCE_COLOR: %q has colour codes", res.stdout)
	}
}

func TestCompatQuietHidesOutputNotSystemLines(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		"Procfile": "web: sleep 30\nworker: echo worker-secret\nclock: echo clock-secret; sleep 30\n",
	})
	// worker exits first, once its output is out: then every line is in.
	res := compatFinish(t, dir, noColour, "start", "-q", "worker,clock")
	if res.code != 0 {
		t.Errorf("exit code %d, want 0 (worker's)", res.code)
	}
	for _, want := range []string{"worker.1 started (pid=", "worker.1 stopped (rc=0)", "clock.1 started (pid=", "web.1 started (pid="} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("-q hid the system line %q:\n%s", want, res.stdout)
		}
	}
	if strings.Contains(res.stdout, "worker-secret") {
		t.Errorf("-q worker did not hide worker's output:\n%s", res.stdout)
	}
	// Without -q the same output shows.
	res = compatFinish(t, dir, noColour, "start", "worker")
	if !strings.Contains(res.stdout, "worker.1 | worker-secret\n") {
		t.Errorf("without -q, worker's output is missing:\n%s", res.stdout)
	}
}

func TestCompatStdoutAndStderrMergedInOrder(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		"Procfile": "web: echo one; echo two >&2; echo three; echo four >&2; echo five\n",
	})
	res := compatFinish(t, dir, noColour, "start", "--no-prefix")
	want := "web.1 started (pid=N)\none\ntwo\nthree\nfour\nfive\nweb.1 stopped (rc=0)\n"
	if got := compatNorm(res.stdout); got != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", got, want)
	}
	if res.stderr != "" {
		t.Errorf("a process's stderr went to hancho's stderr: %q", res.stderr)
	}
}

// compatColourRE matches a coloured line of a.N or b.N: honcho's
// ESC[0m ESC[<colour>m, then the prefix, then ESC[0m.
var compatColourRE = regexp.MustCompile(`^\x1b\[0m\x1b\[([0-9;]+)m` + compatStamp + `([ab]\.\d+) +\| \x1b\[0mhi ([ab]\.\d+)$`)

func TestCompatColourPalette(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{"Procfile": "a: echo hi $PS; sleep 30\nb: echo hi $PS; sleep 30\n"})
	var patterns []string
	for i := 1; i <= 7; i++ {
		patterns = append(patterns, fmt.Sprintf(`hi a\.%d$`, i), fmt.Sprintf(`hi b\.%d$`, i))
	}
	r := compatUntil(t, dir, []string{"FORCE_COLOR=1", "NO_COLOR="}, []string{"start", "-c", "a=7,b=7"}, patterns...)
	// Instances in order a.1..a.7, b.1..b.7 take the palette in turn and
	// wrap after the twelfth.
	palette := []string{"36", "33", "32", "35", "31", "34", "36;1", "33;1", "32;1", "35;1", "31;1", "34;1"}
	want := map[string]string{}
	for i := 0; i < 14; i++ {
		name := fmt.Sprintf("a.%d", i+1)
		if i >= 7 {
			name = fmt.Sprintf("b.%d", i-6)
		}
		want[name] = palette[i%len(palette)]
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSuffix(r.Stdout(), "\n"), "\n") {
		if strings.Contains(line, "system | ") {
			if strings.Contains(line, "\x1b") {
				t.Errorf("system line is coloured: %q", line)
			}
			continue
		}
		m := compatColourRE.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("line not in honcho's colour format: %q", line)
			continue
		}
		if m[2] != m[3] || m[1] != want[m[2]] {
			t.Errorf("%s has colour %s, want %s: %q", m[2], m[1], want[m[2]], line)
		}
		seen++
	}
	if seen != 14 {
		t.Errorf("saw %d coloured lines, want 14", seen)
	}
}

func TestCompatColourOnlyOnATerminal(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{"Procfile": "a: echo hi $PS; sleep 30\n"})
	coloured := `^\x1b\[0m\x1b\[36m` + compatStamp + `a\.1    \| \x1b\[0mhi a\.1$`
	plain := `^` + compatStamp + `a\.1    \| hi a\.1$`
	for _, tc := range []struct {
		name     string
		terminal bool
		env      []string
		argv     []string
		want     string
	}{
		{"pipe", false, noColour, []string{"start"}, plain},
		{"terminal", true, noColour, []string{"start"}, coloured},
		{"terminal NO_COLOR", true, []string{"NO_COLOR=1", "FORCE_COLOR="}, []string{"start"}, plain},
		{"terminal --no-colour", true, noColour, []string{"start", "--no-colour"}, plain},
		{"terminal --no-color", true, noColour, []string{"--no-color", "start"}, plain},
		{"pipe FORCE_COLOR", false, []string{"FORCE_COLOR=1", "NO_COLOR="}, []string{"start"}, coloured},
		{"pipe FORCE_COLOR NO_COLOR", false, []string{"FORCE_COLOR=1", "NO_COLOR=1"}, []string{"start"}, plain},
		{"pipe FORCE_COLOR --no-colour", false, []string{"FORCE_COLOR=1", "NO_COLOR="}, []string{"start", "--no-colour"}, plain},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mark := marker(t)
			var r *Run
			if tc.terminal {
				r = compatStartWith(t, dir, append(tc.env, mark), compatOnTerminal(t), tc.argv...)
			} else {
				r = start(t, dir, append(tc.env, mark), tc.argv...)
			}
			r.WaitLine(tc.want)
			compatInterrupt(t, r)
			noneLeft(t, mark)
			if tc.want == plain && strings.Contains(r.Stdout(), "\x1b") {
				t.Errorf("output has colour codes: %q", r.Stdout())
			}
			for _, line := range strings.Split(r.Stdout(), "\n") {
				if strings.Contains(line, "system |") && strings.Contains(line, "\x1b") {
					t.Errorf("system line is coloured: %q", line)
				}
			}
		})
	}
}

// A documented difference from honcho (README): bytes that are not UTF-8,
// carriage returns and ANSI codes pass through unchanged.
func TestCompatBytesPassThroughUnchanged(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{"Procfile": `web: printf 'a\377b\r c \033[1mbold\033[0m\n'` + "\n"})
	res := compatFinish(t, dir, noColour, "start", "--no-prefix")
	if want := "a\xffb\r c \x1b[1mbold\x1b[0m\n"; !strings.Contains(res.stdout, "\n"+want) {
		t.Errorf("stdout %q does not hold %q", res.stdout, want)
	}
}
