package export

import (
	"fmt"
	"strings"
)

// compose writes compose.yaml for docker compose: one service per process
// type, running the image with SHELL -c COMMAND in the app root (which
// the image must hold at the same path), with deploy.replicas the
// concurrency. A type that gets a port (see the package comment)
// publishes the ports its instances get under start: PORT to PORT+N-1 on
// the host, to the port inside. A readiness probe becomes a health check
// (a log probe cannot, which a comment says); depends_on waits for a
// dependency to be healthy when it has a health check, else started.
// init: true gives each container an init process that forwards the stop
// signal and reaps orphans, as hancho does.
//
// compose interpolates $ in every value, so each $ is written $$.
//
// Template: compose.yaml, which sees a composeFile.
type compose struct{}

// composeFile is what compose.yaml renders.
type composeFile struct {
	*model
	Project  string // the project name: lowercase APP
	Services []*composeService
}

// composeService is one service; strings are YAML-quoted and escaped for
// interpolation.
type composeService struct {
	Process         *process
	Name            string
	Image           string
	Command         string // a flow sequence
	WorkingDir      string
	User            string // "" when not set
	Environment     []composeVar
	Replicas        int
	Restart         string
	Ports           []string
	HealthCheck     string // the test, a flow sequence; "" for none
	StartPeriod     string // the probe's timeout
	ReadyNote       string // why a probe is not exported; "" when it is, or there is none
	DependsOn       []composeDependency
	StopGracePeriod string
	StopSignal      string
}

// composeVar is one environment entry, quoted.
type composeVar struct{ Key, Value string }

// composeDependency is one depends_on entry.
type composeDependency struct {
	Service   string
	Condition string // service_healthy or service_started
}

func (compose) render(m *model, t *templates) ([]file, error) {
	f := &composeFile{model: m, Project: dnsLabel(m.App)}
	for _, p := range m.Processes {
		s := &composeService{
			Process:         p,
			Name:            p.Name,
			Image:           composeString(m.Image),
			Command:         composeFlow(m.Shell, "-c", p.Command),
			WorkingDir:      composeString(p.Dir),
			Replicas:        len(p.Instances),
			Restart:         composeString(string(p.Restart)),
			StopGracePeriod: p.StopTimeout.String(),
			StopSignal:      "SIG" + p.StopSignal,
		}
		if m.User != "" {
			s.User = composeString(m.User)
		}
		for _, v := range p.containerEnv(m) {
			s.Environment = append(s.Environment, composeVar{Key: yamlQuote(v.Key), Value: composeString(v.Value)})
		}
		if p.Listen != 0 {
			published := fmt.Sprint(p.Listen)
			if n := len(p.Instances); n > 1 {
				published = fmt.Sprintf("%d-%d", p.Listen, p.Listen+n-1)
			}
			s.Ports = append(s.Ports, yamlQuote(fmt.Sprintf("%s:%d", published, p.Listen)))
		}
		if p.Ready != nil {
			if check, ok := probeCheck(p.Ready); ok {
				s.HealthCheck = composeFlow("CMD", m.Shell, "-c", check)
				s.StartPeriod = p.Ready.Timeout.String()
			} else {
				s.ReadyNote = oneLine(fmt.Sprintf("hancho's readiness probe (%s) reads the output; compose cannot check it", probeLabel(p.Ready)))
			}
		}
		for _, dep := range p.DependsOn {
			cond := "service_started"
			if d := m.process(dep); d.Ready != nil && d.Ready.Log == "" {
				cond = "service_healthy"
			}
			s.DependsOn = append(s.DependsOn, composeDependency{Service: dep, Condition: cond})
		}
		f.Services = append(f.Services, s)
	}
	data, err := t.render("compose.yaml", f)
	if err != nil {
		return nil, err
	}
	return []file{{path: "compose.yaml", data: data}}, nil
}

// composeString quotes s for YAML with each $ doubled, which compose's
// interpolation turns back into one.
func composeString(s string) string {
	return yamlQuote(strings.ReplaceAll(s, "$", "$$"))
}

// composeFlow writes words as a YAML flow sequence of composeStrings.
func composeFlow(words ...string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = composeString(w)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
