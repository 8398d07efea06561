package e2e

import (
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// hancho.yaml as a file (issue 5): each error names file:line for both
// start and check; check prints the start order; --config; env and dir.

func TestPolicyConfigErrors(t *testing.T) {
	const procfile = "a: exec sleep 60\nb: exec sleep 60\n"
	for _, tc := range []struct {
		name   string
		config string
		line   string // the line the message names
		want   string // a regular expression the message matches
	}{
		{"unknown key", "processes:\n  a:\n    restrat: always\n", "3",
			`unknown key "restrat" in process "a"; known keys: restart, optional`},
		{"unknown top-level key", "timeuot: 5s\n", "1",
			`unknown key "timeuot"; known keys: timeout, processes`},
		{"unknown probe key", "processes:\n  a:\n    ready:\n      tcp: 127.0.0.1:1\n      retries: 3\n", "5",
			`unknown key "retries" in ready of process "a"`},
		{"bad restart", "processes:\n  a:\n    restart: maybe\n", "3",
			`restart of process "a" is "maybe"; use no, on-failure or always`},
		{"bad optional", "processes:\n  a:\n    optional: sometimes\n", "3",
			`optional of process "a" must be true or false`},
		{"bad stop_timeout", "processes:\n  a:\n    stop_timeout: soon\n", "3",
			`stop_timeout of process "a" is "soon", which is not a duration`},
		{"bad timeout", "timeout: -5s\n", "1",
			`timeout is "-5s", which is negative`},
		{"bad signal name", "processes:\n  a:\n    stop_signal: TERMINATE\n", "3",
			`stop_signal of process "a" is "TERMINATE", which is not a signal name`},
		{"bad probe", "processes:\n  a:\n    ready: {tcp: localhost}\n", "3",
			`ready tcp of process "a" is "localhost", which is not host:port`},
		{"two probes", "processes:\n  a:\n    ready:\n      tcp: 127.0.0.1:1\n      log: up\n", "5",
			`ready of process "a" has both tcp and log; keep one probe`},
		{"unknown depends_on name", "processes:\n  a:\n    depends_on: [nope]\n", "2",
			`process "a" depends on "nope", which is not in the Procfile \(known: a, b\)`},
		{"self dependency", "processes:\n  a:\n    depends_on: [a]\n", "2",
			`process "a" depends on itself`},
		{"cycle", "processes:\n  a:\n    depends_on: [b]\n  b:\n    depends_on: [a]\n", "2",
			`depends_on cycle: a -> b -> a`},
		{"unknown process", "processes:\n  wrker:\n    optional: true\n", "2",
			`process "wrker" is not in the Procfile \(known: a, b\)`},
		{"YAML syntax", "processes:\n  a:\n    restart: always\n   optional: true\n", "4",
			``},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := appDir(t, map[string]string{"Procfile": procfile, "hancho.yaml": tc.config})
			want := regexp.MustCompile(regexp.QuoteMeta(filepath.Join(dir, "hancho.yaml")) + ":" + tc.line + ": " + tc.want)
			for _, cmd := range []string{"start", "check"} {
				code, out, errOut := polCheck(t, dir, cmd)
				if code == 0 {
					t.Errorf("hancho %s: exit code 0, want non-zero", cmd)
				}
				if !want.MatchString(errOut) {
					t.Errorf("hancho %s: stderr does not match %q:\n%s", cmd, want, errOut)
				}
				if strings.Contains(out, "started") {
					t.Errorf("hancho %s started processes despite the error:\n%s", cmd, out)
				}
			}
		})
	}
}

// Every problem is reported at once, each with its line.
func TestPolicyConfigErrorsAllReported(t *testing.T) {
	dir := appDir(t, map[string]string{
		"Procfile":    "a: exec sleep 60\nb: exec sleep 60\n",
		"hancho.yaml": "timeout: never\nprocesses:\n  a:\n    restart: maybe\n    stop_signal: NOPE\n  c:\n    optional: true\n",
	})
	code, _, errOut := polCheck(t, dir, "check")
	if code == 0 {
		t.Errorf("exit code 0, want non-zero")
	}
	for _, line := range []string{"1", "4", "5"} {
		if !strings.Contains(errOut, "hancho.yaml:"+line+": ") {
			t.Errorf("no problem reported at line %s:\n%s", line, errOut)
		}
	}
}

func TestPolicyFlagErrors(t *testing.T) {
	dir := appDir(t, map[string]string{"Procfile": "a: exec sleep 60\nb: exec sleep 60\n"})
	for _, tc := range []struct {
		args []string
		want []string // in the message
	}{
		{[]string{"start", "--restart", "a,nope"}, []string{"--restart", `"nope"`}},
		{[]string{"start", "--optional", "nope"}, []string{"--optional", `"nope"`}},
		{[]string{"start", "--config", "missing.yaml"}, []string{"missing.yaml", "not found"}},
		{[]string{"check", "--config", "missing.yaml"}, []string{"missing.yaml", "not found"}},
	} {
		cmd := strings.Join(tc.args, " ")
		code, out, errOut := polCheck(t, dir, tc.args...)
		if code == 0 {
			t.Errorf("hancho %s: exit code 0, want non-zero", cmd)
		}
		for _, w := range tc.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("hancho %s: stderr lacks %q:\n%s", cmd, w, errOut)
			}
		}
		if strings.Contains(out, "started") {
			t.Errorf("hancho %s started processes:\n%s", cmd, out)
		}
	}
}

