package initcfg

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hancho-dev/hancho/internal/policy"
	"github.com/hancho-dev/hancho/internal/procfile"
)

// benchDir makes a Frappe bench in a temp dir with the given extra files.
func benchDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"apps/frappe", "sites", "config"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// generate parses the Procfile text, generates hancho.yaml for it and
// loads that back, failing the test unless it passes policy.Parse and
// Config.Check.
func generate(t *testing.T, dir, procfileText string) (Result, *policy.Config) {
	t.Helper()
	pf, _, err := procfile.Parse("Procfile", []byte(procfileText))
	if err != nil {
		t.Fatal(err)
	}
	var types []Type
	for i, e := range pf.Entries {
		types = append(types, Type{Name: e.Name, Command: e.Command, Port: 5000 + 100*i})
	}
	res := Generate(dir, types)
	cfg, err := policy.Parse("hancho.yaml", res.Data)
	if err != nil {
		t.Fatalf("the written file does not parse: %v\n%s", err, res.Data)
	}
	if err := cfg.Check(pf.Names()); err != nil {
		t.Fatalf("the written file does not fit the Procfile: %v\n%s", err, res.Data)
	}
	return res, cfg
}

// benchProcfile is what `bench setup procfile` writes, plus an older
// bench's lines and one bench does not know.
const benchProcfile = `redis_cache: redis-server config/redis_cache.conf
redis_queue: redis-server config/redis_queue.conf
web: bench serve --port 8000
socketio: /usr/bin/node apps/frappe/socketio.js
watch: bench watch
schedule: bench schedule
worker: bench worker 1>> logs/worker.log 2>> logs/worker.error.log
worker_custom: OBJC_DISABLE_INITIALIZE_FORK_SAFETY=YES NO_PROXY=* bench worker --queue custom 1>> logs/worker.log 2>> logs/worker.error.log
worker_long: bench worker --queue long
worker_short: bench worker
worker_mixed: bench worker --queue=short,custom,long
other: sleep 100
`

func TestBench(t *testing.T) {
	dir := benchDir(t, map[string]string{
		"config/redis_cache.conf":       "bind 127.0.0.1\nport 13001\nsave \"\"\n",
		"config/redis_queue.conf":       "port 11001\n",
		"sites/common_site_config.json": `{"redis_queue": "redis://127.0.0.1:11001", "workers": {"custom": {"timeout": 1700}, "other": {}}}`,
	})
	res, cfg := generate(t, dir, benchProcfile)
	if !res.Bench || len(res.Notes) != 0 {
		t.Errorf("Bench %v, notes %q", res.Bench, res.Notes)
	}
	ready := func(name string) string {
		if p := cfg.For(name); p.Ready != nil {
			return p.Ready.TCP
		}
		return ""
	}
	if got := ready("redis_cache"); got != "127.0.0.1:13001" {
		t.Errorf("redis_cache ready on %q", got)
	}
	if got := ready("redis_queue"); got != "127.0.0.1:11001" {
		t.Errorf("redis_queue ready on %q", got)
	}
	queue := []string{"redis_queue"}
	for _, name := range []string{"web", "socketio", "worker", "worker_custom", "worker_long", "worker_short", "worker_mixed"} {
		if got := cfg.For(name).DependsOn; !reflect.DeepEqual(got, queue) {
			t.Errorf("%s depends on %q", name, got)
		}
	}
	for _, name := range []string{"redis_cache", "redis_queue", "watch", "schedule"} {
		if got := cfg.For(name).DependsOn; got != nil {
			t.Errorf("%s depends on %q", name, got)
		}
	}
	if w := cfg.For("watch"); !w.Optional || w.Restart != policy.RestartOnFailure {
		t.Errorf("watch: %+v", w)
	}
	if s := cfg.For("schedule"); !s.Optional || s.Restart != policy.RestartNo {
		t.Errorf("schedule: %+v", s)
	}
	for name, want := range map[string]time.Duration{
		"worker":        360 * time.Second,
		"worker_custom": 1700 * time.Second,
		"worker_long":   1560 * time.Second,
		"worker_short":  360 * time.Second,
		"worker_mixed":  1700 * time.Second,
		"web":           0,
	} {
		if got := cfg.For(name).StopTimeout; got != want {
			t.Errorf("%s stop_timeout %s, want %s", name, got, want)
		}
	}
	if cfg.Processes["other"] != nil {
		t.Errorf("other has a policy: %+v", cfg.Processes["other"])
	}
	if !strings.Contains(string(res.Data), "# other: no policy") {
		t.Errorf("other is not mentioned:\n%s", res.Data)
	}
	if len(res.Summary) != 11 {
		t.Errorf("summary: %q", res.Summary)
	}
}

