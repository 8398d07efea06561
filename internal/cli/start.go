package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/hancho-dev/hancho/internal/app"
	"github.com/hancho-dev/hancho/internal/output"
	"github.com/hancho-dev/hancho/internal/supervise"
)

// startFlags are the options of `hancho start`.
type startFlags struct {
	port        string
	concurrency string
	quiet       string
	timeout     string
	noTimestamp bool
	restart     string
	optional    string
	logDir      string
	noChecks    bool
}

func (m *Main) startCommand(g *globals) *cobra.Command {
	sf := &startFlags{}
	cmd := &cobra.Command{
		Use:   "start [PROCESS...]",
		Short: "Start the processes of the Procfile (all, or those named)",
		Long: `Start the processes of the Procfile (all, or only the types named) and
print their output, prefixed with the time and the process name.

The first process to exit stops the others (unless hancho.yaml says it is
optional or restarted); Ctrl-C, SIGTERM and SIGHUP stop everything within
the timeout. hancho's exit code is that of the process that exited first,
or 130/143/129 after SIGINT/SIGTERM/SIGHUP.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return m.start(cmd, g, sf, args)
		},
		ValidArgsFunction: m.completeTypes(g),
	}
	f := cmd.Flags()
	f.StringVarP(&sf.port, "port", "p", "", "base PORT (default: PORT from .env, then the environment, then 5000)")
	f.StringVarP(&sf.concurrency, "concurrency", "c", "", "instances per type, e.g. web=2,worker=0")
	f.StringVarP(&sf.quiet, "quiet", "q", "", "types whose output to hide, e.g. worker,clock")
	f.StringVarP(&sf.timeout, "timeout", "t", "5", "seconds to wait after the stop signal before SIGKILL")
	f.BoolVar(&sf.noTimestamp, "no-timestamp", false, "print the prefix without the time")
	f.StringVar(&sf.restart, "restart", "", "types to restart when they fail, e.g. watch,worker")
	f.StringVar(&sf.optional, "optional", "", "types whose exit does not stop the others, e.g. watch")
	f.StringVar(&sf.logDir, "log-dir", "", "also write each process's output to DIR/<name>.<n>.log")
	f.BoolVar(&sf.noChecks, "no-checks", false, "skip the checks before start (programs, files, ports)")
	return cmd
}

// runPlan is everything a start needs, resolved and checked.
type runPlan struct {
	app       *loaded
	instances []app.Instance
	specs     []supervise.Spec
	timeout   time.Duration
	logs      []*output.RotatingFile
}

func (m *Main) start(cmd *cobra.Command, g *globals, sf *startFlags, args []string) error {
	secs, err := parseSeconds("-t/--timeout", sf.timeout)
	if err != nil {
		return err
	}
	timeout := time.Duration(secs * float64(time.Second))
	if code, guarded := m.guard(timeout); guarded {
		return exitError{code}
	}
	plan, err := m.plan(cmd, g, sf, args, timeout)
	if err != nil {
		return err
	}
	if !sf.noChecks {
		if err := m.preflight(plan); err != nil {
			return err
		}
	}
	return m.serve(g, sf, plan)
}

// plan loads the app and resolves the instances to run.
func (m *Main) plan(cmd *cobra.Command, g *globals, sf *startFlags, args []string, timeout time.Duration) (*runPlan, error) {
	opts := m.appOptions(cmd, g)
	var err error
	if sf.concurrency != "" {
		if opts.Concurrency, err = parseConcurrency(sf.concurrency); err != nil {
			return nil, err
		}
	}
	if sf.port != "" || cmd.Flags().Changed("port") {
		if opts.Port, err = parsePort(sf.port); err != nil {
			return nil, err
		}
	}
	a, err := m.load(cmd, g, opts)
	if err != nil {
		return nil, err
	}
	types, err := a.Select(args)
	if err != nil {
		return nil, err
	}
	names := a.Procfile.Names()
	if err := a.Policy.ApplyFlags(splitList(sf.restart), splitList(sf.optional), names); err != nil {
		return nil, usageError{err}
	}
	quiet := map[string]bool{}
	for _, q := range splitList(sf.quiet) {
		if _, ok := a.Procfile.Lookup(q); !ok {
			return nil, usageError{fmt.Errorf("-q/--quiet: %w", &app.UnknownTypeError{Name: q, Known: names})}
		}
		quiet[q] = true
	}
	instances, err := a.Instances(types)
	if err != nil {
		return nil, err
	}
	if len(instances) == 0 {
		return nil, fmt.Errorf("nothing to start: every selected type has concurrency 0 (%s)", typeNames(types))
	}
	plan := &runPlan{app: a, instances: instances, timeout: timeout}
	switch {
	case cmd.Flags().Changed("timeout"):
		// An explicit -t beats the file's default timeout (not a
		// process's own stop_timeout).
		a.Policy.Timeout = timeout
	case a.Policy.Timeout > 0:
		plan.timeout = a.Policy.Timeout
	}
	for _, in := range instances {
		pol := a.Policy.For(in.Type)
		env := in.Env
		for _, kv := range pol.Env {
			env = append(env, kv.Key+"="+kv.Value)
		}
		dir := a.Root
		if pol.Dir != "" {
			dir = pol.Dir
			if !strings.HasPrefix(dir, "/") {
				dir = a.Root + "/" + dir
			}
		}
		plan.specs = append(plan.specs, supervise.Spec{
			Name: in.Name, Type: in.Type, Command: in.Command,
			Env: env, Dir: dir, Quiet: quiet[in.Type], Policy: pol,
		})
	}
	if sf.logDir != "" {
		logDir := sf.logDir
		if !filepath.IsAbs(logDir) {
			logDir = filepath.Join(m.Dir, logDir)
		}
		if err := os.MkdirAll(logDir, 0o755); err != nil {
			return nil, fmt.Errorf("--log-dir: %w", err)
		}
		for i := range plan.specs {
			f := &output.RotatingFile{Path: filepath.Join(logDir, plan.specs[i].Name+".log"), Max: logFileMax, Keep: logFilesKept}
			plan.specs[i].Log = f
			plan.logs = append(plan.logs, f)
		}
	}
	return plan, nil
}

// --log-dir files rotate at logFileMax bytes, keeping logFilesKept old ones.
const (
	logFileMax   = 10 << 20
	logFilesKept = 3
)

// colour decides whether output is coloured: on a terminal, unless
// --no-colour or NO_COLOR; FORCE_COLOR turns it on anywhere.
func (m *Main) colour(g *globals) bool {
	if g.noColour || g.noColor {
		return false
	}
	get := func(k string) string {
		for i := len(m.Environ) - 1; i >= 0; i-- {
			if key, v, ok := strings.Cut(m.Environ[i], "="); ok && key == k {
				return v
			}
		}
		return ""
	}
	if get("NO_COLOR") != "" {
		return false
	}
	if v := get("FORCE_COLOR"); v != "" && v != "0" && v != "false" {
		return true
	}
	f, ok := m.Stdout.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// brokenSignal turns the sink's first write error into a closed channel.
func brokenSignal() (chan struct{}, func(error)) {
	ch := make(chan struct{})
	var once sync.Once
	return ch, func(error) { once.Do(func() { close(ch) }) }
}
