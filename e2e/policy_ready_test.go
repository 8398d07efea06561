package e2e

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// depends_on and readiness probes (issue 5): a process starts once what it
// depends on is ready; each probe kind; shutdown in reverse order; a probe
// that times out; a stop while a probe is pending.

// A dependent starts only after its dependency's probe passed, whatever the
// kind of probe; a process without dependencies does not wait for it.
func TestPolicyDependsOnWaitsForReadiness(t *testing.T) {
	const rest = "b: echo b up; exec sleep 60\nc: echo c up; exec sleep 60\n"
	for _, tc := range []struct {
		name  string
		a     func(port int) string // a's Procfile command
		ready func(port int) string // a's ready block, inline
		port  bool                  // a listens on a port
	}{{
		name:  "tcp",
		a:     func(port int) string { return "exec listen -port " + strconv.Itoa(port) + " -delay 0.5s" },
		ready: func(port int) string { return "{tcp: 127.0.0.1:" + strconv.Itoa(port) + "}" },
		port:  true,
	}, {
		// Listening at once but answering 503 for 0.5 s: only a 2xx is ready.
		name:  "http",
		a:     func(port int) string { return "exec listen -port " + strconv.Itoa(port) + " -busy 0.5s" },
		ready: func(port int) string { return `{http: "http://127.0.0.1:` + strconv.Itoa(port) + `/"}` },
		port:  true,
	}, {
		name:  "exec",
		a:     func(int) string { return "sleep 0.5; touch ready.flag; echo flag made; exec sleep 60" },
		ready: func(int) string { return `{exec: "test -f ready.flag"}` },
	}, {
		name:  "log",
		a:     func(int) string { return "echo warming up; sleep 0.5; echo Ready to accept connections; exec sleep 60" },
		ready: func(int) string { return `{log: "^Ready to accept"}` },
	}} {
		t.Run(tc.name, func(t *testing.T) {
			port := freePort(t)
			dir := appDir(t, map[string]string{
				"Procfile":    "a: " + tc.a(port) + "\n" + rest,
				"hancho.yaml": "processes:\n  a:\n    ready: " + tc.ready(port) + "\n  b:\n    depends_on: [a]\n",
			})
			r, mark := polStart(t, dir)
			m := r.WaitLine(polSys(`a\.1 ready after (\d+\.\d)s`))
			r.WaitLine(polOut("b.1", "b up"))
			r.WaitLine(polOut("c.1", "c up"))
			r.Signal(syscall.SIGINT)
			if code := r.Wait(); code != 130 {
				t.Errorf("exit code = %d, want 130", code)
			}
			noneLeft(t, mark)
			if tc.port {
				assertPortFree(t, port)
			}

			out := r.Stdout()
			polOrder(t, out, polSys(`a\.1 started \(pid=\d+\)`), polSys(`a\.1 ready after`), polSys(`b\.1 started \(pid=\d+\)`))
			// The probe did not hold c back.
			polOrder(t, out, polSys(`c\.1 started \(pid=\d+\)`), polSys(`a\.1 ready after`))
			// a needs 0.5 s to become ready; a probe that passed earlier
			// did not check what it says.
			if d := polSeconds(t, m[1]); d < 400*time.Millisecond {
				t.Errorf("a ready after %v, before it could be", d)
			}
			// Reverse order; that b has stopped by then is for
			// TestPolicyShutdownInReverseOrder (c's exit can let a's
			// signal come before b's "stopped" line: see
			// TestPolicyShutdownOrderWaitsForDependentsStopped).
			polOrder(t, out, polSys(`sending SIGTERM to b\.1`), polSys(`sending SIGTERM to a\.1`))
		})
	}
}

