//go:build unix

package cli

import (
	"fmt"
	"os/exec"
	"syscall"
)

// execCommand replaces hancho with the command, so that it owns the
// terminal, gets every signal and its exit code is hancho's.
func (m *Main) execCommand(argv, env []string) error {
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return exitErrorMsg(m, 127, fmt.Sprintf("%s: command not found; check the name and PATH", argv[0]))
	}
	if !m.Process { // called from a test: run it as a child instead
		return m.runChild(path, argv, env)
	}
	err = syscall.Exec(path, argv, env)
	return exitErrorMsg(m, 126, fmt.Sprintf("cannot run %s: %v", argv[0], err))
}
