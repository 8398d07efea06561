package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hancho-dev/hancho/internal/app"
	"github.com/hancho-dev/hancho/internal/policy"
)

// globals are the options every subcommand shares; they may come before
// or after the subcommand, as in honcho.
type globals struct {
	envFiles   string
	appRoot    string
	procfile   string
	config     string
	noColour   bool
	noColor    bool
	noPrefix   bool
	envChanged bool
}

func (g *globals) register(root *cobra.Command) {
	f := root.PersistentFlags()
	f.StringVarP(&g.envFiles, "env", "e", ".env", "env files to load, comma-separated (a missing default .env is fine)")
	f.StringVarP(&g.appRoot, "app-root", "d", "", "app root: where processes run (default: the Procfile's folder)")
	f.StringVarP(&g.procfile, "procfile", "f", "", "Procfile path (default: PROCFILE from .env or the environment, else Procfile)")
	f.StringVar(&g.config, "config", "", "policy file (default: hancho.yaml in the app root, if present)")
	f.BoolVar(&g.noColour, "no-colour", false, "never colour the output")
	f.BoolVar(&g.noColor, "no-color", false, "never colour the output")
	f.BoolVar(&g.noPrefix, "no-prefix", false, "print output lines without time and name")
}

// appOptions turns the shared flags into app.Options.
func (m *Main) appOptions(cmd *cobra.Command, g *globals) app.Options {
	opts := app.Options{
		AppRoot:  g.appRoot,
		Procfile: g.procfile,
		Environ:  cleanEnviron(m.Environ),
		Dir:      m.Dir,
	}
	if cmd.Flags().Changed("env") {
		opts.EnvFiles = splitList(g.envFiles)
	}
	return opts
}

// cleanEnviron drops hancho's internal variables from the environment
// its processes inherit.
func cleanEnviron(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if strings.HasPrefix(kv, "HANCHO_GUARD_PID=") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// loaded is an app with its policy, ready to check, run or export.
type loaded struct {
	*app.App
	Policy *policy.Config
}

// load reads the app and its policy and reports every problem; warnings go
// to stderr. needProcs makes an empty Procfile an error.
func (m *Main) load(cmd *cobra.Command, g *globals, opts app.Options) (*loaded, error) {
	a, err := app.Load(opts)
	var problems []error
	if err != nil {
		problems = append(problems, err)
	}
	if a != nil {
		printWarnings(m.Stderr, a)
	}
	if a == nil || a.Procfile == nil {
		return nil, errors.Join(problems...)
	}
	if len(a.Procfile.Entries) == 0 {
		problems = append(problems, fmt.Errorf("%s has no processes; add a line like \"web: python3 -m http.server $PORT\"", a.ProcfilePath))
	}
	cfg, err := policy.Load(a.Root, g.config)
	if err != nil {
		problems = append(problems, err)
	} else if err := cfg.Check(a.Procfile.Names()); err != nil {
		problems = append(problems, err)
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	return &loaded{App: a, Policy: cfg}, nil
}

func printWarnings(w io.Writer, a *app.App) {
	for _, warn := range a.Warnings {
		fmt.Fprintf(w, "hancho: warning: %s\n", warn)
	}
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// parseConcurrency parses -c "web=2,worker=0".
func parseConcurrency(s string) (map[string]int, error) {
	out := map[string]int{}
	for _, item := range splitList(s) {
		name, n, ok := strings.Cut(item, "=")
		count, err := strconv.Atoi(strings.TrimSpace(n))
		if !ok || strings.TrimSpace(name) == "" || err != nil || count < 0 {
			return nil, usageError{fmt.Errorf("-c/--concurrency: %q is not name=N with N >= 0 (e.g. -c web=2,worker=0)", item)}
		}
		out[strings.TrimSpace(name)] = count
	}
	return out, nil
}

// parsePort parses -p.
func parsePort(s string) (int, error) {
	p, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || p < 1 || p > app.MaxPort {
		return 0, usageError{fmt.Errorf("-p/--port: %q is not a port number (1-65535)", s)}
	}
	return p, nil
}

// parseSeconds parses -t: seconds, decimals allowed.
func parseSeconds(flag, s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || v < 0 || v != v || v > 1e6 {
		return 0, usageError{fmt.Errorf("%s: %q is not a number of seconds (e.g. 5 or 0.5)", flag, s)}
	}
	return v, nil
}

// typeNames lists the names of types, for messages.
func typeNames(types []app.Type) string {
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = t.Name
	}
	return strings.Join(names, ", ")
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var _ = os.Stdout
