package export

import (
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/compose-spec/compose-go/v2/template"
	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"
)

// FuzzQuoting checks that each format's escaping reads back as the
// original text in its consumer's syntax: systemd's unquoting, YAML
// (yaml.v3 as compose-go uses it, and sigs.k8s.io/yaml as kubectl does),
// compose's interpolation and XML.
func FuzzQuoting(f *testing.F) {
	for _, v := range trickyEnv {
		f.Add(v.Value)
	}
	f.Add("\u2028\u0085\ufeff\U0001F600")
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			t.Skip("not text an export accepts")
		}
		if words, err := systemdUnquote(systemdQuote("K="+s, false)); err != nil || len(words) != 1 {
			t.Fatalf("systemd Environment= of %q: %q, %v", s, words, err)
		} else if got, err := systemdUnspecify(words[0]); err != nil || got != "K="+s {
			t.Fatalf("systemd Environment= of %q reads back as %q, %v", s, got, err)
		}
		if argv, err := systemdArgv(systemdCommand("/bin/sh", "-c", s)); err != nil || len(argv) != 3 || argv[2] != s {
			t.Fatalf("systemd ExecStart= of %q reads back as %q, %v", s, argv, err)
		}

		var v3 string
		if err := yamlv3.Unmarshal([]byte("k: "+yamlQuote(s)), &struct{ K *string }{&v3}); err != nil || v3 != s {
			t.Fatalf("yaml.v3 reads %s as %q, %v; want %q", yamlQuote(s), v3, err, s)
		}
		var k8s struct{ K string }
		if err := yaml.UnmarshalStrict([]byte("k: "+yamlQuote(s)), &k8s); err != nil || k8s.K != s {
			t.Fatalf("sigs.k8s.io/yaml reads %s as %q, %v; want %q", yamlQuote(s), k8s.K, err, s)
		}

		var quoted string
		if err := yamlv3.Unmarshal([]byte("k: "+composeString(s)), &struct{ K *string }{&quoted}); err != nil {
			t.Fatal(err)
		}
		if got, err := template.Substitute(quoted, func(string) (string, bool) { return "SET", true }); err != nil || got != s {
			t.Fatalf("compose interpolates %s to %q, %v; want %q", composeString(s), got, err, s)
		}

		if esc, err := launchdString(s); err == nil {
			var got string
			if err := xml.Unmarshal([]byte("<string>"+esc+"</string>"), &got); err != nil || got != s {
				t.Fatalf("XML reads %q as %q, %v; want %q", esc, got, err, s)
			}
		}
	})
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"/bin/sh": "/bin/sh",
		"a b":     "'a b'",
		"it's":    `'it'\''s'`,
		"":        "''",
		"$HOME":   "'$HOME'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
