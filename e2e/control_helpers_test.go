package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/hancho-dev/hancho/internal/proctree"
)

// ctlResult is what a finished control command (`hancho status`, ...) did.
type ctlResult struct {
	code   int
	stdout string
	stderr string
}

func (r ctlResult) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// ctlExec runs `hancho args...` in dir to its end: the second hancho, the
// one a developer types in another terminal. env adds to the test's
// environment. It fails (without a testing.T, so goroutines may call it)
// when hancho does not finish within the deadline: a deadlock.
func ctlExec(dir string, env []string, args ...string) (ctlResult, error) {
	return ctlExecAs(dir, env, nil, args...)
}

// ctlExecAs is ctlExec with the credentials cred (nil: the test's own).
func ctlExecAs(dir string, env []string, cred *syscall.Credential, args ...string) (ctlResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	name := bin.hancho
	if len(args) > 0 && strings.HasPrefix(args[0], "/") {
		name, args = args[0], args[1:] // another program: curl, a copy of hancho
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	cmd.WaitDelay = time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := ctlResult{stdout: stdout.String(), stderr: stderr.String()}
	if ctx.Err() != nil {
		return res, fmt.Errorf("%s %s did not finish within %s:\n%s", filepath.Base(name), strings.Join(args, " "), deadline, res)
	}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
	case err != nil:
		return res, err
	}
	return res, nil
}

