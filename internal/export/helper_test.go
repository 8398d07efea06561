package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/hancho-dev/hancho/internal/app"
	"github.com/hancho-dev/hancho/internal/envfile"
	"github.com/hancho-dev/hancho/internal/policy"
)

// The round-trip tests export an app whose command runs this test binary
// as a helper process. The helper connects to the test over a unix socket
// named by helperSocketVar, reports its arguments, environment and working
// directory, starts a child (to check that a stop reaches the whole process
// group), and on a stop signal reports the signal and exits. The test sees
// the helper's exit as the end of the connection: no polling.
const helperSocketVar = "HANCHO_EXPORT_TEST_SOCKET"

func TestMain(m *testing.M) {
	if sock := os.Getenv(helperSocketVar); sock != "" {
		os.Exit(helperMain(sock))
	}
	os.Exit(m.Run())
}

// report is what a helper process tells the test.
type report struct {
	Args  []string
	Env   map[string]string
	Dir   string
	Pid   int
	Child int    // a `sleep` the helper started, in its process group
	Error string // what went wrong in the helper; "" when nothing did
}

func helperMain(sock string) int {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGHUP)
	conn, err := net.Dial("unix", sock)
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 2
	}
	dir, _ := os.Getwd()
	r := report{Args: os.Args[1:], Env: map[string]string{}, Dir: dir, Pid: os.Getpid()}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		r.Env[k] = v
	}
	child := exec.Command("sleep", "3600")
	if err := child.Start(); err != nil {
		r.Error = "starting its child: " + err.Error()
	} else {
		r.Child = child.Process.Pid
	}
	enc := json.NewEncoder(conn)
	if err := enc.Encode(r); err != nil || r.Error != "" {
		return 2
	}
	sig := <-stop
	enc.Encode(sig.(syscall.Signal).String())
	return 0
}

// helperServer is the test's end of the helpers' socket.
type helperServer struct {
	t    *testing.T
	path string
	ln   *net.UnixListener
}

func newHelperServer(t *testing.T) *helperServer {
	t.Helper()
	dir, err := os.MkdirTemp("", "hx") // short: a socket path is limited to about 100 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "s")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return &helperServer{t: t, path: path, ln: ln}
}

// helper is one connected helper process.
type helper struct {
	report
	conn *net.UnixConn
	dec  *json.Decoder
}

// accept waits for the next helper's report.
func (s *helperServer) accept(deadline time.Time) (*helper, error) {
	s.ln.SetDeadline(deadline)
	conn, err := s.ln.AcceptUnix()
	if err != nil {
		return nil, fmt.Errorf("waiting for an exported process to report: %w", err)
	}
	s.t.Cleanup(func() { conn.Close() })
	h := &helper{conn: conn, dec: json.NewDecoder(conn)}
	conn.SetReadDeadline(deadline)
	if err := h.dec.Decode(&h.report); err != nil {
		return nil, fmt.Errorf("reading a report: %w", err)
	}
	if h.Error != "" {
		return nil, fmt.Errorf("the exported process %s failed: %s", h.Env["HONCHO_PROCESS_NAME"], h.Error)
	}
	s.t.Cleanup(func() { killIfAlive(h.Pid, h.Child) })
	return h, nil
}

// acceptAll waits for n helpers and returns them by HONCHO_PROCESS_NAME.
func (s *helperServer) acceptAll(n int) map[string]*helper {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	got := map[string]*helper{}
	for range n {
		h, err := s.accept(deadline)
		if err != nil {
			s.t.Fatal(err)
		}
		got[h.Env["HONCHO_PROCESS_NAME"]] = h
	}
	return got
}

// stopped waits for the helper to exit and returns the signal that
// stopped it.
func (h *helper) stopped(deadline time.Time) (string, error) {
	h.conn.SetReadDeadline(deadline)
	var sig string
	if err := h.dec.Decode(&sig); err != nil {
		return "", fmt.Errorf("process %d did not report a stop signal: %w", h.Pid, err)
	}
	var rest json.RawMessage
	if err := h.dec.Decode(&rest); !errors.Is(err, os.ErrDeadlineExceeded) && err != nil {
		return sig, nil // closed: it exited
	}
	return sig, fmt.Errorf("process %d reported %s but did not exit", h.Pid, sig)
}

