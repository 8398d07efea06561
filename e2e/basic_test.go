package e2e

import (
	"syscall"
	"testing"
)

func TestStartPrintsHonchoFormat(t *testing.T) {
	dir := appDir(t, map[string]string{
		"Procfile": "web: echo hello from $PS on $PORT; sleep 30\nworker: sleep 30\n",
	})
	mark := marker(t)
	r := start(t, dir, []string{mark}, "start", "--no-colour")
	r.WaitLine(`^\d\d:\d\d:\d\d web\.1    \| hello from web\.1 on 5000$`)
	r.WaitLine(`^\d\d:\d\d:\d\d system   \| worker\.1 started \(pid=\d+\)$`)
	r.Signal(syscall.SIGINT)
	if code := r.Wait(); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	r.WaitLine(`system   \| SIGINT received$`)
	noneLeft(t, mark)
}
