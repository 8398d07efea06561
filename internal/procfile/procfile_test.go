package procfile

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Entry
	}{
		{"one line", "web: python app.py\n", []Entry{{"web", "python app.py", 1}}},
		{"file order", "worker: w\nweb: s\nclock: c\n", []Entry{{"worker", "w", 1}, {"web", "s", 2}, {"clock", "c", 3}}},
		{"no trailing newline", "web: s", []Entry{{"web", "s", 1}}},
		{"empty file", "", nil},
		{"no space after colon", "web:s\n", []Entry{{"web", "s", 1}}},
		{"command trimmed", "web: \t s  \t\n", []Entry{{"web", "s", 1}}},
		{"command after the first colon", "a: x:y\n", []Entry{{"a", "x:y", 1}}},
		{"colon right after", "a::b\n", []Entry{{"a", ":b", 1}}},
		{"name characters", "Web_2-b: s\n", []Entry{{"Web_2-b", "s", 1}}},
		{"digits-only name", "1: s\n", []Entry{{"1", "s", 1}}},
		{"shell syntax kept", "web: FOO=1 exec app >> log 2>&1 # tail\n", []Entry{{"web", "FOO=1 exec app >> log 2>&1 # tail", 1}}},
		{"comments and blank lines skipped", "# top\n\nweb: s\n   \n\t# indented comment\nworker: w\n", []Entry{{"web", "s", 3}, {"worker", "w", 6}}},
		{"BOM", "\xef\xbb\xbfweb: s\nworker: w\n", []Entry{{"web", "s", 1}, {"worker", "w", 2}}},
		{"CRLF", "web: s\r\n\r\nworker: w\r\n", []Entry{{"web", "s", 1}, {"worker", "w", 3}}},
		{"BOM and CRLF", "\xef\xbb\xbfweb: s\r\n", []Entry{{"web", "s", 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, warnings, err := Parse("Procfile", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if len(warnings) != 0 {
				t.Errorf("warnings: %v", warnings)
			}
			if p.Path != "Procfile" {
				t.Errorf("Path = %q", p.Path)
			}
			if !reflect.DeepEqual(p.Entries, tt.want) {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tt.in, p.Entries, tt.want)
			}
		})
	}
}

func TestParseWarnings(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		line   int
		reason string // a fragment of the reason
	}{
		{"space before the colon", "web: s\nworker : x\n", 2, `space before the colon; write "worker:"`},
		{"tab before the colon", "worker\t: x\n", 1, "space before the colon"},
		{"indented with spaces", "web: s\n\n  worker: x\n", 3, "indented"},
		{"indented with a tab", "\tworker: x\n", 1, "indented"},
		{"indented with a no-break space", "\u00a0worker: x\n", 1, "indented"},
		{"no colon", "web: s\nrun the worker\n", 2, "no colon"},
		{"dot in name", "my.web: x\n", 1, `process name "my.web" may only hold letters, digits, '_' and '-'`},
		{"space in name", "my web: x\n", 1, `process name "my web" may only hold`},
		{"unicode name", "wéb: x\n", 1, "may only hold"},
		{"no name", ": x\n", 1, "no process name"},
		{"empty command", "web:\n", 1, "no command"},
		{"blank command", "web:   \t\r\n", 1, "no command"},
		{"no-break space command", "web: \u00a0\n", 1, "no command"},
		{"BOM counts no line", "\xef\xbb\xbf\nweb :x\n", 2, "space before the colon"},
		{"BOM inside the file", "web: s\n\xef\xbb\xbfworker: x\n", 2, "may only hold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, warnings, err := Parse("app/Procfile", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if len(warnings) != 1 {
				t.Fatalf("got %d warnings %v, want 1", len(warnings), warnings)
			}
			w := warnings[0]
			if w.Path != "app/Procfile" || w.Line != tt.line {
				t.Errorf("warning at %s:%d, want app/Procfile:%d", w.Path, w.Line, tt.line)
			}
			if !strings.Contains(w.Reason, tt.reason) {
				t.Errorf("reason %q does not mention %q", w.Reason, tt.reason)
			}
			if s := w.String(); !strings.HasPrefix(s, "app/Procfile:"+strconv.Itoa(tt.line)+": line ignored: ") {
				t.Errorf("String() = %q", s)
			}
		})
	}
}

