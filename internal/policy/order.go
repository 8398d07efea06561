package policy

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Check cross-checks the Config against the Procfile's process types, given
// in Procfile order: every process entry and every depends_on name must be
// a type, and depends_on must not form a cycle. Every problem found is
// reported, in file order, each as an *Error.
func (c *Config) Check(types []string) error {
	if c == nil {
		return nil
	}
	var errs []error
	errorf := func(line int, format string, args ...any) {
		errs = append(errs, &Error{Path: c.path(), Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	known := knownTypes(types)
	for _, name := range c.byLine() {
		p := c.Processes[name]
		if !slices.Contains(types, name) {
			errorf(p.Line, "process %q is not in the Procfile (known: %s); fix the name or remove the entry", name, known)
		}
		for _, dep := range p.DependsOn {
			switch {
			case dep == name:
				errorf(p.Line, "process %q depends on itself; remove %q from its depends_on", name, dep)
			case !slices.Contains(types, dep):
				errorf(p.Line, "process %q depends on %q, which is not in the Procfile (known: %s); fix the name or remove it from depends_on", name, dep, known)
			}
		}
	}
	for _, cycle := range c.cycles(types) {
		errorf(c.process(cycle[0]).Line, "depends_on cycle: %s; remove one of these dependencies", strings.Join(cycle, " -> "))
	}
	return errors.Join(errs...)
}

// StartOrder groups the types into layers to start one after another: the
// first holds the types that depend on nothing, each later one the types
// whose dependencies are all in earlier layers. Each layer keeps Procfile
// order. It expects Check to have passed; should depends_on still hold a
// cycle, the types that cannot be ordered form one last layer.
func (c *Config) StartOrder(types []string) [][]string {
	var layers [][]string
	started := map[string]bool{}
	rest := slices.Clone(types)
	for len(rest) > 0 {
		var layer, later []string
		for _, t := range rest {
			waiting := slices.ContainsFunc(c.process(t).deps(), func(dep string) bool {
				return slices.Contains(types, dep) && !started[dep]
			})
			if waiting {
				later = append(later, t)
			} else {
				layer = append(layer, t)
			}
		}
		if len(layer) == 0 {
			layer, later = later, nil
		}
		for _, t := range layer {
			started[t] = true
		}
		layers = append(layers, layer)
		rest = later
	}
	return layers
}

// cycles returns each depends_on cycle among the types, as the path from a
// process back to itself, e.g. [a b a]. Self-dependencies are left to Check.
func (c *Config) cycles(types []string) [][]string {
	const (
		unvisited = iota
		onPath
		done
	)
	state := map[string]int{}
	var path []string
	var found [][]string
	var visit func(name string)
	visit = func(name string) {
		state[name] = onPath
		path = append(path, name)
		for _, dep := range c.process(name).deps() {
			if dep == name || !slices.Contains(types, dep) {
				continue
			}
			switch state[dep] {
			case unvisited:
				visit(dep)
			case onPath:
				start := slices.Index(path, dep)
				found = append(found, append(slices.Clone(path[start:]), dep))
			}
		}
		path = path[:len(path)-1]
		state[name] = done
	}
	for _, t := range types {
		if state[t] == unvisited {
			visit(t)
		}
	}
	return found
}

// process returns the entry for a type, or nil.
func (c *Config) process(name string) *Process {
	if c == nil {
		return nil
	}
	return c.Processes[name]
}

// deps returns p.DependsOn; nil for a nil Process.
func (p *Process) deps() []string {
	if p == nil {
		return nil
	}
	return p.DependsOn
}

// byLine returns the names of the process entries in file order.
func (c *Config) byLine() []string {
	var names []string
	for name, p := range c.Processes {
		if p != nil {
			names = append(names, name)
		}
	}
	slices.SortFunc(names, func(a, b string) int {
		return cmp.Or(cmp.Compare(c.Processes[a].Line, c.Processes[b].Line), strings.Compare(a, b))
	})
	return names
}

// path is the file name for messages.
func (c *Config) path() string {
	if c.Path == "" {
		return FileName
	}
	return c.Path
}

// knownTypes lists the types for messages.
func knownTypes(types []string) string {
	if len(types) == 0 {
		return "the Procfile has none"
	}
	return strings.Join(types, ", ")
}
