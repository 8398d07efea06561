package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// bin holds the paths of the built programs.
var bin struct {
	dir    string // on PATH for the tests: hancho, honcho, and the stand-ins
	hancho string
}

// deadline is how long any awaited event may take: generous, so a loaded
// CI machine never flakes, while a real hang still fails.
const deadline = 30 * time.Second

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hancho-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		if err := build(dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		bin.dir = dir
		bin.hancho = filepath.Join(dir, "hancho")
		os.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
		// A race-built hancho otherwise waits a second at exit; a race it
		// finds still fails its exit code (66).
		os.Setenv("GORACE", "atexit_sleep_ms=0")
		return m.Run()
	}()
	os.Exit(code)
}

// build compiles hancho and every stand-in into dir.
func build(dir string) error {
	args := []string{"build", "-o", dir + "/"}
	if raceEnabled {
		args = append(args, "-race")
	}
	args = append(args, "github.com/hancho-dev/hancho/cmd/hancho")
	if entries, _ := os.ReadDir("standin"); len(entries) > 0 {
		args = append(args, "./standin/...")
	}
	cmd := exec.Command("go", args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building hancho: %w", err)
	}
	return os.Symlink(filepath.Join(dir, "hancho"), filepath.Join(dir, "honcho"))
}

// appDir makes a temp app root holding files (name -> content).
func appDir(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// Run is a hancho process under test.
type Run struct {
	t      *testing.T
	Cmd    *exec.Cmd
	stdout *lines
	stderr *lines
	done   chan struct{}
	err    error
}

// start runs hancho (or the program named by argv[0] in bin.dir) in dir.
// env adds to the test's environment.
func start(t *testing.T, dir string, env []string, argv ...string) *Run {
	t.Helper()
	name := bin.hancho
	if len(argv) > 0 && (argv[0] == "honcho" || argv[0] == "hancho") {
		name, argv = filepath.Join(bin.dir, argv[0]), argv[1:]
	}
	cmd := exec.Command(name, argv...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // like a job of a shell
	r := &Run{t: t, Cmd: cmd, stdout: newLines(), stderr: newLines(), done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = r.stdout, r.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		r.err = cmd.Wait()
		close(r.done)
	}()
	r.killOnCleanup()
	return r
}

// killOnCleanup makes the end of the test kill hancho if it still runs,
// and show what it printed when the test failed.
func (r *Run) killOnCleanup() {
	r.t.Cleanup(func() {
		select {
		case <-r.done:
		default:
			syscall.Kill(r.Cmd.Process.Pid, syscall.SIGKILL)
			<-r.done
		}
		if r.t.Failed() {
			r.t.Logf("hancho stdout:\n%s\nhancho stderr:\n%s", r.stdout.String(), r.stderr.String())
		}
	})
}

// Signal sends sig to hancho.
func (r *Run) Signal(sig syscall.Signal) {
	r.t.Helper()
	if err := r.Cmd.Process.Signal(sig); err != nil {
		r.t.Fatalf("signal %v: %v", sig, err)
	}
}

// Wait waits for hancho to exit and returns its exit code (-1 when a
// signal killed it).
func (r *Run) Wait() int {
	r.t.Helper()
	select {
	case <-r.done:
	case <-time.After(deadline):
		r.t.Fatalf("hancho did not exit within %s", deadline)
	}
	return r.Cmd.ProcessState.ExitCode()
}

// Exited reports whether hancho has exited.
func (r *Run) Exited() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// WaitLine waits for a stdout line matching the regular expression and
// returns its submatches.
func (r *Run) WaitLine(pattern string) []string {
	r.t.Helper()
	m, err := r.stdout.wait(regexp.MustCompile(pattern), deadline, r.done)
	if err != nil {
		r.t.Fatalf("waiting for a line matching %q: %v", pattern, err)
	}
	return m
}

// WaitStderr waits for a stderr line matching the regular expression.
func (r *Run) WaitStderr(pattern string) []string {
	r.t.Helper()
	m, err := r.stderr.wait(regexp.MustCompile(pattern), deadline, r.done)
	if err != nil {
		r.t.Fatalf("waiting for a stderr line matching %q: %v", pattern, err)
	}
	return m
}

// Stdout returns everything hancho printed so far.
func (r *Run) Stdout() string { return r.stdout.String() }

// Stderr returns everything hancho printed on stderr so far.
func (r *Run) Stderr() string { return r.stderr.String() }

// PIDs returns the pids of the processes hancho reported as started.
func (r *Run) PIDs() map[string]int {
	out := map[string]int{}
	for _, m := range regexp.MustCompile(`(\S+) started \(pid=(\d+)\)`).FindAllStringSubmatch(r.Stdout(), -1) {
		pid, _ := strconv.Atoi(m[2])
		out[m[1]] = pid
	}
	return out
}

// lines collects a stream and lets tests wait for a line.
type lines struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	change chan struct{} // closed and replaced on every write
}

func newLines() *lines { return &lines{change: make(chan struct{})} }

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	close(l.change)
	l.change = make(chan struct{})
	return len(p), nil
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// wait returns the submatches of the first complete line matching re.
func (l *lines) wait(re *regexp.Regexp, d time.Duration, done <-chan struct{}) ([]string, error) {
	timeout := time.After(d)
	for {
		l.mu.Lock()
		text, change := l.buf.String(), l.change
		l.mu.Unlock()
		sc := bufio.NewScanner(strings.NewReader(text))
		sc.Buffer(nil, 64<<20)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				return m, nil
			}
		}
		select {
		case <-change:
		case <-done:
			done = nil // hancho exited: look once more at what it wrote
			select {
			case <-change:
			default:
				l.mu.Lock()
				final := l.buf.String() != text
				l.mu.Unlock()
				if !final {
					return nil, fmt.Errorf("hancho exited without printing it")
				}
			}
		case <-timeout:
			return nil, fmt.Errorf("not seen within %s", d)
		}
	}
}

