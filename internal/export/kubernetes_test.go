package export

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"
)

// kubeObjects are the objects of an exported APP.yaml.
type kubeObjects struct {
	configMap   corev1.ConfigMap
	deployments map[string]appsv1.Deployment // by the process label
	services    map[string]corev1.Service
}

// decodeKube splits APP.yaml into documents and decodes each strictly (an
// unknown or misspelt field is an error) into its k8s.io/api type.
func decodeKube(t *testing.T, path string) *kubeObjects {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	objs := &kubeObjects{deployments: map[string]appsv1.Deployment{}, services: map[string]corev1.Service{}}
	for i, doc := range bytes.Split(data, []byte("\n---\n")) {
		var meta struct{ Kind string }
		if err := yaml.Unmarshal(doc, &meta); err != nil {
			t.Fatalf("%s: document %d: %v", path, i+1, err)
		}
		var obj any
		switch meta.Kind {
		case "ConfigMap":
			obj = &objs.configMap
		case "Deployment":
			obj = &appsv1.Deployment{}
		case "Service":
			obj = &corev1.Service{}
		default:
			t.Fatalf("%s: document %d has kind %q", path, i+1, meta.Kind)
		}
		if err := yaml.UnmarshalStrict(doc, obj); err != nil {
			t.Fatalf("%s: document %d (%s) does not decode strictly: %v\n%s", path, i+1, meta.Kind, err, doc)
		}
		switch o := obj.(type) {
		case *appsv1.Deployment:
			objs.deployments[o.Spec.Template.Labels["process"]] = *o
		case *corev1.Service:
			objs.services[o.Spec.Selector["process"]] = *o
		}
	}
	return objs
}

// TestKubernetesRoundTrip decodes the manifests into k8s.io/api types,
// builds each container's environment as the kubelet does (the ConfigMap
// through envFrom, then env, with $(VAR) expanded in env values and the
// command), runs the command once per replica, and checks what the
// processes get byte for byte.
func TestKubernetesRoundTrip(t *testing.T) {
	srv := newHelperServer(t)
	spec := trickySpec(t, srv.path)
	dir := exportTo(t, "kubernetes", spec)
	objs := decodeKube(t, filepath.Join(dir, "tricky.yaml"))
	want := wantEnv(spec, true)
	if objs.configMap.Name != "tricky-env" {
		t.Errorf("ConfigMap name %q", objs.configMap.Name)
	}
	for k := range objs.configMap.Data {
		if errs := validation.IsConfigMapKey(k); len(errs) > 0 {
			t.Errorf("ConfigMap key %q: %v", k, errs)
		}
	}
	for _, tt := range spec.Types {
		d, ok := objs.deployments[tt.Name]
		if !ok {
			t.Fatalf("no Deployment for %s", tt.Name)
		}
		if errs := validation.IsDNS1123Label(d.Name); len(errs) > 0 {
			t.Errorf("Deployment name %q: %v", d.Name, errs)
		}
		if d.Spec.Replicas == nil || int(*d.Spec.Replicas) != tt.Concurrency {
			t.Errorf("%s: replicas %v, want %d", d.Name, d.Spec.Replicas, tt.Concurrency)
		}
		c := d.Spec.Template.Spec.Containers[0]
		if len(c.EnvFrom) != 1 || c.EnvFrom[0].ConfigMapRef == nil || c.EnvFrom[0].ConfigMapRef.Name != objs.configMap.Name {
			t.Errorf("%s: envFrom %+v", d.Name, c.EnvFrom)
		}
		env := map[string]string{"PATH": os.Getenv("PATH")} // the image's
		for k, v := range objs.configMap.Data {
			env[k] = v
		}
		var defined []string // what $(VAR) may refer to: earlier env entries
		for _, e := range c.Env {
			if errs := validation.IsEnvVarName(e.Name); len(errs) > 0 {
				t.Errorf("%s: env name %q: %v", d.Name, e.Name, errs)
			}
			env[e.Name] = kubeExpand(e.Value, env, defined)
			defined = append(defined, e.Name)
		}
		var argv, envList []string
		for _, w := range c.Command {
			argv = append(argv, kubeExpand(w, env, defined))
		}
		for k, v := range env {
			envList = append(envList, k+"="+v)
		}
		sig := syscall.SIGTERM
		if c.Lifecycle != nil && c.Lifecycle.StopSignal != nil {
			sig = map[corev1.Signal]syscall.Signal{corev1.SIGINT: syscall.SIGINT}[*c.Lifecycle.StopSignal]
		}
		for n := range tt.Concurrency {
			cmd := runDirect(t, argv, envList, c.WorkingDir)
			h, err := srv.accept(time.Now().Add(30 * time.Second))
			if err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("%s.%d", tt.Name, n+1)
			checkHelper(t, spec, name, h, want[name])
			stopGroup(t, cmd, h, sig)
		}
	}
}

