package e2e

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hancho-dev/hancho/internal/policy"
)

// The tests in this file run a bench with hancho.yaml: what hancho adds
// to honcho for a bench. Without `--retry`, the socketio stand-in exits 1
// when redis is not up yet, so only the start order keeps it alive.

// initPolicy runs `hancho init` in the bench, as a user would once, and
// checks that it wrote the policies a bench wants (issue 7): redis ready
// on the ports of its configs; web, socketio and the worker started once
// redis_queue is ready; watch optional and restarted on failure; schedule
// optional; the worker given its queue's job timeout from
// common_site_config.json (10s) to finish its job when stopped.
func (b *frappeBench) initPolicy(t *testing.T) {
	t.Helper()
	r := start(t, b.root, nil, "init")
	if code := r.Wait(); code != 0 {
		t.Fatalf("hancho init: exit code %d\n%s%s", code, r.Stdout(), r.Stderr())
	}
	data, err := os.ReadFile(b.path(policy.FileName))
	if err != nil {
		t.Fatalf("hancho init: %v\n%s", err, r.Stdout())
	}
	cfg, err := policy.Parse(policy.FileName, data)
	if err != nil {
		t.Fatalf("hancho init wrote a %s that does not parse: %v\n%s", policy.FileName, err, data)
	}
	p := cfg.Processes
	check := func(what string, ok bool) {
		if !ok {
			t.Errorf("hancho init: want %s; it wrote:\n%s", what, data)
		}
	}
	for name, port := range map[string]int{"redis_cache": b.cachePort, "redis_queue": b.queuePort} {
		check(fmt.Sprintf("%s ready on tcp 127.0.0.1:%d", name, port),
			p[name] != nil && p[name].Ready != nil && p[name].Ready.TCP == fmt.Sprintf("127.0.0.1:%d", port))
	}
	for _, name := range []string{"web", "socketio", "worker"} {
		check(name+" depends on redis_queue", p[name] != nil && slices.Equal(p[name].DependsOn, []string{"redis_queue"}))
	}
	check("watch optional, restarted on failure", p["watch"] != nil && p["watch"].Optional && p["watch"].Restart == policy.RestartOnFailure)
	check("schedule optional", p["schedule"] != nil && p["schedule"].Optional)
	check("worker stop_timeout 10s", p["worker"] != nil && p["worker"].StopTimeout == 10*time.Second)
}

// benchStart is how `bench start` runs its process manager.
var benchStart = []string{"honcho", "start", "-f", "Procfile", "--no-prefix"}

// TestFrappeWaitsForRedis checks that socketio and the workers start only
// once redis_queue accepts connections: the socketio stand-in would exit
// 1 otherwise, as socketio did with ECONNREFUSED.
func TestFrappeWaitsForRedis(t *testing.T) {
	t.Parallel()
	b := newFrappeBench(t, frappeSetup{})
	b.initPolicy(t)
	mark := marker(t)
	r := start(t, b.root, benchEnv(mark), benchStart...)
	b.waitUp(t, r, 1, true)
	b.runJobs(t, "frappe.email.queue.flush")

	out := r.Stdout()
	ready := lineIndex(out, `^redis_queue\.1 ready`)
	if ready < 0 {
		t.Fatalf("no line says redis_queue.1 is ready:\n%s", out)
	}
	for _, name := range []string{"socketio", "worker", "web"} {
		if started := lineIndex(out, `^`+name+`\.1 started `); started < ready {
			t.Errorf("%s.1 started (line %d) before redis_queue.1 was ready (line %d)", name, started, ready)
		}
	}
	if strings.Contains(out, "ECONNREFUSED") || strings.Contains(out, "socketio.1 stopped") {
		t.Errorf("socketio failed to reach redis:\n%s", out)
	}
	signalTerminal(t, r, syscall.SIGINT)
	if code := r.Wait(); code != 130 {
		t.Errorf("exit code after Ctrl-C = %d, want 130", code)
	}
	b.assertStopped(t, mark)
}

