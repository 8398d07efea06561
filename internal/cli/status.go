package cli

import (
	"encoding/json"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/hancho-dev/hancho/internal/supervise"
)

func (m *Main) statusCommand(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "status",
		Aliases: []string{"ps"},
		Short:   "Show the processes of the hancho running in this app root",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, root, err := m.client(g)
			if err != nil {
				return err
			}
			reply, err := c.Do(ctlContext(cmd), "status", nil)
			if err != nil {
				return notRunning(err, root)
			}
			if asJSON {
				procs := reply.Procs
				if procs == nil {
					procs = []supervise.ProcStatus{}
				}
				enc := json.NewEncoder(m.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(procs)
			}
			m.printStatus(reply.Procs)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON list of {name, pid, state, restarts, uptime, exit_code}")
	return cmd
}

// printStatus prints one row per process.
func (m *Main) printStatus(procs []supervise.ProcStatus) {
	w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tPID\tSTATE\tRESTARTS\tUPTIME\tEXIT")
	for _, p := range procs {
		pid, uptime, exit := "-", "-", "-"
		if p.PID != 0 {
			pid = strconv.Itoa(p.PID)
			uptime = (time.Duration(p.Uptime) * time.Second).String()
		}
		if p.ExitCode != nil {
			exit = strconv.Itoa(*p.ExitCode)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\t%s\n", p.Name, pid, p.State, p.Restarts, uptime, exit)
	}
	w.Flush()
}

func (m *Main) restartCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "restart NAME...",
		Short: "Restart processes of the running hancho (names or globs: web.1, web, 'worker*')",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, names []string) error {
			c, root, err := m.client(g)
			if err != nil {
				return err
			}
			reply, err := c.Do(ctlContext(cmd), "restart", names)
			if err != nil {
				return notRunning(err, root)
			}
			m.printStatus(reply.Procs)
			return nil
		},
	}
}
