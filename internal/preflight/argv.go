package preflight

import (
	"path"
	"regexp"
	"strings"
)

// assignRE matches a word the shell reads as a variable assignment.
var assignRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// wrapper describes a command that runs the rest of its arguments as a
// command, and the options it takes before it.
type wrapper struct {
	builtin    bool   // a shell builtin or keyword: nothing on disk to resolve
	flags      string // short options without an argument
	argFlags   string // short options that take an argument
	longs      string // long options without an argument, space-separated
	positional int    // operands before the command (timeout's duration)
	assigns    bool   // takes NAME=value operands before the command (env)
	query      string // short options that only ask about the command, running nothing
}

// wrappers are the commands Argv looks through. An option not listed makes
// it give up rather than guess.
var wrappers = map[string]wrapper{
	"exec":    {builtin: true, flags: "cl", argFlags: "a"},
	"command": {builtin: true, flags: "p", query: "vV"},
	"time":    {builtin: true, flags: "pvaq", argFlags: "of", longs: "portability verbose append quiet"},
	"env":     {flags: "i0v", argFlags: "u", longs: "ignore-environment null debug", assigns: true},
	"nohup":   {},
	"nice":    {flags: "0123456789", argFlags: "n"},
	"setsid":  {flags: "cfw", longs: "ctty fork wait"},
	"stdbuf":  {argFlags: "ioe"},
	"timeout": {flags: "v", argFlags: "sk", longs: "foreground preserve-status verbose", positional: 1},
}

// invocation is a simple command taken apart: what the shell and the
// wrappers set, and what finally runs.
type invocation struct {
	assigns  []Word // VAR=value words, the shell's and env's, in order
	wrappers []Word // wrappers that are programs (env, nohup, ...), to resolve too
	argv     []Word // the program and its arguments; empty when only assignments
	clearEnv bool   // env -i: the program sees only the assignments
}

// Argv returns the program and its arguments: the words after leading
// VAR=value assignments and wrappers (exec, command, env, nohup, nice,
// setsid, stdbuf, timeout, time). ok is false when it cannot tell, such as
// after a wrapper option it does not know or `command -v`.
func (c Command) Argv() (argv []Word, ok bool) {
	inv, ok := c.invocation()
	return inv.argv, ok
}

func (c Command) invocation() (inv invocation, ok bool) {
	words := c.Words
	for len(words) > 0 && assignRE.MatchString(words[0].Raw) {
		inv.assigns = append(inv.assigns, words[0])
		words = words[1:]
	}
	for len(words) > 0 && words[0].Literal {
		name := words[0].Text
		w, known := wrappers[name]
		if !known && strings.Contains(name, "/") { // /usr/bin/env
			w, known = wrappers[path.Base(name)]
			known = known && !w.builtin
		}
		if !known || words[0].Raw != name && w.builtin { // "exec" quoted is a program name
			break
		}
		if !w.builtin {
			inv.wrappers = append(inv.wrappers, words[0])
		}
		rest, clear, ok := w.skipOptions(words[1:])
		if !ok {
			return inv, false
		}
		inv.clearEnv = inv.clearEnv || clear
		if len(rest) < w.positional {
			return inv, false
		}
		rest = rest[w.positional:]
		for w.assigns && len(rest) > 0 && assignRE.MatchString(rest[0].Text) {
			inv.assigns = append(inv.assigns, rest[0])
			rest = rest[1:]
		}
		if len(rest) == 0 && !w.builtin {
			return inv, false // env alone prints the environment; nohup alone fails
		}
		words = rest
	}
	inv.argv = words
	return inv, true
}

// skipOptions skips the wrapper's options, returning the words after them.
// clear is true for env's -i (or a lone -).
func (w wrapper) skipOptions(words []Word) (rest []Word, clear, ok bool) {
	for len(words) > 0 {
		t := words[0].Text
		switch {
		case !words[0].Literal:
			return nil, false, false
		case t == "--":
			return words[1:], clear, true
		case t == "-" && w.assigns:
			clear = true
			words = words[1:]
			continue
		case len(t) < 2 || t[0] != '-':
			return words, clear, true
		case strings.HasPrefix(t, "--"):
			name, _, hasValue := strings.Cut(t[2:], "=")
			if !hasValue && !strings.Contains(" "+w.longs+" ", " "+name+" ") {
				return nil, false, false
			}
			clear = clear || name == "ignore-environment"
			words = words[1:]
			continue
		}
		words = words[1:]
		for k := 1; k < len(t); k++ {
			c := t[k]
			switch {
			case strings.IndexByte(w.query, c) >= 0:
				return nil, false, false
			case strings.IndexByte(w.argFlags, c) >= 0:
				if k == len(t)-1 { // the argument is the next word
					if len(words) == 0 {
						return nil, false, false
					}
					words = words[1:]
				}
				k = len(t)
			case strings.IndexByte(w.flags, c) >= 0:
				clear = clear || (w.assigns && c == 'i')
			default:
				return nil, false, false
			}
		}
	}
	return words, clear, true
}

// reservedWords start compound commands and other syntax Check does not
// analyse.
var reservedWords = setOf("! { } [[ ]] case coproc do done elif else esac fi for function if in select then until while")

// builtins are shell builtins: they run inside the shell, so there is no
// program to find and their arguments are not files to open.
var builtins = setOf(". : [ alias bg break builtin caller cd continue declare echo eval exit export false fc fg getopts hash help history jobs kill let local logout printf pwd read readonly return set shift shopt source test times trap true type typeset ulimit umask unalias unset wait")

func setOf(words string) map[string]bool {
	set := map[string]bool{}
	for w := range strings.FieldsSeq(words) {
		set[w] = true
	}
	return set
}
