package policy

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// parse is Parse for tests whose input must be valid.
func parse(t *testing.T, src string) *Config {
	t.Helper()
	c, err := Parse("hancho.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v\ninput:\n%s", err, src)
	}
	return c
}

func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", "\n\n", "# only a comment\n", "---\n", "# c\n---\n# c\n", "processes:\n", "processes: {}\n", "{}\n"} {
		c := parse(t, src)
		if c.Timeout != 0 || len(c.Processes) != 0 || c.Path != "hancho.yaml" {
			t.Errorf("%q: got %+v, want an empty Config", src, c)
		}
	}
}

func TestParseKeys(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want Process // of process "p"; Line is checked separately
	}{
		{"restart no", "restart: no", Process{Restart: RestartNo}},
		{"restart quoted no", `restart: "no"`, Process{Restart: RestartNo}},
		{"restart on-failure", "restart: on-failure", Process{Restart: RestartOnFailure}},
		{"restart always", "restart: always", Process{Restart: RestartAlways}},
		{"optional true", "optional: true", Process{Optional: true}},
		{"optional false", "optional: false", Process{}},
		{"stop_timeout duration", "stop_timeout: 1m30s", Process{StopTimeout: 90 * time.Second}},
		{"stop_timeout fraction", "stop_timeout: 0.5s", Process{StopTimeout: 500 * time.Millisecond}},
		{"stop_timeout seconds", "stop_timeout: 360", Process{StopTimeout: 360 * time.Second}},
		{"stop_timeout float seconds", "stop_timeout: 2.5", Process{StopTimeout: 2500 * time.Millisecond}},
		{"stop_timeout quoted seconds", `stop_timeout: "5"`, Process{StopTimeout: 5 * time.Second}},
		{"stop_signal TERM", "stop_signal: TERM", Process{StopSignal: "TERM"}},
		{"stop_signal SIGTERM", "stop_signal: SIGTERM", Process{StopSignal: "TERM"}},
		{"stop_signal sigint", "stop_signal: sigint", Process{StopSignal: "INT"}},
		{"stop_signal quit", "stop_signal: quit", Process{StopSignal: "QUIT"}},
		{"stop_signal HUP", "stop_signal: HUP", Process{StopSignal: "HUP"}},
		{"stop_signal KILL", "stop_signal: SIGKILL", Process{StopSignal: "KILL"}},
		{"stop_signal USR1", "stop_signal: USR1", Process{StopSignal: "USR1"}},
		{"stop_signal USR2", "stop_signal: SigUsr2", Process{StopSignal: "USR2"}},
		{"stop_signal WINCH", "stop_signal: WINCH", Process{StopSignal: "WINCH"}},
		{"depends_on flow", "depends_on: [redis_queue, db]", Process{DependsOn: []string{"redis_queue", "db"}}},
		{"depends_on block", "depends_on:\n      - db\n      - cache-1", Process{DependsOn: []string{"db", "cache-1"}}},
		{"depends_on empty", "depends_on: []", Process{}},
		{"ready tcp", "ready:\n      tcp: 127.0.0.1:11000\n      timeout: 30s", Process{Ready: &Probe{TCP: "127.0.0.1:11000", Timeout: 30 * time.Second, Line: 3}}},
		{"ready tcp ipv6", "ready: {tcp: \"[::1]:80\"}", Process{Ready: &Probe{TCP: "[::1]:80", Line: 3}}},
		{"ready http", "ready: {http: \"http://127.0.0.1:8000/ping\"}", Process{Ready: &Probe{HTTP: "http://127.0.0.1:8000/ping", Line: 3}}},
		{"ready https", "ready: {http: \"https://localhost/\", timeout: 2}", Process{Ready: &Probe{HTTP: "https://localhost/", Timeout: 2 * time.Second, Line: 3}}},
		{"ready exec", "ready: {exec: redis-cli ping}", Process{Ready: &Probe{Exec: "redis-cli ping", Line: 3}}},
		{"ready log", `ready: {log: "Ready to accept connections"}`, Process{Ready: &Probe{Log: "Ready to accept connections", Line: 3}}},
		{"ready log regex", `ready: {log: "listening on :\\d+"}`, Process{Ready: &Probe{Log: `listening on :\d+`, Line: 3}}},
		{"env scalars as written", "env: {FOO: bar, N: 0010, F: 1.50, B: yes, T: true, Q: \"\", S: 'a b'}", Process{Env: []EnvVar{
			{"FOO", "bar"}, {"N", "0010"}, {"F", "1.50"}, {"B", "yes"}, {"T", "true"}, {"Q", ""}, {"S", "a b"},
		}}},
		{"env block", "env:\n      B: 2\n      A: 1", Process{Env: []EnvVar{{"B", "2"}, {"A", "1"}}}},
		{"dir", "dir: sites", Process{Dir: "sites"}},
		{"dir absolute", "dir: /srv/app", Process{Dir: "/srv/app"}},
		{"null process", "", Process{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := parse(t, "processes:\n  p:\n    "+tt.src+"\n")
			got := c.Processes["p"]
			if got == nil {
				t.Fatalf("no process p in %+v", c.Processes)
			}
			if got.Line != 2 {
				t.Errorf("Line = %d, want 2", got.Line)
			}
			got.Line = 0
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tt.want)
				if got.Ready != nil && tt.want.Ready != nil {
					t.Errorf("ready got %+v, want %+v", *got.Ready, *tt.want.Ready)
				}
			}
		})
	}
}

