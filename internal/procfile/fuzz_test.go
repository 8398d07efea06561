package procfile

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

var grammarName = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"",
		"web: python app.py\nworker: celery -A x\n",
		"web: s",
		"\xef\xbb\xbfweb: s\r\nworker: w\r\n",
		"\xef\xbb\xbf\xef\xbb\xbfweb: s\n",
		"web: a\nweb: b\n",
		"x: a\r\n# c\r\n\r\nx: b\r\n",
		"a: x:y\n",
		"a::\n",
		"# comment\n\n   \n\t# indented comment\n",
		"worker : x\n  web: s\n\tclock: c\nno colon here\nmy.web: x\nweb:\nweb:   \n: x\n",
		"web: \u00a0\n\u00a0web: s\nwéb: s\n",
		"web: s\rworker: w\r",
		"web: \x00\xff\xfe\n\x80: x\n\xffweb: s\n",
		"\n\n\n\nweb: s\n\n\n",
		"-: s\n_: s\n0: s\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		p, warnings, err := Parse("Procfile", []byte(in))
		lines := strings.Split(strings.TrimPrefix(in, "\xef\xbb\xbf"), "\n")
		text := func(n int) string { return strings.TrimSuffix(lines[n-1], "\r") }

		prev := 0
		for _, w := range warnings {
			if w.Path != "Procfile" || w.Reason == "" || w.Line <= prev || w.Line > len(lines) {
				t.Fatalf("bad warning %+v after line %d of %d", w, prev, len(lines))
			}
			prev = w.Line
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Path != "Procfile" || e.Line < 1 || e.Line > len(lines) {
				t.Fatalf("error %#v is not an *Error within the file", err)
			}
			if p != nil {
				t.Fatalf("Procfile %+v returned with error %v", p, err)
			}
			if !regexp.MustCompile(fmt.Sprintf(`lines \d+ and %d\b`, e.Line)).MatchString(e.Msg) {
				t.Fatalf("duplicate error %q does not name both lines", e.Msg)
			}
			return
		}

		seen := map[string]bool{}
		prev = 0
		for _, e := range p.Entries {
			if !grammarName.MatchString(e.Name) {
				t.Fatalf("entry name %q is outside the grammar", e.Name)
			}
			if e.Command == "" || strings.TrimSpace(e.Command) != e.Command {
				t.Fatalf("entry %q has command %q, want non-empty and trimmed", e.Name, e.Command)
			}
			if e.Line <= prev || e.Line > len(lines) {
				t.Fatalf("entry %+v after line %d of %d", e, prev, len(lines))
			}
			prev = e.Line
			if seen[e.Name] {
				t.Fatalf("duplicate entry %q", e.Name)
			}
			seen[e.Name] = true
			// The command is everything after the first colon of its line.
			if name, cmd, _ := strings.Cut(text(e.Line), ":"); name != e.Name || strings.TrimSpace(cmd) != e.Command {
				t.Fatalf("entry %+v does not come from line %q", e, text(e.Line))
			}
			if got, ok := p.Lookup(e.Name); !ok || got != e {
				t.Fatalf("Lookup(%q) = %+v, %v", e.Name, got, ok)
			}
		}
		if len(p.Names()) != len(p.Entries) {
			t.Fatalf("Names() = %q for %d entries", p.Names(), len(p.Entries))
		}
		// Every line that is not blank or a comment is an entry or a warning.
		want := 0
		for n := range lines {
			if s := strings.TrimSpace(text(n + 1)); s != "" && !strings.HasPrefix(s, "#") {
				want++
			}
		}
		if got := len(p.Entries) + len(warnings); got != want {
			t.Fatalf("%d entries and %d warnings for %d lines to read", len(p.Entries), len(warnings), want)
		}
	})
}