func TestPolicyCheckPrintsStartOrder(t *testing.T) {
	dir := appDir(t, map[string]string{
		"Procfile": "redis_queue: exec sleep 60\nweb: exec sleep 60\nsocketio: exec sleep 60\nworker: exec sleep 60\nwatch: exec sleep 60\n",
		"hancho.yaml": "timeout: 5s\nprocesses:\n" +
			"  worker:\n    stop_timeout: 360s\n    depends_on: [redis_queue, web]\n" +
			"  web:\n    depends_on: [redis_queue]\n" +
			"  socketio:\n    depends_on: [redis_queue]\n" +
			"  redis_queue:\n    ready: {tcp: \"127.0.0.1:11000\", timeout: 30s}\n" +
			"  watch:\n    restart: on-failure\n    optional: true\n",
	})
	code, out, errOut := polCheck(t, dir, "check")
	if code != 0 {
		t.Fatalf("exit code %d, stderr:\n%s", code, errOut)
	}
	if want := "start order: redis_queue, watch -> web, socketio -> worker\n"; !strings.Contains(out, want) {
		t.Errorf("stdout lacks %q:\n%s", want, out)
	}

	// Without hancho.yaml there is no order to print.
	dir = appDir(t, map[string]string{"Procfile": "a: exec sleep 60\n"})
	code, out, errOut = polCheck(t, dir, "check")
	if code != 0 {
		t.Fatalf("exit code %d, stderr:\n%s", code, errOut)
	}
	if strings.Contains(out, "start order") {
		t.Errorf("start order printed without hancho.yaml:\n%s", out)
	}
}

// --config reads another file instead of hancho.yaml, for start and check,
// and names it in messages.
func TestPolicyConfigFlag(t *testing.T) {
	dir := appDir(t, map[string]string{
		"Procfile": "once: echo bye; exit 3\nsteady: echo steady up; exec sleep 60\n",
		// Not read when --config is given.
		"hancho.yaml":      "this is: [not valid\n",
		"conf/policy.yaml": "processes:\n  once:\n    optional: true\n",
		"conf/broken.yaml": "processes:\n  once:\n    optional: maybe\n",
	})
	code, out, errOut := polCheck(t, dir, "check", "--config", "conf/policy.yaml")
	if code != 0 || !strings.Contains(out, "start order: once, steady") {
		t.Errorf("check --config: exit code %d, stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	code, _, errOut = polCheck(t, dir, "check", "--config", "conf/broken.yaml")
	if code == 0 || !strings.Contains(errOut, "conf/broken.yaml:3: ") {
		t.Errorf("check --config broken: exit code %d, stderr:\n%s", code, errOut)
	}

	r, mark := polStart(t, dir, "--config", "conf/policy.yaml")
	r.WaitLine(polSys(`once\.1 stopped \(rc=3\)`))
	r.WaitLine(polOut("steady.1", "steady up"))
	r.Signal(syscall.SIGINT)
	if code := r.Wait(); code != 130 {
		t.Errorf("exit code = %d, want 130 (once is optional)", code)
	}
	noneLeft(t, mark)
	polOrder(t, r.Stdout(), polSys(`SIGINT received`), polSys(`sending SIGTERM to steady\.1`))
}

// env and dir reach the process: env after .env, dir relative to the app
// root; other processes are untouched.
func TestPolicyEnvAndDir(t *testing.T) {
	dir := appDir(t, map[string]string{
		"Procfile":    "web: echo \"web FOO=$FOO NUM=$NUM KEEP=$KEEP pwd=$(pwd -P)\"; exec sleep 60\nother: echo \"other FOO=$FOO NUM=$NUM pwd=$(pwd -P)\"; exec sleep 60\n",
		".env":        "FOO=from-dotenv\nKEEP=kept\n",
		"hancho.yaml": "processes:\n  web:\n    env: {FOO: bar, NUM: 3}\n    dir: sites\n",
		"sites/x":     "",
	})
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, mark := polStart(t, dir)
	web := r.WaitLine(polOut("web.1", `web (.*)$`))
	other := r.WaitLine(polOut("other.1", `other (.*)$`))
	r.Signal(syscall.SIGINT)
	r.Wait()
	noneLeft(t, mark)
	if want := "FOO=bar NUM=3 KEEP=kept pwd=" + filepath.Join(root, "sites"); web[1] != want {
		t.Errorf("web got %q, want %q", web[1], want)
	}
	if want := "FOO=from-dotenv NUM= pwd=" + root; other[1] != want {
		t.Errorf("other got %q, want %q", other[1], want)
	}
}

// bench start runs `honcho start -f Procfile --no-prefix` from the bench
// root: hancho.yaml beside the Procfile applies without any flag.
func TestPolicyFoundWhenRunAsHonchoByBench(t *testing.T) {
	dir := appDir(t, map[string]string{
		"Procfile":    "schedule: echo another scheduler holds the lock; exit 0\nweb: echo web up; exec sleep 60\n",
		"hancho.yaml": "processes:\n  schedule:\n    optional: true\n",
	})
	mark := marker(t)
	r := start(t, dir, []string{mark, polNoRaceSleep, "PYTHONUNBUFFERED=true", "DEV_SERVER=true"},
		"honcho", "start", "-f", "Procfile", "--no-prefix")
	r.WaitLine(`^schedule\.1 stopped \(rc=0\)$`)
	r.WaitLine(`^web up$`)
	r.Signal(syscall.SIGINT)
	if code := r.Wait(); code != 130 {
		t.Errorf("exit code = %d, want 130 (schedule is optional)", code)
	}
	noneLeft(t, mark)
	polOrder(t, r.Stdout(), `^SIGINT received$`, `^sending SIGTERM to web\.1`)
}