func TestParseBOMAndCRLF(t *testing.T) {
	c := parse(t, "\xef\xbb\xbftimeout: 5s\r\nprocesses:\r\n  web:\r\n    dir: a\r\n")
	if c.Timeout != 5*time.Second || c.Processes["web"].Dir != "a" || c.Processes["web"].Line != 3 {
		t.Errorf("got %+v, web %+v", c, c.Processes["web"])
	}
}

func TestParseAlias(t *testing.T) {
	c := parse(t, "processes:\n  web:\n    env: &vars {X: 1}\n  worker:\n    env: *vars\n")
	if want := []EnvVar{{"X", "1"}}; !reflect.DeepEqual(c.Processes["worker"].Env, want) {
		t.Errorf("worker env = %v, want %v", c.Processes["worker"].Env, want)
	}
}

func TestParseWhole(t *testing.T) {
	src := `timeout: 5s                  # default stop timeout for all processes
processes:
  watch:
    restart: on-failure
    optional: true
  worker:
    stop_timeout: 360s
    stop_signal: TERM
    depends_on: [redis_queue]
  redis_queue:
    ready:
      tcp: 127.0.0.1:11000
      timeout: 30s
  web:
    env: {FOO: bar}
    dir: sites
`
	c, err := Parse("app/hancho.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Path:    "app/hancho.yaml",
		Timeout: 5 * time.Second,
		Processes: map[string]*Process{
			"watch":       {Restart: RestartOnFailure, Optional: true, Line: 3},
			"worker":      {StopTimeout: 360 * time.Second, StopSignal: "TERM", DependsOn: []string{"redis_queue"}, Line: 6},
			"redis_queue": {Ready: &Probe{TCP: "127.0.0.1:11000", Timeout: 30 * time.Second, Line: 11}, Line: 10},
			"web":         {Env: []EnvVar{{"FOO", "bar"}}, Dir: "sites", Line: 14},
		},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got  %+v\nwant %+v", c, want)
	}
}

