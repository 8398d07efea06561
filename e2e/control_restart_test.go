package e2e

import (
	"strconv"
	"testing"
)

// `hancho restart NAME...` stops each process gracefully, with its own
// stop signal and timeout, and starts it again with a new pid, counting
// the restart; a stopped process is simply started. Names are instance
// names, type names or globs; other processes are not touched.
func TestControlRestart(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		"Procfile": "" +
			"web: exec stubborn -ignore '' -exit-on TERM\n" +
			"worker: exec stubborn -ignore '' -exit-on INT\n" +
			"slow: exec stubborn\n" +
			"other: exec sleep 1000\n",
		"hancho.yaml": "" +
			"processes:\n" +
			"  worker:\n" +
			"    stop_signal: INT\n" +
			"  slow:\n" +
			"    stop_timeout: 1s\n",
	})
	mark := marker(t)
	env := []string{mark}
	// The global timeout is longer than the test's deadline: only slow's
	// own timeout lets its restart finish in time.
	r := start(t, dir, env, "start", "--no-colour", "-t", "600", "-c", "worker=2")
	for _, name := range []string{"web.1", "worker.1", "worker.2", "slow.1"} {
		r.WaitLine(`^\d\d:\d\d:\d\d ` + name + ` +\| ready pid=\d+$`)
	}
	r.WaitLine(`system +\| other\.1 started`)
	first := r.PIDs()

	restarted := func(name string, restarts int, old int) int {
		t.Helper()
		p := ctlFind(t, ctlStatus(t, dir, env), name)
		if p.PID == 0 || p.PID == old {
			t.Errorf("%s: pid %d after its restart (before: %d)", name, p.PID, old)
		}
		if p.Restarts != restarts {
			t.Errorf("%s: %d restarts, want %d", name, p.Restarts, restarts)
		}
		if p.State != "running" {
			t.Errorf("%s: state %q after its restart", name, p.State)
		}
		if alive(old) {
			t.Errorf("%s: its old pid %d still runs", name, old)
		}
		return p.PID
	}

	// An instance name; its own stop signal.
	c := ctlFollow(r)
	ctlOK(t, dir, env, "restart", "worker.1")
	c.Next(`system +\| restarting worker\.1$`)
	c.Next(`system +\| sending SIGINT to worker\.1 \(pid ` + strconv.Itoa(first["worker.1"]) + `\)$`)
	c.Next(`worker\.1 +\| got SIGINT; exiting 0$`)
	c.Next(`system +\| worker\.1 stopped \(rc=0\)$`)
	pid, _ := strconv.Atoi(c.Next(`system +\| worker\.1 started \(pid=(\d+)\)$`)[1])
	if got := restarted("worker.1", 1, first["worker.1"]); got != pid {
		t.Errorf("worker.1: status pid %d, hancho printed %d", got, pid)
	}

	// A type name; its own stop timeout (1s, not the global 600s).
	c = ctlFollow(r)
	ctlOK(t, dir, env, "restart", "slow")
	c.Next(`system +\| sending SIGTERM to slow\.1 \(pid ` + strconv.Itoa(first["slow.1"]) + `\)$`)
	c.Next(`slow\.1 +\| ignoring SIGTERM$`)
	c.Next(`system +\| sending SIGKILL to slow\.1 \(pid ` + strconv.Itoa(first["slow.1"]) + `\)$`)
	c.Next(`system +\| slow\.1 stopped \(rc=-9\)$`)
	c.Next(`system +\| slow\.1 started \(pid=\d+\)$`)
	restarted("slow.1", 1, first["slow.1"])

	// A glob: both workers, nothing else.
	now := ctlStatus(t, dir, env)
	c = ctlFollow(r)
	ctlOK(t, dir, env, "restart", "work*")
	for _, name := range []string{"worker.1", "worker.2"} {
		c2 := *c
		c2.Next(`system +\| ` + name + ` started \(pid=\d+\)$`)
	}
	restarted("worker.1", 2, ctlFind(t, now, "worker.1").PID)
	restarted("worker.2", 1, ctlFind(t, now, "worker.2").PID)

	// A stopped process is simply started: no stop signal, a new pid.
	c = ctlFollow(r)
	ctlOK(t, dir, env, "stop", "web")
	c.Next(`system +\| web\.1 stopped \(rc=0\)$`)
	if p := ctlFind(t, ctlStatus(t, dir, env), "web.1"); p.State != "stopped" || p.PID != 0 {
		t.Errorf("web.1 after hancho stop web: %+v", p)
	}
	c = ctlFollow(r)
	ctlOK(t, dir, env, "restart", "web.1")
	line := c.Next(`system +\| (sending \S+ to web\.1|web\.1 started \(pid=\d+\))`)
	if line[1][0] == 's' {
		t.Errorf("restart of the stopped web.1 sent it a signal: %q", line[0])
	}
	restarted("web.1", 1, first["web.1"])

	// The rest was never touched.
	if p := ctlFind(t, ctlStatus(t, dir, env), "other.1"); p.PID != first["other.1"] || p.Restarts != 0 || p.State != "running" {
		t.Errorf("other.1 was touched: %+v (started as pid %d)", p, first["other.1"])
	}

	ctlOK(t, dir, env, "stop")
	r.Wait()
	noneLeft(t, mark)
}

