package export

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// systemd writes units for /etc/systemd/system: APP.target, which wants a
// target per process type, APP-TYPE.target, which wants the type's
// instances, APP-TYPE-N.service. Stopping or restarting a target reaches
// its services (PartOf=); `systemctl enable --now APP.target` starts the
// app at boot. Output goes to the journal, tagged APP-TYPE-N.
//
// depends_on becomes After= and Wants= on the dependency's type target; a
// readiness probe becomes an ExecStartPost= loop bounded by
// TimeoutStartSec=, so dependants start once it passes.
//
// Templates: app.target, type.target and process.service, which see a
// systemdApp, a systemdType and a systemdService.
//
// Values are written for systemd's unquoting (C escapes inside quotes), its
// specifiers ("%" is "%%") and, in ExecStart=, its variable expansion ("$"
// is "$$"). A variable whose name systemd rejects (systemd 252 accepts
// only [A-Za-z_][A-Za-z0-9_]*) is set with /usr/bin/env in ExecStart=.
type systemd struct{}

// systemdApp is what app.target renders.
type systemdApp struct {
	*model
	Wants string // the type targets, space-separated
}

// systemdType is what type.target renders.
type systemdType struct {
	*model
	Process *process
	Unit    string // APP-TYPE.target
	PartOf  string // APP.target
	Wants   string // the instances' services, space-separated
}

// systemdService is what process.service renders; values are escaped.
type systemdService struct {
	*model
	Instance         *instance
	Unit             string   // APP-TYPE-N.service
	Description      string   //
	PartOf           string   // APP-TYPE.target
	After            string   // the type targets of depends_on; "" for none
	User             string   // "" when not set
	WorkingDirectory string   //
	Environment      []string // one quoted assignment each
	ExecStart        string   //
	ExecStartPost    string   // the readiness wait; "" for none
	ReadyNote        string   // why a probe is not exported; "" when it is, or there is none
	TimeoutStartSec  string   // the probe's timeout, with ExecStartPost
	Restart          string   // always, on-failure or no
	TimeoutStopSec   string
	KillSignal       string // SIGTERM
	SyslogIdentifier string
}

func (systemd) render(m *model, t *templates) ([]file, error) {
	var files []file
	add := func(path, tmpl string, data any) error {
		b, err := t.render(tmpl, data)
		if err == nil {
			files = append(files, file{path: path, data: b})
		}
		return err
	}
	var typeTargets []string
	for _, p := range m.Processes {
		typeTargets = append(typeTargets, m.name(p.Name)+".target")
	}
	if err := add(m.App+".target", "app.target", &systemdApp{model: m, Wants: strings.Join(typeTargets, " ")}); err != nil {
		return nil, err
	}
	for _, p := range m.Processes {
		var services []string
		for _, in := range p.Instances {
			s, err := systemdServiceOf(m, in)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", in.Name, err)
			}
			if err := add(s.Unit, "process.service", s); err != nil {
				return nil, err
			}
			services = append(services, s.Unit)
		}
		tt := &systemdType{model: m, Process: p, Unit: m.name(p.Name) + ".target", PartOf: m.App + ".target", Wants: strings.Join(services, " ")}
		if err := add(tt.Unit, "type.target", tt); err != nil {
			return nil, err
		}
	}
	return files, nil
}

func systemdServiceOf(m *model, in *instance) (*systemdService, error) {
	p := in.Process
	s := &systemdService{
		model:            m,
		Instance:         in,
		Unit:             m.name(p.Name, in.Num) + ".service",
		Description:      systemdSpecifiers(fmt.Sprintf("%s %s (Procfile line %d)", m.App, in.Name, p.Line)),
		PartOf:           m.name(p.Name) + ".target",
		Restart:          string(p.Restart),
		TimeoutStopSec:   systemdSpan(p.StopTimeout),
		KillSignal:       "SIG" + p.StopSignal,
		SyslogIdentifier: m.name(p.Name, in.Num),
	}
	var after []string
	for _, dep := range p.DependsOn {
		after = append(after, m.name(dep)+".target")
	}
	s.After = strings.Join(after, " ")
	var err error
	if s.WorkingDirectory, err = systemdPlain(p.Dir); err != nil {
		return nil, fmt.Errorf("the working directory %q %w", p.Dir, err)
	}
	if s.User, err = systemdPlain(m.User); err != nil {
		return nil, fmt.Errorf("the user %q %w", m.User, err)
	}
	var viaEnv []string
	for _, v := range in.Env {
		if systemdName.MatchString(v.Key) {
			s.Environment = append(s.Environment, systemdQuote(v.Key+"="+v.Value, false))
		} else {
			viaEnv = append(viaEnv, v.Key+"="+v.Value)
		}
	}
	var words []string
	if len(viaEnv) > 0 {
		words = append(append(words, "/usr/bin/env"), viaEnv...)
	}
	s.ExecStart = systemdCommand(append(words, m.Shell, "-c", p.Command)...)
	if p.Ready != nil {
		if wait, ok := probeWait(p.Ready, m.Shell); ok {
			s.ExecStartPost = systemdCommand(m.Shell, "-c", wait)
			s.TimeoutStartSec = systemdSpan(p.Ready.Timeout)
		} else {
			s.ReadyNote = oneLine(fmt.Sprintf("hancho's readiness probe (%s) reads the output and cannot run here; dependants start without waiting", probeLabel(p.Ready)))
		}
	}
	return s, nil
}

// systemdName is an environment variable name systemd 252 accepts.
var systemdName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// systemdCommand writes a command line for ExecStart=.
func systemdCommand(words ...string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = systemdQuote(w, true)
	}
	return strings.Join(q, " ")
}

// systemdQuote writes s as one quoted word that systemd's unquoting
// (extract_first_word with C unescaping) and specifier expansion turn
// back into s; in a command line, "$" is also doubled. A plain word
// (a path) is left bare.
func systemdQuote(s string, command bool) string {
	if command && shellSafe.MatchString(s) && !strings.ContainsAny(s, "%") {
		return s
	}
	quote := byte('"')
	if command {
		quote = '\''
	}
	var b strings.Builder
	b.WriteByte(quote)
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == rune(quote):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r == '%':
			b.WriteString("%%")
		case r == '$' && command:
			b.WriteString("$$")
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(quote)
	return b.String()
}

// systemdPlain escapes a value that systemd takes whole (a path, a user),
// or says why it cannot be written.
func systemdPlain(s string) (string, error) {
	if strings.ContainsFunc(s, unicode.IsControl) {
		return "", fmt.Errorf("holds a control character, which a systemd unit cannot carry")
	}
	if s != strings.TrimSpace(s) {
		return "", fmt.Errorf("starts or ends with blank space, which systemd strips")
	}
	return systemdSpecifiers(s), nil
}

// systemdSpecifiers escapes "%", which starts a systemd specifier.
func systemdSpecifiers(s string) string {
	return strings.ReplaceAll(s, "%", "%%")
}

// systemdSpan writes d as a systemd time span in seconds, e.g. "5s", "1.5s".
func systemdSpan(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s"
}
