package e2e

import (
	"regexp"
	"strings"
	"testing"
)

// With no hancho running, every control command says so, naming the app
// root, and exits non-zero.
func TestControlNotRunning(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{"Procfile": "web: exec sleep 1000\n"})
	mark := marker(t)
	env := []string{mark}
	notRunning := `^hancho: no hancho is running in ` + regexp.QuoteMeta(dir) + `\b`
	for _, args := range [][]string{
		{"status"}, {"ps"}, {"status", "--json"},
		{"restart", "web"}, {"stop", "web"}, {"stop"},
		{"logs"}, {"logs", "-f", "web"},
	} {
		ctlFails(t, dir, env, args, notRunning)
		// The same from elsewhere, with -d.
		ctlFails(t, t.TempDir(), env, append(args, "-d", dir), notRunning)
	}
	noneLeft(t, mark)
}

// A name that matches no process is an error that names it and lists the
// processes; nothing is done, not even for the other names given.
func TestControlUnknownProcess(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{"Procfile": "web: exec sleep 1000\nworker: exec sleep 1000\n"})
	mark := marker(t)
	env := []string{mark}
	r := start(t, dir, env, "start", "--no-colour")
	r.WaitLine(`system +\| worker\.1 started`)
	before := ctlStatus(t, dir, env)
	for _, args := range [][]string{
		{"restart", "nope"},
		{"stop", "nope"},
		{"logs", "nope"},
		{"logs", "-f", "nope"},
		{"restart", "x*"},
		{"stop", "web", "nope"},
		{"restart", "web.2"},
	} {
		name := args[len(args)-1]
		ctlFails(t, dir, env, args, `"`+regexp.QuoteMeta(name)+`"`, `web\.1, worker\.1`)
	}
	// Usage errors: exit 2.
	for _, args := range [][]string{{"restart"}, {"logs", "-n", "-1"}, {"logs", "-n", "x"}, {"status", "web"}} {
		if res := ctl(t, dir, env, args...); res.code != 2 {
			t.Errorf("hancho %s: exit %d, want 2 (usage):\n%s", strings.Join(args, " "), res.code, res)
		}
	}
	after := ctlStatus(t, dir, env)
	for i := range before {
		if after[i].PID != before[i].PID || after[i].State != before[i].State || after[i].Restarts != 0 {
			t.Errorf("%s changed: %+v, then %+v", before[i].Name, before[i], after[i])
		}
	}
	if strings.Contains(r.Stdout(), "stopping") || strings.Contains(r.Stdout(), "restarting") {
		t.Errorf("a failed command did something:\n%s", r.Stdout())
	}
	ctlOK(t, dir, env, "stop")
	r.Wait()
	noneLeft(t, mark)
}
