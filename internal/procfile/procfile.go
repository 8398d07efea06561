// Package procfile parses Procfiles with honcho's grammar: one
// "name: command" per line, kept in file order.
package procfile

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// Entry is one process type declared by a Procfile line.
type Entry struct {
	Name    string // process type name, [A-Za-z0-9_-]+
	Command string // everything after the first colon, trimmed
	Line    int    // 1-based line number
}

// Procfile is a parsed Procfile.
type Procfile struct {
	Path    string  // the file it was read from, for messages
	Entries []Entry // in file order
}

// Names returns the process type names in file order.
func (p *Procfile) Names() []string {
	names := make([]string, len(p.Entries))
	for i, e := range p.Entries {
		names[i] = e.Name
	}
	return names
}

// Lookup returns the entry named name.
func (p *Procfile) Lookup(name string) (Entry, bool) {
	for _, e := range p.Entries {
		if e.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}

// Warning is a line that was skipped because it does not parse.
type Warning struct {
	Path   string
	Line   int
	Reason string
}

func (w Warning) String() string {
	return fmt.Sprintf("%s:%d: line ignored: %s", w.Path, w.Line, w.Reason)
}

// Error is a fatal problem at a line of a Procfile.
type Error struct {
	Path string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg) }

// lineRE is honcho's and foreman's grammar for a process line.
var lineRE = regexp.MustCompile(`^([A-Za-z0-9_-]+):\s*(.+)$`)

// nameRE is the grammar of a process type name.
var nameRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// Parse reads a Procfile. Lines that do not parse are returned as warnings;
// a duplicate name is an error naming both lines, and every duplicate is
// reported (errors.Join of *Error), so one run shows all there is to fix.
// A UTF-8 byte order mark and CRLF line endings are accepted.
func Parse(path string, data []byte) (*Procfile, []Warning, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	p := &Procfile{Path: path}
	var warnings []Warning
	var dups []error
	seen := map[string]int{}
	for i, raw := range strings.Split(string(data), "\n") {
		n := i + 1
		line := strings.TrimSuffix(raw, "\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		m := lineRE.FindStringSubmatch(line)
		if m == nil || strings.TrimSpace(m[2]) == "" {
			warnings = append(warnings, Warning{Path: path, Line: n, Reason: why(line)})
			continue
		}
		name, cmd := m[1], strings.TrimSpace(m[2])
		if first, dup := seen[name]; dup {
			dups = append(dups, &Error{Path: path, Line: n,
				Msg: fmt.Sprintf("process %q is declared twice, at lines %d and %d; process names must be unique, rename or remove one", name, first, n)})
			continue
		}
		seen[name] = n
		p.Entries = append(p.Entries, Entry{Name: name, Command: cmd, Line: n})
	}
	switch len(dups) {
	case 0:
		return p, warnings, nil
	case 1:
		return nil, warnings, dups[0]
	}
	return nil, warnings, errors.Join(dups...)
}

// why explains, for a line that does not parse, what is wrong with it.
func why(line string) string {
	name, command, found := strings.Cut(line, ":")
	trimmed := strings.TrimRight(name, " \t")
	switch {
	case strings.TrimLeftFunc(line, unicode.IsSpace) != line:
		return fmt.Sprintf("%q is indented; process lines start at the first column", line)
	case !found:
		return fmt.Sprintf("%q has no colon; write \"name: command\"", line)
	case trimmed == "":
		return fmt.Sprintf("%q has no process name before the colon", line)
	case trimmed != name && nameRE.MatchString(trimmed):
		return fmt.Sprintf("%q has a space before the colon; write %q", line, trimmed+":")
	case !nameRE.MatchString(name):
		return fmt.Sprintf("%q: process name %q may only hold letters, digits, '_' and '-'", line, trimmed)
	case strings.TrimSpace(command) == "":
		return fmt.Sprintf("%q has no command after the colon", line)
	default:
		return fmt.Sprintf("%q does not read as \"name: command\"", line)
	}
}
