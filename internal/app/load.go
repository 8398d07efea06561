package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hancho-dev/hancho/internal/envfile"
	"github.com/hancho-dev/hancho/internal/procfile"
)

// DefaultPort is the base PORT when neither -p, .env nor the environment set one.
const DefaultPort = 5000

// Options are the shared command-line options that locate and shape an app.
// The zero value means honcho's defaults.
type Options struct {
	AppRoot     string         // -d; "" means the Procfile's folder
	Procfile    string         // -f; "" means PROCFILE from .env or the environment, else "Procfile"
	EnvFiles    []string       // -e; nil means [".env"], which may be absent
	Port        int            // -p; 0 means not given
	Concurrency map[string]int // -c; types not listed run once
	Environ     []string       // the OS environment, KEY=value
	Dir         string         // the current directory, for relative paths
	// SkipProcfile loads only the env files (for `run`, which needs no Procfile).
	SkipProcfile bool
}

// App is a loaded app: where it lives, its Procfile and its environment.
type App struct {
	Root         string // absolute app root: -d, else the Procfile's folder
	ProcfilePath string
	Procfile     *procfile.Procfile
	Warnings     []procfile.Warning
	Env          []envfile.Var // from the env files, in order, later files winning
	EnvFiles     []string      // the env files that were read
	BasePort     int
	Types        []Type // every type of the Procfile, in file order

	environ []string
}

// Load reads the env files and the Procfile that opts name. Every problem
// found is reported; errors.Join keeps them all.
func Load(opts Options) (*App, error) {
	a := &App{environ: opts.Environ}
	dir := opts.Dir
	if dir == "" {
		dir, _ = os.Getwd()
	}
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	var problems []error

	// Env files are read relative to the app root when -d is given, else the
	// current directory, as honcho does.
	envBase := dir
	if opts.AppRoot != "" {
		envBase = abs(opts.AppRoot)
	}
	envFiles, explicit := opts.EnvFiles, true
	if len(envFiles) == 0 {
		envFiles, explicit = []string{".env"}, false
	}
	lookupOS := lookupIn(opts.Environ)
	for _, f := range envFiles {
		path := f
		if !filepath.IsAbs(path) {
			path = filepath.Join(envBase, f)
		}
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) && !explicit {
			continue
		}
		if err != nil {
			problems = append(problems, fmt.Errorf("env file %s: %w; check the -e/--env option", f, unwrapPath(err)))
			continue
		}
		vars, err := envfile.Parse(f, data, func(k string) (string, bool) {
			if v, ok := lookupVars(a.Env, k); ok {
				return v, true
			}
			return lookupOS(k)
		})
		if err != nil {
			problems = append(problems, err)
			continue
		}
		a.Env = mergeVars(a.Env, vars)
		a.EnvFiles = append(a.EnvFiles, path)
	}

	name := opts.Procfile
	if name == "" {
		name, _ = lookupVars(a.Env, "PROCFILE")
	}
	if name == "" {
		name, _ = lookupOS("PROCFILE")
	}
	if name == "" {
		name = "Procfile"
	}
	if opts.AppRoot != "" && !filepath.IsAbs(name) { // honcho: -f is relative to -d
		name = filepath.Join(opts.AppRoot, name)
	}
	a.ProcfilePath = abs(name)
	a.Root = filepath.Dir(a.ProcfilePath)
	if opts.AppRoot != "" {
		a.Root = abs(opts.AppRoot)
	}
	data, err := os.ReadFile(a.ProcfilePath)
	if opts.SkipProcfile {
		return a, errors.Join(problems...)
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		problems = append(problems, fmt.Errorf("no Procfile at %s; name another with -f/--procfile or -d/--app-root", a.ProcfilePath))
	case err != nil:
		problems = append(problems, fmt.Errorf("procfile %s: %w", a.ProcfilePath, unwrapPath(err)))
	default:
		a.Procfile, a.Warnings, err = procfile.Parse(name, data)
		if err != nil {
			problems = append(problems, err)
		}
	}

	a.BasePort, err = basePort(opts.Port, a.Env, lookupOS)
	if err != nil {
		problems = append(problems, err)
	}
	if a.Procfile != nil {
		for i, e := range a.Procfile.Entries {
			n := 1
			if c, ok := opts.Concurrency[e.Name]; ok {
				n = c
			}
			a.Types = append(a.Types, Type{Name: e.Name, Command: e.Command, Line: e.Line, Index: i, Concurrency: n})
		}
		for name := range opts.Concurrency {
			if _, ok := a.Procfile.Lookup(name); !ok {
				problems = append(problems, fmt.Errorf("-c/--concurrency: %s", unknownType(name, a.Procfile)))
			}
		}
	}
	return a, errors.Join(problems...)
}

// basePort picks the first PORT: -p, else .env, else the environment, else 5000.
func basePort(flag int, env []envfile.Var, lookupOS func(string) (string, bool)) (int, error) {
	if flag != 0 {
		return flag, nil
	}
	for _, src := range []struct {
		where  string
		lookup func(string) (string, bool)
	}{
		{".env", func(k string) (string, bool) { return lookupVars(env, k) }},
		{"the environment", lookupOS},
	} {
		v, ok := src.lookup("PORT")
		if !ok || v == "" {
			continue
		}
		p, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || p < 1 || p > 65535 {
			return 0, fmt.Errorf("PORT=%q in %s is not a port number (1-65535)", v, src.where)
		}
		return p, nil
	}
	return DefaultPort, nil
}

// UnknownTypeError is a process name that is not in the Procfile.
type UnknownTypeError struct {
	Name  string
	Known []string
}

func (e *UnknownTypeError) Error() string {
	return fmt.Sprintf("Process type '%s' does not exist in Procfile (known: %s)", e.Name, strings.Join(e.Known, ", "))
}

func unknownType(name string, p *procfile.Procfile) error {
	return &UnknownTypeError{Name: name, Known: p.Names()}
}

// unwrapPath drops the path from an *fs.PathError, which the caller already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func lookupIn(environ []string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		for i := len(environ) - 1; i >= 0; i-- {
			if key, v, ok := strings.Cut(environ[i], "="); ok && key == k {
				return v, true
			}
		}
		return "", false
	}
}

func lookupVars(vars []envfile.Var, k string) (string, bool) {
	for i := len(vars) - 1; i >= 0; i-- {
		if vars[i].Key == k {
			return vars[i].Value, true
		}
	}
	return "", false
}

// mergeVars appends next to base; a key already in base takes the new value in place.
func mergeVars(base, next []envfile.Var) []envfile.Var {
	for _, v := range next {
		replaced := false
		for i := range base {
			if base[i].Key == v.Key {
				base[i].Value, replaced = v.Value, true
			}
		}
		if !replaced {
			base = append(base, v)
		}
	}
	return base
}
