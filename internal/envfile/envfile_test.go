package envfile

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// env is a lookup over a fixed environment.
func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

var osEnv = env(map[string]string{"A": "from-os", "HOME": "/home/u", "Z": "os-z", "EMPTY": ""})

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Var
	}{
		{"plain", "A=1\nB=two words\n", []Var{{"A", "1"}, {"B", "two words"}}},
		{"no trailing newline", "A=1\nB=2", []Var{{"A", "1"}, {"B", "2"}}},
		{"empty file", "", nil},
		{"only comments", "# a\n\n  # b\n", nil},
		{"file order, not sorted", "Z=1\nA=2\nM=3\n", []Var{{"Z", "1"}, {"A", "2"}, {"M", "3"}}},
		{"reassignment keeps first place, last value", "B=1\nA=2\nB=3\n", []Var{{"B", "3"}, {"A", "2"}}},
		{"unicode and digit-first keys keep their place", "é=1\n1A=2\nb=3\n", []Var{{"é", "1"}, {"1A", "2"}, {"b", "3"}}},
		{"key characters", "a.b-c[0]_D=1\n", []Var{{"a.b-c[0]_D", "1"}}},

		{"single quotes", "A='x  y'\n", []Var{{"A", "x  y"}}},
		{"single quotes keep backslashes", `A='a\nb'`, []Var{{"A", `a\nb`}}},
		{"single quotes escape their quote", `A='it\'s'`, []Var{{"A", "it's"}}},
		{"double quotes", `A="x  y"`, []Var{{"A", "x  y"}}},
		{"double quotes expand \\n", `A="a\nb"`, []Var{{"A", "a\nb"}}},
		{"double quotes expand \\t and \\\\", `A="a\tb\\c"`, []Var{{"A", "a\tb\\c"}}},
		{"escaped double quote", `A="say \"hi\""`, []Var{{"A", `say "hi"`}}},
		{"unquoted keeps backslashes", `A=a\nb`, []Var{{"A", `a\nb`}}},
		{"unquoted keeps inner quotes", `A=a"b'c`, []Var{{"A", `a"b'c`}}},
		{"multi-line double quotes", "M=\"line1\nline2\"\nN=after\n", []Var{{"M", "line1\nline2"}, {"N", "after"}}},
		{"multi-line single quotes", "M='a\nb'\nN=1\n", []Var{{"M", "a\nb"}, {"N", "1"}}},
		{"two statements on a line", `A="x" B=2`, []Var{{"A", "x"}, {"B", "2"}}},

		{"export", "export X=1\nexport  Y='2'\n", []Var{{"X", "1"}, {"Y", "2"}}},
		{"export alone is ignored", "A=1\nexport \n", []Var{{"A", "1"}}},
		{"exportX is a key", "exportX=1\n", []Var{{"exportX", "1"}}},

		{"full-line comments", "# c\nA=1\n  # indented\nB=2\n", []Var{{"A", "1"}, {"B", "2"}}},
		{"inline comment", "A=1 # c\n", []Var{{"A", "1"}}},
		{"hash without space is value", "A=x#y\n", []Var{{"A", "x#y"}}},
		{"comment after quoted value", "A=\"v # not\" # c\n", []Var{{"A", "v # not"}}},

		{"empty values are kept", "F=\nG=\"\"\nH=''\n", []Var{{"F", ""}, {"G", ""}, {"H", ""}}},
		{"empty value at end of file", "F=", []Var{{"F", ""}}},
		{"spaces around =", "A = 1\nB\t=\t2 \n", []Var{{"A", "1"}, {"B", "2"}}},
		{"yaml-style colon", "A: 1\n", []Var{{"A", "1"}}},
		{"trailing spaces trimmed", "A=1   \n", []Var{{"A", "1"}}},
		{"leading spaces before key", "   A=1\n", []Var{{"A", "1"}}},

		{"CRLF", "A=1\r\nB=\"q\"\r\nC\r\n", []Var{{"A", "1"}, {"B", "q"}}},
		{"BOM", "\xef\xbb\xbfA=1\n", []Var{{"A", "1"}}},

		{"${A} from an earlier key", "A=1\nB=${A}\n", []Var{{"A", "1"}, {"B", "1"}}},
		{"$A from an earlier key", "A=1\nB=$A-x\n", []Var{{"A", "1"}, {"B", "1-x"}}},
		{"earlier key beats the environment", "A=mine\nB=${A}\n", []Var{{"A", "mine"}, {"B", "mine"}}},
		{"later key does not count", "B=${Z}\nZ=1\n", []Var{{"B", "os-z"}, {"Z", "1"}}},
		{"from the environment", "H=${HOME}/x\n", []Var{{"H", "/home/u/x"}}},
		{"unset is empty", "U=[${NOPE}]\n", []Var{{"U", "[]"}}},
		{"default when unset", "U=${NOPE:-dflt}\n", []Var{{"U", "dflt"}}},
		{"default when empty", "U=${EMPTY:-dflt}\nV=${EMPTY-dflt}\n", []Var{{"U", "dflt"}, {"V", ""}}},
		{"self reference", "A=1\nA=${A}2\n", []Var{{"A", "12"}}},
		{"double quotes interpolate", `D="${HOME} x"`, []Var{{"D", "/home/u x"}}},
		{"single quotes do not interpolate", `S='${HOME} $A'`, []Var{{"S", "${HOME} $A"}}},
		{"$$ is a literal $", "D=$$HOME\n", []Var{{"D", "$HOME"}}},
		{"\\$ in double quotes is a literal $", `D="\$HOME"`, []Var{{"D", "$HOME"}}},

		{"bare key comes from the environment, in place", "B=1\nHOME\nC=2\n", []Var{{"B", "1"}, {"HOME", "/home/u"}, {"C", "2"}}},
		{"bare key on the last line", "B=1\nHOME", []Var{{"B", "1"}, {"HOME", "/home/u"}}},
		{"bare key not in the environment", "NOPE\nB=1\n", []Var{{"B", "1"}}},
		{"bare key after its assignment keeps it", "A=mine\nA\n", []Var{{"A", "mine"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(".env", []byte(tt.in), osEnv)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		line int
		msg  string // a fragment of Error.Msg
	}{
		{"key with a space", "A=1\nA B=1\n", 2, "space"},
		{"bare key with a space", "A=1\n\nFOO BAR\n", 3, "space"},
		{"no key", "A=1\n=x\n", 2, "no name"},
		{"export with no key", "export =x\n", 1, "no name"},
		{"yaml-style with no key", "A=1\n: x\n", 2, "no name"},
		{"bad key character", "A=1\n# c\nmy-var!=1\n", 3, `unexpected character "!"`},
		{"unterminated double quote, line 2 of 4", "A=1\nB=\"oops\nC=3\nD=4\n", 2, "unterminated quoted value"},
		{"unterminated single quote", "A=1\nB='oops\nC=3\nD=4", 2, "unterminated quoted value"},
		{"unterminated after a comment holding a quote", "# X=\"\nA=\"x\nB=1\n", 2, "unterminated"},
		{"unterminated with an escaped single quote", "A='x\\'\nB=1\nC=2\n", 1, "unterminated"},
		{"unterminated with an escaped double quote", "A=\"x\\\"\nB=1\n", 1, "unterminated"},
		{"unterminated after a multi-line value", "A=\"x\ny\"\nB=\"oops\nC=1\n", 3, "unterminated"},
		{"unterminated after a closed one on its line", "A=\"x\" B=\"y\nC=1\n", 1, "unterminated"},
		{"unterminated on the last line", "A=1\nB=\"", 2, "unterminated"},
		{"unterminated with CRLF", "A=1\r\nB=\"x\r\nC=2\r\n", 2, "unterminated"},
		{"BOM inside the file is a bad key character", "A=1\n \ufeffB=2\n", 2, `unexpected character "\ufeff"`},
		{"unterminated after BOM", "\xef\xbb\xbfA=1\nB='x\n", 2, "unterminated"},
		{"error after a bare key with a trailing space", "FOO \n!x=1\n", 2, "unexpected character"},
		{"error after a multi-line value", "M=\"a\nb\"\nX Y=1\n", 3, "space"},
		{"invalid template", "A=1\nB=${\n", 2, "Invalid template"},
		{"invalid template in a multi-line value", "A=1\nB=\"x\n${\"\n", 2, "Invalid template"},
		{"required variable", "A=1\nB=${NOPE:?set NOPE}\n", 2, "required variable NOPE is missing a value: set NOPE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars, err := Parse("conf/.env", []byte(tt.in), osEnv)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) = %q, %v; want *Error", tt.in, vars, err)
			}
			if vars != nil {
				t.Errorf("vars = %q, want nil with an error", vars)
			}
			if e.Path != "conf/.env" || e.Line != tt.line {
				t.Errorf("error at %s:%d, want conf/.env:%d (%v)", e.Path, e.Line, tt.line, err)
			}
			if !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("message %q does not mention %q", e.Msg, tt.msg)
			}
			if prefix := fmt.Sprintf("conf/.env:%d: ", tt.line); !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("Error() = %q, want it to start with %q", err.Error(), prefix)
			}
		})
	}
}

