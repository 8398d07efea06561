package e2e

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// controlShutdownApp has a process that stops gracefully on SIGTERM and one
// that ignores it, with a stop timeout of its own.
var controlShutdownApp = map[string]string{
	"Procfile": "" +
		"web: exec stubborn -ignore '' -exit-on TERM\n" +
		"stuck: trap '' TERM; echo up; exec sleep 1000\n",
	"hancho.yaml": "processes:\n  stuck:\n    stop_timeout: 1s\n",
}

// `hancho stop` with no names is the same graceful shutdown as Ctrl-C on
// the running hancho: the same stop signals and timeouts, the running
// hancho exits, and nothing is left once `hancho stop` returns.
func TestControlStopAll(t *testing.T) {
	t.Parallel()
	dir := appDir(t, controlShutdownApp)
	mark := marker(t)
	env := []string{mark}

	// The shutdown after Ctrl-C, for reference.
	r := start(t, dir, env, "start", "--no-colour")
	r.WaitLine(`web\.1 +\| ready pid=`)
	r.WaitLine(`stuck\.1 +\| up$`)
	r.Signal(syscall.SIGINT)
	if code := r.Wait(); code != 130 {
		t.Errorf("hancho exited %d after SIGINT, want 130", code)
	}
	ctrlC := controlShutdownLines(t, r.Stdout(), "SIGINT received")

	r = start(t, dir, env, "start", "--no-colour")
	r.WaitLine(`web\.1 +\| ready pid=`)
	r.WaitLine(`stuck\.1 +\| up$`)
	guard, supervisor := ctlGuard(t, r)
	pids := r.PIDs()
	res := ctlOK(t, dir, env, "stop")
	if !regexp.MustCompile(`(?m)^stopping hancho \(pid (` + strconv.Itoa(supervisor) + `|` + strconv.Itoa(guard) + `)\) in ` + regexp.QuoteMeta(dir) + `\nstopped\n$`).MatchString(res.stdout) {
		t.Errorf("hancho stop printed:\n%s", res)
	}
	// It returned once the whole run had ended: nothing of it runs.
	for name, pid := range pids {
		if alive(pid) {
			t.Errorf("%s (pid %d) still runs after hancho stop returned", name, pid)
		}
	}
	if alive(supervisor) {
		t.Errorf("the supervisor (pid %d) still runs after hancho stop returned", supervisor)
	}
	if code := r.Wait(); code != 0 && code != 130 {
		t.Errorf("hancho exited %d after hancho stop, want 0 (or 130, as for Ctrl-C)", code)
	}
	r.WaitLine(`web\.1 +\| got SIGTERM; exiting 0$`)
	if got := controlShutdownLines(t, r.Stdout(), "stop requested"); !slices.Equal(got, ctrlC) {
		t.Errorf("the shutdown after hancho stop:\n\t%s\nafter Ctrl-C:\n\t%s", strings.Join(got, "\n\t"), strings.Join(ctrlC, "\n\t"))
	}
	for _, name := range []string{"run.json", "control.sock"} {
		if _, err := os.Lstat(filepath.Join(dir, ".hancho", name)); err == nil {
			t.Errorf(".hancho/%s is left after the run", name)
		}
	}
	noneLeft(t, mark)
}

