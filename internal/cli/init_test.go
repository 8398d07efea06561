package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hancho-dev/hancho/internal/cli"
	"github.com/hancho-dev/hancho/internal/policy"
)

// hanchoResult is what one in-process run of hancho printed and returned.
type hanchoResult struct {
	code           int
	stdout, stderr string
}

// runHancho runs hancho with args in dir, in this process, with the given
// environment.
func runHancho(t *testing.T, dir string, environ []string, args ...string) hanchoResult {
	t.Helper()
	var out, errs bytes.Buffer
	m := &cli.Main{
		Stdin:   strings.NewReader(""),
		Stdout:  &out,
		Stderr:  &errs,
		Environ: environ,
		Dir:     dir,
		Args:    append([]string{"hancho"}, args...),
	}
	code := m.Run(context.Background())
	return hanchoResult{code, out.String(), errs.String()}
}

// writeFiles creates files under dir; a name ending in "/" is a folder, a
// value starting with "#!" an executable script.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o644)
		if strings.HasPrefix(content, "#!") {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
}

const benchProcfile = `redis_cache: redis-server config/redis_cache.conf
redis_queue: redis-server config/redis_queue.conf
web: bench serve --port 8000
socketio: /usr/bin/node apps/frappe/socketio.js
watch: bench watch
schedule: bench schedule
worker: bench worker 1>> logs/worker.log 2>> logs/worker.error.log
worker_custom: bench worker --queue custom 1>> logs/worker.log 2>> logs/worker.error.log
`

// newBench makes a Frappe bench folder with its Procfile and configs.
func newBench(t *testing.T, dir string) {
	writeFiles(t, dir, map[string]string{
		"Procfile":                      benchProcfile,
		"config/redis_cache.conf":       "port 13002\n",
		"config/redis_queue.conf":       "port 11002\n",
		"apps/frappe/socketio.js":       "",
		"sites/common_site_config.json": `{"workers": {"custom": {"timeout": 1500}}}`,
		"logs/":                         "",
	})
}

func TestInitBench(t *testing.T) {
	dir := t.TempDir()
	newBench(t, dir)
	path := filepath.Join(dir, "hancho.yaml")

	r := runHancho(t, dir, os.Environ(), "init")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("init: exit %d\n%s", r.code, r.stderr)
	}
	if want := "wrote " + path + " for a Frappe bench:\n"; !strings.HasPrefix(r.stdout, want) {
		t.Errorf("stdout %q, want it to start %q", r.stdout, want)
	}
	for _, want := range []string{
		"  redis_queue: ready when 127.0.0.1:11002 accepts connections\n",
		"  watch: optional, restarted when it fails\n",
		"  worker_custom: starts once redis_queue is ready; 1500s to finish its job when stopped\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	cfg, err := policy.Load(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.For("worker_custom").StopTimeout; got != 1500*time.Second {
		t.Errorf("worker_custom stop_timeout %s", got)
	}
	written, _ := os.ReadFile(path)

	// hancho check loads it, and prints the start order it makes.
	r = runHancho(t, dir, os.Environ(), "check", "--no-checks")
	if r.code != 0 || !strings.Contains(r.stdout, "start order: redis_cache, redis_queue, watch, schedule -> web, socketio, worker, worker_custom\n") {
		t.Errorf("check: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// A second init keeps the file.
	os.WriteFile(path, []byte("edited: [\n"), 0o644)
	r = runHancho(t, dir, os.Environ(), "init")
	if r.code != 1 || r.stderr != "hancho: hancho.yaml already exists; use --force to replace it\n" || r.stdout != "" {
		t.Errorf("init over a file: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if got, _ := os.ReadFile(path); string(got) != "edited: [\n" {
		t.Errorf("the file was changed: %q", got)
	}

	// --force replaces it, even when it is broken.
	r = runHancho(t, dir, os.Environ(), "init", "--force")
	if got, _ := os.ReadFile(path); r.code != 0 || !bytes.Equal(got, written) {
		t.Errorf("init --force: exit %d, %s\n%s", r.code, r.stderr, got)
	}
}

func TestInitSharedFlags(t *testing.T) {
	// -d and -f as the other commands take them; the refusal names the
	// file as seen from the current folder.
	cwd := t.TempDir()
	bench := filepath.Join(cwd, "bench")
	newBench(t, bench)
	os.Rename(filepath.Join(bench, "Procfile"), filepath.Join(bench, "Procfile.dev"))

	r := runHancho(t, cwd, os.Environ(), "-d", "bench", "-f", "Procfile.dev", "init")
	path := filepath.Join(bench, "hancho.yaml")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "wrote "+path+" for a Frappe bench:") {
		t.Fatalf("init -d: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runHancho(t, cwd, os.Environ(), "init", "-d", "bench", "-f", "Procfile.dev")
	if want := "hancho: bench/hancho.yaml already exists; use --force to replace it\n"; r.code != 1 || r.stderr != want {
		t.Errorf("exit %d, stderr %q, want %q", r.code, r.stderr, want)
	}

	// --config names another file.
	r = runHancho(t, cwd, os.Environ(), "-d", "bench", "-f", "Procfile.dev", "--config", "other.yaml", "init")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "wrote "+filepath.Join(cwd, "other.yaml")) {
		t.Errorf("init --config: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestInitStarter(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Procfile": "web: python3 -m http.server $PORT\nclock: python3 clock.py\n"})
	r := runHancho(t, dir, os.Environ(), "init")
	path := filepath.Join(dir, "hancho.yaml")
	if r.code != 0 || r.stdout != "wrote "+path+":\n  a starter listing 2 process types, every key commented out\n" {
		t.Fatalf("init: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "  clock:\n    # restart: on-failure") {
		t.Errorf("the starter does not list clock:\n%s", data)
	}
	r = runHancho(t, dir, os.Environ(), "check", "--no-checks")
	if r.code != 0 || !strings.Contains(r.stdout, "valid config detected") {
		t.Errorf("check: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestInitWithoutProcfile(t *testing.T) {
	dir := t.TempDir()
	r := runHancho(t, dir, os.Environ(), "init")
	if r.code != 1 || !strings.Contains(r.stderr, "no Procfile at") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "hancho.yaml")); err == nil {
		t.Error("hancho.yaml written without a Procfile")
	}
}
