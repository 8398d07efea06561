package export

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSupervisordRunsTheExport has the real supervisord (Debian's
// supervisor package) load the exported APP.conf and run it: every
// program reaches RUNNING, gets its arguments, environment and directory
// byte for byte, is stopped with its stop signal, and leaves no process
// behind (stopasgroup reaches the helper's child).
func TestSupervisordRunsTheExport(t *testing.T) {
	supervisord, err := exec.LookPath("supervisord")
	if err != nil {
		// .ci/run installs it, so in CI its absence is a failure; on a
		// machine with only Go the test says what it needs and skips.
		msg := "supervisord is not installed; install Debian's supervisor package (apt-get install supervisor), which .ci/run installs"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	srv := newHelperServer(t)
	spec := trickySpec(t, srv.path)
	out := exportTo(t, "supervisord", spec)

	dir, err := os.MkdirTemp("", "sv") // short: it holds the control socket
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	conf := filepath.Join(dir, "supervisord.conf")
	err = os.WriteFile(conf, fmt.Appendf(nil, `[unix_http_server]
file=%[1]s/sock

[supervisord]
nodaemon=true
logfile=%[1]s/supervisord.log
pidfile=%[1]s/supervisord.pid
childlogdir=%[1]s

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://%[1]s/sock

[include]
files=%[2]s/*.conf
`, dir, out), 0o644)
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, supervisord, "-c", conf)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	var log bytes.Buffer
	running := make(chan string, 10)
	go func() {
		sc := bufio.NewScanner(stdout)
		re := regexp.MustCompile(`success: (\S+) entered RUNNING state`)
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				running <- m[1]
			}
		}
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		<-exited
		if t.Failed() {
			t.Logf("supervisord's log:\n%s%s", log.String(), stderr.String())
		}
	})

	helpers := srv.acceptAll(3)
	want := wantEnv(spec, false)
	for name, h := range helpers {
		checkHelper(t, spec, name, h, want[name])
	}
	for range 3 {
		select {
		case <-running:
		case err := <-exited:
			t.Fatalf("supervisord exited: %v", err)
		case <-ctx.Done():
			t.Fatal("the programs did not all reach RUNNING")
		}
	}
	status, err := exec.CommandContext(ctx, "supervisorctl", "-c", conf, "status").CombinedOutput()
	if err != nil {
		t.Fatalf("supervisorctl status: %v\n%s", err, status)
	}
	for _, prog := range []string{"tricky:tricky-alpha-1", "tricky:tricky-alpha-2", "tricky:tricky-beta-1"} {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(prog) + `\s+RUNNING\b`).Match(status) {
			t.Errorf("supervisorctl status does not show %s RUNNING:\n%s", prog, status)
		}
	}

	// Stopping supervisord stops every program with its stop signal.
	var pids []int
	for _, h := range helpers {
		pids = append(pids, h.Pid, h.Child)
	}
	fds := pidfds(t, pids...)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for name, h := range helpers {
		wantSig := syscall.SIGTERM
		if strings.HasPrefix(name, "beta") {
			wantSig = syscall.SIGINT
		}
		if sig, err := h.stopped(deadline); err != nil {
			t.Error(err)
		} else if sig != wantSig.String() {
			t.Errorf("%s stopped by %q, want %q (stopsignal)", name, sig, wantSig)
		}
	}
	select {
	case <-exited:
		exited <- nil // for the cleanup
	case <-ctx.Done():
		t.Fatal("supervisord did not exit")
	}
	waitGone(t, fds, deadline)
}
