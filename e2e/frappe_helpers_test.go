package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// frappeBench is a bench-shaped folder, as `bench init`, `bench setup
// procfile` and `bench setup redis` leave one, with stand-ins in place of
// bench's programs (see frappeProcfileTemplate) and real redis-server.
type frappeBench struct {
	root         string
	cachePort    int // redis_cache (13000 in a real bench)
	queuePort    int // redis_queue (11000)
	webPort      int // web (8000)
	socketioPort int // socketio (9000)
}

// frappeSetup varies the stand-ins of a frappeBench.
type frappeSetup struct {
	// socketioRetry makes socketio wait for redis instead of exiting 1
	// when it is not up yet. Without hancho.yaml nothing orders the
	// start, so a test that wants the stack up needs it.
	socketioRetry bool
	// jobTime is how long each worker job runs; zero means 200ms.
	jobTime time.Duration
}

// frappeProcfileTemplate has the shape of the Procfile bench writes. The
// stand-ins: reloader for `bench serve` (a werkzeug reloader whose child
// holds the port), socketio for `node apps/frappe/socketio.js`, watcher for
// `bench watch` (a tree of processes), scheduler for `bench schedule` (its
// lock is config/scheduler_process, as bench's) and rqworker for `bench
// worker --queue default` (jobs in setsid() horses, RQ's warm shutdown;
// the queue named lets `hancho init` find its job timeout, 10s, in
// common_site_config.json's workers).
const frappeProcfileTemplate = `redis_cache: redis-server config/redis_cache.conf
redis_queue: redis-server config/redis_queue.conf
web: reloader --port {{web}}
socketio: socketio{{socketio_flags}} apps/frappe/socketio.js
watch: watcher
schedule: scheduler
worker: rqworker --queue default --redis 127.0.0.1:{{queue}} --job-time {{job_time}} 1>> logs/worker.log 2>> logs/worker.error.log
`