// Shutdown runs in reverse start order: each process gets its stop signal
// only once what depends on it has stopped, and is still running when its
// dependent gets its signal.
func TestPolicyShutdownInReverseOrder(t *testing.T) {
	dir := appDir(t, map[string]string{
		"Procfile": "a: echo $$ >a.pid; echo a up; exec sleep 60\n" +
			"b: trap 'kill -0 $(cat a.pid) && echo b stopping, a alive; exit 0' TERM; echo $$ >b.pid; echo b up; while :; do sleep 1; done\n" +
			"c: trap 'kill -0 $(cat b.pid) && echo c stopping, b alive; exit 0' TERM; echo c up; while :; do sleep 1; done\n",
		"hancho.yaml": "processes:\n  b:\n    depends_on: [a]\n  c:\n    depends_on: [b]\n",
	})
	r, mark := polStart(t, dir)
	for _, name := range []string{"a", "b", "c"} {
		r.WaitLine(polOut(name+".1", name+" up"))
	}
	r.Signal(syscall.SIGINT)
	if code := r.Wait(); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	noneLeft(t, mark)
	out := r.Stdout()
	polOrder(t, out, polSys(`a\.1 started`), polSys(`b\.1 started`), polSys(`c\.1 started`))
	polOrder(t, out,
		polSys(`sending SIGTERM to c\.1 \(pid \d+\)`),
		polOut("c.1", "c stopping, b alive"),
		polSys(`c\.1 stopped \(rc=0\)`),
		polSys(`sending SIGTERM to b\.1 \(pid \d+\)`),
		polOut("b.1", "b stopping, a alive"),
		polSys(`b\.1 stopped \(rc=0\)`),
		polSys(`sending SIGTERM to a\.1 \(pid \d+\)`),
		polSys(`a\.1 stopped \(rc=-15\)`))
}

// The stop signal of a dependency waits until its dependent's exit has
// been announced, even when another process's exit comes in between: d's
// exit (0.1 s into the shutdown) must not release a while b, whose main
// process has exited, still has a child holding its output.
func TestPolicyShutdownOrderWaitsForDependentsStopped(t *testing.T) {
	dir := appDir(t, map[string]string{
		"Procfile": "a: echo a up; exec sleep 60\n" +
			"b: (trap '' TERM; sleep 1; echo b child done) & echo b up; exec sleep 60\n" +
			"d: trap 'sleep 0.1; exit 0' TERM; echo d up; while :; do sleep 1; done\n",
		"hancho.yaml": "processes:\n  b:\n    depends_on: [a]\n",
	})
	r, mark := polStart(t, dir)
	for _, name := range []string{"a", "b", "d"} {
		r.WaitLine(polOut(name+".1", name+" up"))
	}
	r.Signal(syscall.SIGINT)
	if code := r.Wait(); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	noneLeft(t, mark)
	polOrder(t, r.Stdout(), polSys(`sending SIGTERM to b\.1`), polSys(`b\.1 stopped`), polSys(`sending SIGTERM to a\.1`))
}

// A probe that does not pass within its timeout: a system line, and the
// process counts as failed: it stops the rest, unless it is optional.
func TestPolicyProbeTimeout(t *testing.T) {
	t.Run("required", func(t *testing.T) {
		port := freePort(t) // nothing listens on it
		dir := appDir(t, map[string]string{
			"Procfile":    "a: exec sleep 60\nb: echo b up; exec sleep 60\nc: echo c up; exec sleep 60\n",
			"hancho.yaml": "processes:\n  a:\n    ready:\n      tcp: 127.0.0.1:" + strconv.Itoa(port) + "\n      timeout: 0.5s\n  b:\n    depends_on: [a]\n",
		})
		r, mark := polStart(t, dir)
		if code := r.Wait(); code == 0 {
			t.Errorf("exit code = 0, want non-zero: a never became ready")
		}
		noneLeft(t, mark)
		out := r.Stdout()
		polOrder(t, out, polSys(`c\.1 started`), polSys(`a\.1 not ready after 500ms; giving up on it`), polSys(`sending SIGTERM to c\.1`))
		polOrder(t, out, polSys(`a\.1 not ready after`), polSys(`sending SIGTERM to a\.1`))
		polNone(t, out, `b\.1 started|a\.1 ready after`)
	})
	t.Run("optional", func(t *testing.T) {
		port := freePort(t)
		dir := appDir(t, map[string]string{
			"Procfile":    "a: exec sleep 60\nc: echo c up; exec sleep 60\n",
			"hancho.yaml": "processes:\n  a:\n    optional: true\n    ready:\n      tcp: 127.0.0.1:" + strconv.Itoa(port) + "\n      timeout: 0.5s\n",
		})
		r, mark := polStart(t, dir)
		r.WaitLine(polSys(`a\.1 not ready after 500ms; giving up on it`))
		r.WaitLine(polSys(`a\.1 stopped`))
		r.Signal(syscall.SIGINT)
		if code := r.Wait(); code != 130 {
			t.Errorf("exit code = %d, want 130", code)
		}
		noneLeft(t, mark)
		polOrder(t, r.Stdout(), polSys(`SIGINT received`), polSys(`sending SIGTERM to c\.1`))
	})
}

