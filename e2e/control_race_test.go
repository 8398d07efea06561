package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// ctlHammer runs `hancho args...` for each of requests, from workers
// goroutines at once, and returns the results that failed.
func ctlHammer(dir string, env []string, workers int, requests [][]string) []string {
	var (
		mu     sync.Mutex
		failed []string
		wg     sync.WaitGroup
		next   = make(chan []string)
		go_    = make(chan struct{})
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-go_
			for args := range next {
				res, err := ctlExec(dir, env, args...)
				if err != nil || res.code != 0 {
					mu.Lock()
					failed = append(failed, fmt.Sprintf("hancho %s: %v %s", strings.Join(args, " "), err, res))
					mu.Unlock()
				}
			}
		}()
	}
	close(go_)
	for _, args := range requests {
		next <- args
	}
	close(next)
	wg.Wait()
	return failed
}

// ctlWatchOverlap samples /proc until stop is closed and reports each
// instance of names seen running twice at once (two process groups).
func ctlWatchOverlap(mark string, names []string, stop <-chan struct{}) <-chan []string {
	out := make(chan []string, 1)
	go func() {
		var seen []string
		for {
			select {
			case <-stop:
				out <- seen
				return
			default:
			}
			for name, groups := range ctlInstances(mark) {
				for _, n := range names {
					if n == name && len(groups) > 1 {
						seen = append(seen, fmt.Sprintf("%s in process groups %v", name, groups))
					}
				}
			}
		}
	}()
	return out
}

// A restart from the socket races with the process exiting on its own:
// restarts from several terminals at once of processes that exit right
// away (restart: always), of one whose exit is announced late (a child
// holds its output), and of long-running ones. Every start is followed by
// exactly one exit before the next, no instance ever runs twice, every
// request is answered, and hancho still stops cleanly.
func TestControlRaceRestartVsExit(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		"Procfile": "" +
			"flap: echo up\n" +
			"hold: sleep 0.2 & echo up\n" +
			"slow: exec sleep 1000\n" +
			"web: exec sleep 1000\n",
		"hancho.yaml": "" +
			"processes:\n" +
			"  flap:\n    restart: always\n    optional: true\n" +
			"  hold:\n    restart: always\n    optional: true\n" +
			"  slow:\n    restart: always\n",
	})
	mark := marker(t)
	env := []string{mark}
	r := start(t, dir, env, "start", "--no-colour", "-c", "slow=2")
	r.WaitLine(`system +\| slow\.2 started`)
	r.WaitLine(`system +\| web\.1 started`)

	stop := make(chan struct{})
	overlaps := ctlWatchOverlap(mark, []string{"slow.1", "slow.2", "web.1"}, stop)
	var requests [][]string
	targets := [][]string{{"flap"}, {"hold.1"}, {"slow"}, {"flap.1", "slow.1"}, {"s*"}, {"hold", "flap"}, {"slow.2"}}
	for i := range 48 {
		requests = append(requests, append([]string{"restart"}, targets[i%len(targets)]...))
	}
	failed := ctlHammer(dir, env, 6, requests)
	close(stop)
	for _, f := range failed {
		t.Error(f)
	}
	for _, o := range <-overlaps {
		t.Errorf("two starts ran at once: %s", o)
	}
	ctlOK(t, dir, env, "stop")
	if code := r.Wait(); code != 0 && code != 130 {
		t.Errorf("hancho exited %d", code)
	}
	out := r.Stdout()
	for _, name := range []string{"flap.1", "hold.1", "slow.1", "slow.2", "web.1"} {
		starts := ctlCheckAlternates(t, out, name)
		if name == "web.1" && starts != 1 {
			t.Errorf("web.1, never named, started %d times", starts)
		}
	}
	noneLeft(t, mark)
}

// A restart from the socket races with policy restarts: many instances
// that crash right away and wait for their backoff, restarted one by one
// from several terminals while their timers fire.
func TestControlRaceRestartVsPolicyRestart(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		"Procfile":    "crash: echo up; exit 1\nweb: exec sleep 1000\n",
		"hancho.yaml": "processes:\n  crash:\n    restart: on-failure\n    optional: true\n",
	})
	mark := marker(t)
	env := []string{mark}
	const n = 8
	r := start(t, dir, env, "start", "--no-colour", "-c", fmt.Sprintf("crash=%d", n))
	r.WaitLine(fmt.Sprintf(`system +\| crash\.%d restarting in`, n))

	var requests [][]string
	for i := range 64 {
		requests = append(requests, []string{"restart", fmt.Sprintf("crash.%d", i*5%n+1)})
	}
	for _, f := range ctlHammer(dir, env, 6, requests) {
		t.Error(f)
	}
	// Policy restarts went on during the hammering.
	if policy := regexp.MustCompile(`crash\.\d+ restarting in`).FindAllString(r.Stdout(), -1); len(policy) <= n {
		t.Logf("only %d policy restarts were scheduled", len(policy))
	}
	ctlOK(t, dir, env, "stop")
	r.Wait()
	out := r.Stdout()
	for i := 1; i <= n; i++ {
		ctlCheckAlternates(t, out, fmt.Sprintf("crash.%d", i))
	}
	ctlCheckAlternates(t, out, "web.1")
	noneLeft(t, mark)
}