// TestFrappeLockedSchedulerKeepsRunning checks that a scheduler exiting 0
// because another one holds its lock (a stale one from an earlier run)
// does not stop the bench: schedule is optional.
func TestFrappeLockedSchedulerKeepsRunning(t *testing.T) {
	t.Parallel()
	b := newFrappeBench(t, frappeSetup{})
	b.initPolicy(t)
	lock, err := os.OpenFile(b.path("config/scheduler_process"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatalf("flock: %v", err)
	}
	mark := marker(t)
	r := start(t, b.root, benchEnv(mark), benchStart...)
	r.WaitLine(`^scheduler: another scheduler holds config/scheduler_process; exiting$`)
	r.WaitLine(`^schedule\.1 stopped \(rc=0\)$`)
	// Every part still works after the scheduler's exit.
	b.waitUp(t, r, 1, false)
	b.runJobs(t, "frappe.email.queue.flush")
	assertOnlyStopped(t, r, "schedule.1")

	r.Signal(syscall.SIGTERM)
	if code := r.Wait(); code != 143 {
		t.Errorf("exit code after SIGTERM = %d, want 143", code)
	}
	b.assertStopped(t, mark)
}

// TestFrappeDeadWatchRestarts checks that a watch that dies (the OOM
// killer ends esbuild, and the tree above it exits non-zero) is started
// again, and the rest of the bench keeps running.
func TestFrappeDeadWatchRestarts(t *testing.T) {
	t.Parallel()
	b := newFrappeBench(t, frappeSetup{})
	b.initPolicy(t)
	mark := marker(t)
	r := start(t, b.root, benchEnv(mark), benchStart...)
	b.waitUp(t, r, 1, true)

	watch := r.PIDs()["watch.1"]
	builder := 0
	for _, pid := range treeOf(watch) {
		if strings.Contains(cmdline(pid), "-role=grandchild") {
			builder = pid
		}
	}
	if builder == 0 {
		t.Fatalf("no grandchild in the tree of watch.1 (pid %d): %v", watch, treeOf(watch))
	}
	if err := syscall.Kill(builder, syscall.SIGKILL); err != nil {
		t.Fatalf("SIGKILL to the watch's grandchild %d: %v", builder, err)
	}
	r.WaitLine(`^watch\.1 stopped \(rc=255\)$`)
	r.WaitLine(`^watch\.1 restarting in \d+\.\ds \(attempt 1\)$`)
	waitStdoutCount(t, r, `^watch\.1 started \(pid=\d+\)$`, 2)
	waitStdoutCount(t, r, `^grandchild: building done 1$`, 2)
	if again := r.PIDs()["watch.1"]; again == watch {
		t.Errorf("watch.1 has the same pid %d after its restart", again)
	}
	// Every part still works after the watch's restart.
	b.waitUp(t, r, 1, true)
	b.runJobs(t, "frappe.email.queue.flush")
	assertOnlyStopped(t, r, "watch.1")

	signalTerminal(t, r, syscall.SIGHUP)
	if code := r.Wait(); code != 129 {
		t.Errorf("exit code after SIGHUP = %d, want 129", code)
	}
	b.assertStopped(t, mark)
}

// TestFrappeWorkerFinishesJobOnStop checks that a worker in the middle of
// a job gets its stop_timeout (10s) to finish it on Ctrl-C, although -t
// gives the other processes 0.5s: RQ's warm shutdown completes, nothing is
// killed.
func TestFrappeWorkerFinishesJobOnStop(t *testing.T) {
	t.Parallel()
	b := newFrappeBench(t, frappeSetup{jobTime: 2 * time.Second})
	b.initPolicy(t)
	mark := marker(t)
	r := start(t, b.root, benchEnv(mark), "honcho", "start", "-t", "0.5", "-f", "Procfile", "--no-prefix")
	b.waitUp(t, r, 1, true)
	b.enqueue(t, "frappe.core.doctype.prepared_report.generate_report")

	signalTerminal(t, r, syscall.SIGINT)
	if code := r.Wait(); code != 130 {
		t.Errorf("exit code after Ctrl-C = %d, want 130", code)
	}
	b.assertStopped(t, mark)

	data, err := os.ReadFile(b.path("logs/worker.log"))
	if err != nil {
		t.Fatal(err)
	}
	log := string(data)
	requested := lineIndex(log, `^warm shutdown requested \(terminated\)$`)
	finished := lineIndex(log, `^job 1 finished$`)
	complete := lineIndex(log, `^warm shutdown complete$`)
	if requested < 0 || finished < requested || complete < finished {
		t.Errorf("logs/worker.log does not show the job finishing in a warm shutdown (lines %d, %d, %d):\n%s", requested, finished, complete, log)
	}
	if strings.Contains(log, "cold shutdown") {
		t.Errorf("the worker got a second signal (cold shutdown):\n%s", log)
	}
	if m := regexp.MustCompile(`(?m)^sending SIGKILL to .*(worker|rqworker).*$`).FindString(r.Stdout()); m != "" {
		t.Errorf("the worker was killed: %q", m)
	}
}

// assertOnlyStopped fails if hancho has stopped anything but name, or has
// begun to shut down.
func assertOnlyStopped(t *testing.T, r *Run, name string) {
	t.Helper()
	for _, m := range regexp.MustCompile(`(?m)^(\S+) stopped \(|^sending SIG\w+ to (\S+)`).FindAllStringSubmatch(r.Stdout(), -1) {
		if m[1] != name {
			t.Errorf("hancho stopped more than %s: %q", name, m[0])
		}
	}
}

// TestFrappeRedisQueueOutlivesWorkerJob checks that redis_queue, which
// the worker depends on, gets its stop signal only once the worker has
// exited: RQ needs redis to finish a job (its status, result and
// registries live there). bench's worker line runs under `sh -c` with
// redirections, so the shell is the process hancho started and the worker
// its child in the same group.
func TestFrappeRedisQueueOutlivesWorkerJob(t *testing.T) {
	t.Parallel()
	b := newFrappeBench(t, frappeSetup{jobTime: 2 * time.Second})
	b.initPolicy(t)
	mark := marker(t)
	r := start(t, b.root, benchEnv(mark), benchStart...)
	b.waitUp(t, r, 1, true)
	worker := 0
	for _, pid := range treeOf(r.PIDs()["worker.1"]) {
		if c := cmdline(pid); strings.Contains(c, "rqworker") && !strings.Contains(c, "-horse") {
			worker = pid
		}
	}
	if worker == 0 {
		t.Fatalf("no rqworker in the tree of worker.1")
	}
	b.enqueue(t, "frappe.core.doctype.prepared_report.generate_report")

	signalTerminal(t, r, syscall.SIGINT)
	r.WaitLine(`^sending SIGTERM to redis_queue\.1 `)
	if alive(worker) {
		t.Errorf("redis_queue got SIGTERM while the worker (pid %d) was still running its job", worker)
	}
	if code := r.Wait(); code != 130 {
		t.Errorf("exit code after Ctrl-C = %d, want 130", code)
	}
	b.assertStopped(t, mark)
}
