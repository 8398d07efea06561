// Package envfile reads .env files with the dotenv syntax of docker compose
// (quotes, escapes, "export", comments, empty values, ${VAR} interpolation),
// and reports a malformed line as file:line.
package envfile

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

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

// keyRE finds the key of each assignment, in file order.
var keyRE = regexp.MustCompile(`(?m)^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.\-\[\]]*)[ \t]*[=:]`)

// emptyKeyRE finds an assignment without a name.
var emptyKeyRE = regexp.MustCompile(`(?m)^[ \t]*(?:export[ \t]+)?=`)

// lineOf returns the 1-based line of re's first match in data, or 0.
func lineOf(data []byte, re *regexp.Regexp) int {
	loc := re.FindIndex(data)
	if loc == nil {
		return 0
	}
	return bytes.Count(data[:loc[0]], []byte("\n")) + 1
}

// lineErrRE splits the dotenv library's "line N: message" errors.
var lineErrRE = regexp.MustCompile(`^line (\d+): (.*)$`)

// templateRE finds the text of a bad ${...} reference in a library error.
var templateRE = regexp.MustCompile(`Invalid template: "(.*)"`)

// Parse reads an env file. lookup resolves ${VAR} references that the file
// itself does not define (usually the OS environment); it may be nil.
func Parse(path string, data []byte, lookup func(string) (string, bool)) ([]Var, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if lookup == nil {
		lookup = func(string) (string, bool) { return "", false }
	}
	values, err := parseSafely(data, lookup)
	if err != nil {
		return nil, describe(path, data, err)
	}
	if _, ok := values[""]; ok {
		return nil, &Error{Path: path, Line: lineOf(data, emptyKeyRE),
			Msg: "a value has no name; write KEY=value"}
	}
	// The library returns a map; recover the file order from the keys' lines.
	var vars []Var
	seen := map[string]bool{}
	for _, m := range keyRE.FindAllSubmatch(data, -1) {
		k := string(m[1])
		if v, ok := values[k]; ok && !seen[k] {
			seen[k] = true
			vars = append(vars, Var{Key: k, Value: v})
		}
	}
	for k, v := range values { // keys the pattern missed (none expected)
		if !seen[k] {
			vars = append(vars, Var{Key: k, Value: v})
		}
	}
	return vars, nil
}

// parseSafely guards against a panic in the library on hostile input: a bad
// env file must be an error, never a crash.
func parseSafely(data []byte, lookup func(string) (string, bool)) (values map[string]string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot parse: %v", r)
		}
	}()
	return dotenv.ParseWithLookup(bytes.NewReader(data), lookup)
}

// describe turns a library error into an Error with the line of the problem.
// An unterminated quote is reported at the line where the quote opens,
// not at the end of the file where the library noticed it.
func describe(path string, data []byte, err error) *Error {
	msg := err.Error()
	line := 0
	if m := lineErrRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if strings.Contains(msg, "unterminated quoted value") {
		if open := unterminatedQuoteLine(data); open > 0 {
			line = open
		}
		msg += "; close the quote, or escape it with a backslash"
	} else {
		if line == 0 {
			if m := templateRE.FindStringSubmatch(msg); m != nil {
				line = lineOf(data, regexp.MustCompile(regexp.QuoteMeta(m[1])))
			}
		}
		msg += "; write KEY=value, one per line"
	}
	return &Error{Path: path, Line: line, Msg: msg}
}

// unterminatedQuoteLine finds the line whose value opens a quote that is
// never closed.
func unterminatedQuoteLine(data []byte) int {
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		_, value, ok := strings.Cut(lines[i], "=")
		value = strings.TrimLeft(value, " \t")
		if !ok || value == "" || (value[0] != '"' && value[0] != '\'') {
			continue
		}
		q := value[0]
		rest := strings.Join(lines[i:], "\n")
		rest = rest[strings.IndexByte(rest, q)+1:]
		if !closes(rest, q) {
			return i + 1
		}
		// Skip the lines that the quoted value spans.
		i += strings.Count(rest[:closeAt(rest, q)], "\n")
	}
	return 0
}

func closes(s string, q byte) bool { return closeAt(s, q) >= 0 }

func closeAt(s string, q byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && q == '"' {
			i++
			continue
		}
		if s[i] == q {
			return i
		}
	}
	return -1
}