// `hancho stop NAME...` stops those processes and keeps them stopped, even
// with restart: always, while the rest run on; an instance, a type or a
// glob; a process waiting to be restarted stays stopped too.
func TestControlStop(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		"Procfile": "" +
			"web: exec sleep 1000\n" +
			"worker: exec stubborn -ignore '' -exit-on TERM\n" +
			"flap: echo up\n" +
			"timer: exec sleep 2\n",
		"hancho.yaml": "" +
			"processes:\n" +
			"  worker:\n" +
			"    restart: always\n" +
			"  flap:\n" +
			"    restart: always\n" +
			"  timer:\n" +
			"    optional: true\n",
	})
	mark := marker(t)
	env := []string{mark}
	r := start(t, dir, env, "start", "--no-colour", "-c", "worker=2")
	r.WaitLine(`worker\.1 +\| ready pid=\d+$`)
	r.WaitLine(`worker\.2 +\| ready pid=\d+$`)
	r.WaitLine(`system +\| web\.1 started`)
	first := r.PIDs()

	// flap waits for its restart: stopped now, the restart never comes.
	r.WaitLine(`system +\| flap\.1 restarting in`)
	ctlOK(t, dir, env, "stop", "flap.1")
	flapStopped := len(r.Stdout())
	if p := ctlFind(t, ctlStatus(t, dir, env), "flap.1"); p.State != "stopped" || p.PID != 0 {
		t.Errorf("flap.1 after hancho stop flap.1: %+v", p)
	}

	// Both workers, by a glob; gracefully, each with its signal.
	c := ctlFollow(r)
	ctlOK(t, dir, env, "stop", "work*")
	workersStopped := len(r.Stdout())
	for _, name := range []string{"worker.1", "worker.2"} {
		c2 := *c
		c2.Next(`system +\| sending SIGTERM to ` + name + ` \(pid ` + strconv.Itoa(first[name]) + `\)$`)
		c2.Next(name + ` +\| got SIGTERM; exiting 0$`)
		c2.Next(`system +\| ` + name + ` stopped \(rc=0\)$`)
	}
	waitGone(t, first["worker.1"], first["worker.2"])

	// Nothing restarts them: not in the time their first restart would
	// take (1s), measured by timer, which runs for 2s once started again.
	r.WaitLine(`system +\| timer\.1 stopped \(rc=0\)$`)
	c = ctlFollow(r)
	ctlOK(t, dir, env, "restart", "timer")
	c.Next(`system +\| timer\.1 started`)
	c.Next(`system +\| timer\.1 stopped \(rc=0\)$`)
	for _, name := range []string{"worker.1", "worker.2"} {
		for _, e := range ctlEvents(r.Stdout()[workersStopped:], name) {
			if e != "stopped" {
				t.Errorf("%s: %s after hancho stop", name, e)
			}
		}
	}
	for _, e := range ctlEvents(r.Stdout()[flapStopped:], "flap.1") {
		t.Errorf("flap.1: %s after hancho stop", e)
	}
	procs := ctlStatus(t, dir, env)
	for _, name := range []string{"worker.1", "worker.2", "flap.1"} {
		if p := ctlFind(t, procs, name); p.State != "stopped" || p.PID != 0 {
			t.Errorf("%s after hancho stop: %+v", name, p)
		}
	}
	if p := ctlFind(t, procs, "web.1"); p.PID != first["web.1"] || p.State != "running" {
		t.Errorf("web.1 was touched: %+v", p)
	}
	if r.Exited() {
		t.Fatal("hancho exited after stopping some of its processes")
	}

	// Stopping what is stopped does nothing; an instance name stops one.
	c = ctlFollow(r)
	ctlOK(t, dir, env, "stop", "worker")
	ctlOK(t, dir, env, "stop", "web.1")
	if got := c.Next(`system +\| sending \S+ to (\S+)`)[1]; got != "web.1" {
		t.Errorf("hancho stop of stopped workers, then of web.1, signalled %s first", got)
	}
	c.Next(`system +\| web\.1 stopped \(rc=-15\)$`)

	ctlOK(t, dir, env, "stop")
	r.Wait()
	noneLeft(t, mark)
}

