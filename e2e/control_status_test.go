package e2e

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// `hancho status` (and `ps`) from a second terminal shows one row per
// process of the running hancho: name, pid, state, restarts, uptime and
// last exit code; --json prints the same as a list of objects with exactly
// the fields name, pid, state, restarts, uptime and exit_code.
func TestControlStatus(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		"Procfile": "" +
			"web: echo listening; exec sleep 1000\n" +
			"worker: exec sleep 1000\n" +
			"slow: exec sleep 1000\n" +
			"once: exit 3\n" +
			"done: exit 0\n",
		"hancho.yaml": "" +
			"processes:\n" +
			"  web:\n" +
			"    ready:\n" +
			"      log: listening\n" +
			"  slow:\n" +
			"    ready:\n" +
			"      log: never printed\n" +
			"      timeout: 1h\n" +
			"  once:\n" +
			"    optional: true\n" +
			"  done:\n" +
			"    optional: true\n",
	})
	mark := marker(t)
	env := []string{mark}
	r := start(t, dir, env, "start", "--no-colour", "-c", "worker=2")
	r.WaitLine(`system +\| web\.1 ready after`)
	r.WaitLine(`system +\| once\.1 stopped \(rc=3\)`)
	r.WaitLine(`system +\| done\.1 stopped \(rc=0\)`)
	r.WaitLine(`system +\| worker\.2 started`)
	r.WaitLine(`system +\| slow\.1 started`)
	pids := r.PIDs()

	procs := ctlStatus(t, dir, env)
	var names []string
	for _, p := range procs {
		names = append(names, p.Name)
	}
	if got, want := strings.Join(names, " "), "web.1 worker.1 worker.2 slow.1 once.1 done.1"; got != want {
		t.Errorf("status lists %q, want %q (one per process, in Procfile order)", got, want)
	}
	want := map[string]struct {
		state string
		live  bool
		exit  int
	}{
		"web.1":    {"ready", true, 0},
		"worker.1": {"running", true, 0},
		"worker.2": {"running", true, 0},
		"slow.1":   {"starting", true, 0},
		"once.1":   {"failed", false, 3},
		"done.1":   {"stopped", false, 0},
	}
	for _, p := range procs {
		w := want[p.Name]
		if p.State != w.state {
			t.Errorf("%s: state %q, want %q", p.Name, p.State, w.state)
		}
		if p.Restarts != 0 {
			t.Errorf("%s: %d restarts, want 0", p.Name, p.Restarts)
		}
		if w.live {
			if p.PID != pids[p.Name] {
				t.Errorf("%s: pid %d, but hancho printed that it started with pid %d", p.Name, p.PID, pids[p.Name])
			}
			if p.Uptime <= 0 || p.Uptime > deadline.Seconds()*4 {
				t.Errorf("%s: uptime %v seconds", p.Name, p.Uptime)
			}
			if p.ExitCode != nil {
				t.Errorf("%s: exit code %d, but it has never exited", p.Name, *p.ExitCode)
			}
		} else {
			if p.PID != 0 || p.Uptime != 0 {
				t.Errorf("%s has exited, yet shows pid %d and uptime %v", p.Name, p.PID, p.Uptime)
			}
			if p.ExitCode == nil || *p.ExitCode != w.exit {
				t.Errorf("%s: exit code %v, want %d", p.Name, p.ExitCode, w.exit)
			}
		}
	}

	// The table, under both names, and from anywhere with -d.
	elsewhere := t.TempDir()
	for _, args := range [][]string{{"status"}, {"ps"}, {"status", "-d", dir}, {"ps", "--app-root", dir}} {
		cwd := dir
		if len(args) > 1 {
			cwd = elsewhere
		}
		res := ctlOK(t, cwd, env, args...)
		rows := strings.Split(strings.TrimRight(res.stdout, "\n"), "\n")
		if got := strings.Fields(rows[0]); strings.Join(got, " ") != "NAME PID STATE RESTARTS UPTIME EXIT" {
			t.Errorf("hancho %s: header %q", strings.Join(args, " "), rows[0])
		}
		if len(rows) != 1+len(want) {
			t.Fatalf("hancho %s: %d rows, want one per process:\n%s", strings.Join(args, " "), len(rows)-1, res.stdout)
		}
		for _, row := range rows[1:] {
			f := strings.Fields(row)
			if len(f) != 6 {
				t.Errorf("hancho %s: row %q does not have 6 columns", strings.Join(args, " "), row)
				continue
			}
			w, ok := want[f[0]]
			if !ok {
				t.Errorf("hancho %s: row for unknown process %q", strings.Join(args, " "), f[0])
				continue
			}
			pid, uptime, exit := strconv.Itoa(pids[f[0]]), `^\d+(\.\d+)?(ms|s|m\d+(\.\d+)?s|h.*)$`, "-"
			if !w.live {
				pid, uptime, exit = "-", `^-$`, strconv.Itoa(w.exit)
			}
			if f[1] != pid || f[2] != w.state || f[3] != "0" || !regexp.MustCompile(uptime).MatchString(f[4]) || f[5] != exit {
				t.Errorf("hancho %s: row %q, want %s %s %s 0 %s %s", strings.Join(args, " "), row, f[0], pid, w.state, uptime, exit)
			}
		}
	}
	// The JSON too, from anywhere.
	res := ctlOK(t, elsewhere, env, "status", "--json", "-d", dir)
	if _, err := ctlDecodeStatus([]byte(res.stdout)); err != nil {
		t.Errorf("status --json -d: %v:\n%s", err, res.stdout)
	}

	ctlOK(t, dir, env, "stop")
	r.Wait()
	noneLeft(t, mark)
}
