package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Command-line compatibility with honcho: where the shared options may go,
// how the Procfile, the app root and the env files are found, and the
// errors for names and flag values that make no sense.

// A Procfile whose one process prints where it runs and what it got.
const compatWhere = "where: echo cwd=$(pwd -P) V=$V; sleep 30\n"

func TestCompatSharedFlagsBeforeOrAfterTheSubcommand(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		"P":        "web: echo from-P V=$V; sleep 30\n",
		"Procfile": "web: echo from-Procfile; sleep 30\n",
		"x.env":    "V=x\n",
	})
	for _, argv := range [][]string{
		{"-f", "P", "start"},
		{"start", "-f", "P"},
		{"--procfile", "P", "start"},
		{"start", "--procfile=P"},
	} {
		t.Run(strings.Join(argv, " "), func(t *testing.T) {
			compatUntil(t, dir, []string{"V="}, append(argv, "--no-colour"), `^`+compatStamp+`web\.1  \| from-P V=$`)
		})
	}
	for _, argv := range [][]string{
		{"-e", "x.env", "--no-prefix", "start", "-f", "P"},
		{"start", "-f", "P", "-e", "x.env", "--no-prefix"},
		{"--env=x.env", "start", "--procfile", "P", "--no-prefix"},
	} {
		t.Run(strings.Join(argv, " "), func(t *testing.T) {
			r := compatUntil(t, dir, nil, argv, `^from-P V=x$`)
			if strings.Contains(r.Stdout(), "| ") {
				t.Errorf("--no-prefix was ignored:\n%s", r.Stdout())
			}
		})
	}
	for _, argv := range [][]string{
		{"--no-colour", "start"},
		{"--no-color", "start"},
		{"start", "--no-colour"},
		{"start", "--no-color"},
	} {
		t.Run(strings.Join(argv, " "), func(t *testing.T) {
			r := compatUntil(t, dir, []string{"FORCE_COLOR=1", "NO_COLOR="}, argv, `web\.1  \| from-Procfile$`)
			if strings.Contains(r.Stdout(), "\x1b[") {
				t.Errorf("%s: output is coloured:\n%q", strings.Join(argv, " "), r.Stdout())
			}
		})
	}
}

func TestCompatProcfileFromEnvFileThenEnvironment(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"Procfile":     "web: echo Procfile; sleep 30\n",
		"Procfile.env": "web: echo from-dotenv; sleep 30\n",
		"Procfile.os":  "web: echo from-os; sleep 30\n",
	}
	t.Run("default is Procfile", func(t *testing.T) {
		compatUntil(t, appDir(t, files), nil, []string{"start", "--no-prefix"}, `^Procfile$`)
	})
	t.Run("PROCFILE from the environment", func(t *testing.T) {
		compatUntil(t, appDir(t, files), []string{"PROCFILE=Procfile.os"}, []string{"start", "--no-prefix"}, `^from-os$`)
	})
	withEnv := map[string]string{".env": "PROCFILE=Procfile.env\n"}
	for k, v := range files {
		withEnv[k] = v
	}
	t.Run(".env beats the environment", func(t *testing.T) {
		compatUntil(t, appDir(t, withEnv), []string{"PROCFILE=Procfile.os"}, []string{"start", "--no-prefix"}, `^from-dotenv$`)
	})
	t.Run("-f beats both", func(t *testing.T) {
		compatUntil(t, appDir(t, withEnv), []string{"PROCFILE=Procfile.os"}, []string{"start", "--no-prefix", "-f", "Procfile"}, `^Procfile$`)
	})
	t.Run("-e names the env file that sets PROCFILE", func(t *testing.T) {
		dir := appDir(t, withEnv)
		if err := os.Rename(filepath.Join(dir, ".env"), filepath.Join(dir, "other.env")); err != nil {
			t.Fatal(err)
		}
		compatUntil(t, dir, nil, []string{"start", "--no-prefix", "-e", "other.env"}, `^from-dotenv$`)
	})
}

func TestCompatAppRootIsTheWorkingDirectory(t *testing.T) {
	t.Parallel()
	top := appDir(t, map[string]string{
		"app/Procfile": compatWhere,
		"app/.env":     "V=app\n",
		"other/.env":   "V=other\n",
		".env":         "V=top\n",
	})
	top = compatRealpath(t, top)
	t.Run("without -d: the Procfile's folder", func(t *testing.T) {
		// The env files are still read from the current directory, as honcho does.
		compatUntil(t, top, nil, []string{"start", "--no-prefix", "-f", "app/Procfile"},
			`^cwd=`+regexp.QuoteMeta(top+"/app")+` V=top$`)
	})
	t.Run("-d: the app root, its .env and its Procfile", func(t *testing.T) {
		compatUntil(t, top, nil, []string{"-d", "app", "start", "--no-prefix"},
			`^cwd=`+regexp.QuoteMeta(top+"/app")+` V=app$`)
	})
	t.Run("-d with a Procfile elsewhere", func(t *testing.T) {
		compatUntil(t, top, nil, []string{"start", "--no-prefix", "--app-root", top + "/other", "-f", top + "/app/Procfile"},
			`^cwd=`+regexp.QuoteMeta(top+"/other")+` V=other$`)
	})
}