// A restart stops the whole process, not only the shell that runs its
// command: Debian's /bin/sh does not exec the last command of `sh -c`, so
// when the shell dies of SIGTERM while the program handles it (a server
// finishing its requests), the program runs on. The new start must wait
// for it (up to the stop timeout, then SIGKILL), or two servers run at
// once and the new one finds its port taken.
func TestControlRestartWaitsForTheWholeProcess(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		"Procfile":    "slow: stubborn\n",
		"hancho.yaml": "processes:\n  slow:\n    stop_timeout: 2s\n",
	})
	mark := marker(t)
	env := []string{mark}
	r := start(t, dir, env, "start", "--no-colour", "-t", "5")
	old, _ := strconv.Atoi(r.WaitLine(`slow\.1 +\| ready pid=(\d+)$`)[1])
	c := ctlFollow(r)
	ctlOK(t, dir, env, "restart", "slow")
	c.Next(`system +\| slow\.1 started \(pid=\d+\)$`)
	if alive(old) {
		t.Errorf("slow.1 started again while its previous program (pid %d) still runs", old)
	}
	if groups := ctlInstances(mark)["slow.1"]; len(groups) > 1 {
		t.Errorf("two starts of slow.1 run at once: process groups %v", groups)
	}
	ctlOK(t, dir, env, "stop")
	r.Wait()
	noneLeft(t, mark)
}

// The restarts column counts restarts done: two `hancho restart` while
// the first one still waits for the process to stop make one restart.
func TestControlRestartCountsRestartsDone(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		"Procfile":    "slow: exec stubborn\n",
		"hancho.yaml": "processes:\n  slow:\n    stop_timeout: 3s\n",
	})
	mark := marker(t)
	env := []string{mark}
	r := start(t, dir, env, "start", "--no-colour")
	r.WaitLine(`slow\.1 +\| ready pid=\d+$`)
	c := ctlFollow(r)
	ctlOK(t, dir, env, "restart", "slow")
	c.Next(`slow\.1 +\| ignoring SIGTERM$`)
	// Still stopping: its SIGKILL comes after 3s.
	ctlOK(t, dir, env, "restart", "slow")
	c.Next(`system +\| slow\.1 started`)
	p := ctlFind(t, ctlStatus(t, dir, env), "slow.1")
	if starts := len(ctlEvents(r.Stdout(), "slow.1")); p.Restarts != starts/2 {
		t.Errorf("slow.1: status shows %d restarts; it was restarted once (events %v)", p.Restarts, ctlEvents(r.Stdout(), "slow.1"))
	}
	ctlOK(t, dir, env, "stop")
	r.Wait()
	noneLeft(t, mark)
}
