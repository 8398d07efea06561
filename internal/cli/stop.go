package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/hancho-dev/hancho/internal/control"
	"github.com/hancho-dev/hancho/internal/rundir"
)

func (m *Main) stopCommand(g *globals) *cobra.Command {
	var timeout string
	cmd := &cobra.Command{
		Use:   "stop [NAME...]",
		Short: "Stop processes of the running hancho, or all of it",
		Long: `With names (web.1, web, 'worker*'): stop those processes gracefully and keep
them stopped while the rest run.

Without names: stop the running hancho as Ctrl-C would, and wait for it to
exit. When no hancho runs but a dead run (killed, crashed) left processes
behind, stop those and say which.`,
		RunE: func(cmd *cobra.Command, names []string) error {
			secs, err := parseSeconds("-t/--timeout", timeout)
			if err != nil {
				return err
			}
			root := m.appRoot(g)
			c := control.NewClient(rundir.SocketPath(root))
			if len(names) > 0 {
				reply, err := c.Do(ctlContext(cmd), "stop", names)
				if err != nil {
					return notRunning(m.explainNotRunning(err, root), root)
				}
				m.printStatus(reply.Procs)
				return nil
			}
			rec, _ := rundir.Read(root)
			_, err = c.Do(ctlContext(cmd), "shutdown", nil)
			if err == nil {
				if rec != nil {
					fmt.Fprintf(m.Stdout, "stopping hancho (pid %d) in %s\n", rec.PID, root)
				}
				if !rundir.WaitReleased(root, 24*time.Hour) {
					return fmt.Errorf("hancho in %s is still stopping", root)
				}
				fmt.Fprintln(m.Stdout, "stopped")
				return nil
			}
			if !errors.Is(err, control.ErrNotRunning) {
				return err
			}
			return m.stopLeftovers(root, rec, time.Duration(secs*float64(time.Second)))
		},
	}
	cmd.Flags().StringVarP(&timeout, "timeout", "t", "5", "for processes left by a dead run: seconds between SIGTERM and SIGKILL")
	return cmd
}

// explainNotRunning turns "no socket" into the not-running error.
func (m *Main) explainNotRunning(err error, root string) error {
	if errors.Is(err, control.ErrNotRunning) {
		return fmt.Errorf("%w in %s; start one with `hancho start`, or name the app with -d", control.ErrNotRunning, root)
	}
	return err
}

// stopLeftovers ends what a dead run left behind, from its record.
func (m *Main) stopLeftovers(root string, rec *rundir.Record, timeout time.Duration) error {
	if rec == nil {
		return fmt.Errorf("%w in %s, and no earlier run left a record there; nothing to stop", control.ErrNotRunning, root)
	}
	if rundir.Held(root) {
		return fmt.Errorf("hancho (pid %d) in %s does not answer on its socket; stop it with kill %d", rec.PID, root, rec.PID)
	}
	stopped := rundir.StopLeftovers(rec, timeout, func(p rundir.Proc) {
		fmt.Fprintf(m.Stdout, "stopping %s (pid %d), left by a dead run (pid %d)\n", p.Name, p.PID, rec.PID)
	})
	rundir.Remove(root)
	if stopped == 0 {
		fmt.Fprintf(m.Stdout, "no hancho is running in %s and its last run left nothing behind\n", root)
	}
	return nil
}
