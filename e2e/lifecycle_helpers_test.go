package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

	"github.com/hancho-dev/hancho/internal/proctree"
)

// follower reads a Run's stdout in order: each WaitLine looks only at the
// lines after the last one it matched, so a test can check the order of
// lines and follow a long output without scanning it all again.
type follower struct {
	r   *Run
	off int // bytes of stdout already looked at (whole lines)
}

func (r *Run) follow() *follower { return &follower{r: r} }

// WaitLine waits for the next stdout line matching pattern and returns its
// submatches.
func (f *follower) WaitLine(pattern string) []string {
	f.r.t.Helper()
	m, err := nextLine(f.r, &f.off, regexp.MustCompile(pattern))
	if err != nil {
		f.r.t.Fatalf("waiting for a line matching %q: %v", pattern, err)
	}
	return m
}

// runHancho runs another `hancho args...` in dir (a control command such
// as `hancho restart web`) to its end and returns its output and exit code.
func runHancho(t *testing.T, dir string, env []string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin.hancho, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("hancho %s did not finish within %s", strings.Join(args, " "), deadline)
	}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return string(out), ee.ExitCode()
	case err != nil:
		t.Fatalf("hancho %s: %v", strings.Join(args, " "), err)
	}
	return string(out), 0
}

// stopWith sends sig to hancho and returns its exit code.
func (r *Run) stopWith(sig syscall.Signal) int {
	r.t.Helper()
	r.Signal(sig)
	return r.Wait()
}

// stopTimed sends sig to hancho and returns its exit code and how long it
// took to exit.
func (r *Run) stopTimed(sig syscall.Signal) (int, time.Duration) {
	r.t.Helper()
	began := time.Now()
	r.Signal(sig)
	code := r.Wait()
	return code, time.Since(began)
}

// supervisorPID returns the pid of the supervisor under the guard: the
// child of guardPID running the hancho binary.
func supervisorPID(t *testing.T, guardPID int) int {
	t.Helper()
	want, err := filepath.EvalSymlinks(bin.hancho)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range proctree.Children(guardPID) {
		if exe, err := os.Readlink("/proc/" + strconv.Itoa(c) + "/exe"); err == nil && exe == want {
			return c
		}
	}
	t.Fatalf("no supervisor under the guard %d (children: %v)", guardPID, proctree.Children(guardPID))
	return 0
}

// programPID returns the pid of the program a Procfile line started:
// Debian's /bin/sh does not exec the last command of `sh -c`, so the pid
// hancho reports may be the shell's, with the program as its only child.
func programPID(t *testing.T, shPID int) int {
	t.Helper()
	if kids := proctree.Children(shPID); len(kids) == 1 {
		return kids[0]
	}
	return shPID
}

// signalPID sends sig to one process.
func signalPID(t *testing.T, pid int, sig syscall.Signal) {
	t.Helper()
	if err := syscall.Kill(pid, sig); err != nil {
		t.Fatalf("signal %v to %d: %v", sig, pid, err)
	}
}

// httpOK fails unless something answers GET / on 127.0.0.1:port with 200.
func httpOK(t *testing.T, port int) {
	t.Helper()
	c := http.Client{Timeout: deadline}
	resp, err := c.Get(fmt.Sprintf("http://127.0.0.1:%d/", port))
	if err != nil {
		t.Fatalf("GET on port %d: %v", port, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET on port %d: %s", port, resp.Status)
	}
}

// runRecord is .hancho/run.json as a later hancho reads it.
type runRecord struct {
	PID       int    `json:"pid"`
	GuardPID  int    `json:"guard_pid"`
	StartTime uint64 `json:"start_time"`
	Procs     []struct {
		Name      string `json:"name"`
		PID       int    `json:"pid"`
		PGID      int    `json:"pgid"`
		StartTime uint64 `json:"start_time"`
	} `json:"processes"`
}

func readRunRecord(t *testing.T, root string) *runRecord {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, ".hancho", "run.json"))
	if err != nil {
		t.Fatalf("run record: %v", err)
	}
	var rec runRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatalf("run record %s: %v", data, err)
	}
	return &rec
}

// procStartTime returns field 22 of /proc/PID/stat.
func procStartTime(pid int) uint64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
	v, _ := strconv.ParseUint(fields[19], 10, 64)
	return v
}

// pgidOf returns a process's group.
func pgidOf(pid int) int {
	g, _ := syscall.Getpgid(pid)
	return g
}

// startWithStdout runs hancho like start, with stdout the write end of a
// pipe whose read end the test gets, to read and close as it likes.
// stderr is collected in the Run as usual.
func startWithStdout(t *testing.T, dir string, env []string, argv ...string) (*Run, *os.File) {
	t.Helper()
	rd, wr, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin.hancho, argv...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	r := &Run{t: t, Cmd: cmd, stdout: newLines(), stderr: newLines(), done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = wr, r.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	wr.Close()
	go func() {
		r.err = cmd.Wait()
		close(r.done)
	}()
	t.Cleanup(func() {
		rd.Close()
		select {
		case <-r.done:
		default:
			syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
			<-r.done
		}
		if t.Failed() {
			t.Logf("hancho stderr:\n%s", r.stderr.String())
		}
	})
	return r, rd
}

var systemLine = regexp.MustCompile(`(?m)^(?:\d\d:\d\d:\d\d )?system +\| (.*)$`)

// systemLines returns the messages of hancho's own lines ("system | ...").
func systemLines(out string) []string {
	var msgs []string
	for _, m := range systemLine.FindAllStringSubmatch(out, -1) {
		msgs = append(msgs, m[1])
	}
	return msgs
}
