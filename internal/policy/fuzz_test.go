package policy

import (
	"errors"
	"testing"
)

// FuzzParse checks that Parse never panics, that every error it returns is
// located (each line "path:N: message"), and that a Config it accepts is
// one the rest of the package can use.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"",
		"# only a comment\n",
		"---\n",
		`timeout: 5s
processes:
  watch:
    restart: on-failure
    optional: true
  worker:
    stop_timeout: 360s
    stop_signal: SIGTERM
    depends_on: [redis_queue]
  redis_queue:
    ready:
      tcp: 127.0.0.1:11000
      timeout: 30s
  web:
    env: {FOO: bar, N: 5, B: true}
    dir: sites
`,
		"processes:\n  a: {ready: {http: \"http://a/\"}}\n  b: {ready: {exec: true}}\n  c: {ready: {log: \"^up$\"}}\n",
		"processes:\n  a: {depends_on: [b]}\n  b: {depends_on: [a]}\n",
		"processes:\n  web: &w {dir: a}\n  worker: *w\n",
		"timeout: 2.5\n",
		"timeout: -1\n",
		"timeout: 1e400\n",
		"processes:\n  watch:\n    restrat: on-failure\n",
		"processes:\n  r:\n    ready:\n      tcp: a:1\n      http: ftp://x\n",
		"processes:\n  r:\n    ready: {log: \"(\"}\n",
		"processes:\n  \"a b\": {}\n  a: {}\n  a: {}\n",
		"processes:\n  w:\n    env: {A: [1], \"\": x, B: ~}\n",
		"processes:\n  web:\n    dir: a\n   restart: no\n",
		"a: *x\n",
		"a: \x01\n",
		"a: \xff\n",
		"a: b\n---\nc: d\n",
		"? [a]\n: b\n",
		"- a\n- b\n",
		"processes:\n  w: {<<: {dir: a}}\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("hancho.yaml", data)
		if err != nil {
			if c != nil {
				t.Errorf("Parse returned a Config and an error")
			}
			var perr *Error
			if !errors.As(err, &perr) {
				t.Errorf("error %q is not an *Error", err)
			}
			checkForm(t, "hancho.yaml", err.Error())
			return
		}
		types := make([]string, 0, len(c.Processes))
		for name, p := range c.Processes {
			types = append(types, name)
			if p.Line < 1 || (p.Ready != nil && p.Ready.Line < 1) {
				t.Errorf("process %q has no line: %+v", name, p)
			}
			c.For(name)
		}
		if c.Check(types) == nil {
			n := 0
			for _, layer := range c.StartOrder(types) {
				n += len(layer)
			}
			if n != len(types) {
				t.Errorf("StartOrder placed %d of %d types", n, len(types))
			}
		}
	})
}
