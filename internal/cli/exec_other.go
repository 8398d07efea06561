//go:build !unix

package cli

import (
	"fmt"
	"os/exec"
)

// execCommand runs the command as a child: Windows has no exec.
func (m *Main) execCommand(argv, env []string) error {
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return exitErrorMsg(m, 127, fmt.Sprintf("%s: command not found; check the name and PATH", argv[0]))
	}
	return m.runChild(path, argv, env)
}