// kubeExpand expands $(VAR) as the kubelet does in command, args and env
// values (k8s.io/kubernetes/third_party/forked/golang/expansion): "$$" is
// "$", $(VAR) of a defined variable is its value, anything else stays.
func kubeExpand(s string, env map[string]string, defined []string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '(':
			end := strings.IndexByte(s[i:], ')')
			name := ""
			if end > 0 {
				name = s[i+2 : i+end]
			}
			if end > 0 && containsString(defined, name) {
				b.WriteString(env[name])
				i += end
			} else {
				b.WriteByte('$')
			}
		default:
			b.WriteByte('$')
		}
	}
	return b.String()
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestKubernetesPolicies checks how the shop fixture's policies decode.
func TestKubernetesPolicies(t *testing.T) {
	objs := decodeKube(t, filepath.Join(exportTo(t, "kubernetes", shopSpec(t)), "shop.yaml"))
	web, worker := objs.deployments["web"], objs.deployments["worker"]
	if _, ok := objs.deployments["clock"]; ok {
		t.Error("clock (concurrency 0) is exported")
	}
	wc, kc := web.Spec.Template.Spec.Containers[0], worker.Spec.Template.Spec.Containers[0]
	if p := wc.ReadinessProbe; p == nil || p.HTTPGet == nil || p.HTTPGet.Path != "/health" || p.HTTPGet.Port.IntValue() != 5000 || p.HTTPGet.Host != "" {
		t.Errorf("web readinessProbe %+v", wc.ReadinessProbe)
	}
	if p := kc.ReadinessProbe; p == nil || p.Exec == nil || strings.Join(p.Exec.Command, " ") != "/bin/sh -c test -f tmp/worker.ready" {
		t.Errorf("worker readinessProbe %+v", kc.ReadinessProbe)
	}
	if g := web.Spec.Template.Spec.TerminationGracePeriodSeconds; g == nil || *g != 30 {
		t.Errorf("web terminationGracePeriodSeconds %v, want 30", g)
	}
	if kc.Lifecycle == nil || kc.Lifecycle.StopSignal == nil || *kc.Lifecycle.StopSignal != corev1.SIGINT || worker.Spec.Template.Spec.OS == nil {
		t.Errorf("worker lifecycle %+v, os %+v; want stopSignal SIGINT on linux", kc.Lifecycle, worker.Spec.Template.Spec.OS)
	}
	svc, ok := objs.services["web"]
	if !ok || len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Port != 5000 || svc.Spec.Ports[0].TargetPort.IntValue() != 5000 {
		t.Errorf("web Service %+v", svc.Spec)
	}
	if errs := validation.IsDNS1035Label(svc.Name); len(errs) > 0 {
		t.Errorf("Service name %q: %v", svc.Name, errs)
	}
	if _, ok := objs.services["worker"]; ok {
		t.Error("worker has a Service; its command does not use PORT")
	}
	for _, d := range objs.deployments {
		if d.Labels["app"] != "shop" || d.Spec.Selector.MatchLabels["process"] != d.Spec.Template.Labels["process"] {
			t.Errorf("%s: labels %v, selector %v", d.Name, d.Labels, d.Spec.Selector.MatchLabels)
		}
	}
}