func TestParseTimeout(t *testing.T) {
	for src, want := range map[string]time.Duration{
		"timeout: 5s":    5 * time.Second,
		"timeout: 5":     5 * time.Second,
		"timeout: 2.5":   2500 * time.Millisecond,
		"timeout: .5":    500 * time.Millisecond,
		"timeout: 1e1":   10 * time.Second,
		"timeout: 1m30s": 90 * time.Second,
		"timeout: 250ms": 250 * time.Millisecond,
	} {
		if got := parse(t, src).Timeout; got != want {
			t.Errorf("%q: Timeout = %v, want %v", src, got, want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		line int
		want []string // fragments of the message for that line
	}{
		{"unknown top key", "timeout: 5s\nprocess:\n  web: {}\n", 2, []string{`unknown key "process"`, "known keys: timeout, processes"}},
		{"unknown process key", "processes:\n  watch:\n    restrat: on-failure\n", 3, []string{
			`hancho.yaml:3: unknown key "restrat" in process "watch"; known keys: restart, optional, stop_timeout, stop_signal, depends_on, ready, env, dir`}},
		{"unknown probe key", "processes:\n  r:\n    ready:\n      tcp: a:1\n      port: 1\n", 5, []string{`unknown key "port" in ready of process "r"`, "known keys: tcp, http, exec, log, timeout"}},
		{"top level list", "- web\n", 1, []string{"top level must be a mapping", "not a list"}},
		{"top level scalar", "hello\n", 1, []string{"top level must be a mapping", `not "hello"`}},
		{"processes list", "processes: [web]\n", 1, []string{"processes must be a mapping", "not a list"}},
		{"process scalar", "processes:\n  web: on-failure\n", 2, []string{`process "web" must be a mapping`, `not "on-failure"`}},
		{"bad process name", "processes:\n  \"web app\": {}\n", 2, []string{`process name "web app"`, "letters, digits"}},
		{"bad process name dot", "processes:\n  web.1: {}\n", 2, []string{`process name "web.1"`}},
		{"duplicate process", "processes:\n  web: {}\n  worker: {}\n  web: {}\n", 4, []string{`duplicate key "web" in processes (first at line 2)`}},
		{"duplicate key", "processes:\n  web:\n    restart: always\n    dir: a\n    restart: no\n", 5, []string{`duplicate key "restart" in process "web" (first at line 3)`, "keep one"}},
		{"duplicate top key", "timeout: 1s\ntimeout: 2s\n", 2, []string{`duplicate key "timeout" (first at line 1)`}},
		{"duplicate env", "processes:\n  web:\n    env:\n      A: 1\n      A: 2\n", 5, []string{`duplicate key "A" in env of process "web"`}},
		{"complex key", "? [a]\n: b\n", 1, []string{"a key is a list", "plain names"}},
		{"restart maybe", "processes:\n  w:\n    restart: maybe\n", 3, []string{`restart of process "w" is "maybe"`, "use no, on-failure or always"}},
		{"restart bool", "processes:\n  w:\n    restart: true\n", 3, []string{`restart of process "w" is "true"`}},
		{"restart empty", "processes:\n  w:\n    restart:\n", 3, []string{`restart of process "w" must be a non-empty string, not an empty value`}},
		{"optional yes", "processes:\n  w:\n    optional: yes\n", 3, []string{`optional of process "w" must be true or false, not "yes"`}},
		{"optional string", "processes:\n  w:\n    optional: \"true\"\n", 3, []string{`must be true or false`}},
		{"optional list", "processes:\n  w:\n    optional: [true]\n", 3, []string{`must be true or false, not a list`}},
		{"negative duration", "processes:\n  w:\n    stop_timeout: -3s\n", 3, []string{`stop_timeout of process "w" is "-3s", which is negative`}},
		{"negative seconds", "timeout: -1\n", 1, []string{`timeout is "-1", which is negative`}},
		{"zero duration", "timeout: 0\n", 1, []string{"which is zero", "leave the key out"}},
		{"bad duration", "timeout: 5 seconds\n", 1, []string{`timeout is "5 seconds", which is not a duration`, "5s, 1m30s"}},
		{"duration no unit mix", "timeout: 5x\n", 1, []string{"not a duration"}},
		{"duration inf", "timeout: .inf\n", 1, []string{"not a duration"}},
		{"duration nan", "timeout: .nan\n", 1, []string{"not a duration"}},
		{"duration hex", "timeout: 0x10\n", 1, []string{"not a duration"}},
		{"duration huge", "timeout: 1e300\n", 1, []string{"too long"}},
		{"duration huge go", "timeout: 9999999999h\n", 1, []string{"not a duration"}},
		{"duration list", "timeout: [5s]\n", 1, []string{"timeout must be a duration", "not a list"}},
		{"duration empty", "timeout:\n", 1, []string{"timeout must be a duration", "not an empty value"}},
		{"probe timeout negative", "processes:\n  r:\n    ready: {tcp: \"a:1\", timeout: -2}\n", 3, []string{`ready timeout of process "r" is "-2", which is negative`}},
		{"unknown signal", "processes:\n  w:\n    stop_signal: TREM\n", 3, []string{`stop_signal of process "w" is "TREM", which is not a signal name`, "TERM, INT"}},
		{"signal number", "processes:\n  w:\n    stop_signal: 15\n", 3, []string{`is "15", which is not a signal name`}},
		{"signal SIG", "processes:\n  w:\n    stop_signal: SIG\n", 3, []string{`is "SIG"`}},
		{"signal list", "processes:\n  w:\n    stop_signal: [TERM]\n", 3, []string{"must be a non-empty string, not a list"}},
		{"depends_on string", "processes:\n  w:\n    depends_on: redis\n", 3, []string{`depends_on of process "w" must be a list of process names`, `not "redis"`}},
		{"depends_on map", "processes:\n  w:\n    depends_on: {redis: true}\n", 3, []string{"must be a list", "not a mapping"}},
		{"depends_on nested", "processes:\n  w:\n    depends_on:\n      - [redis]\n", 4, []string{"must list process names, not a list"}},
		{"depends_on null entry", "processes:\n  w:\n    depends_on:\n      -\n", 4, []string{"must list process names, not an empty value"}},
		{"depends_on bad name", "processes:\n  w:\n    depends_on: [\"a b\"]\n", 3, []string{`lists "a b", which is not a process name`}},
		{"depends_on twice", "processes:\n  w:\n    depends_on: [a, b,\n      a]\n", 4, []string{`lists "a" twice`}},
		{"two probes", "processes:\n  r:\n    ready:\n      tcp: a:1\n      http: http://a/\n", 5, []string{`ready of process "r" has both tcp and http; keep one probe`}},
		{"no probe", "processes:\n  r:\n    ready:\n      timeout: 3s\n", 3, []string{`ready of process "r" names no probe; add one of tcp, http, exec, log`}},
		{"null probe", "processes:\n  r:\n    ready:\n", 3, []string{"names no probe"}},
		{"probe scalar", "processes:\n  r:\n    ready: a:1\n", 3, []string{`ready of process "r" must be a mapping with keys tcp, http, exec, log, timeout`}},
		{"bad regex", "processes:\n  r:\n    ready:\n      log: \"(ready\"\n", 4, []string{`ready log of process "r" is "(ready", which is not a valid regular expression (missing closing ))`, `\Q...\E`}},
		{"empty log", "processes:\n  r:\n    ready: {log: \"\"}\n", 3, []string{"must be a non-empty string"}},
		{"tcp no port", "processes:\n  r:\n    ready: {tcp: localhost}\n", 3, []string{`ready tcp of process "r" is "localhost", which is not host:port`, "127.0.0.1:8000"}},
		{"tcp no host", "processes:\n  r:\n    ready: {tcp: \":80\"}\n", 3, []string{"which has no host"}},
		{"tcp bad port", "processes:\n  r:\n    ready: {tcp: \"a:http\"}\n", 3, []string{"port is not a number from 1 to 65535"}},
		{"tcp port range", "processes:\n  r:\n    ready: {tcp: \"a:70000\"}\n", 3, []string{"port is not a number"}},
		{"tcp port zero", "processes:\n  r:\n    ready: {tcp: \"a:0\"}\n", 3, []string{"port is not a number"}},
		{"http ftp", "processes:\n  r:\n    ready: {http: \"ftp://a/\"}\n", 3, []string{`ready http of process "r" is "ftp://a/", which is not an http:// or https:// URL`}},
		{"http no scheme", "processes:\n  r:\n    ready: {http: \"localhost:8000/ping\"}\n", 3, []string{"not an http:// or https:// URL"}},
		{"http no host", "processes:\n  r:\n    ready: {http: \"http:///ping\"}\n", 3, []string{"which has no host"}},
		{"http bad url", "processes:\n  r:\n    ready: {http: \"http://a b/%zz\"}\n", 3, []string{"which is not a URL"}},
		{"exec list", "processes:\n  r:\n    ready: {exec: [redis-cli, ping]}\n", 3, []string{`ready exec of process "r" must be a non-empty string, not a list`}},
		{"env list", "processes:\n  w:\n    env: [A=1]\n", 3, []string{`env of process "w" must be a mapping of NAME: value, not a list`}},
		{"env nested", "processes:\n  w:\n    env:\n      A: {b: 1}\n", 4, []string{`env of process "w": A must be a string, number or true/false, not a mapping`}},
		{"env null", "processes:\n  w:\n    env:\n      A:\n", 4, []string{`A must be a string`, `not an empty value`, `("" for empty)`}},
		{"env bad name", "processes:\n  w:\n    env: {\"A=B\": 1}\n", 3, []string{`has the variable name "A=B"`}},
		{"env empty name", "processes:\n  w:\n    env: {\"\": 1}\n", 3, []string{`has the variable name ""`}},
		{"env NUL", "processes:\n  w:\n    env: {A: \"a\\0b\"}\n", 3, []string{"NUL byte"}},
		{"dir empty", "processes:\n  w:\n    dir: \"\"\n", 3, []string{`dir of process "w" must be a non-empty string`}},
		{"dir map", "processes:\n  w:\n    dir: {a: b}\n", 3, []string{"not a mapping"}},
		{"merge key", "processes:\n  w:\n    <<: {dir: a}\n", 3, []string{`unknown key "<<"`}},
		{"syntax error", "processes:\n  web:\n    dir: a\n   restart: no\n", 4, []string{"fix the YAML syntax"}},
		{"unterminated quote", "processes:\n  web:\n    dir: \"a\n", 3, []string{"found unexpected end of stream", "fix the YAML syntax"}},
		{"syntax error after a flow list", "processes:\n  web:\n    depends_on: [a,\n      b]\n    dir: a\n     x: y\n", 6, []string{"mapping values are not allowed"}},
		{"syntax error deep", "timeout: 1s\nprocesses:\n  web:\n    env:\n      A: 1\n      B: 2\n    dir: a\n  worker:\n   restart: no\n    dir: b\n", 10, []string{"fix the YAML syntax"}},
		{"tab indent", "processes:\n\tweb: {}\n", 2, []string{"fix the YAML syntax"}},
		{"unknown anchor", "processes:\n  web:\n    env: *vars\n", 3, []string{"unknown anchor 'vars'", "define it with &vars"}},
		{"control character", "processes:\n  web:\n    dir: a\x01b\n", 3, []string{"control characters", "remove the character"}},
		{"bad utf-8", "processes:\n  web:\n    dir: a\xffb\n", 3, []string{"UTF-8", "remove the character"}},
		{"two documents", "timeout: 1s\n---\ntimeout: 2s\n", 2, []string{"a second YAML document starts here", `remove this "---"`}},
		{"bad second document", "timeout: 1s\n---\n[\n", 3, []string{"fix the YAML syntax"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("hancho.yaml", []byte(tt.src))
			if err == nil {
				t.Fatalf("no error; got %+v\ninput:\n%s", c, tt.src)
			}
			if c != nil {
				t.Errorf("got a Config with an error: %+v", c)
			}
			msg := err.Error()
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("error %q is not an *Error", msg)
			}
			first := strings.SplitN(msg, "\n", 2)[0]
			prefix := "hancho.yaml:" + strconv.Itoa(tt.line) + ": "
			if !strings.HasPrefix(first, prefix) {
				t.Errorf("first error %q does not start with %q", first, prefix)
			}
			for _, frag := range tt.want {
				if !strings.Contains(first, frag) {
					t.Errorf("first error %q lacks %q", first, frag)
				}
			}
			checkForm(t, "hancho.yaml", msg)
		})
	}
}

// TestParseAllErrors checks that every problem is reported, one per line,
// in file order.
func TestParseAllErrors(t *testing.T) {
	src := `timeout: soon
processes:
  watch:
    restrat: on-failure
  worker:
    stop_signal: TREM
    depends_on: redis
`
	_, err := Parse("hancho.yaml", []byte(src))
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{"hancho.yaml:1: timeout", "hancho.yaml:4: unknown key", "hancho.yaml:6: stop_signal", "hancho.yaml:7: depends_on"}
	if len(lines) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%s", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("error %d = %q, want prefix %q", i, lines[i], w)
		}
	}
}