func TestCompatEnvFiles(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"Procfile": "show: echo A=$A B=$B C=$C; sleep 30\n",
		"a.env":    "A=a\nB=a\n",
		"b.env":    "B=b\nC=b\n",
		".env":     "A=dot\n",
	}
	unsetABC := []string{"A=", "B=", "C="}
	t.Run("default .env", func(t *testing.T) {
		compatUntil(t, appDir(t, files), unsetABC, []string{"start", "--no-prefix"}, `^A=dot B= C=$`)
	})
	t.Run("comma list, later files win", func(t *testing.T) {
		compatUntil(t, appDir(t, files), unsetABC, []string{"start", "--no-prefix", "-e", "a.env,b.env"}, `^A=a B=b C=b$`)
	})
	t.Run("the default .env may be absent", func(t *testing.T) {
		compatUntil(t, appDir(t, map[string]string{"Procfile": files["Procfile"]}), unsetABC,
			[]string{"start", "--no-prefix"}, `^A= B= C=$`)
	})
	t.Run("a named env file may not", func(t *testing.T) {
		dir := appDir(t, files)
		compatFail(t, dir, nil, 0, []string{"start", "-e", "a.env,missing.env"}, `missing\.env`)
		compatFail(t, dir, nil, 0, []string{"start", "-e", "missing.env"}, `missing\.env`)
		os.Remove(filepath.Join(dir, ".env"))
		compatFail(t, dir, nil, 0, []string{"start", "-e", ".env"}, `\.env`)
	})
}

func TestCompatUnknownProcessName(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{"Procfile": "web: sleep 30\nworker: sleep 30\n"})
	compatFail(t, dir, nil, 1, []string{"start", "web", "nope"},
		`Process type 'nope' does not exist in Procfile`, `web, worker`)
	compatFail(t, dir, nil, 0, []string{"start", "-c", "nope=2"}, `nope`, `web, worker`)
	compatFail(t, dir, nil, 0, []string{"start", "-q", "nope"}, `nope`, `web, worker`)
}

func TestCompatMalformedFlagValues(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{"Procfile": "web: sleep 30\nworker: sleep 30\n"})
	for _, tc := range []struct {
		argv []string
		want string // in stderr
	}{
		{[]string{"start", "-c", "web"}, `-c/--concurrency.*"web"`},
		{[]string{"start", "-c", "web=x"}, `-c/--concurrency.*"web=x"`},
		{[]string{"start", "-c", "web=-1"}, `-c/--concurrency`},
		{[]string{"start", "-c", "=2"}, `-c/--concurrency`},
		{[]string{"start", "-c", "web=1=2"}, `-c/--concurrency`},
		{[]string{"start", "-p", "abc"}, `-p/--port.*"abc"`},
		{[]string{"start", "-p", "0"}, `-p/--port`},
		{[]string{"start", "-p", "-1"}, `-p/--port`},
		{[]string{"start", "-p", "65536"}, `-p/--port`},
		{[]string{"start", "-p", "50OO"}, `-p/--port`},
		{[]string{"start", "-t", "abc"}, `-t/--timeout.*"abc"`},
		{[]string{"start", "-t", "-1"}, `-t/--timeout`},
		{[]string{"start", "-t", "NaN"}, `-t/--timeout`},
		{[]string{"start", "-t", "Inf"}, `-t/--timeout`},
		{[]string{"start", "-t", "1e400"}, `-t/--timeout`},
		{[]string{"start", "-t", ""}, `-t/--timeout`},
		{[]string{"start", "--no-such-flag"}, `no-such-flag`},
		{[]string{"start", "-c"}, `needs an argument`},
		{[]string{"no-such-command"}, `no-such-command`},
		{[]string{"run"}, `arg`},
	} {
		t.Run(strings.Join(tc.argv, " "), func(t *testing.T) {
			t.Parallel()
			compatFail(t, dir, nil, 0, tc.argv, tc.want)
		})
	}
}

