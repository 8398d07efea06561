package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/hancho-dev/hancho/internal/control"
	"github.com/hancho-dev/hancho/internal/rundir"
)

// appRoot finds the app root the way start does: -d, else the folder of
// the Procfile (-f, else ./Procfile).
func (m *Main) appRoot(g *globals) string {
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return filepath.Clean(p)
		}
		return filepath.Join(m.Dir, p)
	}
	if g.appRoot != "" {
		return abs(g.appRoot)
	}
	if g.procfile != "" {
		return filepath.Dir(abs(g.procfile))
	}
	return m.Dir
}

// client connects to the hancho running in the app root, or explains
// that none runs.
func (m *Main) client(g *globals) (*control.Client, string, error) {
	root := m.appRoot(g)
	path := rundir.SocketPath(root)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrPermission) {
		return nil, root, fmt.Errorf("permission denied on %s: only the user who started hancho may control it", path)
	} else if err != nil {
		return nil, root, fmt.Errorf("%w in %s; start one with `hancho start`, or name the app with -d", control.ErrNotRunning, root)
	}
	return control.NewClient(path), root, nil
}

// notRunning rewrites a dial failure into a message that says where.
func notRunning(err error, root string) error {
	if errors.Is(err, control.ErrNotRunning) {
		return fmt.Errorf("%w in %s (its socket is stale); start one with `hancho start`", control.ErrNotRunning, root)
	}
	return err
}

// ctlContext is the context of a control command.
func ctlContext(cmd *cobra.Command) context.Context {
	if ctx := cmd.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}
