package preflight

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// tree creates files under dir: a name ending in "/" is a folder, a value
// starting with "#!" an executable script.
func tree(t *testing.T, dir string, files map[string]string) {
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

// messages runs Check and renders the problems, with the app folder
// written as $DIR.
func messages(procs []Proc, dir string) []string {
	var out []string
	for _, p := range Check(procs) {
		out = append(out, strings.ReplaceAll(p.String(), dir, "$DIR"))
	}
	return out
}

// benchTree is a Frappe bench's files, with its programs in bin/.
var benchTree = map[string]string{
	"bin/bench":                     "#!/bin/sh\n",
	"bin/redis-server":              "#!/bin/sh\n",
	"bin/node":                      "#!/bin/sh\n",
	"bin/plain":                     "not executable",
	"config/redis_cache.conf":       "port 13000\n",
	"config/redis_queue.conf":       "port 11000\n",
	"apps/frappe/socketio.js":       "",
	"apps/frappe/frappe/":           "",
	"sites/common_site_config.json": "{}",
	"logs/":                         "",
	"run.sh":                        "echo not executable",
	"ok.sh":                         "#!/bin/sh\n",
	"input.txt":                     "",
}

func TestCheck(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("commands run through /bin/sh")
	}
	dir := t.TempDir()
	tree(t, dir, benchTree)
	bin := filepath.Join(dir, "bin")
	env := []string{"PATH=" + bin + ":/usr/bin:/bin", "HOME=" + dir}
	for _, tc := range []struct {
		name, command string
		want          []string
	}{
		// Programs.
		{"found on the process's PATH", "bench serve", nil},
		{"missing on PATH", "nosuch-hancho serve", []string{"x: nosuch-hancho not found on PATH ($DIR/bin:/usr/bin:/bin)"}},
		{"not executable on PATH", "plain", []string{"x: plain on PATH is $DIR/bin/plain, which is not executable; chmod +x $DIR/bin/plain"}},
		{"absolute, found elsewhere", "/nonexistent/node apps/frappe/socketio.js", []string{"x: /nonexistent/node not found; node is at $DIR/bin/node"}},
		{"absolute, nowhere", "/nonexistent/nosuch-hancho", []string{"x: /nonexistent/nosuch-hancho not found, nor nosuch-hancho on PATH ($DIR/bin:/usr/bin:/bin)"}},
		{"relative, not executable", "./run.sh", []string{"x: ./run.sh is not executable; chmod +x ./run.sh"}},
		{"relative, missing", "./missing.sh", []string{"x: ./missing.sh not found (in $DIR)"}},
		{"relative, fine", "./ok.sh", nil},
		{"a directory", "./apps", []string{"x: ./apps is a directory, not a program"}},
		{"after assignments", "A=1 B='x y' nosuch-hancho", []string{"x: nosuch-hancho not found on PATH ($DIR/bin:/usr/bin:/bin)"}},
		{"PATH assignment", "PATH=/nowhere bench", []string{"x: bench not found on PATH (/nowhere)"}},
		{"PATH assignment, expanded", "PATH=$HOME/bin:$PATH nosuch-hancho", nil},
		{"through wrappers", "exec nohup nice -n 5 env A=1 nosuch-hancho", []string{"x: nosuch-hancho not found on PATH ($DIR/bin:/usr/bin:/bin)"}},
		{"env -i, no PATH", "env -i nosuch-hancho", nil},
		{"a missing wrapper", "/nowhere/env bench", []string{"x: /nowhere/env not found; env is at /usr/bin/env"}},
		{"quoted keyword is a program", "'if' x", []string{"x: if not found on PATH ($DIR/bin:/usr/bin:/bin)"}},
		{"only the first command", "bench serve; nosuch-hancho", nil},
		{"expanded program", "$CMD serve", nil},

		// Not analysed: builtins, compound commands, what Split cannot read.
		{"builtin", "echo config/nosuch.conf", nil},
		{"cd first", "cd nosuch && nosuch-hancho", nil},
		{"trap first", "trap '' TERM; nosuch-hancho", nil},
		{"if", "if true; then nosuch-hancho; fi", nil},
		{"for", "for i in 1; do nosuch-hancho; done", nil},
		{"while", "while :; do nosuch-hancho; done", nil},
		{"brace group", "{ nosuch-hancho; }", nil},
		{"subshell", "(nosuch-hancho)", nil},
		{"unterminated", "nosuch-hancho 'x", nil},
		{"command -v", "command -v nosuch-hancho", nil},

		// Files named on the command line.
		{"config file", "redis-server config/redis_cache.conf", nil},
		{"missing config file", "redis-server config/nosuch.conf", []string{"x: config/nosuch.conf not found (in $DIR)"}},
		{"missing script", "node apps/frappe/nosuch.js", []string{"x: apps/frappe/nosuch.js not found (in $DIR)"}},
		{"missing .py without a folder", "bench manage.py", []string{"x: manage.py not found (in $DIR)"}},
		{"missing absolute", "bench /nonexistent/x.yaml", []string{"x: /nonexistent/x.yaml not found"}},
		{"--config=path", "bench --config=conf/x.toml", []string{"x: conf/x.toml not found (in $DIR)"}},
		{"existing folder", "bench --cwd apps/frappe", nil},
		{"missing path in an existing folder", "bench apps/nosuch", []string{"x: apps/nosuch not found (in $DIR)"}},
		{"output options", "bench --logfile=out/x.log --pidfile run/x.pid -o out/x.json", nil},
		{"programs that create files", "mkdir -p out/x.json", nil},
		{"not paths", "bench -r dotenv/config @scope/pkg github.com/x/y --prefix /api http://h/x.js h:1/x.conf a=b/c.py", nil},
		{"expanded", "bench $HOME/x.conf *.conf ~/x.json", nil},
		{"dotted names", "bench --site site1.local -m http.server", nil},

		// Redirections.
		{"log folder exists", "bench worker 1>> logs/worker.log 2>> logs/worker.error.log", nil},
		{"log folder missing, said once", "bench worker 1>> nologs/worker.log 2>> nologs/worker.error.log", []string{
			"x: nologs/ does not exist for 1>> nologs/worker.log; create it",
		}},
		{"two folders missing", "bench worker 1>> a/x.log 2>> b/x.log", []string{
			"x: a/ does not exist for 1>> a/x.log; create it",
			"x: b/ does not exist for 2>> b/x.log; create it",
		}},
		{"nested", "bench > a/b/c.log", []string{"x: a/b/ does not exist for > a/b/c.log; create it"}},
		{"in the working directory", "bench > out.log 2>&1", nil},
		{"input", "bench < input.txt", nil},
		{"missing input", "bench < nosuch.txt", []string{"x: nosuch.txt not found (in $DIR) for < nosuch.txt"}},
		{"expanded target", "bench > $LOGS/x.log", nil},
		{"builtin's redirection", "echo hi > nologs/x", []string{"x: nologs/ does not exist for > nologs/x; create it"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := messages([]Proc{{Name: "x", Command: tc.command, Env: env, Dir: dir}}, dir)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s:\n got %q\nwant %q", tc.command, got, tc.want)
			}
		})
	}
}