// A stop from the socket races with the process exiting on its own and
// with restarts: once the last `hancho stop` has returned, the processes
// end up stopped and stay stopped.
func TestControlRaceStopVsExit(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		"Procfile": "" +
			"flap: echo up\n" +
			"hold: sleep 0.2 & echo up\n" +
			"slow: exec sleep 1000\n" +
			"timer: exec sleep 2\n",
		"hancho.yaml": "" +
			"processes:\n" +
			"  flap:\n    restart: always\n" +
			"  hold:\n    restart: always\n" +
			"  slow:\n    restart: always\n" +
			"  timer:\n    optional: true\n",
	})
	mark := marker(t)
	env := []string{mark}
	r := start(t, dir, env, "start", "--no-colour")
	r.WaitLine(`system +\| slow\.1 started`)
	r.WaitLine(`system +\| timer\.1 stopped`)

	var requests [][]string
	for i := range 36 {
		op := "stop"
		if i%3 == 1 {
			op = "restart"
		}
		requests = append(requests, []string{op, []string{"flap", "hold", "slow", "flap.1", "hold.1"}[i%5]})
	}
	for _, f := range ctlHammer(dir, env, 6, requests) {
		t.Error(f)
	}
	ctlOK(t, dir, env, "stop", "flap", "hold", "slow")
	stopped := len(r.Stdout())
	ctlWaitStatus(t, dir, env, "flap, hold and slow stopped", func(procs []ctlProc) bool {
		for _, p := range procs {
			if p.Name != "timer.1" && (p.State != "stopped" || p.PID != 0) {
				return false
			}
		}
		return true
	})
	// No restart comes: not in the time a first restart would take (1s),
	// as timer, running for 2s, measures.
	c := ctlFollow(r)
	ctlOK(t, dir, env, "restart", "timer")
	c.Next(`system +\| timer\.1 stopped`)
	for _, name := range []string{"flap.1", "hold.1", "slow.1"} {
		for _, e := range ctlEvents(r.Stdout()[stopped:], name) {
			if e != "stopped" {
				t.Errorf("%s: %s after the last hancho stop", name, e)
			}
		}
	}
	if r.Exited() {
		t.Fatalf("hancho exited")
	}
	ctlOK(t, dir, env, "stop")
	r.Wait()
	for _, name := range []string{"flap.1", "hold.1", "slow.1"} {
		ctlCheckAlternates(t, r.Stdout(), name)
	}
	noneLeft(t, mark)
}

// `hancho stop` and Ctrl-C (SIGINT) at the same time, with restarts and
// stops of single processes in flight, arriving before, during and after
// the shutdown (which lasts a second: slow ignores SIGTERM): hancho exits
// in time, nothing is started once the shutdown has begun, nothing is
// left, and every command either did its work or says clearly that
// hancho is stopping or gone.
func TestControlRaceStopVsShutdown(t *testing.T) {
	t.Parallel()
	for _, when := range []string{"SIGINT first", "SIGINT on stop requested", "SIGINT after a command"} {
		t.Run(when, func(t *testing.T) {
			t.Parallel()
			controlRaceStopVsShutdown(t, when)
		})
	}
}

func controlRaceStopVsShutdown(t *testing.T, when string) {
	dir := appDir(t, map[string]string{
		"Procfile": "" +
			"web: exec stubborn -ignore '' -exit-on TERM\n" +
			"worker: exec sleep 1000\n" +
			"flap: echo up\n" +
			"slow: exec stubborn\n",
		"hancho.yaml": "processes:\n  flap:\n    restart: always\n  slow:\n    stop_timeout: 1s\n",
	})
	mark := marker(t)
	env := []string{mark}
	r := start(t, dir, env, "start", "--no-colour", "-c", "worker=2")
	r.WaitLine(`web\.1 +\| ready pid=`)
	r.WaitLine(`slow\.1 +\| ready pid=`)
	r.WaitLine(`system +\| worker\.2 started`)
	r.WaitLine(`system +\| flap\.1 restarting in`)

	type result struct {
		cmd string
		res ctlResult
		err error
	}
	var (
		wg      sync.WaitGroup
		results = make(chan result, 16)
		go_     = make(chan struct{})
	)
	run := func(args ...string) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-go_
			res, err := ctlExec(dir, env, args...)
			results <- result{strings.Join(args, " "), res, err}
		}()
	}
	run("stop")
	for range 3 {
		run("restart", "web")
		run("stop", "worker")
		run("restart", "flap")
		run("restart", "slow")
	}
	close(go_)
	var done []result
	switch when {
	case "SIGINT on stop requested":
		r.WaitLine(`system +\| stop requested$`)
	case "SIGINT after a command":
		done = append(done, <-results)
	}
	if err := syscall.Kill(r.Cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	code := r.Wait()
	wg.Wait()
	close(results)
	for res := range results {
		done = append(done, res)
	}
	if code != 0 && code != 130 {
		t.Errorf("hancho exited %d, want 0 or 130", code)
	}
	// Each command did its work, or says that hancho was stopping or gone.
	clear := regexp.MustCompile(`^hancho: (no hancho is running|hancho is shutting down|hancho is exiting|hancho closed the connection on \S+ without answering)`)
	for _, d := range done {
		if d.err != nil {
			t.Error(d.err)
		} else if d.res.code != 0 && !clear.MatchString(d.res.stderr) {
			t.Errorf("hancho %s, racing with the shutdown, failed without saying why clearly:\n%s", d.cmd, d.res)
		}
	}
	out := r.Stdout()
	begun := regexp.MustCompile(`(?m)^.*system +\| (stop requested|SIGINT received)$`).FindStringIndex(out)
	if begun == nil {
		t.Fatalf("no shutdown line:\n%s", out)
	}
	if m := regexp.MustCompile(`(?m)^.*started \(pid=\d+\)$`).FindString(out[begun[1]:]); m != "" {
		t.Errorf("a process was started after the shutdown began: %q", m)
	}
	for _, name := range []string{"web.1", "worker.1", "worker.2", "flap.1", "slow.1"} {
		ctlCheckAlternates(t, out, name)
	}
	noneLeft(t, mark)
}
