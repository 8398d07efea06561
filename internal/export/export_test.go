package export

import (
	"bytes"
	"flag"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hancho-dev/hancho/internal/app"
	"github.com/hancho-dev/hancho/internal/envfile"
	"github.com/hancho-dev/hancho/internal/policy"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current output")

// shopSpec loads testdata/shop: web and worker twice each, clock left out,
// with the policies of its hancho.yaml. Root is fixed so that the golden
// files do not depend on where the repository is.
func shopSpec(t *testing.T) Spec {
	t.Helper()
	dir, err := filepath.Abs("testdata/shop")
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Load(app.Options{AppRoot: dir, Dir: dir, Concurrency: map[string]int{"web": 2, "worker": 2, "clock": 0}})
	if err != nil {
		t.Fatal(err)
	}
	instances, err := a.Instances(a.Types)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := policy.Load(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Check(a.Procfile.Names()); err != nil {
		t.Fatal(err)
	}
	return Spec{App: "shop", Root: "/srv/shop", User: "deploy", Types: a.Types, Instances: instances, Env: a.Env, Policy: cfg}
}

// exportTo exports spec as format into a new directory and returns it.
func exportTo(t *testing.T, format string, spec Spec) string {
	t.Helper()
	dir := t.TempDir()
	var out bytes.Buffer
	if err := Export(format, spec, dir, &out); err != nil {
		t.Fatalf("Export(%s): %v", format, err)
	}
	return dir
}

// TestGolden compares every format's output for testdata/shop with
// testdata/golden/FORMAT; -update rewrites them.
func TestGolden(t *testing.T) {
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			got := exportTo(t, format, shopSpec(t))
			golden := filepath.Join("testdata", "golden", format)
			if *update {
				if err := os.RemoveAll(golden); err != nil {
					t.Fatal(err)
				}
				if err := os.CopyFS(golden, os.DirFS(got)); err != nil {
					t.Fatal(err)
				}
			}
			want := readTree(t, golden)
			have := readTree(t, got)
			for _, name := range slices.Sorted(maps.Keys(union(want, have))) {
				w, inGolden := want[name]
				h, written := have[name]
				switch {
				case !inGolden:
					t.Errorf("%s is written but not in %s (go test -update rewrites the golden files)", name, golden)
				case !written:
					t.Errorf("%s is in %s but not written (go test -update rewrites the golden files)", name, golden)
				case w != h:
					t.Errorf("%s differs from %s/%s (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", name, golden, name, h, w)
				}
			}
		})
	}
}

// readTree returns each file under dir by relative path, after a line
// saying whether it is executable.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		mode := "file:\n" // only the executable bit, which git keeps; the rest follows the umask
		if info.Mode().Perm()&0o100 != 0 {
			mode = "executable:\n"
		}
		files[filepath.ToSlash(rel)] = mode + string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func union(a, b map[string]string) map[string]bool {
	u := map[string]bool{}
	for k := range a {
		u[k] = true
	}
	for k := range b {
		u[k] = true
	}
	return u
}

func TestFormats(t *testing.T) {
	want := []string{"compose", "kubernetes", "launchd", "runit", "supervisord", "systemd"}
	if got := Formats(); !slices.Equal(got, want) {
		t.Errorf("Formats() = %v, want %v", got, want)
	}
}

func TestUnknownFormat(t *testing.T) {
	err := Export("upstart", shopSpec(t), t.TempDir(), &bytes.Buffer{})
	want := `unknown export format "upstart"; formats: compose, kubernetes, launchd, runit, supervisord, systemd`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

// TestExportReplacesTheEarlierExport: a second export of the same app
// removes what the first wrote and the second does not (a service
// directory of an instance that is gone, with its files), prints each path
// written and removed, leaves other apps' and foreign files alone, and
// leaves no temporary files.
func TestExportReplacesTheEarlierExport(t *testing.T) {
	dir := t.TempDir()
	spec := shopSpec(t)
	var out bytes.Buffer
	if err := Export("runit", spec, dir, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "wrote "+filepath.Join(dir, "shop-web-2", "run")+"\n") {
		t.Errorf("the output does not list shop-web-2/run:\n%s", out.String())
	}
	foreign := filepath.Join(dir, "shop-web-2", "down")  // an admin's file in a service directory
	other := filepath.Join(dir, "shopping-web-1", "run") // another app whose name starts the same
	for _, p := range []string{foreign, other} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// One web instance fewer, and a variable fewer.
	spec.Instances = slices.DeleteFunc(spec.Instances, func(in app.Instance) bool { return in.Name == "web.2" })
	spec.Types[0].Concurrency = 1
	spec.Env = spec.Env[1:]
	out.Reset()
	if err := Export("runit", spec, dir, &out); err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"shop-web-2/run", "shop-web-2/log/run", "shop-web-2/env/PORT", "shop-web-1/env/DATABASE_URL"} {
		p := filepath.Join(dir, filepath.FromSlash(gone))
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s is left from the first export", gone)
		}
		if !strings.Contains(out.String(), "removed "+p+"\n") {
			t.Errorf("the output does not list %s as removed:\n%s", gone, out.String())
		}
	}
	if !strings.Contains(out.String(), "removed "+filepath.Join(dir, "shop-web-2", "env")+"\n") {
		t.Errorf("the emptied shop-web-2/env is not removed:\n%s", out.String())
	}
	for _, kept := range []string{foreign, other, filepath.Join(dir, "shop-web-1", "run")} {
		if _, err := os.Stat(kept); err != nil {
			t.Errorf("%s is gone: %v", kept, err)
		}
	}
	tmp, _ := filepath.Glob(filepath.Join(dir, "*", ".*.tmp-*"))
	if len(tmp) > 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
}

