package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Error is a problem at a line of hancho.yaml. Parse and Check join several
// of them with errors.Join, one per line of the message.
type Error struct {
	Path string // the file, as given to Parse
	Line int    // 1-based; zero when the problem has no line (e.g. a Config built in code)
	Msg  string // what is wrong and what to do about it
}

// Error formats the problem as "path:line: message".
func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.Path, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
}

// The keys each mapping accepts, in the order the messages list them.
var (
	configKeys  = []string{"timeout", "processes"}
	processKeys = []string{"restart", "optional", "stop_timeout", "stop_signal", "depends_on", "ready", "env", "dir"}
	probeKeys   = []string{"tcp", "http", "exec", "log", "timeout"}
	probeKinds  = probeKeys[:4]
)

// nameRE is the Procfile's grammar for a process type name.
var nameRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// Parse reads hancho.yaml. path is used in messages and kept as Config.Path;
// "" reads as "hancho.yaml". Every problem found is reported, each as an
// *Error; an empty file, or one holding only comments, is a valid empty
// Config.
func Parse(path string, data []byte) (*Config, error) {
	if path == "" {
		path = FileName
	}
	d := &decoder{path: path}
	c := &Config{Path: path}

	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return c, nil
		}
		return nil, d.yamlError(err, data)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == io.EOF:
	case err != nil:
		return nil, d.yamlError(err, data)
	default:
		return nil, d.errorf(next.Line, `a second YAML document starts here; hancho.yaml holds one, so remove this "---" and what follows or merge it into the first`)
	}

	if len(doc.Content) == 0 {
		return c, nil
	}
	d.config(c, doc.Content[0])
	if len(d.errs) > 0 {
		return nil, errors.Join(d.errs...)
	}
	return c, nil
}

// decoder walks the yaml.Node tree, collecting every problem with its line.
type decoder struct {
	path string
	errs []error
}

// errorf records a problem at line and returns it.
func (d *decoder) errorf(line int, format string, args ...any) error {
	err := &Error{Path: d.path, Line: line, Msg: fmt.Sprintf(format, args...)}
	d.errs = append(d.errs, err)
	return err
}

// yamlError turns a syntax error from the yaml package into an *Error.
func (d *decoder) yamlError(err error, data []byte) error {
	line, msg := splitYAMLError(err)
	hint := `fix the YAML syntax (indent with spaces, quote values that contain ": " or start with a special character)`
	switch m := anchorRE.FindStringSubmatch(msg); {
	case m != nil:
		hint = fmt.Sprintf("define it with &%s before *%s uses it", m[1], m[1])
	case strings.Contains(msg, "control characters"), strings.Contains(msg, "UTF-8"):
		hint = "remove the character, and save the file as UTF-8 text"
	}
	return d.errorf(problemLine(data, msg, line), "%s; %s", msg, hint)
}

// anchorRE matches the yaml package's message for an alias with no anchor.
var anchorRE = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)

// yamlLineRE splits the yaml package's syntax errors.
var yamlLineRE = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// splitYAMLError returns the line a yaml syntax error names (0 if none) and
// its message, on one line.
func splitYAMLError(err error) (int, string) {
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	m := yamlLineRE.FindStringSubmatch(msg)
	if m == nil {
		return 0, msg
	}
	line, _ := strconv.Atoi(m[1])
	return line, m[2]
}

// problemLine finds the line of a YAML syntax error: the first line at which
// the file, cut after that line, fails with the same message. The yaml
// package names the line where the enclosing block starts, counting from
// zero, or no line at all; the search starts there.
func problemLine(data []byte, msg string, from int) int {
	// hancho.yaml is small; bound the quadratic search for files that are not.
	const maxLines, maxBytes = 500, 32 << 10
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines) > maxLines || len(data) > maxBytes {
		return max(from, 1)
	}
	end := 0
	for i, l := range lines {
		end += len(l)
		if i+1 < from {
			continue
		}
		dec := yaml.NewDecoder(bytes.NewReader(data[:end]))
		var err error
		for err == nil {
			var n yaml.Node
			err = dec.Decode(&n)
		}
		if _, m := splitYAMLError(err); m == msg {
			return i + 1
		}
	}
	return max(from, 1)
}

