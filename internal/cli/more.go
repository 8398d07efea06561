package cli

import "github.com/spf13/cobra"

// addMore adds the commands beyond honcho's.
func (m *Main) addMore(root *cobra.Command, g *globals) {
	root.AddCommand(
		m.statusCommand(g),
		m.restartCommand(g),
		m.stopCommand(g),
		m.logsCommand(g),
		m.initCommand(g),
		m.exportCommand(g),
	)
}