// controlShutdownLines returns the system lines from the one that begins
// the shutdown (first) on, without it, with pids taken out, sorted: the
// processes are stopped at once, in no set order.
func controlShutdownLines(t *testing.T, out, first string) []string {
	t.Helper()
	re := regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d system +\| (.*)$`)
	var lines []string
	begun := false
	for _, m := range re.FindAllStringSubmatch(out, -1) {
		if m[1] == first {
			begun = true
			continue
		}
		if begun {
			lines = append(lines, regexp.MustCompile(`pid \d+`).ReplaceAllString(m[1], "pid N"))
		}
	}
	if !begun {
		t.Fatalf("no %q line:\n%s", first, out)
	}
	slices.Sort(lines)
	return lines
}

// When no hancho runs but a dead run (both hancho processes killed at
// once) left its processes behind, `hancho stop` ends them and says which;
// the commands that need a running hancho say that none runs.
func TestControlStopLeftovers(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		"Procfile": "" +
			"web: exec sleep 1000\n" +
			"worker: exec sleep 1000\n" +
			"stuck: trap '' TERM; exec sleep 1000\n" +
			"beat: while echo beat; do sleep 0.1; done\n",
	})
	mark := marker(t)
	env := []string{mark}
	r := start(t, dir, env, "start", "--no-colour", "-c", "worker=2")
	for _, name := range []string{"web.1", "worker.1", "worker.2", "stuck.1"} {
		r.WaitLine(`system +\| ` + name + ` started`)
	}
	r.WaitLine(`beat\.1 +\| beat$`)
	pids := r.PIDs()
	_, supervisor := ctlGuard(t, r)
	ctlWaitRecord(t, dir, pids, "web.1", "worker.1", "worker.2", "stuck.1", "beat.1")

	ctlKillRun(t, r)
	// beat dies of its first write to hancho's closed pipe; the rest run on.
	waitGone(t, pids["beat.1"])
	for name, pid := range pids {
		if name != "beat.1" && !alive(pid) {
			t.Fatalf("%s (pid %d) did not survive the dead run; nothing to test", name, pid)
		}
	}

	notRunning := `no hancho is running in ` + regexp.QuoteMeta(dir)
	ctlFails(t, dir, env, []string{"status"}, notRunning)
	ctlFails(t, dir, env, []string{"restart", "web"}, notRunning)
	ctlFails(t, dir, env, []string{"stop", "web"}, notRunning)

	res := ctlOK(t, dir, env, "stop", "-t", "1")
	var named []string
	for _, m := range regexp.MustCompile(`(?m)^stopping (\S+) \(pid (\d+)\), left by a dead run \(pid (\d+)\)$`).FindAllStringSubmatch(res.stdout, -1) {
		named = append(named, m[1])
		if m[2] != strconv.Itoa(pids[m[1]]) || m[3] != strconv.Itoa(supervisor) {
			t.Errorf("hancho stop: %q; want %s's pid %d, left by %d", m[0], m[1], pids[m[1]], supervisor)
		}
	}
	slices.Sort(named)
	if want := []string{"stuck.1", "web.1", "worker.1", "worker.2"}; !slices.Equal(named, want) {
		t.Errorf("hancho stop named %v, want %v (beat.1 had died already):\n%s", named, want, res)
	}
	for name, pid := range pids {
		if alive(pid) {
			t.Errorf("%s (pid %d) still runs after hancho stop returned", name, pid)
		}
	}
	// Once they are gone, there is nothing more to stop.
	res = ctl(t, dir, env, "stop")
	if res.code == 0 && !strings.Contains(res.stdout, "left nothing behind") || res.code != 0 && !regexp.MustCompile(notRunning).MatchString(res.stderr) {
		t.Errorf("a second hancho stop:\n%s", res)
	}
	noneLeft(t, mark)
}

// A second `hancho start` where one runs is refused with the running
// one's pid, and leaves the running one alone.
func TestControlSecondStartRefused(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{"Procfile": "web: exec sleep 1000\nworker: exec sleep 1000\n"})
	mark := marker(t)
	env := []string{mark}
	r := start(t, dir, env, "start", "--no-colour")
	r.WaitLine(`system +\| worker\.1 started`)
	guard, supervisor := ctlGuard(t, r)
	before := ctlStatus(t, dir, env)

	for _, argv := range [][]string{
		{"start", "--no-colour"},
		{"start", "web", "-d", dir},
		{"start", "-f", filepath.Join(dir, "Procfile")},
	} {
		cwd := t.TempDir() // -d and -f name the app root
		if len(argv) == 2 {
			cwd = dir
		}
		second := start(t, cwd, env, argv...)
		if code := second.Wait(); code == 0 {
			t.Errorf("hancho %s succeeded while another runs", strings.Join(argv, " "))
		}
		msg := second.Stderr()
		if !strings.Contains(msg, "already running") || !regexp.MustCompile(`\b(`+strconv.Itoa(guard)+`|`+strconv.Itoa(supervisor)+`)\b`).MatchString(msg) {
			t.Errorf("hancho %s: stderr does not say that hancho (pid %d or %d) runs:\n%s", strings.Join(argv, " "), guard, supervisor, msg)
		}
		if strings.Contains(second.Stdout(), "started") {
			t.Errorf("hancho %s started processes:\n%s", strings.Join(argv, " "), second.Stdout())
		}
	}

	// The running hancho goes on as before: same processes, same socket,
	// same record.
	after := ctlStatus(t, dir, env)
	for i := range before {
		if after[i].PID != before[i].PID || after[i].State != before[i].State {
			t.Errorf("%s changed: %+v, then %+v", before[i].Name, before[i], after[i])
		}
	}
	var rec struct {
		PID int `json:"pid"`
	}
	data, err := os.ReadFile(filepath.Join(dir, ".hancho", "run.json"))
	if err == nil {
		err = json.Unmarshal(data, &rec)
	}
	if err != nil || rec.PID != supervisor {
		t.Errorf("run record after the refused starts: %v %s", err, data)
	}
	ctlOK(t, dir, env, "stop")
	r.Wait()
	noneLeft(t, mark)
}

// A socket or record left by a dead run never blocks a new start.
func TestControlStaleRunNeverBlocks(t *testing.T) {
	t.Parallel()
	procfile := map[string]string{"Procfile": "web: exec sleep 1000\n"}
	notRunning := `no hancho is running in `

	// startAndStop starts hancho in dir, checks that it answers, stops it.
	startAndStop := func(t *testing.T, dir string, env []string) {
		t.Helper()
		r := start(t, dir, env, "start", "--no-colour")
		r.WaitLine(`system +\| web\.1 started`)
		if p := ctlFind(t, ctlStatus(t, dir, env), "web.1"); p.PID != r.PIDs()["web.1"] {
			t.Errorf("status answers with %+v, not the new run's web.1", p)
		}
		ctlOK(t, dir, env, "stop")
		r.Wait()
	}

	t.Run("dead run", func(t *testing.T) {
		t.Parallel()
		dir := appDir(t, procfile)
		mark := marker(t)
		env := []string{mark}
		r := start(t, dir, env, "start", "--no-colour")
		r.WaitLine(`system +\| web\.1 started`)
		orphan := r.PIDs()["web.1"]
		ctlWaitRecord(t, dir, r.PIDs(), "web.1")
		ctlKillRun(t, r)
		// The dead run's socket, record and lock are all still there.
		for _, name := range []string{"control.sock", "run.json", "lock"} {
			if _, err := os.Lstat(filepath.Join(dir, ".hancho", name)); err != nil {
				t.Errorf("the dead run left no .hancho/%s: %v", name, err)
			}
		}
		ctlFails(t, dir, env, []string{"status"}, notRunning)
		startAndStop(t, dir, env)
		// The new start knew nothing of the dead run's process.
		if err := syscall.Kill(-orphan, syscall.SIGKILL); err != nil {
			t.Errorf("the dead run's web.1 (pid %d): %v", orphan, err)
		}
		noneLeft(t, mark)
	})

	t.Run("stale socket", func(t *testing.T) {
		t.Parallel()
		dir := appDir(t, procfile)
		mark := marker(t)
		env := []string{mark}
		// Left open to others, too: hancho makes it private again.
		if err := os.Mkdir(filepath.Join(dir, ".hancho"), 0o755); err != nil {
			t.Fatal(err)
		}
		l, err := net.ListenUnix("unix", &net.UnixAddr{Name: filepath.Join(dir, ".hancho", "control.sock"), Net: "unix"})
		if err != nil {
			t.Fatal(err)
		}
		l.SetUnlinkOnClose(false)
		l.Close()
		ctlFails(t, dir, env, []string{"status"}, notRunning)
		ctlFails(t, dir, env, []string{"logs"}, notRunning)
		startAndStop(t, dir, env)
		if fi, err := os.Stat(filepath.Join(dir, ".hancho")); err != nil {
			t.Error(err)
		} else if fi.Mode().Perm() != 0o700 {
			t.Errorf(".hancho has mode %v after a start, want 0700", fi.Mode().Perm())
		}
		noneLeft(t, mark)
	})

	t.Run("stale record", func(t *testing.T) {
		t.Parallel()
		dir := appDir(t, procfile)
		mark := marker(t)
		env := []string{mark}
		// A process that is not hancho's now has the recorded pids: the
		// run's and its web.1's (pids are reused).
		other := exec.Command("sleep", "1000")
		other.Env = append(os.Environ(), mark)
		if err := other.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Process.Kill(); other.Wait() })
		record := func() {
			t.Helper()
			data, _ := json.Marshal(map[string]any{
				"pid": os.Getpid(), "start_time": 1, "started": "2020-01-01T00:00:00Z",
				"procfile": filepath.Join(dir, "Procfile"), "socket": filepath.Join(dir, ".hancho", "control.sock"),
				"processes": []map[string]any{{"name": "web.1", "pid": other.Process.Pid, "pgid": other.Process.Pid, "start_time": 1}},
			})
			if err := os.MkdirAll(filepath.Join(dir, ".hancho"), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, ".hancho", "run.json"), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		record()
		ctlFails(t, dir, env, []string{"status"}, notRunning)
		startAndStop(t, dir, env)

		// `hancho stop` does not take the process that reused a pid for
		// what the dead run left.
		record()
		res := ctlOK(t, dir, env, "stop", "-t", "1")
		if strings.Contains(res.stdout, "stopping web.1") || !alive(other.Process.Pid) {
			t.Errorf("hancho stop stopped pid %d, which is not the recorded web.1 (another start time):\n%s", other.Process.Pid, res)
		}
		other.Process.Kill()
		other.Wait()
		noneLeft(t, mark)
	})
}
