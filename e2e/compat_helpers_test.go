package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// The helpers of the honcho-compatibility tests (compat_*_test.go). Their
// names start with "compat" so they never collide with other tests' helpers.

// compatResult is a hancho run that has ended.
type compatResult struct {
	code           int
	stdout, stderr string
}

// compatFinish runs hancho to its end and fails if it panicked.
func compatFinish(t *testing.T, dir string, env []string, argv ...string) compatResult {
	t.Helper()
	r := start(t, dir, env, argv...)
	res := compatResult{code: r.Wait(), stdout: r.Stdout(), stderr: r.Stderr()}
	compatNoPanic(t, res.stdout+res.stderr)
	return res
}

// compatFail runs hancho, which must fail before starting anything: exit
// code want (0 means any non-zero), nothing on stdout, and stderr matching
// every pattern.
func compatFail(t *testing.T, dir string, env []string, want int, argv []string, patterns ...string) compatResult {
	t.Helper()
	res := compatFinish(t, dir, env, argv...)
	if want == 0 && res.code == 0 || want != 0 && res.code != want {
		t.Errorf("hancho %s: exit code %d, want %s", strings.Join(argv, " "), res.code, compatCodeWant(want))
	}
	if strings.Contains(res.stdout, "started (pid=") {
		t.Errorf("hancho %s started processes despite the error:\n%s", strings.Join(argv, " "), res.stdout)
	}
	for _, p := range patterns {
		if !regexp.MustCompile(p).MatchString(res.stderr) {
			t.Errorf("hancho %s: stderr does not match %q:\n%s", strings.Join(argv, " "), p, res.stderr)
		}
	}
	return res
}

func compatCodeWant(want int) string {
	if want == 0 {
		return "non-zero"
	}
	return fmt.Sprint(want)
}

// compatNoPanic fails if out holds a Go panic or stack trace.
func compatNoPanic(t *testing.T, out string) {
	t.Helper()
	if strings.Contains(out, "goroutine ") || strings.Contains(out, "panic:") {
		t.Errorf("hancho printed a Go panic or stack trace:\n%s", out)
	}
}

// compatUntil starts hancho, waits for a stdout line matching each pattern
// (in any order), then stops it with SIGINT and checks it exited with 130
// and left no process behind.
func compatUntil(t *testing.T, dir string, env []string, argv []string, patterns ...string) *Run {
	t.Helper()
	mark := marker(t)
	r := start(t, dir, append(env, mark), argv...)
	for _, p := range patterns {
		r.WaitLine(p)
	}
	compatInterrupt(t, r)
	noneLeft(t, mark)
	compatNoPanic(t, r.Stdout()+r.Stderr())
	return r
}

// compatInterrupt sends SIGINT and expects exit code 130.
func compatInterrupt(t *testing.T, r *Run) {
	t.Helper()
	r.Signal(syscall.SIGINT)
	if code := r.Wait(); code != 130 {
		t.Errorf("exit code after SIGINT = %d, want 130", code)
	}
}

// compatStamp matches the "HH:MM:SS " of a prefixed line.
const compatStamp = `\d\d:\d\d:\d\d `

var (
	compatStampRE = regexp.MustCompile(`(?m)^` + compatStamp)
	compatPidRE   = regexp.MustCompile(`pid([= ])\d+`)
)

// compatNorm replaces times and pids so whole outputs can be compared.
func compatNorm(s string) string {
	s = compatStampRE.ReplaceAllString(s, "HH:MM:SS ")
	return compatPidRE.ReplaceAllString(s, "pid${1}N")
}

// compatStartWith is start with a hook that may set the command's stdin
// or stdout before it starts. The hook returns a channel that closes once
// the stdout it set up has been read to its end, or nil.
func compatStartWith(t *testing.T, dir string, env []string, hook func(*exec.Cmd, *lines) <-chan struct{}, argv ...string) *Run {
	t.Helper()
	name := bin.hancho
	if len(argv) > 0 && (argv[0] == "honcho" || argv[0] == "hancho") {
		name, argv = filepath.Join(bin.dir, argv[0]), argv[1:]
	}
	cmd := exec.Command(name, argv...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	r := &Run{t: t, Cmd: cmd, stdout: newLines(), stderr: newLines(), done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = r.stdout, r.stderr
	read := hook(cmd, r.stdout)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if c, ok := cmd.Stdout.(io.Closer); ok && cmd.Stdout != r.stdout {
		c.Close() // the child has its copy; ours would keep the reader from its end
	}
	go func() {
		r.err = cmd.Wait()
		if read != nil {
			<-read
		}
		close(r.done)
	}()
	r.killOnCleanup()
	return r
}

// compatOnTerminal makes a command's stdout a pseudo-terminal and copies
// what it prints to out, without the carriage returns the terminal adds.
func compatOnTerminal(t *testing.T) func(*exec.Cmd, *lines) <-chan struct{} {
	return func(cmd *exec.Cmd, out *lines) <-chan struct{} {
		t.Helper()
		ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
		if err != nil {
			t.Skipf("no pseudo-terminal: %v", err)
		}
		fd := int(ptmx.Fd())
		if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
			t.Fatalf("unlockpt: %v", err)
		}
		n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
		if err != nil {
			t.Fatalf("ptsname: %v", err)
		}
		pts, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
		if err != nil {
			t.Fatalf("open pts: %v", err)
		}
		cmd.Stdout = pts
		done := make(chan struct{})
		go func() {
			defer close(done)
			defer ptmx.Close()
			buf := make([]byte, 32<<10)
			for {
				n, err := ptmx.Read(buf)
				if n > 0 {
					out.Write(bytes.ReplaceAll(buf[:n], []byte("\r"), nil))
				}
				if err != nil { // EIO once every copy of the terminal is closed
					if !errors.Is(err, syscall.EIO) && !errors.Is(err, io.EOF) {
						t.Errorf("reading the terminal: %v", err)
					}
					return
				}
			}
		}()
		return done
	}
}

// compatStdin feeds data to the command's stdin through a pipe.
func compatStdin(data string) func(*exec.Cmd, *lines) <-chan struct{} {
	return func(cmd *exec.Cmd, _ *lines) <-chan struct{} {
		cmd.Stdin = strings.NewReader(data)
		return nil
	}
}

// compatRealpath resolves symlinks, as `pwd -P` does.
func compatRealpath(t *testing.T, p string) string {
	t.Helper()
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
