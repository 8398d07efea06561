//go:build !unix

package cli

import "errors"

// serve needs process groups, signals and wait4: Unix only.
func (m *Main) serve(*globals, *startFlags, *runPlan) error {
	return errors.New("hancho start runs on Linux and macOS; on Windows, run it under WSL (check, run and export work here)")
}
