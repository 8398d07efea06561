package export

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/hancho-dev/hancho/internal/policy"
)

// launchd writes a property list APP-TYPE-N.plist per instance, for
// /Library/LaunchDaemons (or ~/Library/LaunchAgents without a user); load
// it with `launchctl bootstrap system FILE`. The program is SHELL -c
// COMMAND with the environment in EnvironmentVariables, started at load;
// KeepAlive follows restart; ExitTimeOut is the stop timeout. launchd
// always stops with SIGTERM and kills the process group, and knows no
// start order or readiness: a plist says so in a comment when its policy
// asks for them.
//
// Template: launchd.plist, which sees a launchdJob.
type launchd struct{}

// launchdJob is what launchd.plist renders; strings are XML-escaped.
type launchdJob struct {
	*model
	Instance         *instance
	Label            string
	ProgramArguments []string
	WorkingDirectory string
	Environment      []launchdVar
	KeepAlive        string // <true/>, <false/> or a <dict> for on-failure
	ExitTimeOut      int
	StdoutPath       string
	StderrPath       string
	UserName         string   // "" when not set
	Notes            []string // what launchd cannot do of the policy, for comments
}

// launchdVar is one EnvironmentVariables entry, XML-escaped.
type launchdVar struct{ Key, Value string }

func (launchd) render(m *model, t *templates) ([]file, error) {
	var files []file
	for _, p := range m.Processes {
		for _, in := range p.Instances {
			job, err := launchdJobOf(m, in)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", in.Name, err)
			}
			data, err := t.render("launchd.plist", job)
			if err != nil {
				return nil, err
			}
			files = append(files, file{path: job.Label + ".plist", data: data})
		}
	}
	return files, nil
}

func launchdJobOf(m *model, in *instance) (*launchdJob, error) {
	p := in.Process
	name := m.name(p.Name, in.Num)
	job := &launchdJob{
		model:       m,
		Instance:    in,
		Label:       name,
		ExitTimeOut: seconds(p.StopTimeout),
		KeepAlive: map[policy.Restart]string{
			policy.RestartAlways:    "<true/>",
			policy.RestartOnFailure: "<dict>\n\t\t<key>SuccessfulExit</key>\n\t\t<false/>\n\t</dict>",
			policy.RestartNo:        "<false/>",
		}[p.Restart],
	}
	if p.StopSignal != "TERM" {
		job.Notes = append(job.Notes, fmt.Sprintf("launchd stops with SIGTERM; the policy's stop signal SIG%s is not applied.", p.StopSignal))
	}
	if len(p.DependsOn) > 0 {
		job.Notes = append(job.Notes, fmt.Sprintf("launchd has no start order; depends_on (%s) is not applied.", strings.Join(p.DependsOn, ", ")))
	}
	if p.Ready != nil {
		job.Notes = append(job.Notes, fmt.Sprintf("launchd has no readiness check; the probe (%s) is not applied.", oneLine(probeLabel(p.Ready))))
	}
	for i, n := range job.Notes {
		job.Notes[i] = strings.ReplaceAll(n, "--", "- -") // "--" may not appear in an XML comment
	}
	var err error
	esc := func(what, s string) string {
		if err != nil {
			return ""
		}
		var e string
		if e, err = launchdString(s); err != nil {
			err = fmt.Errorf("%s %w", what, err)
		}
		return e
	}
	for _, w := range []string{m.Shell, "-c", p.Command} {
		job.ProgramArguments = append(job.ProgramArguments, esc("the command", w))
	}
	for _, v := range in.Env {
		job.Environment = append(job.Environment, launchdVar{Key: esc("the variable name "+v.Key, v.Key), Value: esc("the value of "+v.Key, v.Value)})
	}
	job.WorkingDirectory = esc("the working directory", p.Dir)
	job.StdoutPath = esc("the log directory", m.LogDir+"/"+name+".log")
	job.StderrPath = esc("the log directory", m.LogDir+"/"+name+".error.log")
	job.UserName = esc("the user", m.User)
	return job, err
}

// launchdString escapes s for a plist <string>, or says why XML cannot
// carry it: XML 1.0 has no way to write most control characters.
func launchdString(s string) (string, error) {
	for _, r := range s {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' || r == 0xfffe || r == 0xffff {
			return "", fmt.Errorf("holds the character %U, which a property list (XML) cannot carry; remove it", r)
		}
	}
	return xmlText(s), nil
}

// xmlText escapes XML's markup characters, and carriage returns, which a
// parser would otherwise read as newlines.
func xmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", "&#13;").Replace(s)
}