func TestCheckDefaultPath(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("commands run through /bin/sh")
	}
	got := messages([]Proc{{Name: "x", Command: "sh -c true", Env: []string{"HOME=/"}, Dir: t.TempDir()}}, "")
	if got != nil {
		t.Errorf("sh not found on the default PATH: %q", got)
	}
}

func TestCheckMissingDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "gone")
	got := messages([]Proc{{Name: "x", Command: "sh", Dir: dir}}, dir)
	want := []string{"x: working directory $DIR does not exist"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// busyPort listens on a free port for the rest of the test.
func busyPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

// freePort returns a port nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func TestCheckPorts(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("commands run through /bin/sh")
	}
	dir := t.TempDir()
	tree(t, dir, benchTree)
	env := []string{"PATH=" + filepath.Join(dir, "bin") + ":/usr/bin:/bin"}
	busy := busyPort(t)
	free := freePort(t)
	tree(t, dir, map[string]string{
		"config/busy.conf": fmt.Sprintf("bind 127.0.0.1\n# port 1\nport %d\n", busy),
		"config/free.conf": fmt.Sprintf("PORT %d\n", free),
	})
	inUse := fmt.Sprintf("x: port %d is in use by ", busy)
	if runtime.GOOS == "linux" {
		inUse += fmt.Sprintf("pid %d (", os.Getpid())
	}
	b := strconv.Itoa(busy)
	for _, tc := range []struct {
		name, command string
		port          int
		busy          bool
	}{
		{"$PORT", "bench serve --port $PORT", busy, true},
		{"${PORT}", "bench serve --port=${PORT}", busy, true},
		{"${PORT:-5000}", "bench serve ${PORT:-5000}", busy, true},
		{"PORT not used", "bench serve", busy, false},
		{"$PORTAL is not $PORT", "bench $PORTAL", busy, false},
		{"PORT free", "bench serve $PORT", free, false},
		{"--port N", "bench serve --port " + b, 0, true},
		{"--port=N", "bench serve --port=" + b, 0, true},
		{"-p N", "bench -p " + b, 0, true},
		{"--port free", "bench --port " + strconv.Itoa(free), 0, false},
		{"redis config", "redis-server config/busy.conf", 0, true},
		{"redis config, free", "redis-server config/free.conf", 0, false},
		{"redis --port wins", "redis-server config/busy.conf --port " + strconv.Itoa(free), 0, false},
		{"a client connects", "redis-cli -p " + b + " monitor", 0, false},
		{"PORT even when the command is not analysed", "if true; then bench --port $PORT; fi", busy, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := messages([]Proc{{Name: "x", Command: tc.command, Env: env, Dir: dir, Port: tc.port}}, dir)
			switch {
			case !tc.busy && got != nil:
				t.Errorf("%s: unexpected %q", tc.command, got)
			case tc.busy && (len(got) != 1 || !strings.HasPrefix(got[0], inUse)):
				t.Errorf("%s: got %q, want one problem starting %q", tc.command, got, inUse)
			case tc.busy && runtime.GOOS == "linux" && !strings.HasSuffix(got[0], "), left by an earlier run? run: hancho stop"):
				t.Errorf("%s: got %q, want the holder and a hint", tc.command, got)
			}
		})
	}
}

