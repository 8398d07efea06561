package e2e

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// countSystem counts hancho's own lines matching pattern.
func countSystem(out, pattern string) int {
	re := regexp.MustCompile(pattern)
	n := 0
	for _, msg := range systemLines(out) {
		if re.MatchString(msg) {
			n++
		}
	}
	return n
}

// A command that cannot start is reported once, on a system line with the
// reason, and treated like any exit: the others are stopped and its exit
// code is hancho's. --no-checks lets the run get that far.
func TestLifecycleStartFailure(t *testing.T) {
	for _, tt := range []struct {
		name   string
		files  map[string]string
		code   int
		reason string // the one system line that explains it
	}{
		{
			name:   "command not found",
			files:  map[string]string{"Procfile": "a: no-such-command-for-hancho --flag\nb: stubborn -ignore ''\n"},
			code:   127,
			reason: `^a\.1: command not found \(rc=127\)`,
		},
		{
			name:   "not executable",
			files:  map[string]string{"Procfile": "a: ./tool\nb: stubborn -ignore ''\n", "tool": "#!/bin/sh\necho never\n"},
			code:   126,
			reason: `^a\.1: .*not executable \(rc=126\)`,
		},
		{
			name: "missing working directory",
			files: map[string]string{
				// b first: a failure to start stops what started before it;
				// what comes after is never started.
				"Procfile":    "b: stubborn -ignore ''\na: stubborn -ignore ''\n",
				"hancho.yaml": "processes:\n  a:\n    dir: missing\n",
			},
			code:   127,
			reason: `^a\.1 failed to start: working directory .*/missing does not exist`,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := appDir(t, tt.files)
			mark := marker(t)
			r := start(t, dir, []string{mark}, "start", "--no-colour", "--no-checks")
			if code := r.Wait(); code != tt.code {
				t.Errorf("exit code = %d, want %d", code, tt.code)
			}
			out := r.Stdout()
			if n := countSystem(out, tt.reason); n != 1 {
				t.Errorf("%d system lines match %q, want 1", n, tt.reason)
			}
			// Once: no other system line about a.1 gives a reason.
			for _, msg := range systemLines(out) {
				if strings.HasPrefix(msg, "a.1") && !regexp.MustCompile(tt.reason).MatchString(msg) &&
					!regexp.MustCompile(`^a\.1 (started|stopped) `).MatchString(msg) {
					t.Errorf("another system line about a.1: %q", msg)
				}
			}
			if n := countSystem(out, `^a\.1 stopped \(rc=`+strconv.Itoa(tt.code)+`\)$`); n != 1 {
				t.Errorf("%d lines say a.1 stopped with rc=%d, want 1", n, tt.code)
			}
			r.WaitLine(`system +\| sending SIGTERM to b\.1 `)
			noneLeft(t, mark)
		})
	}
}

// An app root that does not exist stops hancho before anything starts,
// with a message naming it.
func TestLifecycleMissingAppRoot(t *testing.T) {
	dir := appDir(t, map[string]string{"Procfile": "a: stubborn -ignore ''\n"})
	missing := filepath.Join(dir, "nowhere")
	mark := marker(t)
	r := start(t, dir, []string{mark}, "start", "--no-colour", "-d", missing)
	if code := r.Wait(); code == 0 {
		t.Errorf("exit code = 0, want a failure")
	}
	if !strings.Contains(r.Stderr(), missing) {
		t.Errorf("stderr does not name %s:\n%s", missing, r.Stderr())
	}
	if strings.Contains(r.Stdout(), "started") {
		t.Errorf("a process started in a missing app root:\n%s", r.Stdout())
	}
	noneLeft(t, mark)
}