func TestBenchDefaults(t *testing.T) {
	// No redis configs, no site config, an older bench's redis_socketio.
	dir := benchDir(t, nil)
	res, cfg := generate(t, dir, `redis_cache: redis-server config/redis_cache.conf
redis_queue: redis-server config/redis_queue.conf
redis_socketio: redis-server config/redis_socketio.conf
redis_plain: redis-server
redis_flag: redis-server --port 7000
worker: bench worker
`)
	for name, want := range map[string]string{
		"redis_cache":    "127.0.0.1:13000",
		"redis_queue":    "127.0.0.1:11000",
		"redis_socketio": "127.0.0.1:12000",
		"redis_plain":    "127.0.0.1:6379",
		"redis_flag":     "127.0.0.1:7000",
	} {
		if p := cfg.For(name); p.Ready == nil || p.Ready.TCP != want {
			t.Errorf("%s ready: %+v, want tcp %s", name, p.Ready, want)
		}
	}
	if len(res.Notes) != 3 || !strings.Contains(res.Notes[0], "redis_cache: cannot read config/redis_cache.conf") || !strings.Contains(res.Notes[0], "assumed port 13000") {
		t.Errorf("notes: %q", res.Notes)
	}
	if got := cfg.For("worker").StopTimeout; got != 360*time.Second {
		t.Errorf("worker stop_timeout %s", got)
	}
}

func TestBenchWithoutRedisQueue(t *testing.T) {
	// Redis runs elsewhere: nothing to depend on.
	dir := benchDir(t, map[string]string{"config/redis.conf": "port 0\n"})
	res, cfg := generate(t, dir, "redis: redis-server config/redis.conf\nweb: bench serve --port 8000\nworker_long: bench worker --queue long\n")
	for _, name := range []string{"web", "worker_long"} {
		if got := cfg.For(name).DependsOn; got != nil {
			t.Errorf("%s depends on %q", name, got)
		}
	}
	if cfg.For("redis").Ready != nil || !strings.Contains(string(res.Data), "listens on no TCP port") {
		t.Errorf("redis with port 0 has a probe:\n%s", res.Data)
	}
	if got := cfg.For("worker_long").StopTimeout; got != 1560*time.Second {
		t.Errorf("worker_long stop_timeout %s", got)
	}
}

func TestBenchSiteConfig(t *testing.T) {
	for _, tc := range []struct {
		json string
		want time.Duration
		note string
	}{
		{`{"workers": {"custom": {"timeout": 1500}}}`, 1500 * time.Second, ""},
		{`{"workers": {"custom": {"timeout": "900"}}}`, 900 * time.Second, ""},
		{`{"workers": {"custom": {"timeout": 90.5}}}`, 91 * time.Second, ""},
		{`{"workers": {"custom": {"timeout": -1}}}`, 360 * time.Second, ""},
		{`{"workers": {"custom": {}}}`, 360 * time.Second, ""},
		{`{}`, 360 * time.Second, ""},
		{`{"workers": [1]}`, 360 * time.Second, "is not valid JSON of the usual shape"},
		{`{`, 360 * time.Second, "is not valid JSON"},
	} {
		dir := benchDir(t, map[string]string{"sites/common_site_config.json": tc.json})
		res, cfg := generate(t, dir, "worker_custom: bench worker --queue custom\n")
		if got := cfg.For("worker_custom").StopTimeout; got != tc.want {
			t.Errorf("%s: stop_timeout %s, want %s", tc.json, got, tc.want)
		}
		if tc.note == "" && len(res.Notes) > 0 || tc.note != "" && (len(res.Notes) != 1 || !strings.Contains(res.Notes[0], tc.note)) {
			t.Errorf("%s: notes %q, want %q", tc.json, res.Notes, tc.note)
		}
	}
}

func TestStarter(t *testing.T) {
	dir := t.TempDir()
	res, cfg := generate(t, dir, "web: python3 -m http.server $PORT\nworker: python3 worker.py\n1: x\ntrue: x\n-x: x\n")
	if res.Bench {
		t.Error("a plain folder taken for a bench")
	}
	for _, name := range []string{"web", "worker", "1", "true", "-x"} {
		p, ok := cfg.Processes[name]
		if !ok || !reflect.DeepEqual(*p, policy.Process{Line: p.Line}) {
			t.Errorf("%s: %+v, %v; want an empty entry", name, p, ok)
		}
	}
	text := string(res.Data)
	for _, want := range []string{"# timeout:", "# restart:", "# optional:", "# stop_timeout:", "# stop_signal:", "# depends_on: [worker]", "# depends_on: [web]", "# ready:", "#   tcp: 127.0.0.1:5000 ", "#   tcp: 127.0.0.1:5100 ", "#   timeout:", "# env:", "# dir:"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in:\n%s", want, text)
		}
	}
	// Every key a process takes is shown.
	if got := strings.Count(text, "    # restart:"); got != 5 {
		t.Errorf("%d restart lines for 5 types", got)
	}
}

func TestIsBench(t *testing.T) {
	dir := t.TempDir()
	if IsBench(dir) {
		t.Error("an empty folder is a bench")
	}
	os.MkdirAll(filepath.Join(dir, "apps/frappe"), 0o755)
	if IsBench(dir) {
		t.Error("a folder without sites/ is a bench")
	}
	os.WriteFile(filepath.Join(dir, "sites"), nil, 0o644)
	if IsBench(dir) {
		t.Error("a file sites is taken for a folder")
	}
	os.Remove(filepath.Join(dir, "sites"))
	os.MkdirAll(filepath.Join(dir, "sites"), 0o755)
	if !IsBench(dir) {
		t.Error("a bench is not recognised")
	}
}
