package e2e

import (
	"testing"
)

// `hancho run`: one command with the app's environment, the caller's
// streams and its exit code.

func TestCompatRun(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		".env":     "FROM_ENV=dotenv value\nPORT=7000\n",
		"x.env":    "FROM_ENV=x\n",
		"Procfile": "web: sleep 30\n",
	})
	for _, tc := range []struct {
		name   string
		env    []string
		argv   []string
		code   int
		stdout string
	}{
		{"env from .env", nil, []string{"run", "printenv", "FROM_ENV"}, 0, "dotenv value\n"},
		{"OS environment too", []string{"OSVAR=os"}, []string{"run", "printenv", "OSVAR"}, 0, "os\n"},
		{".env beats the OS", []string{"FROM_ENV=os"}, []string{"run", "printenv", "FROM_ENV"}, 0, "dotenv value\n"},
		{"-e before run", nil, []string{"-e", "x.env", "run", "printenv", "FROM_ENV"}, 0, "x\n"},
		{"-e after run", nil, []string{"run", "-e", "x.env", "printenv", "FROM_ENV"}, 0, "x\n"},
		{"no PS for run", []string{"PS="}, []string{"run", "sh", "-c", `echo "[$PS][$HONCHO_PROCESS_NAME]"`}, 0, "[][]\n"},
		{"arguments exactly as given", nil,
			[]string{"run", "printf", "[%s]", "a b", "$FROM_ENV", "'q'", "*", "-f", "--help", ""}, 0,
			"[a b][$FROM_ENV]['q'][*][-f][--help][]"},
		{"flags after the command are its own", nil, []string{"run", "sh", "-c", "exit 7"}, 7, ""},
		{"-- separator", nil, []string{"run", "--", "sh", "-c", "echo $0 $1", "x", "-e"}, 0, "x -e\n"},
		{"one argument with shell syntax", nil, []string{"run", "echo $FROM_ENV && echo second; exit 4"}, 4, "dotenv value\nsecond\n"},
		{"exit code", nil, []string{"run", "false"}, 1, ""},
		{"a command that is not found", nil, []string{"run", "no-such-command-hancho"}, 127, ""},
		{"cwd is the caller's", nil, []string{"run", "pwd", "-P"}, 0, compatRealpath(t, dir) + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := compatFinish(t, dir, tc.env, tc.argv...)
			if res.code != tc.code || res.stdout != tc.stdout {
				t.Errorf("exit %d, stdout %q; want %d, %q (stderr %q)", res.code, res.stdout, tc.code, tc.stdout, res.stderr)
			}
		})
	}
}

func TestCompatRunStdinPassesThrough(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{})
	r := compatStartWith(t, dir, nil, compatStdin("line one\nline two\n"), "run", "sh", "-c", "cat; echo done")
	if code := r.Wait(); code != 0 {
		t.Errorf("exit code %d", code)
	}
	if got := r.Stdout(); got != "line one\nline two\ndone\n" {
		t.Errorf("stdout %q: run did not pass stdin through", got)
	}
}

func TestCompatRunStderrPassesThrough(t *testing.T) {
	t.Parallel()
	res := compatFinish(t, appDir(t, nil), nil, "run", "sh", "-c", "echo out; echo err >&2")
	if res.stdout != "out\n" || res.stderr != "err\n" {
		t.Errorf("stdout %q, stderr %q; want out and err, apart", res.stdout, res.stderr)
	}
}
