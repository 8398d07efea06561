package export

import (
	"fmt"
	"strings"

	"github.com/hancho-dev/hancho/internal/policy"
)

// runit writes a service directory APP-TYPE-N per instance, to put in
// /etc/sv and link into /etc/service:
//
//	run        cd to the app root and exec the command with chpst, which
//	           reads the environment from env/ and switches to the user
//	log/run    svlogd, keeping the output under LOGDIR/APP-TYPE-N/
//	env/NAME   one file per variable (an envdir)
//	finish     for restart "no" or "on-failure": `sv down .` keeps the
//	           service down after an exit the policy does not restart
//	check      for a readiness probe: `sv start` waits until it passes
//	control/t  `sv down` (and `sv term`) send the stop signal to the whole
//	           process group (chpst -P makes run a group leader), as hancho
//	           stops a process with its children; runit alone sends TERM
//	           to run only
//
// runit never escalates to KILL by itself: `sv -w SECONDS force-stop` does,
// and control/t names the stop timeout to use.
//
// depends_on makes run start the dependencies first (`sv -w T start`,
// which waits for their check), and exit, to be retried, until they are
// up.
//
// An envdir file holds the value's first line with trailing blanks
// removed and NUL read as newline, so a newline is written as NUL; a
// value that ends in a space or tab, and a name that is not a plain file
// name, are set with /usr/bin/env in run instead.
//
// Templates: run, log/run, finish, check and control/t; each sees a
// runitService.
type runit struct{}

// runitService is what the templates of one service directory render;
// strings are quoted for the shell.
type runitService struct {
	*model
	Instance   *instance
	Name       string // APP-TYPE-N, the directory
	Dir        string // the working directory
	Command    string // the words after `exec`: chpst ... SHELL -c COMMAND
	Needs      string // the dependencies' service directories, e.g. ../APP-redis-1; "" for none
	NeedsWait  int    // seconds `sv start` waits for them
	Restart    policy.Restart
	Check      string // the words after `exec` in check; "" without a probe
	ReadyNote  string // why a probe is not exported; "" when it is, or there is none
	StopSignal string // TERM, INT, ...
	StopWait   int    // the stop timeout in seconds
	LogDir     string // LOGDIR/APP-TYPE-N
	User       string // "" when not set
}

func (runit) render(m *model, t *templates) ([]file, error) {
	var files []file
	for _, p := range m.Processes {
		for _, in := range p.Instances {
			fs, err := runitFiles(m, in, t)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", in.Name, err)
			}
			files = append(files, fs...)
		}
	}
	return files, nil
}

func runitFiles(m *model, in *instance, t *templates) ([]file, error) {
	p := in.Process
	s := &runitService{
		model:      m,
		Instance:   in,
		Name:       m.name(p.Name, in.Num),
		Dir:        shellQuote(p.Dir),
		Restart:    p.Restart,
		StopSignal: p.StopSignal,
		StopWait:   seconds(p.StopTimeout),
		LogDir:     shellQuote(m.LogDir + "/" + m.name(p.Name, in.Num)),
	}
	if m.User != "" {
		s.User = shellQuote(m.User)
	}
	var files []file
	var viaEnv []string
	for _, v := range in.Env {
		if strings.ContainsRune(v.Key, '/') || strings.HasPrefix(v.Key, ".") || strings.HasSuffix(v.Value, " ") || strings.HasSuffix(v.Value, "\t") {
			viaEnv = append(viaEnv, v.Key+"="+v.Value)
			continue
		}
		value := strings.ReplaceAll(v.Value, "\n", "\x00") + "\n"
		files = append(files, file{path: s.Name + "/env/" + v.Key, data: []byte(value)})
	}
	chpst := "" // the options that set the user and the environment
	if s.User != "" {
		chpst += " -u " + s.User
	}
	chpst += ` -e "$env_dir"`
	var words []string
	if len(viaEnv) > 0 {
		words = append(append(words, "/usr/bin/env"), viaEnv...)
	}
	s.Command = "chpst -P" + chpst + " " + shellWords(append(words, m.Shell, "-c", p.Command)...)

	var needs []string
	for _, dep := range p.DependsOn {
		d := m.process(dep)
		for _, di := range d.Instances {
			needs = append(needs, shellQuote("../"+m.name(d.Name, di.Num)))
		}
		wait := 7 // sv's default
		if d.Ready != nil {
			wait = max(wait, seconds(d.Ready.Timeout))
		}
		s.NeedsWait = max(s.NeedsWait, wait)
	}
	s.Needs = strings.Join(needs, " ")
	if p.Ready != nil {
		if check, ok := probeCheck(p.Ready); ok {
			s.Check = "chpst" + chpst + " " + shellWords(m.Shell, "-c", check)
		} else {
			s.ReadyNote = oneLine(fmt.Sprintf("hancho's readiness probe (%s) reads the output and cannot run here; `sv start` waits for run only", probeLabel(p.Ready)))
		}
	}

	scripts := []string{"run", "log/run"}
	if p.Restart != policy.RestartAlways {
		scripts = append(scripts, "finish")
	}
	if s.Check != "" {
		scripts = append(scripts, "check")
	}
	scripts = append(scripts, "control/t")
	for _, name := range scripts {
		data, err := t.render(name, s)
		if err != nil {
			return nil, err
		}
		files = append(files, file{path: s.Name + "/" + name, data: data, exec: true})
	}
	return files, nil
}
