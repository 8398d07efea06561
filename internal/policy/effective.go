package policy

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// DefaultProbeTimeout is how long a readiness probe is tried when its
// timeout is not set.
const DefaultProbeTimeout = 30 * time.Second

// For returns the effective policy of a process type, with the defaults
// filled in: Restart "no", StopSignal "TERM", StopTimeout the process's,
// else Config.Timeout, else zero (meaning the caller's -t), and a Ready
// probe's Timeout DefaultProbeTimeout. It works on a nil Config and for a
// type without an entry. The result shares nothing with the Config.
func (c *Config) For(typ string) Process {
	var p Process
	if e := c.process(typ); e != nil {
		p = *e
	}
	p.DependsOn = slices.Clone(p.DependsOn)
	p.Env = slices.Clone(p.Env)
	if p.Ready != nil {
		probe := *p.Ready
		if probe.Timeout == 0 {
			probe.Timeout = DefaultProbeTimeout
		}
		p.Ready = &probe
	}
	if p.Restart == "" {
		p.Restart = RestartNo
	}
	if p.StopSignal == "" {
		p.StopSignal = "TERM"
	}
	if p.StopTimeout == 0 && c != nil {
		p.StopTimeout = c.Timeout
	}
	return p
}

// ApplyFlags merges the --restart and --optional command-line options into
// c. Each argument is a process type or a comma-separated list of them.
// --restart sets Restart to on-failure unless the file set a restart
// policy; --optional sets Optional. A name that is not one of types is an
// error, and then nothing is changed. c must not be nil; Load never
// returns a nil Config without an error.
func (c *Config) ApplyFlags(restart, optional []string, types []string) error {
	restartNames, err1 := flagNames("--restart", restart, types)
	optionalNames, err2 := flagNames("--optional", optional, types)
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	entry := func(name string) *Process {
		if c.Processes == nil {
			c.Processes = map[string]*Process{}
		}
		if c.Processes[name] == nil {
			c.Processes[name] = &Process{}
		}
		return c.Processes[name]
	}
	for _, name := range restartNames {
		if p := entry(name); p.Restart == "" {
			p.Restart = RestartOnFailure
		}
	}
	for _, name := range optionalNames {
		entry(name).Optional = true
	}
	return nil
}

// flagNames splits the comma-separated arguments of a flag and checks each
// name against the types.
func flagNames(flag string, args, types []string) ([]string, error) {
	var names []string
	var errs []error
	for _, arg := range args {
		for name := range strings.SplitSeq(arg, ",") {
			name = strings.TrimSpace(name)
			switch {
			case name == "":
			case !slices.Contains(types, name):
				errs = append(errs, fmt.Errorf("%s %s: no process type %q in the Procfile (known: %s)", flag, arg, name, knownTypes(types)))
			default:
				names = append(names, name)
			}
		}
	}
	return names, errors.Join(errs...)
}