func TestParseEmptyPath(t *testing.T) {
	_, err := Parse("", []byte("nope: 1\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "hancho.yaml:1: ") {
		t.Errorf("error = %v, want one at hancho.yaml:1", err)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}

	t.Run("no file", func(t *testing.T) {
		c, err := Load(filepath.Join(dir, "empty"), "")
		if err != nil || c == nil || c.Path != "" || len(c.Processes) != 0 {
			t.Errorf("Load = %+v, %v; want an empty Config", c, err)
		}
	})
	t.Run("root file", func(t *testing.T) {
		write("app/hancho.yaml", "timeout: 7s\n")
		c, err := Load(filepath.Join(dir, "app"), "")
		if err != nil {
			t.Fatal(err)
		}
		if c.Timeout != 7*time.Second || c.Path != filepath.Join(dir, "app", "hancho.yaml") {
			t.Errorf("got %+v", c)
		}
	})
	t.Run("root file error names it", func(t *testing.T) {
		write("bad/hancho.yaml", "\ntimeout: x\n")
		_, err := Load(filepath.Join(dir, "bad"), "")
		want := filepath.Join(dir, "bad", "hancho.yaml") + ":2: "
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("error = %v, want prefix %q", err, want)
		}
	})
	t.Run("explicit", func(t *testing.T) {
		path := write("conf/policy.yaml", "timeout: 3\n")
		write("app/hancho.yaml", "timeout: 7s\n")
		c, err := Load(filepath.Join(dir, "app"), path)
		if err != nil || c.Timeout != 3*time.Second || c.Path != path {
			t.Errorf("Load = %+v, %v", c, err)
		}
	})
	t.Run("explicit relative to the current directory", func(t *testing.T) {
		write("cwd/my.yaml", "timeout: 4\n")
		t.Chdir(filepath.Join(dir, "cwd"))
		c, err := Load(filepath.Join(dir, "app"), "my.yaml")
		if err != nil || c.Timeout != 4*time.Second || c.Path != "my.yaml" {
			t.Errorf("Load = %+v, %v", c, err)
		}
	})
	t.Run("explicit missing", func(t *testing.T) {
		_, err := Load(dir, "nope.yaml")
		if err == nil || !strings.Contains(err.Error(), "config file nope.yaml not found") {
			t.Errorf("error = %v", err)
		}
	})
	t.Run("unreadable", func(t *testing.T) {
		if err := os.MkdirAll(filepath.Join(dir, "dirapp", "hancho.yaml"), 0o755); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(filepath.Join(dir, "dirapp"), ""); err == nil {
			t.Error("no error for a hancho.yaml that is a directory")
		}
	})
}

