package export

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/hancho-dev/hancho/internal/envfile"
	"github.com/hancho-dev/hancho/internal/policy"
)

// kubernetes writes APP.yaml, for `kubectl apply -f`: a ConfigMap APP-env
// with the .env values, then per process type a Deployment APP-TYPE
// (replicas = concurrency; labels app=APP, process=TYPE) and, for a type
// that gets a port (see the package comment), a Service APP-TYPE on that
// port. Each container runs the image with SHELL -c COMMAND in the app
// root (which the image must hold at the same path), takes the ConfigMap
// with envFrom and PORT, PS, HONCHO_PROCESS_NAME and the policy's env with
// env. Every replica gets the type's base PORT, where `start` gives each
// instance its own, since each pod has its own network. A readiness probe
// becomes a readinessProbe (tcpSocket, httpGet, exec; a log probe cannot,
// which a comment says), the stop timeout terminationGracePeriodSeconds
// and a stop signal other than TERM lifecycle.stopSignal (Kubernetes
// 1.33+ with the ContainerStopSignals feature). Kubernetes restarts every
// container that exits, whatever the policy; depends_on has no
// counterpart and is noted in a comment.
//
// Kubernetes expands $(VAR) in command and env values, so each $ there is
// written $$; names are DNS-1123 labels: lowercase, "-" for the rest.
//
// Template: kubernetes.yaml, which sees a kubernetesFile.
type kubernetes struct{}

// kubernetesFile is what kubernetes.yaml renders; strings are YAML-quoted.
type kubernetesFile struct {
	*model
	Name        string        // APP as a DNS label
	ConfigMap   string        // APP-env
	Data        []kubeVar     // the ConfigMap: .env values whose names it accepts
	Deployments []*kubeDeploy // one per type
}

// kubeVar is one name and value, quoted.
type kubeVar struct{ Key, Value string }

// kubeDeploy is one type's Deployment (and Service, when Port is not 0).
type kubeDeploy struct {
	Process     *process
	Name        string // APP-TYPE
	Label       string // TYPE as a label value
	Image       string
	Command     string // a flow sequence
	WorkingDir  string
	Env         []kubeVar
	Replicas    int
	Port        int      // 0 for none
	Probe       string   // the readinessProbe's action, as YAML lines at its indentation; "" for none
	Notes       []string // what Kubernetes cannot do of the policy, for comments
	GracePeriod int
	StopSignal  string // "" for TERM, the default
	RunAsUser   string // -u when it is a number
}

// configMapKey is a name a ConfigMap's data accepts.
var configMapKey = regexp.MustCompile(`^[-._a-zA-Z0-9]+$`)