// TestExportKeepsToItsDirectory: a manifest that names paths outside the
// export directory (damaged, or written by hand) removes nothing there.
func TestExportKeepsToItsDirectory(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	outside := filepath.Join(parent, "precious")
	if err := os.WriteFile(outside, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	manifest := "# hand-made\n../precious\n" + outside + "\n.hancho-export-other\n"
	if err := os.WriteFile(filepath.Join(dir, ".hancho-export-shop"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Export("supervisord", shopSpec(t), dir, io.Discard); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(outside); err != nil {
		t.Errorf("a file outside the export directory was removed: %v", err)
	}
}

// TestExportModes: scripts are executable, the rest not.
func TestExportModes(t *testing.T) {
	dir := exportTo(t, "runit", shopSpec(t))
	for name, want := range map[string]os.FileMode{"shop-web-1/run": 0o755, "shop-web-1/log/run": 0o755, "shop-web-1/env/PORT": 0o644} {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", name, info.Mode().Perm(), want)
		}
	}
}

// TestTemplateDirectory: a file in -t replaces the built-in template of the
// same name; the others stay built in.
func TestTemplateDirectory(t *testing.T) {
	tdir := t.TempDir()
	if err := os.WriteFile(filepath.Join(tdir, "type.target"), []byte("# custom {{.Process.Name}} of {{.App}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	spec := shopSpec(t)
	spec.Templates = tdir
	dir := exportTo(t, "systemd", spec)
	data, err := os.ReadFile(filepath.Join(dir, "shop-web.target"))
	if err != nil || string(data) != "# custom web of shop\n" {
		t.Errorf("shop-web.target = %q, %v; want the custom template's output", data, err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "shop.target")); !bytes.Contains(data, []byte("Wants=shop-web.target")) {
		t.Errorf("shop.target does not come from the built-in template:\n%s", data)
	}
}

func TestTemplateDirectoryErrors(t *testing.T) {
	empty := t.TempDir()
	broken := t.TempDir()
	if err := os.WriteFile(filepath.Join(broken, "supervisord.conf"), []byte("{{.Nope"), 0o644); err != nil {
		t.Fatal(err)
	}
	unknownField := t.TempDir()
	if err := os.WriteFile(filepath.Join(unknownField, "supervisord.conf"), []byte("{{.Nope}}"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ dir, want string }{
		{filepath.Join(empty, "missing"), "not a directory"},
		{empty, "holds no supervisord template; its templates are named supervisord.conf"},
		{broken, filepath.Join(broken, "supervisord.conf")},
		{unknownField, "Nope"},
	} {
		spec := shopSpec(t)
		spec.Templates = c.dir
		err := Export("supervisord", spec, t.TempDir(), io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("-t %s: got %v, want an error with %q", c.dir, err, c.want)
		}
	}
}

// TestRestartDefaults: a type without a restart policy restarts always, as
// honcho's exports do; an explicit "no" is kept, in every format.
func TestRestartDefaults(t *testing.T) {
	spec := shopSpec(t)
	spec.Policy = &policy.Config{Processes: map[string]*policy.Process{"web": {Restart: policy.RestartNo}}}
	for format, want := range map[string][]string{
		"supervisord": {"[program:shop-web-1]\n", "autorestart=false\nstartsecs=0\n", "[program:shop-worker-1]\n", "autorestart=true\n"},
		"systemd":     {"Restart=no\n", "Restart=always\n"},
		"launchd":     {"<key>KeepAlive</key>\n\t<false/>", "<key>KeepAlive</key>\n\t<true/>"},
		"compose":     {`restart: "no"`, `restart: "always"`},
		"runit":       {"exec sv down .\n"},
	} {
		dir := exportTo(t, format, spec)
		all := concatTree(t, dir)
		for _, w := range want {
			if !strings.Contains(all, w) {
				t.Errorf("%s: no %q in the export", format, w)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(exportTo(t, "runit", spec), "shop-worker-1", "finish")); err == nil {
		t.Error("runit: worker restarts always but has a finish script that keeps it down")
	}
}

func concatTree(t *testing.T, dir string) string {
	var all strings.Builder
	for _, name := range slices.Sorted(maps.Keys(readTree(t, dir))) {
		all.WriteString(readTree(t, dir)[name])
	}
	return all.String()
}

// TestPorts: which types get a port, and which port.
func TestPorts(t *testing.T) {
	for _, c := range []struct {
		name, command string
		ready         *policy.Probe
		want          int
	}{
		{"web", "node server.js", nil, 5000},
		{"api", "gunicorn -b :$PORT app", nil, 5000},
		{"api", "serve --port=${PORT:-8000}", nil, 5000},
		{"worker", "celery worker", nil, 0},
		{"worker", "echo $PORTS", nil, 0},
		{"redis", "redis-server --port 11000", &policy.Probe{TCP: "127.0.0.1:11000"}, 11000},
		{"api", "app", &policy.Probe{HTTP: "http://localhost:8080/health"}, 8080},
		{"api", "app", &policy.Probe{HTTP: "https://localhost/health"}, 443},
		{"web", "app", &policy.Probe{TCP: "db.internal:5432"}, 5000},
		{"web", "app", &policy.Probe{Log: "listening"}, 5000},
	} {
		p := &process{Name: c.name, Command: c.command, Port: 5000, Ready: c.ready}
		if got := listenPort(p); got != c.want {
			t.Errorf("%s: %q with probe %+v gets port %d, want %d", c.name, c.command, c.ready, got, c.want)
		}
	}
}

// TestNames: names become valid for each target; names that collide are
// an error, not a silent overwrite.
func TestNames(t *testing.T) {
	spec := shopSpec(t)
	spec.App = "My Shop_2"
	dir := exportTo(t, "kubernetes", spec)
	data, err := os.ReadFile(filepath.Join(dir, "My-Shop_2.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"name: my-shop-2-web\n", "name: my-shop-2-env\n", "app: my-shop-2\n", `image: "my-shop-2:latest"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("no %q in:\n%s", want, data)
		}
	}
	if _, err := os.Stat(filepath.Join(exportTo(t, "systemd", spec), "My-Shop_2-web-1.service")); err != nil {
		t.Error(err)
	}

	spec = shopSpec(t)
	spec.Types = append(spec.Types, app.Type{Name: "Web", Command: "x", Line: 4, Index: 3, Concurrency: 1})
	spec.Instances = append(spec.Instances, app.Instance{Type: "Web", Num: 1, Name: "Web.1", Port: 5300})
	err = Export("kubernetes", spec, t.TempDir(), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "process types web and Web both become shop-web") {
		t.Errorf("got %v, want a collision error", err)
	}
}

// TestBadInput: what no configuration can carry is an error naming it.
func TestBadInput(t *testing.T) {
	for _, c := range []struct {
		edit func(*Spec)
		want string
	}{
		{func(s *Spec) { s.Root = "relative" }, `app root "relative" is not an absolute path`},
		{func(s *Spec) { s.LogDir = "logs" }, `log directory "logs" is not an absolute path`},
		{func(s *Spec) { s.Env = append(s.Env, envfile.Var{Key: "BAD", Value: "\xff"}) }, "BAD is not valid UTF-8"},
		{func(s *Spec) { s.Env = append(s.Env, envfile.Var{Key: "A=B", Value: "x"}) }, `the variable name "A=B"`},
		{func(s *Spec) { s.App = "---" }, "has no letters or digits"},
		{func(s *Spec) {
			for i := range s.Types {
				s.Types[i].Concurrency = 0
			}
		}, "no process to export"},
	} {
		spec := shopSpec(t)
		c.edit(&spec)
		err := Export("systemd", spec, t.TempDir(), io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want an error with %q", err, c.want)
		}
	}
	spec := shopSpec(t)
	spec.Env = append(spec.Env, envfile.Var{Key: "CR", Value: "a\rb"})
	err := Export("supervisord", spec, t.TempDir(), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "carriage return, which supervisord's configuration file cannot carry") {
		t.Errorf("supervisord with a CR: got %v", err)
	}
}