func TestCheck(t *testing.T) {
	types := []string{"web", "worker", "redis", "db"}
	tests := []struct {
		name string
		src  string
		want []string // one entry per error line, as fragments; nil means no error
	}{
		{"ok", "processes:\n  web: {depends_on: [redis, db]}\n  worker: {depends_on: [redis]}\n", nil},
		{"empty", "", nil},
		{"unknown process", "processes:\n  web: {}\n  wrker: {}\n", []string{
			`hancho.yaml:3: process "wrker" is not in the Procfile (known: web, worker, redis, db)`}},
		{"unknown dependency", "processes:\n  web:\n    depends_on: [redsi]\n", []string{
			`hancho.yaml:2: process "web" depends on "redsi", which is not in the Procfile (known: web, worker, redis, db)`}},
		{"self", "processes:\n  web:\n    depends_on: [web]\n", []string{
			`hancho.yaml:2: process "web" depends on itself; remove "web" from its depends_on`}},
		{"cycle", "processes:\n  web: {depends_on: [worker]}\n  worker: {depends_on: [web]}\n", []string{
			`hancho.yaml:2: depends_on cycle: web -> worker -> web`}},
		{"long cycle", "processes:\n  db: {depends_on: [web]}\n  web: {depends_on: [worker]}\n  worker: {depends_on: [redis]}\n  redis: {depends_on: [web]}\n", []string{
			`hancho.yaml:3: depends_on cycle: web -> worker -> redis -> web`}},
		{"all at once", "processes:\n  wrker: {}\n  web: {depends_on: [web, nope]}\n", []string{
			`hancho.yaml:2: process "wrker" is not in the Procfile`,
			`hancho.yaml:3: process "web" depends on itself`,
			`hancho.yaml:3: process "web" depends on "nope"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := parse(t, tt.src).Check(types)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%s", len(lines), len(tt.want), err)
			}
			for i, w := range tt.want {
				if !strings.Contains(lines[i], w) {
					t.Errorf("error %q lacks %q", lines[i], w)
				}
			}
		})
	}
	if err := (*Config)(nil).Check(types); err != nil {
		t.Errorf("nil Config: %v", err)
	}
	if err := parse(t, "processes:\n  web: {}\n").Check(nil); err == nil || !strings.Contains(err.Error(), "the Procfile has none") {
		t.Errorf("no types: %v", err)
	}
}

func TestStartOrder(t *testing.T) {
	types := []string{"web", "worker", "redis", "db", "clock"}
	tests := []struct {
		name string
		src  string
		want [][]string
	}{
		{"no deps", "", [][]string{types}},
		{"chain", "processes:\n  web: {depends_on: [worker]}\n  worker: {depends_on: [redis]}\n", [][]string{{"redis", "db", "clock"}, {"worker"}, {"web"}}},
		{"diamond", "processes:\n  web: {depends_on: [redis, db]}\n  worker: {depends_on: [redis]}\n  clock: {depends_on: [web, worker]}\n", [][]string{{"redis", "db"}, {"web", "worker"}, {"clock"}}},
		{"longest path wins", "processes:\n  web: {depends_on: [db, worker]}\n  worker: {depends_on: [db]}\n", [][]string{{"redis", "db", "clock"}, {"worker"}, {"web"}}},
		{"cycle still terminates", "processes:\n  web: {depends_on: [worker]}\n  worker: {depends_on: [web]}\n", [][]string{{"redis", "db", "clock"}, {"web", "worker"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parse(t, tt.src).StartOrder(types); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("StartOrder = %v, want %v", got, tt.want)
			}
		})
	}
	if got := (*Config)(nil).StartOrder([]string{"a", "b"}); !reflect.DeepEqual(got, [][]string{{"a", "b"}}) {
		t.Errorf("nil Config: %v", got)
	}
	if got := (*Config)(nil).StartOrder(nil); got != nil {
		t.Errorf("no types: %v", got)
	}
}

func TestFor(t *testing.T) {
	c := parse(t, `timeout: 5s
processes:
  worker:
    stop_timeout: 360s
    stop_signal: sigquit
    restart: always
  redis:
    ready: {tcp: "127.0.0.1:6379"}
  web:
    ready: {http: "http://a/", timeout: 3s}
`)
	tests := []struct {
		name string
		c    *Config
		typ  string
		want Process
	}{
		{"defaults", c, "clock", Process{Restart: RestartNo, StopSignal: "TERM", StopTimeout: 5 * time.Second}},
		{"set", c, "worker", Process{Restart: RestartAlways, StopSignal: "QUIT", StopTimeout: 360 * time.Second, Line: 3}},
		{"probe default timeout", c, "redis", Process{Restart: RestartNo, StopSignal: "TERM", StopTimeout: 5 * time.Second, Line: 7,
			Ready: &Probe{TCP: "127.0.0.1:6379", Timeout: DefaultProbeTimeout, Line: 8}}},
		{"probe timeout", c, "web", Process{Restart: RestartNo, StopSignal: "TERM", StopTimeout: 5 * time.Second, Line: 9,
			Ready: &Probe{HTTP: "http://a/", Timeout: 3 * time.Second, Line: 10}}},
		{"nil config", nil, "web", Process{Restart: RestartNo, StopSignal: "TERM"}},
		{"empty config", &Config{}, "web", Process{Restart: RestartNo, StopSignal: "TERM"}},
		{"nil entry", &Config{Processes: map[string]*Process{"web": nil}}, "web", Process{Restart: RestartNo, StopSignal: "TERM"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.For(tt.typ); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("For(%q) = %+v, want %+v", tt.typ, got, tt.want)
			}
		})
	}

	// The result must not alias the Config.
	p := c.For("redis")
	p.Ready.TCP = "changed"
	if c.Processes["redis"].Ready.TCP != "127.0.0.1:6379" || c.Processes["redis"].Ready.Timeout != 0 {
		t.Errorf("For shares its probe with the Config: %+v", c.Processes["redis"].Ready)
	}
}

func TestApplyFlags(t *testing.T) {
	types := []string{"web", "worker", "watch"}
	src := "processes:\n  worker: {restart: \"no\"}\n  web: {restart: always}\n"
	tests := []struct {
		name              string
		restart, optional []string
		want              map[string]Process // restart and optional of the named types
		err               []string
	}{
		{"none", nil, nil, map[string]Process{"worker": {Restart: RestartNo}, "web": {Restart: RestartAlways}}, nil},
		{"restart new", []string{"watch"}, nil, map[string]Process{"watch": {Restart: RestartOnFailure}}, nil},
		{"file wins", []string{"web,worker"}, nil, map[string]Process{"worker": {Restart: RestartNo}, "web": {Restart: RestartAlways}}, nil},
		{"optional", nil, []string{"web, watch", "worker"}, map[string]Process{
			"web": {Restart: RestartAlways, Optional: true}, "watch": {Optional: true}, "worker": {Restart: RestartNo, Optional: true}}, nil},
		{"both", []string{"watch"}, []string{"watch"}, map[string]Process{"watch": {Restart: RestartOnFailure, Optional: true}}, nil},
		{"empty names", []string{",watch,"}, nil, map[string]Process{"watch": {Restart: RestartOnFailure}}, nil},
		{"unknown", []string{"wtach"}, []string{"web,nope"}, map[string]Process{"watch": {}}, []string{
			`--restart wtach: no process type "wtach" in the Procfile (known: web, worker, watch)`,
			`--optional web,nope: no process type "nope"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := parse(t, src)
			err := c.ApplyFlags(tt.restart, tt.optional, types)
			if tt.err == nil && err != nil {
				t.Fatalf("ApplyFlags: %v", err)
			}
			for _, frag := range tt.err {
				if err == nil || !strings.Contains(err.Error(), frag) {
					t.Errorf("error %v lacks %q", err, frag)
				}
			}
			for typ, want := range tt.want {
				var got Process
				if p := c.Processes[typ]; p != nil {
					got = *p
				}
				if got.Restart != want.Restart || got.Optional != want.Optional {
					t.Errorf("%s: got restart %q optional %v, want %q %v", typ, got.Restart, got.Optional, want.Restart, want.Optional)
				}
			}
		})
	}

	t.Run("zero Config", func(t *testing.T) {
		c := &Config{}
		if err := c.ApplyFlags([]string{"web"}, nil, types); err != nil {
			t.Fatal(err)
		}
		if got := c.For("web").Restart; got != RestartOnFailure {
			t.Errorf("Restart = %q", got)
		}
	})
}

// checkForm fails unless every line of msg starts with "path:N: ".
func checkForm(t testing.TB, path, msg string) {
	t.Helper()
	for _, line := range strings.Split(msg, "\n") {
		rest, ok := strings.CutPrefix(line, path+":")
		n, after, ok2 := strings.Cut(rest, ": ")
		if !ok || !ok2 || n == "" || strings.Trim(n, "0123456789") != "" || n[0] == '0' || after == "" {
			t.Errorf("error line %q is not of the form %s:N: message", line, path)
		}
	}
}
