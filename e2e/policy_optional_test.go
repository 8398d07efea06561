package e2e

import (
	"syscall"
	"testing"
)

// optional (issue 5): an optional process's exit, 0 or not, never stops
// the others; the --optional flag does the same.
func TestPolicyOptionalExitNeverStopsOthers(t *testing.T) {
	const procfile = "ok: echo ok done; exit 0\nbad: echo bad done; exit 3\nsteady: echo steady up; exec sleep 60\n"
	for name, tc := range map[string]struct {
		files map[string]string
		args  []string
	}{
		"hancho.yaml": {files: map[string]string{
			"Procfile":    procfile,
			"hancho.yaml": "processes:\n  ok:\n    optional: true\n  bad:\n    optional: true\n",
		}},
		"--optional": {
			files: map[string]string{"Procfile": procfile},
			args:  []string{"--optional", "ok,bad"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			r, mark := polStart(t, appDir(t, tc.files), tc.args...)
			r.WaitLine(polSys(`ok\.1 stopped \(rc=0\)`))
			r.WaitLine(polSys(`bad\.1 stopped \(rc=3\)`))
			r.WaitLine(polOut("steady.1", "steady up"))
			// Had either exit stopped the run, steady would have been sent
			// SIGTERM in the same step that printed "stopped", before the
			// SIGINT below; and the exit code would not be SIGINT's.
			r.Signal(syscall.SIGINT)
			if code := r.Wait(); code != 130 {
				t.Errorf("exit code = %d, want 130 (SIGINT's)", code)
			}
			noneLeft(t, mark)
			out := r.Stdout()
			polOrder(t, out, polSys(`SIGINT received`), polSys(`sending SIGTERM to steady\.1 \(pid \d+\)`))
			polNone(t, out, `restarting`)
		})
	}
}