// A stop while a probe is pending ends at once, long before the probe's
// timeout, and leaves nothing behind: not the process, not its dependent
// (never started), not a probe command still running.
func TestPolicyStopDuringReadinessWait(t *testing.T) {
	const procfile = "a: exec sleep 60\nb: echo b up; exec sleep 60\n"
	t.Run("tcp", func(t *testing.T) {
		port := freePort(t)
		dir := appDir(t, map[string]string{
			"Procfile":    procfile,
			"hancho.yaml": "processes:\n  a:\n    ready: {tcp: 127.0.0.1:" + strconv.Itoa(port) + ", timeout: 60s}\n  b:\n    depends_on: [a]\n",
		})
		r, mark := polStart(t, dir)
		r.WaitLine(polSys(`a\.1 started`))
		polStopPromptly(t, r, mark)
	})
	t.Run("exec", func(t *testing.T) {
		// The probe command starts a sleep and tells its pid through a
		// FIFO, then waits for it: a probe attempt that hangs.
		dir := appDir(t, map[string]string{
			"Procfile":    procfile,
			"hancho.yaml": "processes:\n  a:\n    ready:\n      exec: sleep 100 & echo $! >probe.fifo; wait\n      timeout: 60s\n  b:\n    depends_on: [a]\n",
		})
		fifo := filepath.Join(dir, "probe.fifo")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		got := make(chan string, 1)
		go func() {
			f, err := os.Open(fifo) // blocks until the probe opens it
			if err != nil {
				got <- err.Error()
				return
			}
			defer f.Close()
			line, _ := bufio.NewReader(f).ReadString('\n')
			got <- strings.TrimSpace(line)
		}()
		r, mark := polStart(t, dir)
		var probePID int
		select {
		case s := <-got:
			var err error
			if probePID, err = strconv.Atoi(s); err != nil {
				t.Fatalf("probe wrote %q", s)
			}
		case <-time.After(deadline):
			t.Fatal("the exec probe did not run")
		}
		polStopPromptly(t, r, mark)
		if alive(probePID) {
			t.Errorf("the probe's sleep (pid %d) outlived hancho", probePID)
		}
	})
}

// polStopPromptly sends SIGINT to a run whose a.1 waits for readiness and
// checks that it ends at once, with nothing left.
func polStopPromptly(t *testing.T, r *Run, mark string) {
	t.Helper()
	began := time.Now()
	r.Signal(syscall.SIGINT)
	if code := r.Wait(); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	// The probe's timeout is 60 s; a stop takes a fraction of a second.
	if took := time.Since(began); took > 10*time.Second {
		t.Errorf("stop during a readiness wait took %v", took)
	}
	noneLeft(t, mark)
	out := r.Stdout()
	polNone(t, out, `b\.1 started|ready after|not ready`)
	polOrder(t, out, polSys(`SIGINT received`), polSys(`sending SIGTERM to a\.1`), polSys(`a\.1 stopped`))
}
