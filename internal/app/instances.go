package app

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxPort is the highest TCP port.
const MaxPort = 65535

// Select returns the types to run: those named (in Procfile order), or all.
// An unknown name is an *UnknownTypeError listing the known ones.
func (a *App) Select(names []string) ([]Type, error) {
	if len(names) == 0 {
		return a.Types, nil
	}
	want := map[string]bool{}
	for _, n := range names {
		if _, ok := a.Procfile.Lookup(n); !ok {
			return nil, unknownType(n, a.Procfile)
		}
		want[n] = true
	}
	var out []Type
	for _, t := range a.Types {
		if want[t.Name] {
			out = append(out, t)
		}
	}
	return out, nil
}

// Instances expands types into the instances to run, each with its PORT
// and environment: OS environment, then the env files, then PORT, PS and
// HONCHO_PROCESS_NAME. PORT = base + 100 x type position in the whole
// Procfile + (instance - 1); a port past 65535 is an error.
func (a *App) Instances(types []Type) ([]Instance, error) {
	base := a.BaseEnv()
	var out []Instance
	for _, t := range types {
		for n := 1; n <= t.Concurrency; n++ {
			port := a.BasePort + 100*t.Index + (n - 1)
			if port > MaxPort {
				return nil, fmt.Errorf("%s.%d would get PORT=%d, past %d; choose a lower -p/--port (now %d)", t.Name, n, port, MaxPort, a.BasePort)
			}
			name := t.Name + "." + strconv.Itoa(n)
			env := make([]string, 0, len(base)+3)
			env = append(env, base...)
			env = setEnv(env, "PORT", strconv.Itoa(port))
			env = setEnv(env, "PS", name)
			env = setEnv(env, "HONCHO_PROCESS_NAME", name)
			out = append(out, Instance{Type: t.Name, Num: n, Name: name, Command: t.Command, Port: port, Env: env})
		}
	}
	return out, nil
}

// BaseEnv is the OS environment overlaid with the env files: what
// `run` gives its command.
func (a *App) BaseEnv() []string {
	env := append([]string(nil), a.environ...)
	for _, v := range a.Env {
		env = setEnv(env, v.Key, v.Value)
	}
	return env
}

// EnvValue returns a variable of the env files, else of the OS environment.
func (a *App) EnvValue(k string) (string, bool) {
	if v, ok := lookupVars(a.Env, k); ok {
		return v, true
	}
	return lookupIn(a.environ)(k)
}

// setEnv sets k=v in env, replacing an earlier k.
func setEnv(env []string, k, v string) []string {
	prefix := k + "="
	for i, kv := range env {
		if strings.HasPrefix(kv, prefix) {
			env[i] = prefix + v
			return env
		}
	}
	return append(env, prefix+v)
}