// pidfds opens a pidfd for each pid, to wait for the processes to exit
// whoever their parent is. A process already gone needs no waiting.
func pidfds(t *testing.T, pids ...int) map[int]int {
	t.Helper()
	fds := map[int]int{}
	for _, pid := range pids {
		fd, err := unix.PidfdOpen(pid, 0)
		if errors.Is(err, unix.ESRCH) {
			continue
		}
		if err != nil {
			t.Skipf("pidfd_open: %v; the kernel is too old to watch processes", err)
		}
		fds[pid] = fd
		t.Cleanup(func() { unix.Close(fd) })
	}
	return fds
}

// waitGone waits until every process of fds has exited, and fails the
// test for each one still alive at the deadline.
func waitGone(t *testing.T, fds map[int]int, deadline time.Time) {
	t.Helper()
	for pid, fd := range fds {
		ms := max(int(time.Until(deadline)/time.Millisecond), 0)
		pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		for {
			n, err := unix.Poll(pfd, ms)
			if errors.Is(err, unix.EINTR) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Errorf("process %d is still running after the stop: it was left behind", pid)
			}
			break
		}
	}
}

// killIfAlive cleans up after a failed test: it kills the given processes,
// which this test started (directly or through a consumer), by pid.
func killIfAlive(pids ...int) {
	for _, pid := range pids {
		if pid > 0 {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// trickyEnv are values that break naive quoting in some consumer.
var trickyEnv = []envfile.Var{
	{Key: "SPACES", Value: "  two  spaces  "},
	{Key: "SINGLE", Value: "it's"},
	{Key: "DOUBLE", Value: `say "hi"`},
	{Key: "BOTH", Value: `'single' and "double"`},
	{Key: "QUOTED", Value: `"fully quoted"`},
	{Key: "DOLLAR", Value: "$HOME ${PORT} $$ $(echo no) `echo no` $(PORT)"},
	{Key: "PERCENT", Value: "100% %(ENV_HOME)s %n %%"},
	{Key: "BANG", Value: "hello!world !! !$"},
	{Key: "BACKSLASH", Value: `C:\path\to\ \\ \n \" \'` + "\\"},
	{Key: "NEWLINES", Value: "line1\nline2\n  indented\n\n;not a comment\n#nor this\n"},
	{Key: "COMMENTS", Value: "a ;b #c\t;d"},
	{Key: "EMPTY", Value: ""},
	{Key: "TRAILING_BLANKS", Value: "tab\t "},
	{Key: "LEADING_BLANKS", Value: " \tlead"},
	{Key: "UNICODE", Value: "héllo wörld ✓ \u00a0nbsp"},
	{Key: "SEPARATORS", Value: "a=b=c, d,e; f&g|h<i>j"},
	{Key: "CONTROL", Value: "bell\a tab\t esc\x1b del\x7f sep\x1c."},
	{Key: "dotted.name", Value: "odd names work too"},
}

// trickyArgs is what the helper must receive from trickyCommand.
var trickyArgs = []string{"single q", `double "q"`, "100%", "%(ENV_HOME)s", "$HOME", "!bang", "semi ;colon #hash", `back\slash`}

// trickySpec is an app whose two types run the helper with trickyCommand,
// alpha twice in the app root, beta once in a subdirectory with env of its
// own and stop signal INT. Its values are trickyEnv, minus the names in
// omit, plus the helper's socket.
func trickySpec(t *testing.T, sock string, omit ...string) Spec {
	t.Helper()
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "sub dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := "exec " + shellQuote(exe) + ` 'single q' "double \"q\"" 100% '%(ENV_HOME)s' \$HOME '!bang' 'semi ;colon #hash' 'back\slash' "$PORT"`
	var env []envfile.Var
	for _, v := range trickyEnv {
		if !slices.Contains(omit, v.Key) {
			env = append(env, v)
		}
	}
	env = append(env, envfile.Var{Key: helperSocketVar, Value: sock})
	return Spec{
		App:    "tricky",
		Root:   root,
		LogDir: t.TempDir(),
		Types: []app.Type{
			{Name: "alpha", Command: cmd, Line: 1, Index: 0, Concurrency: 2},
			{Name: "beta", Command: cmd, Line: 2, Index: 1, Concurrency: 1},
		},
		Instances: []app.Instance{
			{Type: "alpha", Num: 1, Name: "alpha.1", Command: cmd, Port: 5000},
			{Type: "alpha", Num: 2, Name: "alpha.2", Command: cmd, Port: 5001},
			{Type: "beta", Num: 1, Name: "beta.1", Command: cmd, Port: 5100},
		},
		Env: env,
		Policy: &policy.Config{Processes: map[string]*policy.Process{
			"beta": {Dir: "sub dir", StopSignal: "INT", Restart: policy.RestartOnFailure,
				Env: []policy.EnvVar{{Key: "FROM_POLICY", Value: `policy's "$value" 50% $(PORT) ${PORT}`}, {Key: "SINGLE", Value: "overridden by the policy"}}},
		}},
	}
}