func (kubernetes) render(m *model, t *templates) ([]file, error) {
	app := dnsLabel(m.App)
	f := &kubernetesFile{model: m, Name: app, ConfigMap: app + "-env"}
	inConfigMap := map[string]bool{}
	for _, v := range m.Env {
		if configMapKey.MatchString(v.Key) {
			f.Data = append(f.Data, kubeVar{Key: yamlQuote(v.Key), Value: yamlQuote(v.Value)})
			inConfigMap[v.Key] = true
		}
	}
	seen := map[string]string{}
	for _, p := range m.Processes {
		d := &kubeDeploy{
			Process:     p,
			Name:        app + "-" + dnsLabel(p.Name),
			Label:       dnsLabel(p.Name),
			Image:       yamlQuote(m.Image),
			Command:     kubeFlow(m.Shell, "-c", p.Command),
			WorkingDir:  yamlQuote(p.Dir),
			Replicas:    len(p.Instances),
			Port:        p.Listen,
			GracePeriod: seconds(p.StopTimeout),
		}
		if other, ok := seen[d.Name]; ok {
			return nil, fmt.Errorf("process types %s and %s both become %s, a Kubernetes name (lowercase letters, digits, \"-\"); rename one", other, p.Name, d.Name)
		}
		seen[d.Name] = p.Name
		if len(d.Name) > 63 || d.Label == "" || !startsWithLetter(d.Name) {
			return nil, fmt.Errorf("%q is not a valid Kubernetes name (a DNS label: up to 63 lowercase letters, digits and \"-\", starting with a letter); choose another app name with -a/--app", d.Name)
		}
		// The ConfigMap holds the .env values; env holds what differs from
		// it and what it cannot hold, and wins over it.
		for _, v := range p.containerEnv(m) {
			if inConfigMap[v.Key] && envValue(m.Env, v.Key) == v.Value {
				continue
			}
			d.Env = append(d.Env, kubeVar{Key: yamlQuote(v.Key), Value: kubeString(v.Value)})
		}
		if p.StopSignal != "TERM" {
			d.StopSignal = "SIG" + p.StopSignal
		}
		if m.User != "" {
			if _, err := strconv.Atoi(m.User); err == nil {
				d.RunAsUser = m.User
			} else {
				d.Notes = append(d.Notes, fmt.Sprintf("-u %s: Kubernetes runs a container as a numeric user id (securityContext.runAsUser); set it, or USER in the image", oneLine(m.User)))
			}
		}
		if len(p.DependsOn) > 0 {
			d.Notes = append(d.Notes, fmt.Sprintf("depends_on (%s) has no counterpart in Kubernetes: containers start together, and a readinessProbe keeps a Service from sending traffic until ready", strings.Join(p.DependsOn, ", ")))
		}
		if p.Ready != nil {
			d.Probe = kubeProbe(m, p)
			if d.Probe == "" {
				d.Notes = append(d.Notes, oneLine(fmt.Sprintf("hancho's readiness probe (%s) reads the output; Kubernetes cannot check it", probeLabel(p.Ready))))
			}
		}
		f.Deployments = append(f.Deployments, d)
	}
	data, err := t.render("kubernetes.yaml", f)
	if err != nil {
		return nil, err
	}
	return []file{{path: m.App + ".yaml", data: data}}, nil
}

// kubeProbe writes the action of p's readinessProbe, or "" for a log
// probe. Probe commands are not expanded by Kubernetes.
func kubeProbe(m *model, p *process) string {
	const indent = "\n            "
	pr := p.Ready
	_, port, _ := probeTarget(pr)
	switch {
	case pr.TCP != "":
		return "tcpSocket:" + indent + "  port: " + strconv.Itoa(port) + kubeHost(pr, indent)
	case pr.HTTP != "":
		scheme, path := "HTTP", "/"
		if u, err := url.Parse(pr.HTTP); err == nil {
			scheme, path = strings.ToUpper(u.Scheme), u.RequestURI()
		}
		return "httpGet:" + indent + "  path: " + yamlQuote(path) + indent + "  port: " + strconv.Itoa(port) + indent + "  scheme: " + scheme + kubeHost(pr, indent)
	case pr.Exec != "":
		return "exec:" + indent + "  command: " + yamlFlow(m.Shell, "-c", pr.Exec)
	}
	return ""
}

// kubeHost adds host: for a probe of another host; a probe of the local
// host checks the pod's own address, which is the default.
func kubeHost(pr *policy.Probe, indent string) string {
	host, _, local := probeTarget(pr)
	if local {
		return ""
	}
	return indent + "  host: " + yamlQuote(host)
}

// kubeString quotes s for a command or an env value, with each $ doubled,
// which Kubernetes' $(VAR) expansion turns back into one.
func kubeString(s string) string {
	return yamlQuote(strings.ReplaceAll(s, "$", "$$"))
}

// kubeFlow writes words as a YAML flow sequence of kubeStrings.
func kubeFlow(words ...string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = kubeString(w)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// yamlFlow writes words as a YAML flow sequence.
func yamlFlow(words ...string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = yamlQuote(w)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// envValue is the value of k in env.
func envValue(env []envfile.Var, k string) string {
	for _, v := range env {
		if v.Key == k {
			return v.Value
		}
	}
	return ""
}

// notDNS are the characters a DNS label cannot hold.
var notDNS = regexp.MustCompile(`[^a-z0-9]+`)

// dnsLabel turns s into a DNS-1123 label: lowercase letters, digits and
// "-", starting and ending with a letter or digit.
func dnsLabel(s string) string {
	s = strings.ToLower(s)
	s = notDNS.ReplaceAllString(s, "-")
	return strings.Trim(s, "-")
}

func startsWithLetter(s string) bool {
	return s != "" && s[0] >= 'a' && s[0] <= 'z'
}