// ctl runs a control command and returns what it did.
func ctl(t *testing.T, dir string, env []string, args ...string) ctlResult {
	t.Helper()
	res, err := ctlExec(dir, env, args...)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// ctlOK runs a control command that must succeed.
func ctlOK(t *testing.T, dir string, env []string, args ...string) ctlResult {
	t.Helper()
	res := ctl(t, dir, env, args...)
	if res.code != 0 {
		t.Fatalf("hancho %s: %s", strings.Join(args, " "), res)
	}
	return res
}

// ctlFails runs a control command that must fail with a non-zero exit, a
// message on stderr matching each of patterns, and nothing on stdout.
func ctlFails(t *testing.T, dir string, env []string, args []string, patterns ...string) ctlResult {
	t.Helper()
	res := ctl(t, dir, env, args...)
	if res.code == 0 {
		t.Errorf("hancho %s succeeded; want a non-zero exit:\n%s", strings.Join(args, " "), res)
	}
	for _, p := range patterns {
		if !regexp.MustCompile(p).MatchString(res.stderr) {
			t.Errorf("hancho %s: stderr does not match %q:\n%s", strings.Join(args, " "), p, res)
		}
	}
	if strings.TrimSpace(res.stdout) != "" {
		t.Errorf("hancho %s printed on stdout although it failed:\n%s", strings.Join(args, " "), res)
	}
	return res
}

// ctlProc is one object of `hancho status --json`.
type ctlProc struct {
	Name     string  `json:"name"`
	PID      int     `json:"pid"`
	State    string  `json:"state"`
	Restarts int     `json:"restarts"`
	Uptime   float64 `json:"uptime"`
	ExitCode *int    `json:"exit_code"`
}

// ctlStates are the states the issue and the README name.
var ctlStates = []string{"pending", "starting", "running", "ready", "restarting", "stopping", "stopped", "failed"}

// ctlDecodeStatus decodes a status list strictly: a JSON list and nothing
// else, each object with exactly the fields name, pid, state, restarts,
// uptime and exit_code, each of its type (pid and restarts integers,
// uptime a number of seconds, exit_code an integer or null).
func ctlDecodeStatus(data []byte) ([]ctlProc, error) {
	var raw []map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("not a JSON list: %v", err)
	}
	if raw == nil {
		return nil, fmt.Errorf("null, not a list")
	}
	want := []string{"exit_code", "name", "pid", "restarts", "state", "uptime"}
	integer := regexp.MustCompile(`^-?\d+$`)
	number := regexp.MustCompile(`^-?\d+(\.\d+)?([eE][-+]?\d+)?$`)
	for i, obj := range raw {
		var keys []string
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, want) {
			return nil, fmt.Errorf("object %d has the fields %v, want exactly %v", i, keys, want)
		}
		for _, k := range []string{"pid", "restarts"} {
			if !integer.Match(obj[k]) {
				return nil, fmt.Errorf("object %d: %s is %s, not an integer", i, k, obj[k])
			}
		}
		if !number.Match(obj["uptime"]) {
			return nil, fmt.Errorf("object %d: uptime is %s, not a number of seconds", i, obj["uptime"])
		}
		if e := obj["exit_code"]; string(e) != "null" && !integer.Match(e) {
			return nil, fmt.Errorf("object %d: exit_code is %s, not an integer or null", i, e)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var procs []ctlProc
	if err := dec.Decode(&procs); err != nil {
		return nil, err
	}
	if rest := bytes.TrimSpace(data[dec.InputOffset():]); len(rest) > 0 {
		return nil, fmt.Errorf("more after the list: %q", rest)
	}
	for _, p := range procs {
		if !slices.Contains(ctlStates, p.State) {
			return nil, fmt.Errorf("%s: state %q is none of %v", p.Name, p.State, ctlStates)
		}
	}
	return procs, nil
}

// ctlStatus runs `hancho status --json` and decodes it strictly.
func ctlStatus(t *testing.T, dir string, env []string) []ctlProc {
	t.Helper()
	res := ctlOK(t, dir, env, "status", "--json")
	procs, err := ctlDecodeStatus([]byte(res.stdout))
	if err != nil {
		t.Fatalf("hancho status --json: %v:\n%s", err, res.stdout)
	}
	return procs
}

// ctlFind returns the process named name from a status list.
func ctlFind(t *testing.T, procs []ctlProc, name string) ctlProc {
	t.Helper()
	for _, p := range procs {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no %s in the status: %+v", name, procs)
	return ctlProc{}
}

// ctlWaitStatus waits until the status of the running hancho satisfies
// ok. It asks again after each answer: for a change that prints no line
// on hancho's stdout, the status is the event to wait for.
func ctlWaitStatus(t *testing.T, dir string, env []string, what string, ok func([]ctlProc) bool) []ctlProc {
	t.Helper()
	end := time.Now().Add(deadline)
	for {
		procs := ctlStatus(t, dir, env)
		if ok(procs) {
			return procs
		}
		if time.Now().After(end) {
			t.Fatalf("the status never showed %s; last: %+v", what, procs)
		}
	}
}

// ctlCursor reads a Run's stdout in order: each Next looks only at the
// lines after the one it matched last, so a test waits for the next
// "started" of a process, not the first.
type ctlCursor struct {
	r   *Run
	off int // bytes of whole lines already looked at
}

func ctlFollow(r *Run) *ctlCursor { return &ctlCursor{r: r, off: len(r.Stdout())} }

// Next waits for the next stdout line matching pattern and returns its
// submatches.
func (c *ctlCursor) Next(pattern string) []string {
	c.r.t.Helper()
	m, err := c.next(regexp.MustCompile(pattern))
	if err != nil {
		c.r.t.Fatalf("waiting for a line matching %q: %v", pattern, err)
	}
	return m
}

func (c *ctlCursor) next(re *regexp.Regexp) ([]string, error) {
	return nextLine(c.r, &c.off, re)
}

// ctlGuard returns the pids of the two hancho processes of a start: the
// guard the test started, and the supervisor, its child running the
// hancho binary (found in /proc, not taken from the run record under test).
func ctlGuard(t *testing.T, r *Run) (guard, supervisor int) {
	t.Helper()
	guard = r.Cmd.Process.Pid
	exe, err := filepath.EvalSymlinks(bin.hancho)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range proctree.Children(guard) {
		if link, err := os.Readlink("/proc/" + strconv.Itoa(c) + "/exe"); err == nil && link == exe {
			return guard, c
		}
	}
	t.Fatalf("no supervisor under the guard %d (children: %v)", guard, proctree.Children(guard))
	return 0, 0
}

// ctlKillRun makes r a dead run, as a crash or kill -9 would: both hancho
// processes die at once and nothing of hancho gets to clean up. The guard
// is frozen first, so that it cannot see its supervisor die and stop what
// it left; then the supervisor and the guard get SIGKILL. The Procfile's
// processes survive as orphans.
func ctlKillRun(t *testing.T, r *Run) {
	t.Helper()
	guard, supervisor := ctlGuard(t, r)
	for _, step := range []struct {
		pid int
		sig syscall.Signal
	}{{guard, syscall.SIGSTOP}, {supervisor, syscall.SIGKILL}} {
		if err := syscall.Kill(step.pid, step.sig); err != nil {
			t.Fatalf("%v to %d: %v", step.sig, step.pid, err)
		}
	}
	waitGone(t, supervisor)
	r.Signal(syscall.SIGKILL)
	if code := r.Wait(); code != -1 {
		t.Fatalf("the guard exited %d after SIGKILL", code)
	}
}

// ctlWaitRecord waits until the run record in dir lists every process
// of names with its pid: hancho writes it just after printing that they
// started, and a dead run's leftovers are found through it. It waits on
// inotify for the record's replacement (hancho renames a new one in).
func ctlWaitRecord(t *testing.T, dir string, pids map[string]int, names ...string) {
	t.Helper()
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if _, err := unix.InotifyAddWatch(fd, filepath.Join(dir, ".hancho"), unix.IN_MOVED_TO|unix.IN_CLOSE_WRITE); err != nil {
		t.Fatal(err)
	}
	listed := func() (bool, []byte) {
		data, _ := os.ReadFile(filepath.Join(dir, ".hancho", "run.json"))
		var rec struct {
			Procs []struct {
				Name string `json:"name"`
				PID  int    `json:"pid"`
			} `json:"processes"`
		}
		json.Unmarshal(data, &rec)
		found := map[string]bool{}
		for _, p := range rec.Procs {
			found[p.Name] = p.PID == pids[p.Name]
		}
		for _, name := range names {
			if !found[name] {
				return false, data
			}
		}
		return true, data
	}
	end := time.Now().Add(deadline)
	for {
		ok, data := listed()
		if ok {
			return
		}
		left := time.Until(end)
		if left <= 0 {
			t.Fatalf("the run record never listed %v with pids %v:\n%s", names, pids, data)
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		if _, err := unix.Poll(fds, int(left.Milliseconds())+1); err != nil && err != unix.EINTR {
			t.Fatal(err)
		}
		var buf [4096]byte
		unix.Read(fd, buf[:]) // drain; the record is read again anyway
	}
}

// ctlInstances returns, for each instance name, the process groups of the
// live (not zombie) processes that carry mark and that instance's name in
// their environment: every process of one start of an instance is in one
// group, so two groups are two starts running at once.
func ctlInstances(mark string) map[string][]int {
	out := map[string][]int{}
	for _, pid := range markedProcesses(mark) {
		env, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
		if err != nil {
			continue
		}
		for _, kv := range bytes.Split(env, []byte{0}) {
			name, ok := bytes.CutPrefix(kv, []byte("HONCHO_PROCESS_NAME="))
			if !ok {
				continue
			}
			pgid, err := syscall.Getpgid(pid)
			if err != nil || !alive(pid) {
				break
			}
			if !slices.Contains(out[string(name)], pgid) {
				out[string(name)] = append(out[string(name)], pgid)
			}
		}
	}
	return out
}

// ctlEvents lists, in order, the "started" and "stopped" system lines of
// instance name in hancho's output: "started PID" or "stopped".
func ctlEvents(out, name string) []string {
	re := regexp.MustCompile(`(?m)system +\| ` + regexp.QuoteMeta(name) + ` (?:started \(pid=(\d+)\)|(stopped) \(rc=-?\d+\))$`)
	var ev []string
	for _, m := range re.FindAllStringSubmatch(out, -1) {
		if m[2] != "" {
			ev = append(ev, "stopped")
		} else {
			ev = append(ev, "started "+m[1])
		}
	}
	return ev
}

// ctlCheckAlternates fails unless the starts and exits of instance name
// alternate (started, stopped, started, ...) with a new pid each time, and
// the last start has stopped: no start while the previous one ran, none
// lost. It returns the number of starts.
func ctlCheckAlternates(t *testing.T, out, name string) int {
	t.Helper()
	ev := ctlEvents(out, name)
	seen := map[string]bool{}
	for i, e := range ev {
		want := "started"
		if i%2 == 1 {
			want = "stopped"
		}
		if !strings.HasPrefix(e, want) {
			t.Errorf("%s: event %d is %q, want %s (events: %v)", name, i, e, want, ev)
			return 0
		}
		if want == "started" {
			if seen[e] {
				t.Errorf("%s: %q twice", name, e)
			}
			seen[e] = true
		}
	}
	if len(ev)%2 != 0 {
		t.Errorf("%s: its last start never stopped (events: %v)", name, ev)
	}
	return (len(ev) + 1) / 2
}

// ctlSocketClient is an HTTP client that talks to the control socket at
// path, whatever the URL's host.
func ctlSocketClient(path string) *http.Client {
	return &http.Client{Timeout: deadline, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		},
	}}
}

// ctlSocketInodes returns the inodes of the sockets pid has open.
func ctlSocketInodes(pid int) map[string]bool {
	dir := "/proc/" + strconv.Itoa(pid) + "/fd"
	entries, _ := os.ReadDir(dir)
	out := map[string]bool{}
	for _, e := range entries {
		link, err := os.Readlink(dir + "/" + e.Name())
		if err != nil {
			continue
		}
		if ino, ok := strings.CutPrefix(link, "socket:["); ok {
			out[strings.TrimSuffix(ino, "]")] = true
		}
	}
	return out
}

// ctlTCPSockets returns the TCP sockets of pid's network namespace, by
// inode, with their state ("0A" is LISTEN).
func ctlTCPSockets(t *testing.T, pid int) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range []string{"tcp", "tcp6"} {
		f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/net/" + table)
		if err != nil {
			if table == "tcp6" {
				continue // no IPv6
			}
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Scan() // header
		for sc.Scan() {
			// sl local rem st tx:rx tr:when retrnsmt uid timeout inode
			f := strings.Fields(sc.Text())
			if len(f) >= 10 {
				out[f[9]] = f[3]
			}
		}
		f.Close()
	}
	return out
}

// ctlMkfifo makes a FIFO in dir and opens it for writing without waiting
// for a reader (O_RDWR), so a test can feed a process's input line by
// line: `exec cat NAME` prints each line written as it comes.
func ctlMkfifo(t *testing.T, dir, name string) *os.File {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// ctlStamp matches the time in a prefix.
var ctlStamp = regexp.MustCompile(`\d\d:\d\d:\d\d `)

// ctlLinesOf returns the lines of out printed for process name (the
// prefix "name | ", coloured or not), with their times taken out: what
// `hancho logs` must reprint byte for byte.
func ctlLinesOf(out, name string) []string {
	var lines []string
	re := regexp.MustCompile(`^(?:\x1b\[[0-9;]*m)*(?:\d\d:\d\d:\d\d )?` + regexp.QuoteMeta(name) + ` +\| `)
	for _, l := range strings.SplitAfter(out, "\n") {
		if re.MatchString(l) {
			lines = append(lines, ctlStamp.ReplaceAllString(l, ""))
		}
	}
	return lines
}