// Skipped lines do not stop the lines after them.
func TestParseWarningsKeepGoing(t *testing.T) {
	in := "web : a\nweb: b\n  x: y\nworker: c\nmy.clock: d\n"
	p, warnings, err := Parse("Procfile", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"web", "worker"}; !reflect.DeepEqual(p.Names(), want) {
		t.Errorf("Names() = %q, want %q", p.Names(), want)
	}
	var lines []int
	for _, w := range warnings {
		lines = append(lines, w.Line)
	}
	if want := []int{1, 3, 5}; !reflect.DeepEqual(lines, want) {
		t.Errorf("warning lines %v, want %v", lines, want)
	}
}

func TestParseDuplicate(t *testing.T) {
	tests := []struct {
		name        string
		in          string
		first, line int
	}{
		{"adjacent", "web: a\nweb: b\n", 1, 2},
		{"apart", "web: a\n# c\nworker: w\n\nweb: b\n", 1, 5},
		{"CRLF", "\xef\xbb\xbfx: a\r\ny: b\r\nx: c\r\n", 1, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, err := Parse("Procfile", []byte(tt.in))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if p != nil {
				t.Errorf("Procfile %+v returned with an error", p)
			}
			if e.Path != "Procfile" || e.Line != tt.line {
				t.Errorf("error at %s:%d, want Procfile:%d", e.Path, e.Line, tt.line)
			}
			msg := err.Error()
			if want := "Procfile:" + strconv.Itoa(tt.line) + ": "; !strings.HasPrefix(msg, want) {
				t.Errorf("Error() = %q, want prefix %q", msg, want)
			}
			if want := "lines " + strconv.Itoa(tt.first) + " and " + strconv.Itoa(tt.line); !strings.Contains(msg, want) {
				t.Errorf("Error() = %q, want it to name %q", msg, want)
			}
		})
	}
}

// Every duplicate is reported, not only the first, so that `hancho check`
// shows all there is to fix.
func TestParseReportsEveryDuplicate(t *testing.T) {
	_, _, err := Parse("Procfile", []byte("web: a\nclock: c\nweb: b\nclock: d\nweb: e\n"))
	var multi interface{ Unwrap() []error }
	if !errors.As(err, &multi) {
		t.Fatalf("err = %v, want one error per duplicate", err)
	}
	var lines []int
	for _, e := range multi.Unwrap() {
		var pe *Error
		if !errors.As(e, &pe) {
			t.Fatalf("%v is not an *Error", e)
		}
		lines = append(lines, pe.Line)
	}
	if want := []int{3, 4, 5}; !reflect.DeepEqual(lines, want) {
		t.Errorf("duplicates reported at lines %v, want %v", lines, want)
	}
}

// Warnings found before a duplicate are still returned with the error.
func TestParseDuplicateKeepsWarnings(t *testing.T) {
	_, warnings, err := Parse("Procfile", []byte("a: x\nb : y\na: z\n"))
	if err == nil || len(warnings) != 1 || warnings[0].Line != 2 {
		t.Errorf("got %v, %v; want the duplicate error and the line 2 warning", warnings, err)
	}
}

func TestNamesAndLookup(t *testing.T) {
	p, _, err := Parse("Procfile", []byte("web: s\nworker: w\nclock: c\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"web", "worker", "clock"}; !reflect.DeepEqual(p.Names(), want) {
		t.Errorf("Names() = %q, want %q", p.Names(), want)
	}
	if e, ok := p.Lookup("worker"); !ok || e != (Entry{"worker", "w", 2}) {
		t.Errorf("Lookup(worker) = %+v, %v", e, ok)
	}
	if e, ok := p.Lookup("Worker"); ok || e != (Entry{}) {
		t.Errorf("Lookup(Worker) = %+v, %v; want not found (names are case-sensitive)", e, ok)
	}
	empty := &Procfile{}
	if names := empty.Names(); len(names) != 0 {
		t.Errorf("empty Names() = %q", names)
	}
	if _, ok := empty.Lookup("web"); ok {
		t.Error("empty Lookup found something")
	}
}