// newFrappeBench makes a bench in a temp dir, on free ports. It skips the
// test when redis-server is not installed.
func newFrappeBench(t *testing.T, setup frappeSetup) *frappeBench {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		msg := "redis-server is not installed; the Frappe end-to-end tests need it (Debian: apt-get install redis-server, which .ci/run installs)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg) // CI installs it: its absence there is a failure
		}
		t.Skip(msg)
	}
	b := &frappeBench{cachePort: freePort(t), queuePort: freePort(t), webPort: freePort(t), socketioPort: freePort(t)}
	if setup.jobTime == 0 {
		setup.jobTime = 200 * time.Millisecond
	}
	socketioFlags := ""
	if setup.socketioRetry {
		socketioFlags = " --retry"
	}
	procfile := strings.NewReplacer(
		"{{web}}", strconv.Itoa(b.webPort),
		"{{queue}}", strconv.Itoa(b.queuePort),
		"{{socketio_flags}}", socketioFlags,
		"{{job_time}}", setup.jobTime.String(),
	).Replace(frappeProcfileTemplate)

	b.root = appDir(t, map[string]string{
		"Procfile":                      procfile,
		"apps/frappe/socketio.js":       "// the socketio stand-in only checks that its script exists\n",
		"sites/apps.txt":                "frappe\n",
		"sites/common_site_config.json": b.commonSiteConfig(),
		"config/redis_queue.acl":        "",
	})
	for _, dir := range []string{"config/pids", "logs"} {
		if err := os.MkdirAll(filepath.Join(b.root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// bench's templates, with its absolute paths (bench/config/templates).
	pids := filepath.Join(b.root, "config", "pids")
	confs := map[string]string{
		"config/redis_cache.conf": fmt.Sprintf("dbfilename redis_cache_dump.rdb\ndir %s\npidfile %s/redis_cache.pid\nbind 127.0.0.1\nport %d\nmaxmemory 64mb\nmaxmemory-policy allkeys-lru\nsave \"\"\nappendonly no\n",
			pids, pids, b.cachePort),
		"config/redis_queue.conf": fmt.Sprintf("dbfilename redis_queue.rdb\ndir %s\npidfile %s/redis_queue.pid\nbind 127.0.0.1\nport %d\naclfile %s\n",
			pids, pids, b.queuePort, filepath.Join(b.root, "config", "redis_queue.acl")),
	}
	for name, content := range confs {
		if err := os.WriteFile(filepath.Join(b.root, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		if t.Failed() {
			for _, name := range []string{"logs/worker.log", "logs/worker.error.log"} {
				data, _ := os.ReadFile(b.path(name))
				t.Logf("%s:\n%s", name, data)
			}
		}
	})
	return b
}

// commonSiteConfig is sites/common_site_config.json as bench writes it,
// plus a job timeout for the queue default, as `bench set-config` sets one.
func (b *frappeBench) commonSiteConfig() string {
	return fmt.Sprintf(`{
 "background_workers": 1,
 "file_watcher_port": 6787,
 "live_reload": true,
 "redis_cache": "redis://127.0.0.1:%d",
 "redis_queue": "redis://127.0.0.1:%d",
 "redis_socketio": "redis://127.0.0.1:%d",
 "serve_default_site": true,
 "socketio_port": %d,
 "webserver_port": %d,
 "workers": {"default": {"timeout": 10}}
}
`, b.cachePort, b.queuePort, b.queuePort, b.socketioPort, b.webPort)
}

// ports lists every port the bench listens on.
func (b *frappeBench) ports() []int {
	return []int{b.cachePort, b.queuePort, b.webPort, b.socketioPort}
}

// path returns a path inside the bench.
func (b *frappeBench) path(name string) string { return filepath.Join(b.root, name) }

// benchEnv is the environment `bench start` adds, plus the test's marker.
func benchEnv(mark string) []string {
	return []string{mark, "PYTHONUNBUFFERED=true", "DEV_SERVER=true"}
}

// waitUp waits until every part of the bench works, each checked through
// what it does for a bench: both redis answer PING, web and socketio
// answer HTTP, a message published on redis_queue reaches socketio, the
// watcher builds, and each worker listens on the queue. workers is the
// number of worker processes; schedule says whether the scheduler is
// expected to run.
func (b *frappeBench) waitUp(t *testing.T, r *Run, workers int, schedule bool) {
	t.Helper()
	// Redis prints the same lines for both instances; with --no-prefix
	// only their count tells that both are up.
	waitStdoutCount(t, r, `Ready to accept connections`, 2)
	for _, port := range []int{b.cachePort, b.queuePort} {
		if got := redisCommand(t, port, "PING"); got != "+PONG" {
			t.Fatalf("PING on redis port %d answered %q, want +PONG", port, got)
		}
	}
	r.WaitLine(fmt.Sprintf(`^ \* Running on http://127\.0\.0\.1:%d `, b.webPort))
	if body := httpGet(t, b.webPort); body != "ok\n" {
		t.Fatalf("web answered %q", body)
	}
	r.WaitLine(fmt.Sprintf(`^subscribed to events on redis 127\.0\.0\.1:%d$`, b.queuePort))
	if body := httpGet(t, b.socketioPort); body != "socketio ok\n" {
		t.Fatalf("socketio answered %q", body)
	}
	b.publish(t, r)
	r.WaitLine(`^grandchild: building done 1$`)
	if schedule {
		r.WaitLine(`^scheduler running \(pid=\d+, lock config/scheduler_process\)$`)
	}
	waitFileCount(t, b.path("logs/worker.log"), `^\*\*\* Listening on default \(redis 127\.0\.0\.1:\d+\)$`, workers)
	if strings.Contains(r.Stdout(), "Listening on default") {
		t.Errorf("worker output, redirected to logs/worker.log, shows on screen too:\n%s", r.Stdout())
	}
}

// publish sends a message on the channel events of redis_queue, as
// frappe.publish_realtime does, and waits for socketio to print it.
func (b *frappeBench) publish(t *testing.T, r *Run) {
	t.Helper()
	event := "list_update-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if got := redisCommand(t, b.queuePort, "PUBLISH", "events", event); got != ":1" {
		t.Fatalf("PUBLISH events answered %q, want :1 (socketio subscribed)", got)
	}
	r.WaitLine(`^event: ` + regexp.QuoteMeta(event) + `$`)
}

// enqueue pushes jobs on the queue "default" of redis_queue, as
// frappe.enqueue does, and waits until a worker has started each.
func (b *frappeBench) enqueue(t *testing.T, jobs ...string) {
	t.Helper()
	for _, job := range jobs {
		if got := redisCommand(t, b.queuePort, "RPUSH", "default", job); !strings.HasPrefix(got, ":") {
			t.Fatalf("RPUSH default %s answered %q", job, got)
		}
	}
	for _, job := range jobs {
		waitFileCount(t, b.path("logs/worker.log"), `^job \d+ started \(horse pid=\d+\): `+regexp.QuoteMeta(job)+`$`, 1)
	}
}

// runJobs enqueues jobs and waits until they are done.
func (b *frappeBench) runJobs(t *testing.T, jobs ...string) {
	t.Helper()
	log := b.path("logs/worker.log")
	data, _ := os.ReadFile(log)
	done := len(matchLines(data, finishedRE))
	b.enqueue(t, jobs...)
	waitFileCount(t, log, finishedRE.String(), done+len(jobs))
}

var finishedRE = regexp.MustCompile(`^job \d+ finished$`)

// assertStopped checks that a bench's run left nothing behind: no process
// carrying mark runs and every port is free.
func (b *frappeBench) assertStopped(t *testing.T, mark string) {
	t.Helper()
	noneLeft(t, mark)
	for _, port := range b.ports() {
		assertPortFree(t, port)
	}
}

// redisCommand sends one command to the redis on port, in plain RESP over
// TCP, and returns the first line of its reply ("+PONG", ":1", "-ERR ...").
func redisCommand(t *testing.T, port int, args ...string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), deadline)
	if err != nil {
		t.Fatalf("redis on port %d: %v", port, err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(deadline))
	var req bytes.Buffer
	fmt.Fprintf(&req, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&req, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := c.Write(req.Bytes()); err != nil {
		t.Fatalf("redis on port %d: %v", port, err)
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("redis on port %d, %s: %v", port, args[0], err)
	}
	return strings.TrimSuffix(line, "\r\n")
}

// httpGet returns the body of GET / on 127.0.0.1:port, failing unless the
// answer is 200.
func httpGet(t *testing.T, port int) string {
	t.Helper()
	c := http.Client{Timeout: deadline}
	resp, err := c.Get(fmt.Sprintf("http://127.0.0.1:%d/", port))
	if err != nil {
		t.Fatalf("GET on port %d: %v", port, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET on port %d: %s %v", port, resp.Status, err)
	}
	return string(body)
}

// waitStdoutCount waits until hancho's stdout holds n whole lines matching
// pattern and returns their submatches.
func waitStdoutCount(t *testing.T, r *Run, pattern string, n int) [][]string {
	t.Helper()
	re := regexp.MustCompile(pattern)
	timeout := time.After(deadline)
	done := r.done
	for {
		r.stdout.mu.Lock()
		m := matchLines(r.stdout.buf.Bytes(), re)
		change := r.stdout.change
		r.stdout.mu.Unlock()
		if len(m) >= n {
			return m
		}
		select {
		case <-change:
		case <-done:
			done = nil // hancho exited: look once more at what it wrote
			select {
			case <-change:
			default:
				t.Fatalf("hancho exited with %d lines matching %q, want %d", len(m), pattern, n)
			}
		case <-timeout:
			t.Fatalf("%d lines matching %q within %s, want %d", len(m), pattern, deadline, n)
		}
	}
}

// waitFileCount waits until the file at path holds n whole lines matching
// pattern and returns their submatches. An append to a file raises no
// event a test can wait on but inotify's, so it watches the file's
// directory (the file may not exist yet) and reads the file again after
// each event; the watch is set before the first read, so no append is
// missed.
func waitFileCount(t *testing.T, path, pattern string, n int) [][]string {
	t.Helper()
	re := regexp.MustCompile(pattern)
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		t.Fatalf("inotify: %v", err)
	}
	defer unix.Close(fd)
	if _, err := unix.InotifyAddWatch(fd, filepath.Dir(path), unix.IN_CREATE|unix.IN_MODIFY|unix.IN_MOVED_TO); err != nil {
		t.Fatalf("inotify on %s: %v", filepath.Dir(path), err)
	}
	end := time.Now().Add(deadline)
	events := make([]byte, 64<<10)
	for {
		data, _ := os.ReadFile(path)
		m := matchLines(data, re)
		if len(m) >= n {
			return m
		}
		left := time.Until(end)
		if left <= 0 {
			t.Fatalf("%s: %d lines matching %q within %s, want %d; it holds:\n%s", path, len(m), pattern, deadline, n, data)
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		if _, err := unix.Poll(fds, int(left.Milliseconds())+1); err != nil && err != unix.EINTR {
			t.Fatalf("poll on inotify: %v", err)
		}
		for {
			if _, err := unix.Read(fd, events); err != nil {
				break // drained (EAGAIN)
			}
		}
	}
}

// matchLines returns the submatches of each whole line of data matching re.
func matchLines(data []byte, re *regexp.Regexp) [][]string {
	var out [][]string
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return out
		}
		if m := re.FindSubmatch(data[:i]); m != nil {
			s := make([]string, len(m))
			for j := range m {
				s[j] = string(m[j])
			}
			out = append(out, s)
		}
		data = data[i+1:]
	}
}

// lineIndex returns the number of the first line of text matching
// pattern, or -1.
func lineIndex(text, pattern string) int {
	re := regexp.MustCompile(pattern)
	for i, line := range strings.Split(text, "\n") {
		if re.MatchString(line) {
			return i
		}
	}
	return -1
}

// treeOf returns pid and all its descendants.
func treeOf(pid int) []int {
	out := []int{pid}
	for i := 0; i < len(out); i++ {
		tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", out[i]))
		for _, task := range tasks {
			data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", out[i], task.Name()))
			for _, f := range strings.Fields(string(data)) {
				if c, err := strconv.Atoi(f); err == nil {
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// signalTerminal sends sig to hancho's process group, as a terminal does
// for Ctrl-C (SIGINT) and when it closes (SIGHUP).
func signalTerminal(t *testing.T, r *Run, sig syscall.Signal) {
	t.Helper()
	if err := syscall.Kill(-r.Cmd.Process.Pid, sig); err != nil {
		t.Fatalf("signal %v to group %d: %v", sig, r.Cmd.Process.Pid, err)
	}
}
