// Package cli is hancho's command line: one file per subcommand, all
// sharing the options that locate the app.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

// Version is hancho's version, set at build time with -ldflags "-X".
var Version = "0.1.0-dev"

// Main is one invocation of hancho. Tests build one with buffers; main()
// builds one with the process's own streams.
type Main struct {
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	Environ []string // the OS environment
	Dir     string   // the current directory
	Args    []string // os.Args: program name, then arguments
	// Process is true when this Main is the whole hancho process (main()),
	// false in tests: only then may it exec (run) or re-exec itself under
	// a guard (start).
	Process bool
}

// exitError carries an exit code to Run without printing anything more.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// usageError is a bad flag or argument: exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// Run runs the command line and returns the exit code.
func (m *Main) Run(ctx context.Context) int {
	root := m.rootCommand()
	root.SetArgs(m.Args[1:])
	root.SetOut(m.Stdout)
	root.SetErr(m.Stderr)
	err := root.ExecuteContext(ctx)
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	}
	// One problem per line, each saying who speaks (indented lines
	// continue the one above).
	for _, line := range strings.Split(strings.TrimSpace(err.Error()), "\n") {
		if line == "" || line[0] == ' ' || line[0] == '\t' {
			fmt.Fprintln(m.Stderr, line)
		} else {
			fmt.Fprintf(m.Stderr, "hancho: %s\n", line)
		}
	}
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		fmt.Fprintf(m.Stderr, "Run '%s --help' for usage.\n", m.name())
		return 2
	}
	return 1
}

// name is the name hancho was invoked as ("hancho", or "honcho" through a symlink).
func (m *Main) name() string {
	if len(m.Args) == 0 {
		return "hancho"
	}
	return filepath.Base(m.Args[0])
}

// isCobraUsage recognises cobra's own errors for unknown commands and flags.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, s := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "accepts ", "requires at least", "bad flag syntax"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// rootCommand builds the command tree.
func (m *Main) rootCommand() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   m.name(),
		Short: "Run the processes of a Procfile: a drop-in for honcho that leaves nothing behind",
		Long: `hancho runs the processes of a Procfile, like honcho and foreman, and is a
drop-in for honcho (same commands, flags, Procfile, .env and output).

It never leaves a process running after it exits, never loses or tears a
line of output, and gives each process its own policy (hancho.yaml).`,
		Version:       Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("hancho {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	g.register(root)
	root.AddCommand(
		m.startCommand(g),
		m.runCommand(g),
		m.checkCommand(g),
		m.versionCommand(),
	)
	m.addMore(root, g)
	return root
}

// usageErrorf makes a usage error from a format.
func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}
