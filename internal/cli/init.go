package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hancho-dev/hancho/internal/app"
	"github.com/hancho-dev/hancho/internal/initcfg"
	"github.com/hancho-dev/hancho/internal/policy"
)

func (m *Main) initCommand(g *globals) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a hancho.yaml for this app (for a Frappe bench, the policies it wants)",
		Long: `Write a commented hancho.yaml beside the Procfile (or where --config says).

In a Frappe bench (apps/frappe and sites/ in the app root) it sets what a
bench wants: redis ready on the ports of its configs; web, socketio and the
workers started once redis_queue is ready; watch optional and restarted on
failure; schedule optional; each worker's stop timeout from the workers of
sites/common_site_config.json (else 360s, 1560s for the long queue).

Elsewhere it writes a starter that lists the Procfile's types with every
key commented out. An existing file is kept unless --force is given.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return m.init(cmd, g, force)
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing hancho.yaml")
	return cmd
}

func (m *Main) init(cmd *cobra.Command, g *globals, force bool) error {
	// Not m.load: that reads the policy file too, and init must be able to
	// replace one that is broken.
	a, err := app.Load(m.appOptions(cmd, g))
	if a != nil {
		printWarnings(m.Stderr, a)
	}
	if err != nil {
		return err
	}
	if len(a.Types) == 0 {
		return fmt.Errorf("%s has no processes; add a line like \"web: python3 -m http.server $PORT\", then run init again", a.ProcfilePath)
	}
	path := filepath.Join(a.Root, policy.FileName)
	if g.config != "" {
		path = g.config
		if !filepath.IsAbs(path) {
			path = filepath.Join(m.Dir, path)
		}
	}
	var types []initcfg.Type
	for _, t := range a.Types {
		types = append(types, initcfg.Type{Name: t.Name, Command: t.Command, Port: a.BasePort + 100*t.Index})
	}
	res := initcfg.Generate(a.Root, types)
	cfg, err := policy.Parse(path, res.Data)
	if err == nil {
		err = cfg.Check(a.Procfile.Names())
	}
	if err != nil {
		return fmt.Errorf("hancho init made a %s that does not load (a bug in hancho; please report it):\n%s", policy.FileName, joinLines(err))
	}

	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists; use --force to replace it", m.display(path))
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, unwrapPathErr(err))
	}
	_, err = f.Write(res.Data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, unwrapPathErr(err))
	}

	for _, note := range res.Notes {
		fmt.Fprintf(m.Stderr, "hancho: note: %s\n", note)
	}
	what := ""
	if res.Bench {
		what = " for a Frappe bench"
	}
	fmt.Fprintf(m.Stdout, "wrote %s%s:\n", path, what)
	for _, line := range res.Summary {
		fmt.Fprintf(m.Stdout, "  %s\n", line)
	}
	return nil
}

// display shows a path relative to the current directory when it is
// inside it, else whole.
func (m *Main) display(path string) string {
	if rel, err := filepath.Rel(m.Dir, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

// unwrapPathErr drops the path from an *fs.PathError, which the message
// already names.
func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
