package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/hancho-dev/hancho/internal/app"
)

func (m *Main) runCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "run [--] COMMAND [ARG...]",
		Short: "Run one command with the app's environment (.env)",
		Long: `Run one command with the app's environment: the OS environment plus the
env files. It gets the terminal's stdin, stdout and stderr, and hancho exits
with its exit code.

Arguments are passed exactly as given. A single argument with shell syntax
runs through /bin/sh:  hancho run 'echo $PORT && env'`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := m.appOptions(cmd, g)
			opts.SkipProcfile = true
			a, err := app.Load(opts)
			if err != nil {
				return err
			}
			argv := args
			if len(args) == 1 && strings.ContainsAny(args[0], shellChars) {
				argv = []string{"/bin/sh", "-c", args[0]}
			}
			return m.execCommand(argv, a.BaseEnv())
		},
	}
	// Everything after the command belongs to it: `hancho run sh -c 'exit 7'`.
	cmd.Flags().SetInterspersed(false)
	return cmd
}

// shellChars mark a single argument as a shell command line.
const shellChars = " \t\n$&|;<>()*?[]{}~`'\"\\#=!"
