package export

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hancho-dev/hancho/internal/app"
	"github.com/hancho-dev/hancho/internal/envfile"
	"github.com/hancho-dev/hancho/internal/policy"
)

// DefaultStopTimeout is how long a process is given to stop after its stop
// signal when neither hancho.yaml nor the process's policy says.
const DefaultStopTimeout = 5 * time.Second

// model is a Spec resolved into what every format renders: names checked,
// defaults filled in, each instance's environment and policy worked out.
// Templates see it (or a format's view of it), so its fields are exported.
type model struct {
	App       string        // the app name, with characters other than [A-Za-z0-9_.-] made "-"
	User      string        // "" means the consumer's default
	LogDir    string        // absolute
	Image     string        // container image
	Shell     string        // absolute path of the shell that runs each command
	Root      string        // absolute app root
	Env       []envfile.Var // the .env values, in order
	Processes []*process    // the exported types, in Procfile order
}

// process is one exported process type with its policy.
type process struct {
	Name        string         // the Procfile name, e.g. "web"
	Command     string         // the Procfile command, run as SHELL -c COMMAND
	Line        int            // its Procfile line
	Dir         string         // absolute working directory: the policy's dir, else the app root
	Port        int            // PORT of its first instance
	Listen      int            // the port it serves, for container formats; 0 means none
	Restart     policy.Restart // never "": unset in the policy means always
	StopTimeout time.Duration  // never zero
	StopSignal  string         // without "SIG", e.g. "TERM"
	DependsOn   []string       // exported types that must be started (and ready) first
	Layer       int            // start order: 0 depends on nothing, n on types of lower layers
	Ready       *policy.Probe  // nil means ready once started; Timeout is set
	Env         []envfile.Var  // the policy's env, applied after everything else
	Instances   []*instance    // 1..concurrency
}

// instance is one exported process.
type instance struct {
	Process *process
	Name    string        // "web.1", the PS and HONCHO_PROCESS_NAME under start
	Num     int           // 1-based
	Port    int           // its PORT under start
	Env     []envfile.Var // .env values, PORT, PS, HONCHO_PROCESS_NAME, then the policy's env
}

// newModel checks spec and resolves it.
func newModel(spec Spec) (*model, error) {
	if !filepath.IsAbs(spec.Root) {
		return nil, fmt.Errorf("export: app root %q is not an absolute path", spec.Root)
	}
	m := &model{
		App:    spec.App,
		User:   spec.User,
		LogDir: spec.LogDir,
		Image:  spec.Image,
		Shell:  spec.Shell,
		Root:   filepath.Clean(spec.Root),
	}
	if m.App == "" {
		m.App = filepath.Base(m.Root)
	}
	m.App = strings.Trim(unsafeNameChars.ReplaceAllString(m.App, "-"), "-.")
	if dnsLabel(m.App) == "" { // compose and kubernetes names need a letter or digit
		return nil, fmt.Errorf("export: app name %q has no letters or digits; name the app with -a/--app", spec.App)
	}
	if m.LogDir == "" {
		m.LogDir = "/var/log/" + m.App
	}
	if !filepath.IsAbs(m.LogDir) {
		return nil, fmt.Errorf("export: log directory %q is not an absolute path; pass one such as /var/log/%s with -l/--log-dir", m.LogDir, m.App)
	}
	if m.Image == "" {
		m.Image = dnsLabel(m.App) + ":latest"
	}
	if m.Shell == "" {
		m.Shell = "/bin/sh"
	}
	for _, v := range spec.Env {
		if err := checkVar(".env", v.Key, v.Value); err != nil {
			return nil, err
		}
		m.Env = setVar(m.Env, v.Key, v.Value)
	}
	for _, s := range []struct{ what, value string }{
		{"app root", m.Root}, {"log directory", m.LogDir}, {"user", m.User}, {"image", m.Image}, {"shell", m.Shell},
	} {
		if err := checkText(s.value); err != nil {
			return nil, fmt.Errorf("export: the %s %q %v", s.what, s.value, err)
		}
	}

	exported := map[string]bool{}
	var names []string
	for _, t := range spec.Types {
		if t.Concurrency > 0 {
			exported[t.Name] = true
			names = append(names, t.Name)
		}
	}
	layer := map[string]int{}
	for i, l := range spec.Policy.StartOrder(names) {
		for _, name := range l {
			layer[name] = i
		}
	}
	for _, t := range spec.Types {
		if t.Concurrency <= 0 {
			continue
		}
		p, err := m.newProcess(spec, t, exported, layer[t.Name])
		if err != nil {
			return nil, err
		}
		m.Processes = append(m.Processes, p)
	}
	if len(m.Processes) == 0 {
		return nil, fmt.Errorf("export: no process to export; the Procfile has no types, or every concurrency is 0")
	}
	return m, nil
}

