package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

func (m *Main) checkCommand(g *globals) *cobra.Command {
	sf := &startFlags{}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check the Procfile, env files and hancho.yaml, and what start would need",
		Long: `Check the Procfile, the env files and hancho.yaml, and run the checks
done before start (programs, files, ports). Prints the process types (and
the start order when hancho.yaml sets one) and exits 0, or reports every
problem and exits 1.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			plan, err := m.plan(cmd, g, sf, nil, 0)
			if err != nil {
				return err
			}
			if !sf.noChecks {
				if err := m.preflight(plan); err != nil {
					return err
				}
			}
			a := plan.app
			fmt.Fprintf(m.Stdout, "valid procfile detected (%s)\n", strings.Join(a.Procfile.Names(), ", "))
			if a.Policy != nil && a.Policy.Path != "" {
				var layers []string
				for _, layer := range a.Policy.StartOrder(a.Procfile.Names()) {
					layers = append(layers, strings.Join(layer, ", "))
				}
				fmt.Fprintf(m.Stdout, "valid config detected (%s)\nstart order: %s\n", a.Policy.Path, strings.Join(layers, " -> "))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&sf.port, "port", "p", "", "base PORT, as for start")
	f.StringVarP(&sf.concurrency, "concurrency", "c", "", "instances per type, as for start")
	f.BoolVar(&sf.noChecks, "no-checks", false, "check only the files, not programs, paths and ports")
	return cmd
}

// joinLines renders a joined error one problem per line.
func joinLines(err error) string {
	var lines []string
	var multi interface{ Unwrap() []error }
	if errors.As(err, &multi) {
		for _, e := range multi.Unwrap() {
			lines = append(lines, joinLines(e))
		}
		return strings.Join(lines, "\n")
	}
	return err.Error()
}