func (d *decoder) config(c *Config, n *yaml.Node) {
	d.mapping(n, "", configKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "timeout":
			c.Timeout = d.duration(v, "timeout")
		case "processes":
			d.processes(c, v)
		}
	})
}

func (d *decoder) processes(c *Config, n *yaml.Node) {
	n = resolve(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n.Line, "processes must be a mapping of process names to their policy, not %s", describe(n))
		return
	}
	c.Processes = map[string]*Process{}
	d.pairs(n, " in processes", func(name string, k, v *yaml.Node) {
		if !nameRE.MatchString(name) {
			d.errorf(k.Line, "process name %q may only contain letters, digits, \"_\" and \"-\"; use the name from the Procfile", name)
			return
		}
		p := &Process{Line: k.Line}
		c.Processes[name] = p
		d.process(p, name, v)
	})
}

func (d *decoder) process(p *Process, name string, n *yaml.Node) {
	d.mapping(n, fmt.Sprintf("process %q", name), processKeys, func(key string, k, v *yaml.Node) {
		what := fmt.Sprintf("%s of process %q", key, name)
		switch key {
		case "restart":
			if s, ok := d.str(v, what); ok {
				switch r := Restart(s); r {
				case RestartNo, RestartOnFailure, RestartAlways:
					p.Restart = r
				default:
					d.errorf(v.Line, "%s is %q; use no, on-failure or always", what, s)
				}
			}
		case "optional":
			p.Optional = d.boolean(v, what)
		case "stop_timeout":
			p.StopTimeout = d.duration(v, what)
		case "stop_signal":
			if s, ok := d.str(v, what); ok {
				if sig, ok := normalSignal(s); ok {
					p.StopSignal = sig
				} else {
					d.errorf(v.Line, "%s is %q, which is not a signal name; use one such as TERM, INT, QUIT, HUP, KILL, USR1 or USR2", what, s)
				}
			}
		case "depends_on":
			p.DependsOn = d.names(v, what)
		case "ready":
			p.Ready = d.probe(k.Line, v, name)
		case "env":
			p.Env = d.env(v, what)
		case "dir":
			p.Dir, _ = d.str(v, what)
		}
	})
}

// probe reads the ready block of a process; line is that of its key.
func (d *decoder) probe(line int, n *yaml.Node, name string) *Probe {
	pr := &Probe{Line: line}
	var kinds []string
	ok := d.mapping(n, fmt.Sprintf("ready of process %q", name), probeKeys, func(key string, k, v *yaml.Node) {
		what := fmt.Sprintf("ready %s of process %q", key, name)
		if key == "timeout" {
			pr.Timeout = d.duration(v, what)
			return
		}
		kinds = append(kinds, key)
		if len(kinds) == 2 {
			d.errorf(k.Line, "ready of process %q has both %s and %s; keep one probe", name, kinds[0], kinds[1])
		}
		s, ok := d.str(v, what)
		if !ok {
			return
		}
		if msg := checkProbe(key, s); msg != "" {
			d.errorf(v.Line, "%s %s", what, msg)
			return
		}
		switch key {
		case "tcp":
			pr.TCP = s
		case "http":
			pr.HTTP = s
		case "exec":
			pr.Exec = s
		case "log":
			pr.Log = s
		}
	})
	if ok && len(kinds) == 0 {
		d.errorf(line, "ready of process %q names no probe; add one of %s", name, strings.Join(probeKinds, ", "))
	}
	return pr
}

func (d *decoder) env(n *yaml.Node, what string) []EnvVar {
	var env []EnvVar
	n = resolve(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n.Line, "%s must be a mapping of NAME: value, not %s", what, describe(n))
		return nil
	}
	d.pairs(n, " in "+what, func(key string, k, v *yaml.Node) {
		v = resolve(v)
		switch {
		case key == "" || strings.ContainsAny(key, "=\x00"):
			d.errorf(k.Line, "%s has the variable name %q; a name must be non-empty and contain no \"=\"", what, key)
		case v.Kind != yaml.ScalarNode || isNull(v):
			d.errorf(v.Line, "%s: %s must be a string, number or true/false, not %s; quote it (\"\" for empty)", what, key, describe(v))
		case strings.ContainsRune(v.Value, 0):
			d.errorf(v.Line, "%s: %s contains a NUL byte, which an environment cannot hold; remove it", what, key)
		default:
			env = append(env, EnvVar{Key: key, Value: v.Value})
		}
	})
	return env
}