func TestCompatPortPast65535FailsBeforeAnythingStarts(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{"Procfile": "web: echo ran > ran.txt\nworker: echo ran > ran.txt\n"})
	compatFail(t, dir, nil, 0, []string{"start", "-p", "65500"}, `worker\.1`, `65600`, `65535`)
	compatFail(t, dir, nil, 0, []string{"start", "-p", "65535", "-c", "web=2", "web"}, `web\.2`, `65536`)
	compatFail(t, dir, []string{"PORT=65450"}, 0, []string{"start"}, `65550`)
	if _, err := os.Stat(filepath.Join(dir, "ran.txt")); err == nil {
		t.Error("a process ran although a port was out of range")
	}
	// The last port that fits is fine.
	res := compatFinish(t, dir, nil, "start", "-p", "65435", "--no-prefix", "-c", "worker=0")
	if res.code != 0 || !strings.Contains(res.stdout, "web.1 stopped (rc=0)") {
		t.Errorf("-p 65435: exit %d, stdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
}

func TestCompatVersionAndHelp(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{"Procfile": "web: sleep 30\n"})
	for _, argv := range [][]string{{"version"}, {"--version"}} {
		res := compatFinish(t, dir, nil, argv...)
		if res.code != 0 || !regexp.MustCompile(`^hancho \S+\n$`).MatchString(res.stdout) {
			t.Errorf("hancho %s: exit %d, stdout %q; want 0 and \"hancho VERSION\"", argv[0], res.code, res.stdout)
		}
	}
	for _, tc := range []struct {
		argv []string
		want string
	}{
		{[]string{"--help"}, `(?s)Usage:.*check.*run.*start`},
		{[]string{"help"}, `(?s)Usage:.*check.*run.*start`},
		{[]string{"-h"}, `(?s)Usage:.*start`},
		{[]string{"start", "--help"}, `(?s)start \[PROCESS\.\.\.\].*--concurrency.*--no-timestamp.*--port.*--quiet.*--timeout.*--no-colour.*--no-prefix.*--procfile`},
		{[]string{"start", "-h"}, `start \[PROCESS\.\.\.\]`},
		{[]string{"help", "start"}, `start \[PROCESS\.\.\.\]`},
		{[]string{"run", "--help"}, `run \[--\] COMMAND`},
		{[]string{"help", "run"}, `run \[--\] COMMAND`},
		{[]string{"check", "--help"}, `(?s)Usage:.*check`},
		{[]string{"help", "check"}, `(?s)Usage:.*check`},
		{[]string{"version", "--help"}, `(?s)Usage:.*version`},
		{[]string{"help", "version"}, `(?s)Usage:.*version`},
		{[]string{"completion", "--help"}, `(?s)Usage:.*completion`},
		{[]string{"help", "completion"}, `(?s)Usage:.*completion`},
	} {
		t.Run(strings.Join(tc.argv, " "), func(t *testing.T) {
			t.Parallel()
			res := compatFinish(t, dir, nil, tc.argv...)
			if res.code != 0 || !regexp.MustCompile(tc.want).MatchString(res.stdout) {
				t.Errorf("exit %d, stdout:\n%s\nwant exit 0 and %q", res.code, res.stdout, tc.want)
			}
		})
	}
}

func TestCompatCompletion(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{"Procfile": "web: sleep 30\nworker: sleep 30\n"})
	for _, name := range []string{"hancho", "honcho"} {
		res := compatFinish(t, dir, nil, name, "completion", "bash")
		if res.code != 0 || !strings.Contains(res.stdout, "complete ") || !strings.Contains(res.stdout, "__start_"+name) {
			t.Fatalf("%s completion bash: exit %d, stdout starts %.200q", name, res.code, res.stdout)
		}
		if bash, err := exec.LookPath("bash"); err == nil {
			check := exec.Command(bash, "-n")
			check.Stdin = strings.NewReader(res.stdout)
			if out, err := check.CombinedOutput(); err != nil {
				t.Errorf("%s completion bash is not valid bash: %v\n%s", name, err, out)
			}
		}
	}
	// The script asks hancho for candidates: process names for start.
	res := compatFinish(t, dir, nil, "__complete", "start", "")
	if res.code != 0 || !regexp.MustCompile(`(?m)^web\nworker\n:\d+\n`).MatchString(res.stdout) {
		t.Errorf("completing `start `: exit %d, stdout %q; want web and worker", res.code, res.stdout)
	}
}

func TestCompatInvokedAsHoncho(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		"Procfile": "web: echo hello $HONCHO_PROCESS_NAME; sleep 30\nworker: sleep 30\n",
		".env":     "X=from-env-file\n",
	})
	compatUntil(t, dir, nil, []string{"honcho", "start", "--no-colour"},
		`^`+compatStamp+`web\.1    \| hello web\.1$`,
		`^`+compatStamp+`system   \| worker\.1 started \(pid=\d+\)$`)
	res := compatFinish(t, dir, nil, "honcho", "check")
	if res.code != 0 || res.stdout != "valid procfile detected (web, worker)\n" {
		t.Errorf("honcho check: exit %d, stdout %q", res.code, res.stdout)
	}
	res = compatFinish(t, dir, nil, "honcho", "run", "sh", "-c", "echo $X; exit 3")
	if res.code != 3 || res.stdout != "from-env-file\n" {
		t.Errorf("honcho run: exit %d, stdout %q; want 3 and from-env-file", res.code, res.stdout)
	}
	res = compatFinish(t, dir, nil, "honcho", "version")
	if res.code != 0 || res.stdout == "" {
		t.Errorf("honcho version: exit %d, stdout %q", res.code, res.stdout)
	}
	res = compatFinish(t, dir, nil, "honcho", "--help")
	if res.code != 0 || !strings.Contains(res.stdout, "honcho [command]") {
		t.Errorf("honcho --help: exit %d, usage does not name honcho:\n%s", res.code, res.stdout)
	}
}