// newProcess resolves one exported type: its policy, its instances and
// their environments. exported are the exported types; layer is its place
// in the start order.
func (m *model) newProcess(spec Spec, t app.Type, exported map[string]bool, layer int) (*process, error) {
	if err := checkText(t.Command); err != nil {
		return nil, fmt.Errorf("export: the command of %s (Procfile line %d) %v", t.Name, t.Line, err)
	}
	pol := spec.Policy.For(t.Name)
	p := &process{
		Name:        t.Name,
		Command:     t.Command,
		Line:        t.Line,
		Dir:         m.Root,
		Restart:     pol.Restart,
		StopTimeout: pol.StopTimeout,
		StopSignal:  pol.StopSignal,
		Layer:       layer,
		Ready:       pol.Ready,
	}
	if raw := spec.Policy; raw == nil || raw.Processes[t.Name] == nil || raw.Processes[t.Name].Restart == "" {
		p.Restart = policy.RestartAlways // honcho's exports restart; only an explicit policy says otherwise
	}
	if p.StopTimeout <= 0 {
		p.StopTimeout = DefaultStopTimeout
	}
	if pol.Dir != "" {
		p.Dir = pol.Dir
		if !filepath.IsAbs(p.Dir) {
			p.Dir = filepath.Join(m.Root, p.Dir)
		}
		if err := checkText(p.Dir); err != nil {
			return nil, fmt.Errorf("export: the dir of %s %q %v", t.Name, pol.Dir, err)
		}
	}
	for _, dep := range pol.DependsOn {
		if exported[dep] {
			p.DependsOn = append(p.DependsOn, dep)
		}
	}
	for _, v := range pol.Env {
		if err := checkVar("the env of "+t.Name, v.Key, v.Value); err != nil {
			return nil, err
		}
		p.Env = setVar(p.Env, v.Key, v.Value)
	}
	for _, in := range spec.Instances {
		if in.Type != t.Name {
			continue
		}
		i := &instance{Process: p, Name: in.Name, Num: in.Num, Port: in.Port}
		i.Env = append(i.Env, m.Env...)
		i.Env = setVar(i.Env, "PORT", strconv.Itoa(in.Port))
		i.Env = setVar(i.Env, "PS", in.Name)
		i.Env = setVar(i.Env, "HONCHO_PROCESS_NAME", in.Name)
		for _, v := range p.Env {
			i.Env = setVar(i.Env, v.Key, v.Value)
		}
		p.Instances = append(p.Instances, i)
	}
	if len(p.Instances) == 0 {
		return nil, fmt.Errorf("export: process type %s has concurrency %d but no instances in the Spec; build them with App.Instances", t.Name, t.Concurrency)
	}
	p.Port = p.Instances[0].Port
	p.Listen = listenPort(p)
	return p, nil
}

// containerEnv is the environment of every container of p, where replicas
// are interchangeable: the .env values, PORT of the first instance, PS and
// HONCHO_PROCESS_NAME the type's name, then the policy's env.
func (p *process) containerEnv(m *model) []envfile.Var {
	env := append([]envfile.Var(nil), m.Env...)
	env = setVar(env, "PORT", strconv.Itoa(p.Port))
	env = setVar(env, "PS", p.Name)
	env = setVar(env, "HONCHO_PROCESS_NAME", p.Name)
	for _, v := range p.Env {
		env = setVar(env, v.Key, v.Value)
	}
	return env
}

// process returns the exported type called name, or nil.
func (m *model) process(name string) *process {
	for _, p := range m.Processes {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// setVar sets k=v in env, in place when k is already there.
func setVar(env []envfile.Var, k, v string) []envfile.Var {
	for i := range env {
		if env[i].Key == k {
			env[i].Value = v
			return env
		}
	}
	return append(env, envfile.Var{Key: k, Value: v})
}

// checkVar rejects a variable no environment can hold.
func checkVar(where, k, v string) error {
	if k == "" || strings.ContainsAny(k, "=\x00") || !utf8.ValidString(k) {
		return fmt.Errorf("export: %s has the variable name %q; a name must be non-empty UTF-8 text without \"=\"", where, k)
	}
	if err := checkText(v); err != nil {
		return fmt.Errorf("export: %s: the value of %s %v", where, k, err)
	}
	return nil
}

// checkText rejects text that no configuration file can carry.
func checkText(s string) error {
	switch {
	case strings.ContainsRune(s, 0):
		return fmt.Errorf("contains a NUL byte, which no process can be given; remove it")
	case !utf8.ValidString(s):
		return fmt.Errorf("is not valid UTF-8, which configuration files must be; fix its encoding")
	}
	return nil
}

// unsafeNameChars are the characters made "-" in names of units, programs,
// service directories and labels.
var unsafeNameChars = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// name is the name of an exported type or instance: APP-TYPE or
// APP-TYPE-N, safe as a file, unit, program or label name.
func (m *model) name(parts ...any) string {
	s := m.App
	for _, p := range parts {
		s += "-" + unsafeNameChars.ReplaceAllString(fmt.Sprint(p), "-")
	}
	return s
}

// portRE finds $PORT or ${PORT...} in a command.
var portRE = regexp.MustCompile(`\$(PORT\b|\{PORT[}:?+=-])`)

// listenPort is the port p serves (see the package comment), or 0.
func listenPort(p *process) int {
	if port := probePort(p.Ready); port != 0 {
		return port
	}
	if p.Name == "web" || portRE.MatchString(p.Command) {
		return p.Port
	}
	return 0
}

// probePort is the port of the process's own that a tcp or http probe
// connects to, or 0.
func probePort(pr *policy.Probe) int {
	if pr == nil {
		return 0
	}
	if _, port, local := probeTarget(pr); local && port > 0 && port <= 65535 {
		return port
	}
	return 0
}

// seconds rounds d up to whole seconds, for consumers that count in them.
func seconds(d time.Duration) int {
	return int((d + time.Second - 1) / time.Second)
}
