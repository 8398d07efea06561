// Package envfile reads .env files with the dotenv syntax of docker compose
// (quotes, escapes, "export", comments, empty values, ${VAR} interpolation),
// and reports a malformed line as file:line.
package envfile

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/compose-spec/compose-go/v2/dotenv"
)

// Var is one variable of an env file.
type Var struct {
	Key, Value string
}

// Error is a malformed env file.
type Error struct {
	Path string
	Line int // 0 when the line is unknown
	Msg  string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.Path, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
}

// Parse reads an env file. Variables come back in the order of their first
// assignment, each with its last value. A ${VAR} reference resolves to a
// key assigned above it in the file, else to lookup (usually the OS
// environment); lookup may be nil.
func Parse(path string, data []byte, lookup func(string) (string, bool)) ([]Var, error) {
	src := strings.TrimPrefix(string(data), bom)
	if !strings.HasSuffix(src, "\n") {
		// Without it the library reads a bare "KEY" on the last line as a
		// value with no name.
		src += "\n"
	}
	if lookup == nil {
		lookup = func(string) (string, bool) { return "", false }
	}
	var vars []Var
	index := map[string]int{} // key -> position in vars
	resolve := func(key string) (string, bool) {
		if i, ok := index[key]; ok {
			return vars[i].Value, true
		}
		if key == "" {
			return "", false
		}
		return lookup(key)
	}
	// The library resolves references in the environment before the file and
	// returns a map; parsing one assignment at a time gives the file
	// precedence, keeps the order and knows the line of every error.
	for _, st := range statements(src) {
		values, err := parseSafely(st.text, resolve)
		if err != nil {
			return nil, describe(path, st.line, err)
		}
		if _, ok := values[""]; ok {
			return nil, &Error{Path: path, Line: st.line, Msg: "a value has no name; write KEY=value"}
		}
		keys := make([]string, 0, len(values))
		for k := range values {
			keys = append(keys, k)
		}
		sort.Strings(keys) // at most one key per statement; sorted in case not
		for _, k := range keys {
			if i, ok := index[k]; ok {
				vars[i].Value = values[k]
				continue
			}
			index[k] = len(vars)
			vars = append(vars, Var{Key: k, Value: values[k]})
		}
	}
	return vars, nil
}

// bom is the UTF-8 byte order mark that some editors put first in a file.
const bom = "\ufeff"

// parseSafely guards against a panic in the library on hostile input: a bad
// env file must be an error, never a crash.
func parseSafely(src string, lookup func(string) (string, bool)) (values map[string]string, err error) {
	if strings.HasPrefix(src, bom) {
		// Not the file's byte order mark but a bad key character, which the
		// library would drop as one: the blank makes it read on.
		src = " " + src
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot parse: %v", r)
		}
	}()
	return dotenv.ParseWithLookup(strings.NewReader(src), lookup)
}

// lineErrRE splits the library's "line N: message" errors.
var lineErrRE = regexp.MustCompile(`(?s)^line (\d+): (.*)$`)

// describe turns a library error about the statement at line into an Error.
// Every error the library finds in a statement lies on its first line: the
// key, or the quote that opens a value that never closes (the library itself
// counts to the end of the file for that one).
func describe(path string, line int, err error) *Error {
	msg := err.Error()
	if m := lineErrRE.FindStringSubmatch(msg); m != nil {
		msg = m[2]
	}
	switch {
	case strings.Contains(msg, "unterminated quoted value"):
		msg += "; close the quote, or escape it with a backslash"
	case strings.Contains(msg, "Invalid template"):
		msg += "; write ${NAME}, or $$ for a literal $"
	default:
		msg += "; write KEY=value, one per line"
	}
	return &Error{Path: path, Line: line, Msg: msg}
}

// statement is one assignment of an env file.
type statement struct {
	text string // from the key (or "export") to the end of the value
	line int    // line of the key, where a quoted value also opens
}

// exportRE is the library's optional "export" prefix.
var exportRE = regexp.MustCompile(`^export\s+`)

// statements splits src into assignments the way the library's parser walks
// it (dotenv/parser.go): blank space and "#" lines between them, a key ending
// at '=' or ':' (or at a newline, for a key taken from the environment), then
// a value that is quoted, possibly over several lines, or runs to the end of
// the line. Where the parser would fail, the rest of src becomes the last
// statement and parsing it reports the failure.
func statements(src string) []statement {
	var out []statement
	line := 1
	pos := 0
	for {
		for pos < len(src) {
			r, size := utf8.DecodeRuneInString(src[pos:])
			if r == '#' {
				if nl := strings.IndexByte(src[pos:], '\n'); nl >= 0 {
					pos += nl
				} else {
					pos = len(src)
				}
				continue
			}
			if !unicode.IsSpace(r) {
				break
			}
			if r == '\n' {
				line++
			}
			pos += size
		}
		if pos == len(src) {
			return out
		}
		n, newlines, ok := statementLen(src[pos:])
		if !ok {
			return append(out, statement{text: src[pos:], line: line})
		}
		out = append(out, statement{text: src[pos : pos+n], line: line})
		pos += n
		line += newlines
	}
}

// statementLen returns the length of the statement that s starts with and
// the newlines it holds, or ok=false where the library reports an error.
func statementLen(s string) (n, newlines int, ok bool) {
	i := 0
	if exportRE.MatchString(s) {
		i = len("export") + spaceLen(s[len("export"):])
	}
	for {
		if i == len(s) {
			return 0, 0, false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == '\n' {
			return i, 1, true // KEY alone: its value comes from the environment
		}
		if r == '=' || r == ':' {
			break
		}
		if !isSpace(r) && !strings.ContainsRune("_.-[]", r) && !unicode.IsLetter(r) && !unicode.IsNumber(r) {
			return 0, 0, false
		}
	}
	i += spaceLen(s[i:])
	if i < len(s) && (s[i] == '"' || s[i] == '\'') {
		quote, escaped := s[i], false
		for j := i + 1; j < len(s); j++ {
			switch c := s[j]; {
			case c == '\n':
				newlines++
				escaped = false
			case escaped:
				escaped = false
			case c == '\\': // escapes the next byte in both kinds of quotes
				escaped = true
			case c == quote:
				return j + 1, newlines, true
			}
		}
		return 0, 0, false
	}
	if nl := strings.IndexByte(s[i:], '\n'); nl >= 0 {
		return i + nl + 1, 1, true
	}
	return len(s), 0, true
}

// spaceLen is the length of the library's blank space (not newlines) at the
// start of s.
func spaceLen(s string) int {
	if i := strings.IndexFunc(s, func(r rune) bool { return !isSpace(r) }); i >= 0 {
		return i
	}
	return len(s)
}

// isSpace is the library's blank space within a line.
func isSpace(r rune) bool {
	switch r {
	case '\t', '\v', '\f', '\r', ' ', 0x85, 0xA0:
		return true
	}
	return false
}