// shellName is a variable name that every shell passes on.
var shellName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// wantEnv is the environment each instance of trickySpec must get, by
// instance name. Container formats give every replica of a type the same
// environment (PORT of the first instance, PS the type's name): replicas
// is true for them.
func wantEnv(spec Spec, replicas bool) map[string]map[string]string {
	want := map[string]map[string]string{}
	for _, in := range spec.Instances {
		env := map[string]string{}
		for _, v := range spec.Env {
			env[v.Key] = v.Value
		}
		env["PORT"] = strconv.Itoa(in.Port)
		env["PS"], env["HONCHO_PROCESS_NAME"] = in.Name, in.Name
		if replicas {
			env["PORT"] = map[string]string{"alpha": "5000", "beta": "5100"}[in.Type]
			env["PS"], env["HONCHO_PROCESS_NAME"] = in.Type, in.Type
		}
		if p := spec.Policy.Processes[in.Type]; p != nil {
			for _, v := range p.Env {
				env[v.Key] = v.Value
			}
		}
		// The command runs through /bin/sh, and dash passes on only the
		// variables whose names are shell identifiers, under `start` too.
		for k := range env {
			if !shellName.MatchString(k) {
				delete(env, k)
			}
		}
		want[in.Name] = env
	}
	return want
}

// checkHelper checks what one helper was given against trickySpec.
func checkHelper(t *testing.T, spec Spec, name string, h *helper, want map[string]string) {
	t.Helper()
	wantArgs := append(slices.Clone(trickyArgs), want["PORT"])
	if !slices.Equal(h.Args, wantArgs) {
		t.Errorf("%s: arguments\n got %q\nwant %q", name, h.Args, wantArgs)
	}
	for k, v := range want {
		if got, ok := h.Env[k]; !ok {
			t.Errorf("%s: %s is not set; want %q", name, k, v)
		} else if got != v {
			t.Errorf("%s: %s\n got %q\nwant %q", name, k, got, v)
		}
	}
	wantDir := spec.Root
	if strings.HasPrefix(name, "beta") {
		wantDir = filepath.Join(spec.Root, "sub dir")
	}
	if h.Dir != wantDir {
		t.Errorf("%s: working directory %q, want %q", name, h.Dir, wantDir)
	}
}

// runDirect starts argv as a consumer would, in its own process group,
// with exactly env, for the consumers this machine lacks (launchd,
// containers): the test has parsed argv, env and dir from the exported
// file the way the consumer does.
func runDirect(t *testing.T, argv, env []string, dir string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env, cmd.Dir = env, dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	})
	return cmd
}

// stopGroup sends sig to the process group of cmd, as the consumer does
// on stop, and checks that the helper and its child go.
func stopGroup(t *testing.T, cmd *exec.Cmd, h *helper, sig syscall.Signal) {
	t.Helper()
	fds := pidfds(t, h.Pid, h.Child)
	if err := syscall.Kill(-cmd.Process.Pid, sig); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	if got, err := h.stopped(deadline); err != nil {
		t.Error(err)
	} else if got != sig.String() {
		t.Errorf("stopped by %q, want %q", got, sig)
	}
	waitGone(t, fds, deadline)
}