// mapping walks a mapping node whose keys must be among known, calling fn
// for each known key in file order. A null node is an empty mapping. what
// names the mapping in messages, e.g. `process "web"`; "" is the top level.
// It reports whether n was a mapping (or null).
func (d *decoder) mapping(n *yaml.Node, what string, known []string, fn func(key string, k, v *yaml.Node)) bool {
	n = resolve(n)
	if isNull(n) {
		return true
	}
	where := ""
	if what != "" {
		where = " in " + what
	}
	if n.Kind != yaml.MappingNode {
		if what == "" {
			what = "the top level"
		}
		d.errorf(n.Line, "%s must be a mapping with keys %s, not %s", what, strings.Join(known, ", "), describe(n))
		return false
	}
	d.pairs(n, where, func(key string, k, v *yaml.Node) {
		if slices.Contains(known, key) {
			fn(key, k, v)
			return
		}
		d.errorf(k.Line, "unknown key %q%s; known keys: %s", key, where, strings.Join(known, ", "))
	})
	return true
}

// pairs calls fn for each key of a mapping node in file order, rejecting
// keys that are not plain scalars and keys given twice. where says which
// mapping, e.g. ` in process "web"`.
func (d *decoder) pairs(n *yaml.Node, where string, fn func(key string, k, v *yaml.Node)) {
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k.Line, "a key%s is %s; keys must be plain names", where, describe(k))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.errorf(k.Line, "duplicate key %q%s (first at line %d); keep one", k.Value, where, first)
			continue
		}
		seen[k.Value] = k.Line
		fn(k.Value, k, v)
	}
}

// str reads a scalar as the string it is written as, so that dir: 2024 or
// exec: true mean what they say.
func (d *decoder) str(n *yaml.Node, what string) (string, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || isNull(n) || n.Value == "" {
		d.errorf(n.Line, "%s must be a non-empty string, not %s", what, describe(n))
		return "", false
	}
	return n.Value, true
}

func (d *decoder) boolean(n *yaml.Node, what string) bool {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" {
		var b bool
		if n.Decode(&b) == nil {
			return b
		}
	}
	d.errorf(n.Line, "%s must be true or false, not %s", what, describe(n))
	return false
}

func (d *decoder) duration(n *yaml.Node, what string) time.Duration {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode && !isNull(n) {
		dur, msg := parseDuration(n.Value)
		if msg == "" {
			return dur
		}
		d.errorf(n.Line, "%s is %q, %s", what, n.Value, msg)
		return 0
	}
	d.errorf(n.Line, "%s must be a duration such as 5s, 1m30s or 2.5 (seconds), not %s", what, describe(n))
	return 0
}

// names reads a list of process names.
func (d *decoder) names(n *yaml.Node, what string) []string {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		d.errorf(n.Line, "%s must be a list of process names such as [redis, db], not %s", what, describe(n))
		return nil
	}
	var names []string
	seen := map[string]bool{}
	for _, e := range n.Content {
		e = resolve(e)
		if e.Kind != yaml.ScalarNode || isNull(e) {
			d.errorf(e.Line, "%s must list process names, not %s", what, describe(e))
			continue
		}
		switch {
		case !nameRE.MatchString(e.Value):
			d.errorf(e.Line, "%s lists %q, which is not a process name; use a name from the Procfile", what, e.Value)
		case seen[e.Value]:
			d.errorf(e.Line, "%s lists %q twice; remove one", what, e.Value)
		default:
			seen[e.Value] = true
			names = append(names, e.Value)
		}
	}
	return names
}

// resolve follows aliases to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names a node's kind and value for messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "an empty value"
		}
		return strconv.Quote(n.Value)
	}
	return "this"
}
