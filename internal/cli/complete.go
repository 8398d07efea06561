package cli

import (
	"github.com/spf13/cobra"

	"github.com/hancho-dev/hancho/internal/app"
)

// completeTypes completes process type names from the Procfile.
func (m *Main) completeTypes(g *globals) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		a, err := app.Load(m.appOptions(cmd, g))
		if err != nil || a.Procfile == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return a.Procfile.Names(), cobra.ShellCompDirectiveNoFileComp
	}
}
