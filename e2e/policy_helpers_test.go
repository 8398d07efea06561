package e2e

import (
	"bufio"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Helpers for the policy tests (hancho.yaml, issue 5). Their names start
// with "pol" so they cannot collide with the other suites' helpers.

// polStart runs `hancho start --no-colour ARGS...` in dir with a fresh
// marker in the environment, and returns the run and the marker.
func polStart(t *testing.T, dir string, args ...string) (*Run, string) {
	t.Helper()
	mark := marker(t)
	r := start(t, dir, []string{mark, polNoRaceSleep}, append([]string{"start", "--no-colour"}, args...)...)
	return r, mark
}

// polNoRaceSleep keeps programs built with -race from sleeping a second
// at exit (the race detector's default), which would slow every stop.
const polNoRaceSleep = "GORACE=atexit_sleep_ms=0"

// polSys is the pattern of a system line whose message starts with a
// match of msg.
func polSys(msg string) string {
	return `^\d\d:\d\d:\d\d system\s+\| ` + msg
}

// polOut is the pattern of an output line of process name (e.g. "web.1")
// whose text starts with a match of msg.
func polOut(name, msg string) string {
	return `^\d\d:\d\d:\d\d ` + regexp.QuoteMeta(name) + `\s+\| ` + msg
}

// polCursor reads a run's stdout in order: each next call looks only at
// the lines after the one the previous call matched, so a test can follow
// a sequence of events and note the time each one arrived.
type polCursor struct {
	r   *Run
	off int // bytes of stdout already looked at (whole lines)
}

func polFollow(r *Run) *polCursor { return &polCursor{r: r} }

// next waits for the next line matching pattern and returns its submatches.
func (c *polCursor) next(pattern string) []string {
	c.r.t.Helper()
	m, err := nextLine(c.r, &c.off, regexp.MustCompile(pattern))
	if err != nil {
		c.r.t.Fatalf("waiting for a line matching %q: %v", pattern, err)
	}
	return m
}

// polLines splits output into lines.
func polLines(out string) []string {
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

// polIndex returns the index of the first line of out matching pattern,
// or -1.
func polIndex(out, pattern string) int {
	re := regexp.MustCompile(pattern)
	for i, line := range polLines(out) {
		if re.MatchString(line) {
			return i
		}
	}
	return -1
}

// polOrder fails unless out holds a line matching each pattern, the first
// matches in the order given.
func polOrder(t *testing.T, out string, patterns ...string) {
	t.Helper()
	last, lastPattern := -1, ""
	for _, p := range patterns {
		i := polIndex(out, p)
		switch {
		case i < 0:
			t.Errorf("no line matching %q", p)
			return
		case i <= last:
			t.Errorf("line matching %q (line %d) does not come after the one matching %q (line %d)", p, i+1, lastPattern, last+1)
			return
		}
		last, lastPattern = i, p
	}
}

// polNone fails if a line of out matches pattern.
func polNone(t *testing.T, out, pattern string) {
	t.Helper()
	if i := polIndex(out, pattern); i >= 0 {
		t.Errorf("unexpected line %d matching %q: %s", i+1, pattern, polLines(out)[i])
	}
}

// polSeconds parses a number of seconds printed by hancho ("1.0").
func polSeconds(t *testing.T, s string) time.Duration {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("bad seconds %q: %v", s, err)
	}
	return time.Duration(f * float64(time.Second))
}

// polRatio fails unless b/a lies within [lo, hi].
func polRatio(t *testing.T, what string, a, b time.Duration, lo, hi float64) {
	t.Helper()
	ratio := b.Seconds() / a.Seconds()
	if ratio < lo || ratio > hi {
		t.Errorf("%s: %v then %v, ratio %.2f, want between %.2f and %.2f", what, a, b, ratio, lo, hi)
	}
}

// polCheck runs `hancho ARGS...` in dir to its end and returns its exit
// code, stdout and stderr.
func polCheck(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	mark := marker(t)
	r := start(t, dir, []string{mark, polNoRaceSleep}, args...)
	code := r.Wait()
	noneLeft(t, mark)
	return code, r.Stdout(), r.Stderr()
}
