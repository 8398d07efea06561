package export

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/hancho-dev/hancho/internal/envfile"
	"github.com/hancho-dev/hancho/internal/policy"
)

// supervisord writes APP.conf for supervisord's include directory
// (/etc/supervisor/conf.d): a [program:APP-TYPE-N] per instance and a
// [group:APP] of them all, so `supervisorctl restart APP:` restarts the
// app. Its template, supervisord.conf, sees a supervisordView.
//
// supervisord reads the file with Python's configparser (";" and "#" after
// blank space start a comment; lines are stripped; "%" is a format
// character) and splits environment= with a shlex that knows no escapes
// and strips quotes from both ends of a value. A value it cannot carry that
// way (both kinds of quote, a quote at either end, a newline, a comment
// character after blank space) is set with /usr/bin/env in command=,
// which supervisord splits like a POSIX shell.
type supervisord struct{}

// supervisordView is what supervisord.conf renders.
type supervisordView struct {
	*model
	Group    string                // the group name, APP
	Programs []*supervisordProgram // one per instance
	Members  string                // the programs= value
}

// supervisordProgram is one [program:x] section, every value escaped.
type supervisordProgram struct {
	Instance     *instance
	Name         string // APP-TYPE-N
	Command      string // command=
	Directory    string // directory=
	Environment  string // environment=; "" when there is none
	User         string // user=; "" when not set
	AutoRestart  string // true, unexpected or false
	StartSecs    string // startsecs=; "" for supervisord's default (1)
	StopWaitSecs int
	StopSignal   string
	Priority     int    // start order: lower starts first, stops last
	StdoutLog    string // stdout_logfile=
	StderrLog    string // stderr_logfile=
}

func (supervisord) render(m *model, t *templates) ([]file, error) {
	v := &supervisordView{model: m, Group: m.App}
	var names []string
	for _, p := range m.Processes {
		for _, in := range p.Instances {
			prog, err := supervisordProgramOf(m, in)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", in.Name, err)
			}
			v.Programs = append(v.Programs, prog)
			names = append(names, prog.Name)
		}
	}
	v.Members = strings.Join(names, ",")
	data, err := t.render("supervisord.conf", v)
	if err != nil {
		return nil, err
	}
	return []file{{path: m.App + ".conf", data: data}}, nil
}

func supervisordProgramOf(m *model, in *instance) (*supervisordProgram, error) {
	p := in.Process
	name := m.name(p.Name, in.Num)
	prog := &supervisordProgram{
		Instance:     in,
		Name:         name,
		AutoRestart:  map[policy.Restart]string{policy.RestartAlways: "true", policy.RestartOnFailure: "unexpected", policy.RestartNo: "false"}[p.Restart],
		StopWaitSecs: seconds(p.StopTimeout),
		StopSignal:   p.StopSignal,
		Priority:     100 + 10*p.Layer,
	}
	if p.Restart == policy.RestartNo {
		// Without this, supervisord retries a process that exits within a
		// second three times, a restart the policy does not want.
		prog.StartSecs = "0"
	}
	var native []string
	var viaEnv []string
	for _, v := range in.Env {
		if pair, ok := supervisordPair(v); ok {
			native = append(native, pair)
		} else {
			viaEnv = append(viaEnv, v.Key+"="+v.Value)
		}
	}
	prog.Environment = strings.ReplaceAll(strings.Join(native, ","), "%", "%%")
	var words []string
	if len(viaEnv) > 0 {
		words = append(append(words, "/usr/bin/env"), viaEnv...)
	}
	words = append(words, m.Shell, "-c", p.Command)
	var err error
	if prog.Command, err = supervisordCommand(words); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		dst        *string
		what, text string
	}{
		{&prog.Directory, "working directory", p.Dir},
		{&prog.User, "user", m.User},
		{&prog.StdoutLog, "log directory", m.LogDir + "/" + name + ".log"},
		{&prog.StderrLog, "log directory", m.LogDir + "/" + name + ".error.log"},
	} {
		if *f.dst, err = iniValue(f.text); err != nil {
			return nil, fmt.Errorf("the %s %q %w", f.what, f.text, err)
		}
	}
	return prog, nil
}

// supervisordKey is a name supervisord's environment= reads as one word.
var supervisordKey = regexp.MustCompile(`^[A-Za-z0-9_/.+():-]+$`)

// supervisordPair writes v as KEY="value" (or KEY='value') for
// environment=, and reports false when supervisord would not read back
// exactly v (see the type's comment).
func supervisordPair(v envfile.Var) (string, bool) {
	val := v.Value
	if !supervisordKey.MatchString(v.Key) || strings.ContainsAny(val, "\r\n") || commentAfterSpace(val) {
		return "", false
	}
	if val != "" && (strings.ContainsRune(`'"`, rune(val[0])) || strings.ContainsRune(`'"`, rune(val[len(val)-1]))) {
		return "", false
	}
	switch {
	case !strings.Contains(val, `"`):
		return v.Key + `="` + val + `"`, true
	case !strings.Contains(val, "'"):
		return v.Key + "='" + val + "'", true
	}
	return "", false
}

// supervisordCommand quotes words for command=: POSIX shell quoting, which
// supervisord's shlex.split undoes, arranged so that configparser keeps
// every character. A newline becomes a continuation line that starts and
// ends inside quotes (configparser strips the line ends), and a comment
// character after blank space is split off into its own quotes. A carriage
// return cannot be carried: Python reads it as a line end.
func supervisordCommand(words []string) (string, error) {
	quoted := make([]string, len(words))
	for i, w := range words {
		if strings.ContainsRune(w, '\r') {
			return "", fmt.Errorf("the command line %q holds a carriage return, which supervisord's configuration file cannot carry; remove it, or export to another format", w)
		}
		if shellSafe.MatchString(w) {
			quoted[i] = w
			continue
		}
		var b strings.Builder
		b.WriteByte('\'')
		space := false
		for _, r := range w {
			switch {
			case r == '\'':
				b.WriteString(`'\''`)
			case r == '\n':
				b.WriteString("''\n  ''")
			case (r == ';' || r == '#') && space:
				b.WriteString("''")
				b.WriteRune(r)
			default:
				b.WriteRune(r)
			}
			space = pythonSpace(r)
		}
		b.WriteByte('\'')
		quoted[i] = b.String()
	}
	return strings.ReplaceAll(strings.Join(quoted, " "), "%", "%%"), nil
}

// iniValue escapes a plain value (a path, a user name) for supervisord, or
// says why it cannot be written.
func iniValue(s string) (string, error) {
	switch {
	case strings.ContainsAny(s, "\r\n"):
		return "", fmt.Errorf("holds a line break, which supervisord's configuration file cannot carry")
	case s != strings.TrimFunc(s, pythonSpace):
		return "", fmt.Errorf("starts or ends with blank space, which supervisord strips")
	case commentAfterSpace(s):
		return "", fmt.Errorf(`holds " ;" or " #", which supervisord reads as a comment`)
	}
	return strings.ReplaceAll(s, "%", "%%"), nil
}

// commentAfterSpace reports whether s holds ";" or "#" right after blank
// space, where configparser starts an inline comment.
func commentAfterSpace(s string) bool {
	space := false
	for _, r := range s {
		if (r == ';' || r == '#') && space {
			return true
		}
		space = pythonSpace(r)
	}
	return false
}

// pythonSpace is Python's str.isspace for one character, which
// configparser uses: Unicode white space and the separators \x1c-\x1f.
func pythonSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}
