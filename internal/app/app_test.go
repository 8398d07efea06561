package app

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func envOf(in Instance, k string) string {
	for _, kv := range in.Env {
		if key, v, ok := strings.Cut(kv, "="); ok && key == k {
			return v
		}
	}
	return "<unset>"
}

func TestPorts(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		opts    Options
		select_ []string
		want    map[string]int
	}{
		{"default base and positions", map[string]string{"Procfile": "web: a\nworker: b\nclock: c\n"},
			Options{Concurrency: map[string]int{"web": 2}}, nil,
			map[string]int{"web.1": 5000, "web.2": 5001, "worker.1": 5100, "clock.1": 5200}},
		{"subset keeps its port", map[string]string{"Procfile": "web: a\nworker: b\n"},
			Options{}, []string{"worker"}, map[string]int{"worker.1": 5100}},
		{"-p wins over .env", map[string]string{"Procfile": "web: a\n", ".env": "PORT=7000\n"},
			Options{Port: 6000}, nil, map[string]int{"web.1": 6000}},
		{".env beats the environment", map[string]string{"Procfile": "web: a\n", ".env": "PORT=7000\n"},
			Options{Environ: []string{"PORT=8000"}}, nil, map[string]int{"web.1": 7000}},
		{"environment PORT", map[string]string{"Procfile": "web: a\n"},
			Options{Environ: []string{"PORT=8000"}}, nil, map[string]int{"web.1": 8000}},
		{"zero concurrency drops a type", map[string]string{"Procfile": "web: a\nworker: b\n"},
			Options{Concurrency: map[string]int{"web": 0}}, nil, map[string]int{"worker.1": 5100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, tt.files)
			tt.opts.Dir = dir
			a, err := Load(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			types, err := a.Select(tt.select_)
			if err != nil {
				t.Fatal(err)
			}
			ins, err := a.Instances(types)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, in := range ins {
				got[in.Name] = in.Port
				if envOf(in, "PORT") == "<unset>" || envOf(in, "PS") != in.Name || envOf(in, "HONCHO_PROCESS_NAME") != in.Name {
					t.Errorf("%s: env PORT=%s PS=%s HONCHO_PROCESS_NAME=%s", in.Name, envOf(in, "PORT"), envOf(in, "PS"), envOf(in, "HONCHO_PROCESS_NAME"))
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s: PORT %d, want %d", k, got[k], v)
				}
			}
		})
	}
}

func TestPortPastMaxIsAnError(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"Procfile": "web: a\nworker: b\n"})
	a, err := Load(Options{Dir: dir, Port: 65500})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Instances(a.Types); err == nil || !strings.Contains(err.Error(), "65600") {
		t.Errorf("err = %v, want one naming PORT 65600", err)
	}
}

func TestEnvLayering(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"Procfile": "web: a\n", ".env": "A=from-env-file\nB=${HOME_X}-x\n", "other.env": "A=second\n"})
	a, err := Load(Options{Dir: dir, Environ: []string{"A=os", "HOME_X=h", "KEEP=1"}, EnvFiles: []string{".env", "other.env"}})
	if err != nil {
		t.Fatal(err)
	}
	ins, _ := a.Instances(a.Types)
	for k, want := range map[string]string{"A": "second", "B": "h-x", "KEEP": "1"} {
		if got := envOf(ins[0], k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

func TestProcfileDiscovery(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	write(t, sub, map[string]string{"Procfile.dev": "web: a\n"})
	write(t, dir, map[string]string{".env": "PROCFILE=sub/Procfile.dev\n"})
	a, err := Load(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if a.Root != sub {
		t.Errorf("root = %s, want the Procfile's folder %s", a.Root, sub)
	}
	a, err = Load(Options{Dir: dir, AppRoot: "sub", Procfile: "Procfile.dev"})
	if err != nil || a.Root != sub || a.ProcfilePath != filepath.Join(sub, "Procfile.dev") {
		t.Errorf("with -d: %v root=%s procfile=%s", err, a.Root, a.ProcfilePath)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "Procfile")) || !strings.Contains(err.Error(), "-f") {
		t.Errorf("missing Procfile: %v", err)
	}
	write(t, dir, map[string]string{"Procfile": "web: a\n"})
	_, err = Load(Options{Dir: dir, EnvFiles: []string{"missing.env"}})
	if err == nil || !strings.Contains(err.Error(), "missing.env") {
		t.Errorf("missing named env file: %v", err)
	}
	_, err = Load(Options{Dir: dir, Concurrency: map[string]int{"nope": 1}})
	if err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown -c type: %v", err)
	}
	a, _ := Load(Options{Dir: dir})
	if _, err := a.Select([]string{"web", "nope"}); err == nil || !strings.Contains(err.Error(), "Process type 'nope' does not exist in Procfile") {
		t.Errorf("unknown process: %v", err)
	}
	if got := a.Procfile.Names(); !slices.Equal(got, []string{"web"}) {
		t.Errorf("names %v", got)
	}
}