func TestCheckSamePortTwice(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("commands run through /bin/sh")
	}
	dir := t.TempDir()
	port := freePort(t)
	p := strconv.Itoa(port)
	got := messages([]Proc{
		{Name: "web", Command: "sh -c x --port " + p, Dir: dir},
		{Name: "other", Command: "sh -c x $PORT", Dir: dir, Port: port},
		{Name: "third", Command: "sh -c x -p " + p + " --port=" + p, Dir: dir},
	}, dir)
	want := []string{
		"other: port " + p + " is also wanted by web; give one of them another port",
		"third: port " + p + " is also wanted by web; give one of them another port",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestListenerMessage(t *testing.T) {
	for _, tc := range []struct {
		l    listener
		want string
	}{
		{listener{pid: 4242, cmdline: "redis-server config/redis_queue.conf"}, "port 11000 is in use by pid 4242 (redis-server config/redis_queue.conf), left by an earlier run? run: hancho stop"},
		{listener{pid: 4242}, "port 11000 is in use by pid 4242, left by an earlier run? run: hancho stop"},
		{listener{foreign: true}, "port 11000 is in use by another process (not yours to inspect)"},
		{listener{}, "port 11000 is in use by another process"},
	} {
		if got := tc.l.message(11000); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestRedisPort(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		conf string
		port int
		ok   bool
	}{
		{"port 11000\nbind 127.0.0.1\n", 11000, true},
		{"# port 1\n  Port   12000  \r\nport 13000\n", 13000, true},
		{"include other.conf\n", 0, false},
		{"port 0\n", 0, true},
		{"port x\nport 70000\n", 0, false},
		{"", 0, false},
	} {
		p := filepath.Join(dir, "r.conf")
		if err := os.WriteFile(p, []byte(tc.conf), 0o644); err != nil {
			t.Fatal(err)
		}
		port, ok, err := RedisPort(p)
		if err != nil || port != tc.port || ok != tc.ok {
			t.Errorf("RedisPort(%q) = %d, %v, %v; want %d, %v", tc.conf, port, ok, err, tc.port, tc.ok)
		}
	}
	if _, _, err := RedisPort(filepath.Join(dir, "nosuch.conf")); !os.IsNotExist(err) {
		t.Errorf("missing file: err %v", err)
	}
}

// BenchmarkCheckBench measures Check on a Frappe bench's Procfile, the
// size the checks before start must stay fast for (well under 50 ms).
func BenchmarkCheckBench(b *testing.B) {
	dir := b.TempDir()
	for name, content := range benchTree {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if !strings.HasSuffix(name, "/") {
			os.WriteFile(p, []byte(content), 0o755)
		}
	}
	env := append(os.Environ(), "PATH="+filepath.Join(dir, "bin")+":"+os.Getenv("PATH"))
	var procs []Proc
	for i, line := range []string{
		"redis-server config/redis_cache.conf",
		"redis-server config/redis_queue.conf",
		"bench serve --port 8000",
		"/usr/bin/node apps/frappe/socketio.js",
		"bench watch",
		"bench schedule",
		"bench worker 1>> logs/worker.log 2>> logs/worker.error.log",
		"bench worker --queue custom 1>> logs/worker.log 2>> logs/worker.error.log",
	} {
		procs = append(procs, Proc{Name: strconv.Itoa(i), Command: line, Env: env, Dir: dir, Port: 5000 + 100*i})
	}
	b.ResetTimer()
	for b.Loop() {
		Check(procs)
	}
}

// BenchmarkCheckBusyPort measures the slow path: finding which process
// holds a busy port (on Linux, a walk over every process's open files).
func BenchmarkCheckBusyPort(b *testing.B) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	procs := []Proc{{Name: "x", Command: "sh -c x $PORT", Dir: b.TempDir(), Port: l.Addr().(*net.TCPAddr).Port}}
	for b.Loop() {
		if len(Check(procs)) != 1 {
			b.Fatal("the port is not reported busy")
		}
	}
}
