package export

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

// TestSystemdRoundTrip reads the exported services back the way systemd
// does (unquoting, C escapes, specifiers, $ expansion in ExecStart), runs
// each ExecStart= with its Environment= and WorkingDirectory=, and checks
// that the processes get their arguments and environment byte for byte and
// stop, with their whole group, on KillSignal=.
func TestSystemdRoundTrip(t *testing.T) {
	srv := newHelperServer(t)
	spec := trickySpec(t, srv.path)
	dir := exportTo(t, "systemd", spec)
	want := wantEnv(spec, false)
	for _, in := range spec.Instances {
		unit := filepath.Join(dir, "tricky-"+strings.Replace(in.Name, ".", "-", 1)+".service")
		svc := readUnit(t, unit)
		argv, err := systemdArgv(svc.get(t, "ExecStart"))
		if err != nil {
			t.Fatalf("%s: ExecStart=: %v", unit, err)
		}
		env := []string{"PATH=" + os.Getenv("PATH")} // systemd's own, before Environment=
		for _, line := range svc.all("Environment") {
			words, err := systemdUnquote(line)
			if err != nil {
				t.Fatalf("%s: Environment=%s: %v", unit, line, err)
			}
			for _, w := range words {
				if w, err = systemdUnspecify(w); err != nil {
					t.Fatal(err)
				}
				env = append(env, w)
			}
		}
		wd, err := systemdUnspecify(svc.get(t, "WorkingDirectory"))
		if err != nil {
			t.Fatal(err)
		}
		cmd := runDirect(t, argv, env, wd)
		h, err := srv.accept(time.Now().Add(30 * time.Second))
		if err != nil {
			t.Fatal(err)
		}
		checkHelper(t, spec, in.Name, h, want[in.Name])
		sig, ok := map[string]syscall.Signal{"SIGTERM": syscall.SIGTERM, "SIGINT": syscall.SIGINT}[svc.get(t, "KillSignal")]
		if !ok {
			t.Fatalf("%s: unexpected KillSignal=%s", unit, svc.get(t, "KillSignal"))
		}
		stopGroup(t, cmd, h, sig)
	}
}

// TestSystemdAnalyzeVerify has systemd check the units. It prints problems
// (an invalid assignment, an unknown signal) as warnings and still exits
// 0, so any output fails the test.
func TestSystemdAnalyzeVerify(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed (Debian's systemd package); skipping the check of the units by systemd")
	}
	for name, spec := range map[string]Spec{"shop": shopSpec(t), "tricky": trickySpec(t, "/run/hancho-test.sock")} {
		t.Run(name, func(t *testing.T) {
			dir := exportTo(t, "systemd", spec)
			services, _ := filepath.Glob(filepath.Join(dir, "*.service"))
			targets, _ := filepath.Glob(filepath.Join(dir, "*.target"))
			units := append(services, targets...)
			out, err := exec.Command(analyze, append([]string{"verify"}, units...)...).CombinedOutput()
			if err != nil && bytes.Contains(out, []byte("Failed to initialize")) || bytes.Contains(out, []byte("System has not been booted with systemd")) {
				t.Skipf("systemd-analyze verify cannot run here: %s", out)
			}
			if err != nil || len(out) > 0 {
				t.Errorf("systemd-analyze verify: %v\n%s", err, out)
			}
		})
	}
}