// Frappe's `bench start` runs, from the bench root,
// execv("honcho", ["honcho", "start", "-c", X, "-f", P, "--no-prefix"])
// with PYTHONUNBUFFERED=true and DEV_SERVER=true.
func TestCompatFrappeBenchStart(t *testing.T) {
	t.Parallel()
	// printenv rather than $PORT: see compatPorts.
	dir := appDir(t, map[string]string{
		"Procfile.dev": "" +
			"redis_cache: echo cache port=$(printenv PORT); sleep 30\n" +
			"redis_queue: echo queue port=$(printenv PORT); sleep 30\n" +
			"web: echo web dev=$DEV_SERVER unbuffered=$PYTHONUNBUFFERED port=$(printenv PORT); sleep 30\n" +
			"socketio: echo socketio $PS; sleep 30\n" +
			"watch: echo watch; sleep 30\n" +
			"schedule: echo schedule; sleep 30\n" +
			// fd 3 keeps hancho's pipe, to say when the logs are written.
			"worker: exec 3>&1; sh -c 'echo out $PS; echo err $PS >&2; echo logged $PS >&3; exec sleep 30' 1>> logs/worker.log 2>> logs/worker.error.log\n" +
			"worker_custom: OBJC_DISABLE_INITIALIZE_FORK_SAFETY=YES NO_PROXY=* sh -c 'echo custom $OBJC_DISABLE_INITIALIZE_FORK_SAFETY; exec sleep 30'\n",
		"logs/.keep": "",
	})
	env := []string{"PYTHONUNBUFFERED=true", "DEV_SERVER=true", "PORT="}
	r := compatUntil(t, dir, env, []string{"honcho", "start", "-c", "worker=2,watch=0", "-f", "Procfile.dev", "--no-prefix"},
		`^cache port=5000$`,
		`^queue port=5100$`,
		`^web dev=true unbuffered=true port=5200$`,
		`^socketio socketio\.1$`,
		`^schedule$`,
		`^custom YES$`,
		`^logged worker\.1$`,
		`^logged worker\.2$`,
	)
	if strings.Contains(r.Stdout(), "watch") {
		t.Errorf("-c watch=0 did not drop watch:\n%s", r.Stdout())
	}
	if strings.Contains(r.Stdout(), "out worker") || strings.Contains(r.Stdout(), "err worker") {
		t.Errorf("worker output was redirected to logs/ but shows on screen:\n%s", r.Stdout())
	}
	for file, want := range map[string][]string{
		"logs/worker.log":       {"out worker.1", "out worker.2"},
		"logs/worker.error.log": {"err worker.1", "err worker.2"},
	} {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(string(data), w+"\n") {
				t.Errorf("%s = %q, want a line %q", file, data, w)
			}
		}
	}
}

// Bad input of every kind is an error message, never a Go panic.
func TestCompatNoPanicOnHostileInput(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("x", 1<<20)
	for _, tc := range []struct {
		name, procfile, env string
	}{
		{"binary Procfile", "\x00\x01\x02web\x00: \xff\xfe\n\x00", ""},
		{"invalid UTF-8 names", "w\xffb: echo\n\xc3: x\n", ""},
		{"only colons", ":\n::\n: :\n", ""},
		{"huge line", "web" + huge + ": x\n" + huge + "\n", ""},
		{"env: binary", "web: true\n", "\x00\xff=\x01\n"},
		{"env: unclosed reference", "web: true\n", "A=${B\n"},
		{"env: bad reference", "web: true\n", "A=${B:?is required}\n"},
		{"env: lone quote", "web: true\n", "'\n"},
		{"env: lone export", "web: true\n", "export\n"},
		{"env: equals only", "web: true\n", "=\n"},
		{"env: huge", "web: true\n", "A=\"" + huge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := appDir(t, map[string]string{"Procfile": tc.procfile, ".env": tc.env})
			for _, argv := range [][]string{{"check"}, {"start", "-t", "0.1"}, {"run", "true"}} {
				compatFinish(t, dir, nil, argv...) // fails on a panic
			}
		})
	}
}
