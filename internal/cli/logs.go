package cli

import (
	"context"
	"fmt"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hancho-dev/hancho/internal/output"
	"github.com/hancho-dev/hancho/internal/supervise"
)

// logsCommand parses its own flags: its -f is --follow (as in tail and
// docker), not the shared -f/--procfile, which it takes as --procfile.
func (m *Main) logsCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "logs [-f] [-n N] [NAME...]",
		Short: "Print the recent output of processes of the running hancho, then follow it",
		Long: `Print the last N lines of each process named (names or globs; all when none),
with the same prefixes and colours as start, then with -f the new ones until
hancho exits or you press Ctrl-C.`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			fs := pflag.NewFlagSet("logs", pflag.ContinueOnError)
			fs.SetOutput(m.Stderr)
			follow := fs.BoolP("follow", "f", false, "follow new lines")
			n := fs.IntP("lines", "n", 100, "recent lines of each process")
			fs.StringVarP(&g.appRoot, "app-root", "d", g.appRoot, "app root")
			fs.StringVar(&g.procfile, "procfile", g.procfile, "Procfile path")
			fs.StringVarP(&g.envFiles, "env", "e", g.envFiles, "env files")
			fs.BoolVar(&g.noColour, "no-colour", g.noColour, "never colour")
			fs.BoolVar(&g.noColor, "no-color", g.noColor, "never colour")
			fs.BoolVar(&g.noPrefix, "no-prefix", g.noPrefix, "no prefix")
			noTimestamp := fs.Bool("no-timestamp", false, "no time in the prefix")
			help := fs.BoolP("help", "h", false, "help for logs")
			if err := fs.Parse(args); err != nil {
				return usageError{err}
			}
			if *help {
				fmt.Fprintf(m.Stdout, "%s\n\nUsage:\n  %s logs [-f] [-n N] [NAME...]\n\nFlags:\n%s", cmd.Long, m.name(), fs.FlagUsages())
				return nil
			}
			if *n < 0 {
				return usageError{fmt.Errorf("-n/--lines: %d is not a number of lines >= 0", *n)}
			}
			return m.logs(cmd, g, fs.Args(), *n, *follow, !*noTimestamp)
		},
	}
	return cmd
}

func (m *Main) logs(cmd *cobra.Command, g *globals, names []string, n int, follow, timestamp bool) error {
	c, root, err := m.client(g)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctlContext(cmd), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	status, err := c.Do(ctx, "status", nil)
	if err != nil {
		return notRunning(err, root)
	}
	all := make([]string, len(status.Procs))
	nth := map[string]int{}
	for i, p := range status.Procs {
		all[i], nth[p.Name] = p.Name, i
	}
	var now time.Time
	sink := output.NewSink(m.Stdout, nil)
	printer := output.NewPrinter(sink, output.Options{
		Prefix: !g.noPrefix, Timestamp: timestamp, Colour: m.colour(g),
		Now: func() time.Time { return now },
	}, all)
	streams := map[string]*output.Stream{}
	err = c.Logs(ctx, names, n, follow, func(l supervise.LogLine) {
		s := streams[l.Name]
		if s == nil {
			s = printer.Stream(l.Name, nth[l.Name], false)
			streams[l.Name] = s
		}
		now = l.Time.Local()
		s.Write(append([]byte(l.Text), '\n'))
	})
	if err != nil && ctx.Err() == nil {
		return notRunning(err, root)
	}
	return nil
}

var _ = context.Background