func TestParseNilLookup(t *testing.T) {
	got, err := Parse(".env", []byte("A=${HOME}\nB=${A}x\nHOME\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []Var{{"A", ""}, {"B", "x"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// The lookup is only asked about names the file has not assigned yet.
func TestParseLookupCalls(t *testing.T) {
	var asked []string
	lookup := func(k string) (string, bool) {
		asked = append(asked, k)
		return "os", true
	}
	if _, err := Parse(".env", []byte("A=1\nB=${A}${C}\nC=2\nD=$C\n"), lookup); err != nil {
		t.Fatal(err)
	}
	if want := []string{"C"}; !reflect.DeepEqual(asked, want) {
		t.Errorf("lookup asked %q, want %q", asked, want)
	}
}

// A panic during parsing (in the library or in lookup, which the library
// calls) is an *Error naming the file, not a crash.
func TestParseRecoversPanic(t *testing.T) {
	lookup := func(string) (string, bool) { panic("boom") }
	_, err := Parse("x.env", []byte("A=1\nB=${NOPE}\n"), lookup)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want *Error", err)
	}
	if e.Path != "x.env" || e.Line != 2 || !strings.Contains(e.Msg, "boom") {
		t.Errorf("err = %v, want x.env:2 mentioning the panic", err)
	}
}

func TestErrorWithoutLine(t *testing.T) {
	e := &Error{Path: ".env", Msg: "bad"}
	if got := e.Error(); got != ".env: bad" {
		t.Errorf("Error() = %q", got)
	}
}