// TestSystemdUnquote checks the test's own reading of systemd syntax
// against cases from systemd's documentation.
func TestSystemdUnquote(t *testing.T) {
	for in, want := range map[string][]string{
		`a "b c" 'd e'`:              {"a", "b c", "d e"},
		`"x\"y" 'it\'s' "\\" "\x41"`: {`x"y`, "it's", `\`, "A"},
		`"a\nb" a'b'c`:               {"a\nb", "abc"},
	} {
		got, err := systemdUnquote(in)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("systemdUnquote(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// unit is a parsed unit file: the values of each key, in order.
type unit struct {
	path   string
	values map[string][]string
}

func readUnit(t *testing.T, path string) *unit {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	u := &unit{path: path, values: map[string][]string{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#' || line[0] == ';' || line[0] == '[':
			continue
		case strings.HasSuffix(line, `\`):
			t.Fatalf("%s: continuation line, which the export never writes: %s", path, line)
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: not KEY=value: %s", path, line)
		}
		u.values[strings.TrimSpace(k)] = append(u.values[strings.TrimSpace(k)], strings.TrimSpace(v))
	}
	return u
}

func (u *unit) all(key string) []string { return u.values[key] }

func (u *unit) get(t *testing.T, key string) string {
	t.Helper()
	if len(u.values[key]) != 1 {
		t.Fatalf("%s: %s= appears %d times, want once", u.path, key, len(u.values[key]))
	}
	return u.values[key][0]
}

// systemdArgv reads ExecStart= as systemd does: split and unquote, then
// specifiers, then $ expansion, where the export only ever writes $$.
func systemdArgv(s string) ([]string, error) {
	words, err := systemdUnquote(s)
	if err != nil {
		return nil, err
	}
	for i, w := range words {
		if w, err = systemdUnspecify(w); err != nil {
			return nil, err
		}
		var b strings.Builder
		for j := 0; j < len(w); j++ {
			if w[j] == '$' {
				if j+1 >= len(w) || w[j+1] != '$' {
					return nil, fmt.Errorf("%q: a lone $ that systemd would expand", w)
				}
				j++
			}
			b.WriteByte(w[j])
		}
		words[i] = b.String()
	}
	return words, nil
}

// systemdUnspecify expands specifiers; the export writes only %%.
func systemdUnspecify(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' {
			if i+1 >= len(s) || s[i+1] != '%' {
				return "", fmt.Errorf("%q: a specifier the export should have escaped", s)
			}
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String(), nil
}

// systemdUnquote is systemd's extract_first_word with EXTRACT_UNQUOTE and
// EXTRACT_CUNESCAPE, applied until the value is used up: words split at
// blanks; single and double quotes group; a backslash starts a C escape,
// inside quotes too; an unknown escape is an error.
func systemdUnquote(s string) ([]string, error) {
	var words []string
	var w []byte
	inWord := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			r, n, err := cunescape(s[i+1:])
			if err != nil {
				return nil, fmt.Errorf("%q: %v", s, err)
			}
			w = append(w, r...)
			i += n
			inWord = true
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			w = append(w, c)
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case strings.IndexByte(" \t\n\r", c) >= 0:
			if inWord {
				words = append(words, string(w))
				w, inWord = nil, false
			}
		default:
			w, inWord = append(w, c), true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("%q: unterminated quote", s)
	}
	if inWord {
		words = append(words, string(w))
	}
	return words, nil
}

// cunescape reads one escape after a backslash (systemd's cunescape_one)
// and returns its bytes and how many characters it used.
func cunescape(s string) ([]byte, int, error) {
	if s == "" {
		return nil, 0, fmt.Errorf("a backslash at the end")
	}
	simple := map[byte]byte{'a': '\a', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v', '\\': '\\', '"': '"', '\'': '\'', 's': ' '}
	if r, ok := simple[s[0]]; ok {
		return []byte{r}, 1, nil
	}
	hex := func(n int) (uint64, error) {
		if len(s) < 1+n {
			return 0, fmt.Errorf("short escape")
		}
		return strconv.ParseUint(s[1:1+n], 16, 32)
	}
	switch s[0] {
	case 'x':
		v, err := hex(2)
		if err != nil || v == 0 {
			return nil, 0, fmt.Errorf("bad \\x escape")
		}
		return []byte{byte(v)}, 3, nil
	case 'u', 'U':
		n := map[byte]int{'u': 4, 'U': 8}[s[0]]
		v, err := hex(n)
		if err != nil || v == 0 {
			return nil, 0, fmt.Errorf("bad \\%c escape", s[0])
		}
		return utf8.AppendRune(nil, rune(v)), 1 + n, nil
	case '0', '1', '2', '3', '4', '5', '6', '7':
		if len(s) < 3 {
			return nil, 0, fmt.Errorf("short octal escape")
		}
		v, err := strconv.ParseUint(s[:3], 8, 8)
		if err != nil || v == 0 {
			return nil, 0, fmt.Errorf("bad octal escape")
		}
		return []byte{byte(v)}, 3, nil
	}
	return nil, 0, fmt.Errorf("unknown escape \\%c", s[0])
}
