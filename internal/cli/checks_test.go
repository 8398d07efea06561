package cli_test

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// listenBusy listens on a free port for the rest of the test.
func listenBusy(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

// checksApp makes an app whose programs are scripts in bin/ that leave a
// mark in started/ when they run, and returns its environment.
func checksApp(t *testing.T, files map[string]string) (dir string, environ []string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("commands run through /bin/sh")
	}
	dir = t.TempDir()
	script := "#!/bin/sh\ntouch \"" + filepath.Join(dir, "started") + "/$(basename $0)\"\nexec sleep 30\n"
	writeFiles(t, dir, map[string]string{
		"bin/redis-server": script,
		"bin/bench":        script,
		"started/":         "",
	})
	writeFiles(t, dir, files)
	return dir, []string{"PATH=" + filepath.Join(dir, "bin") + ":/usr/bin:/bin", "HOME=" + dir}
}

func TestCheckNamesTheHolderOfABusyPort(t *testing.T) {
	port := listenBusy(t)
	dir, env := checksApp(t, map[string]string{
		"Procfile":                "redis_queue: redis-server config/redis_queue.conf\nweb: bench serve --port 8000\n",
		"config/redis_queue.conf": fmt.Sprintf("bind 127.0.0.1\nport %d\n", port),
	})
	r := runHancho(t, dir, env, "check")
	want := fmt.Sprintf("hancho: cannot start: 1 problem (skip this check with --no-checks):\n  redis_queue: port %d is in use by ", port)
	if runtime.GOOS == "linux" {
		want += fmt.Sprintf("pid %d (", os.Getpid())
	}
	if r.code != 1 || !strings.HasPrefix(r.stderr, want) || r.stdout != "" {
		t.Errorf("exit %d, stdout %q\nstderr %q\nwant it to start %q", r.code, r.stdout, r.stderr, want)
	}
	if runtime.GOOS == "linux" && !strings.HasSuffix(r.stderr, "), left by an earlier run? run: hancho stop\n") {
		t.Errorf("no hint in %q", r.stderr)
	}

	r = runHancho(t, dir, env, "check", "--no-checks")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "valid procfile detected (redis_queue, web)") {
		t.Errorf("--no-checks: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestStartStopsBeforeStartingAnything(t *testing.T) {
	port := listenBusy(t)
	dir, env := checksApp(t, map[string]string{
		"Procfile": fmt.Sprintf("redis: redis-server --port %d\nweb: bench serve\nworker: nosuch-hancho 1>> logs/worker.log\n", port),
	})
	r := runHancho(t, dir, env, "start")
	for _, want := range []string{
		"hancho: cannot start: 3 problems (skip these checks with --no-checks):\n",
		fmt.Sprintf("\n  redis: port %d is in use by ", port),
		"\n  worker: logs/ does not exist for 1>> logs/worker.log; create it\n",
		"\n  worker: nosuch-hancho not found on PATH (" + filepath.Join(dir, "bin") + ":/usr/bin:/bin)\n",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.code != 1 || r.stdout != "" {
		t.Errorf("exit %d, stdout %q", r.code, r.stdout)
	}
	if started, _ := os.ReadDir(filepath.Join(dir, "started")); len(started) > 0 {
		t.Errorf("%d processes started", len(started))
	}
}

func TestChecksNameInstancesAndGroupProblems(t *testing.T) {
	base := listenBusy(t)
	dir, env := checksApp(t, map[string]string{
		"Procfile": "web: bench serve --port $PORT\nwatch: nosuch-hancho\nschedule: nosuch-hancho\n",
	})
	// web runs twice: the first instance gets the busy PORT, the second the
	// next one.
	r := runHancho(t, dir, env, "check", "-p", strconv.Itoa(base), "-c", "web=2")
	for _, want := range []string{
		"hancho: cannot start: 2 problems (skip these checks with --no-checks):\n",
		fmt.Sprintf("\n  web.1: port %d is in use by ", base),
		"\n  watch, schedule: nosuch-hancho not found on PATH (",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "web.2") || r.code != 1 {
		t.Errorf("exit %d:\n%s", r.code, r.stderr)
	}
}

func TestChecksPassOnAGoodBench(t *testing.T) {
	dir, env := checksApp(t, nil)
	newBench(t, dir)
	// Ports free now, so that the test does not depend on the machine's.
	var ports []int
	var held []net.Listener // held together so the three differ, then freed
	for range 3 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range held {
		l.Close()
	}
	procfile := strings.ReplaceAll(benchProcfile, "/usr/bin/node", filepath.Join(dir, "bin/node"))
	procfile = strings.ReplaceAll(procfile, "--port 8000", "--port "+strconv.Itoa(ports[0]))
	writeFiles(t, dir, map[string]string{
		"bin/node":                "#!/bin/sh\n",
		"Procfile":                procfile,
		"config/redis_cache.conf": fmt.Sprintf("port %d\n", ports[1]),
		"config/redis_queue.conf": fmt.Sprintf("port %d\n", ports[2]),
	})
	r := runHancho(t, dir, env, "check")
	if r.code != 0 || r.stderr != "" {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
}
