package cli

import (
	"errors"
	"fmt"
	"os/exec"
)

// runChild runs the command as a child with hancho's streams and returns
// its exit code.
func (m *Main) runChild(path string, argv, env []string) error {
	c := exec.Command(path, argv[1:]...)
	c.Env, c.Stdin, c.Stdout, c.Stderr = env, m.Stdin, m.Stdout, m.Stderr
	err := c.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return exitError{ee.ExitCode()}
	}
	return err
}

// exitErrorMsg prints msg and exits with code.
func exitErrorMsg(m *Main, code int, msg string) error {
	fmt.Fprintf(m.Stderr, "hancho: %s\n", msg)
	return exitError{code}
}
