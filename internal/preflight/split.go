package preflight

import "strings"

// Command is the first simple command of a shell command line: what
// /bin/sh runs before the first ; & | && || or newline.
type Command struct {
	Words     []Word     // assignments, the program and its arguments, in order
	Redirects []Redirect // in order
}

// Word is one shell word.
type Word struct {
	Raw  string // as written, quotes included
	Text string // after quote removal; what the program gets when Literal
	// Literal is false when the shell would expand the word ($VAR, $(...),
	// `...`, a glob, ~ or a brace): then Text is not what the program gets.
	Literal bool
}

// Redirect is one redirection, such as 2>> logs/worker.error.log.
type Redirect struct {
	Op     string // as written, with its file descriptor: ">", "1>>", "2>", "<", ">&", "<<"
	Target Word
}

// Split reads the first simple command of a shell command line, with
// POSIX sh quoting: '...', "...", backslash escapes, $(...), ${...} and
// `...` kept inside their word. It stops at the first ; & | && || ) or
// newline, and at a # that starts a word. ok is false when the line cannot
// be read that far: an unterminated quote or substitution, a ( (a subshell
// or a function definition), or a redirection without a target.
func Split(line string) (cmd Command, ok bool) {
	i := 0
	for {
		i = skipBlanks(line, i)
		if i >= len(line) {
			return cmd, true
		}
		switch line[i] {
		case '#', '\n', ';', '&', '|', ')':
			return cmd, true
		case '(':
			return cmd, false
		}
		if n := redirectLen(line[i:]); n > 0 {
			op := line[i : i+n]
			j := skipBlanks(line, i+n)
			w, end, ok := readWord(line, j)
			if !ok || end == j {
				return cmd, false
			}
			cmd.Redirects = append(cmd.Redirects, Redirect{Op: op, Target: w})
			i = end
			continue
		}
		w, end, ok := readWord(line, i)
		if !ok || end == i {
			return cmd, false
		}
		cmd.Words = append(cmd.Words, w)
		i = end
	}
}

// skipBlanks skips spaces, tabs and backslash-newline continuations.
func skipBlanks(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == ' ' || s[i] == '\t':
			i++
		case strings.HasPrefix(s[i:], "\\\n"):
			i += 2
		default:
			return i
		}
	}
	return i
}

// redirectLen returns the length of the redirection operator s starts with,
// file descriptor digits included, or 0. Longer operators come first.
func redirectLen(s string) int {
	digits := 0
	for digits < len(s) && s[digits] >= '0' && s[digits] <= '9' {
		digits++
	}
	for _, op := range []string{"<<<", "<<-", ">>", ">|", ">&", "<<", "<&", "<>", ">", "<"} {
		if strings.HasPrefix(s[digits:], op) {
			return digits + len(op)
		}
	}
	return 0
}

// endsWord reports whether an unquoted byte ends a word.
func endsWord(c byte) bool {
	switch c {
	case ' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>':
		return true
	}
	return false
}

// readWord reads the word starting at i and returns it with the index just
// past it. ok is false for an unterminated quote or substitution.
func readWord(s string, i int) (w Word, end int, ok bool) {
	start := i
	var text strings.Builder
	literal := true
	for i < len(s) && !endsWord(s[i]) {
		c := s[i]
		switch {
		case c == '\\':
			switch {
			case i+1 >= len(s):
				text.WriteByte('\\')
				i++
			case s[i+1] == '\n':
				i += 2
			default:
				text.WriteByte(s[i+1])
				i += 2
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return w, i, false
			}
			text.WriteString(s[i+1 : i+1+j])
			i += j + 2
		case c == '"':
			j, lit, ok := readDoubleQuoted(s, i+1, &text)
			if !ok {
				return w, j, false
			}
			literal = literal && lit
			i = j
		case c == '$' || c == '`':
			j, ok := skipExpansion(s, i)
			if !ok {
				return w, j, false
			}
			literal = literal && j == i+1 // a lone $ is itself
			text.WriteString(s[i:j])
			i = j
		default:
			if strings.IndexByte("*?[{", c) >= 0 || (c == '~' && i == start) {
				literal = false
			}
			text.WriteByte(c)
			i++
		}
	}
	return Word{Raw: s[start:i], Text: text.String(), Literal: literal}, i, true
}

// readDoubleQuoted reads the inside of "..." from i (just past the opening
// quote) into text and returns the index past the closing quote. lit is
// false when it holds an expansion.
func readDoubleQuoted(s string, i int, text *strings.Builder) (end int, lit, ok bool) {
	lit = true
	for i < len(s) {
		switch c := s[i]; c {
		case '"':
			return i + 1, lit, true
		case '\\':
			if i+1 < len(s) && strings.IndexByte("$`\"\\\n", s[i+1]) >= 0 {
				if s[i+1] != '\n' {
					text.WriteByte(s[i+1])
				}
				i += 2
				continue
			}
			text.WriteByte(c)
			i++
		case '$', '`':
			j, ok := skipExpansion(s, i)
			if !ok {
				return j, false, false
			}
			lit = lit && j == i+1
			text.WriteString(s[i:j])
			i = j
		default:
			text.WriteByte(c)
			i++
		}
	}
	return i, false, false
}

// skipExpansion returns the index past the expansion at s[i] ($name, ${...},
// $(...), $((...)) or `...`); i+1 for a $ that starts none.
func skipExpansion(s string, i int) (end int, ok bool) {
	if s[i] == '`' {
		for j := i + 1; j < len(s); j++ {
			switch s[j] {
			case '\\':
				j++
			case '`':
				return j + 1, true
			}
		}
		return len(s), false
	}
	if i+1 >= len(s) {
		return i + 1, true
	}
	switch c := s[i+1]; {
	case c == '(':
		return skipNested(s, i+2, '(', ')')
	case c == '{':
		return skipNested(s, i+2, '{', '}')
	case c == '_' || isAlpha(c):
		j := i + 1
		for j < len(s) && (s[j] == '_' || isAlpha(s[j]) || isDigit(s[j])) {
			j++
		}
		return j, true
	case isDigit(c) || strings.IndexByte("@*#?-$!", c) >= 0:
		return i + 2, true
	}
	return i + 1, true
}

// skipNested returns the index past the close that balances an open before
// i, skipping quoted text and nested expansions.
func skipNested(s string, i int, open, close byte) (end int, ok bool) {
	depth := 1
	for i < len(s) {
		switch c := s[i]; {
		case c == '\\':
			i += 2
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return len(s), false
			}
			i += j + 2
		case c == '"':
			var discard strings.Builder
			j, _, ok := readDoubleQuoted(s, i+1, &discard)
			if !ok {
				return j, false
			}
			i = j
		case c == '`' || (c == '$' && i+1 < len(s) && (s[i+1] == '(' || s[i+1] == '{')):
			j, ok := skipExpansion(s, i)
			if !ok {
				return j, false
			}
			i = j
		case c == open:
			depth++
			i++
		case c == close:
			depth--
			i++
			if depth == 0 {
				return i, true
			}
		default:
			i++
		}
	}
	return len(s), false
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
