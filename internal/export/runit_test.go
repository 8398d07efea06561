package export

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRunitEnvdir checks the env/ files byte for byte: chpst sets each
// variable to the file's first line with NUL read as newline, so a value
// is written with its newlines as NUL and one newline at the end. Values
// that an envdir cannot hold are set in run instead.
func TestRunitEnvdir(t *testing.T) {
	spec := trickySpec(t, "/run/hancho-test.sock")
	dir := exportTo(t, "runit", spec)
	m, err := newModel(spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Processes {
		for _, in := range p.Instances {
			svc := filepath.Join(dir, m.name(p.Name, in.Num))
			run, err := os.ReadFile(filepath.Join(svc, "run"))
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range in.Env {
				data, err := os.ReadFile(filepath.Join(svc, "env", v.Key))
				if strings.HasSuffix(v.Value, " ") || strings.HasSuffix(v.Value, "\t") {
					if err == nil {
						t.Errorf("%s: env/%s exists, but chpst would strip the end of %q", svc, v.Key, v.Value)
					}
					if !bytes.Contains(run, []byte(shellQuote(v.Key+"="+v.Value))) {
						t.Errorf("%s: run does not set %s", svc, v.Key)
					}
					continue
				}
				if err != nil {
					t.Errorf("%s: %v", svc, err)
					continue
				}
				if want := strings.ReplaceAll(v.Value, "\n", "\x00") + "\n"; string(data) != want {
					t.Errorf("%s: env/%s = %q, want %q", svc, v.Key, data, want)
				}
			}
		}
	}
}

// TestRunitRunsTheExport has runit's runsv supervise each exported service
// directory: run reaches the helper with its arguments and environment
// byte for byte (through chpst's envdir), `sv down` stops it with the stop
// signal through control/d, and its whole process group goes.
func TestRunitRunsTheExport(t *testing.T) {
	for _, tool := range []string{"runsv", "sv", "chpst", "svlogd"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed; install Debian's runit package to run the runit export", tool)
		}
	}
	srv := newHelperServer(t)
	spec := trickySpec(t, srv.path)
	dir := exportTo(t, "runit", spec)
	want := wantEnv(spec, false)
	for _, in := range spec.Instances {
		svc := filepath.Join(dir, "tricky-"+strings.Replace(in.Name, ".", "-", 1))
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		runsv := exec.CommandContext(ctx, "runsv", svc)
		runsv.Stdout, runsv.Stderr = os.Stderr, os.Stderr
		if err := runsv.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			exec.Command("sv", "exit", svc).Run()
			runsv.Wait()
			cancel()
		})
		h, err := srv.accept(time.Now().Add(30 * time.Second))
		if err != nil {
			t.Fatal(err)
		}
		checkHelper(t, spec, in.Name, h, want[in.Name])
		if out, err := exec.Command("sv", "status", svc).CombinedOutput(); err != nil || !bytes.HasPrefix(out, []byte("run: ")) {
			t.Errorf("sv status %s: %v\n%s", svc, err, out)
		}

		fds := pidfds(t, h.Pid, h.Child)
		if out, err := exec.Command("sv", "-w", "10", "down", svc).CombinedOutput(); err != nil {
			t.Errorf("sv down: %v\n%s", err, out)
		}
		wantSig := syscall.SIGTERM
		if in.Type == "beta" {
			wantSig = syscall.SIGINT
		}
		deadline := time.Now().Add(10 * time.Second)
		if sig, err := h.stopped(deadline); err != nil {
			t.Error(err)
		} else if sig != wantSig.String() {
			t.Errorf("%s stopped by %q, want %q", in.Name, sig, wantSig)
		}
		waitGone(t, fds, deadline)
	}
}