// alive reports whether pid runs (a zombie counts as gone).
func alive(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(data, ')')
	return i < 0 || i+2 >= len(data) || data[i+2] != 'Z'
}

// waitGone waits until none of pids runs, on the event of its exit (a
// pidfd turns readable when the process ends, child or not).
func waitGone(t *testing.T, pids ...int) {
	t.Helper()
	end := time.Now().Add(deadline)
	for _, pid := range pids {
		fd, err := unix.PidfdOpen(pid, 0)
		if err != nil {
			continue // already gone
		}
		for alive(pid) {
			left := time.Until(end)
			if left <= 0 {
				unix.Close(fd)
				t.Fatalf("pid %d (%s) is still running", pid, cmdline(pid))
			}
			fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
			if n, err := unix.Poll(fds, int(left.Milliseconds())+1); err == nil && n > 0 {
				break // exited; a zombie awaiting its reaper is gone for us
			}
		}
		unix.Close(fd)
	}
}

// markedProcesses lists the pids of processes whose environment holds
// marker: every descendant of a test's hancho inherits it.
func markedProcesses(marker string) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		env, err := os.ReadFile("/proc/" + e.Name() + "/environ")
		if err != nil {
			continue
		}
		if bytes.Contains(env, []byte(marker)) && alive(pid) {
			out = append(out, pid)
		}
	}
	return out
}

// noneLeft fails unless no process carrying marker in its environment runs.
func noneLeft(t *testing.T, marker string) {
	t.Helper()
	left := markedProcesses(marker)
	if len(left) == 0 {
		return
	}
	waitGone(t, left...)
}

// marker returns a unique environment entry for a test's processes.
func marker(t *testing.T) string {
	return "HANCHO_TEST_MARK=" + strings.ReplaceAll(t.Name(), "/", "_") + "_" + strconv.FormatInt(time.Now().UnixNano(), 36)
}

func cmdline(pid int) string {
	data, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	return strings.TrimSpace(string(bytes.ReplaceAll(data, []byte{0}, []byte{' '})))
}

// handedOut remembers every port freePort gave, so that two calls (in
// one test or in parallel tests) never give the same one: the kernel may
// offer a port again as soon as the probe listener closes.
var handedOut = struct {
	sync.Mutex
	ports map[int]bool
}{ports: map[int]bool{}}

// freePort returns a TCP port on 127.0.0.1 that is free now and that no
// other call of this test binary has returned.
func freePort(t *testing.T) int {
	t.Helper()
	handedOut.Lock()
	defer handedOut.Unlock()
	for {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if !handedOut.ports[port] {
			handedOut.ports[port] = true
			return port
		}
	}
}

// portFree reports whether nothing listens on port.
func portFree(port int) bool {
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// assertPortFree fails if something still listens on port. Call it once
// every process is gone: then nothing can hold it.
func assertPortFree(t *testing.T, port int) {
	t.Helper()
	if !portFree(port) {
		t.Errorf("port %d is still in use after hancho exited", port)
	}
}

var _ = io.Discard

// nextLine waits for the next whole stdout line of r after byte *off that
// matches re, moves *off past it and returns its submatches. Every helper
// that reads hancho's output line after line goes through it.
func nextLine(r *Run, off *int, re *regexp.Regexp) ([]string, error) {
	timeout := time.After(deadline)
	done := r.done
	for {
		l := r.stdout
		l.mu.Lock()
		data, change := l.buf.Bytes(), l.change
		for {
			i := bytes.IndexByte(data[*off:], '\n')
			if i < 0 {
				break
			}
			line := data[*off : *off+i]
			*off += i + 1
			if m := re.FindSubmatch(line); m != nil {
				l.mu.Unlock()
				out := make([]string, len(m))
				for j, s := range m {
					out[j] = string(s)
				}
				return out, nil
			}
		}
		l.mu.Unlock()
		select {
		case <-change:
		case <-done:
			done = nil // hancho exited: one last look at what it wrote
			select {
			case <-change:
			default:
				return nil, fmt.Errorf("hancho exited without printing it after what was already read")
			}
		case <-timeout:
			return nil, fmt.Errorf("not seen within %s", deadline)
		}
	}
}
