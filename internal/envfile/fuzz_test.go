package envfile

import (
	"errors"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/dotenv"
)

func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"",
		"A=1\nB=two words\n",
		"A=1",
		"\xef\xbb\xbfA=1\r\nB=\"q\"\r\n",
		"export X=1\nexport\nexport \nexportY=2\n",
		"# c\nA=1 # c\nB=x#y\nC=\"v\" # c\n",
		"F=\nG=\"\"\nH=''\n",
		"A = 1\nB: 2\n",
		"A='x\\'y'\nB=\"a\\nb\\\"c\\$d\"\n",
		"M=\"line1\nline2\"\nN=after\n",
		"A=\"x\" B='y' C=3\n",
		"A=1\nB=${A}\nC=$A\nD=${HOME:-x}\nE='${A}'\nF=$$A\n",
		"A=${B:?need B}\n",
		"A=${\n",
		"A=1\nHOME\nB=2\nHOME",
		"A B=1\n",
		"=x\n",
		":x\n",
		"my-var!=1\n",
		"A=1\nB=\"oops\nC=3\nD=4\n",
		"# X=\"\nA=\"x\nB=1\n",
		"A='x\\'\nB=1\n",
		"é=1\n1A=2\n\u00a0B=3\n\x85C=4\n",
		"A=\x00\xff\xfe\n\x80=1\n",
		"A=\"\\\n\"\n",
		"A=\"x\"junk\n",
		"\n\n\r\n\t\v\f",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		lookup := env(map[string]string{"HOME": "/home/u", "A": "os-a"})
		vars, err := Parse("f.env", []byte(in), lookup)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Path != "f.env" {
				t.Fatalf("error %#v is not an *Error with Path set", err)
			}
			if vars != nil {
				t.Fatalf("vars %q returned with error %v", vars, err)
			}
			if lines := strings.Count(in, "\n") + 1; e.Line < 1 || e.Line > lines {
				t.Fatalf("error line %d outside 1..%d: %v", e.Line, lines, err)
			}
		} else {
			seen := map[string]bool{}
			for _, v := range vars {
				if v.Key == "" || seen[v.Key] {
					t.Fatalf("empty or repeated key %q in %q", v.Key, vars)
				}
				seen[v.Key] = true
			}
		}
		checkAgainstLibrary(t, in)
	})
}

// checkAgainstLibrary parses in as a whole with the library and with Parse,
// both without an environment, where parsing one statement at a time must
// change nothing: same values, same failures, same lines for errors that the
// library places right.
func checkAgainstLibrary(t *testing.T, in string) {
	src := strings.TrimPrefix(in, "\xef\xbb\xbf")
	if !strings.HasSuffix(src, "\n") {
		src += "\n"
	}
	want, libErr := wholeFile(src)
	got, err := Parse("f.env", []byte(in), nil)
	_, noName := want[""]
	switch {
	case err != nil && strings.Contains(err.Error(), "no name"):
		// Parse stops at a value with no name; the library keeps it under ""
		// and reads on, and may fail further down.
		if libErr == nil && !noName {
			t.Fatalf("Parse error %v, library found %q", err, want)
		}
		return
	case libErr == nil && noName, (err == nil) != (libErr == nil):
		t.Fatalf("Parse %q, %v; library %q, %v", got, err, want, libErr)
	case err != nil:
		m := regexp.MustCompile(`^line (\d+): `).FindStringSubmatch(libErr.Error())
		if m != nil && !strings.Contains(libErr.Error(), "unterminated") && !libraryMiscounts(src) {
			if n, _ := strconv.Atoi(m[1]); err.(*Error).Line != n {
				t.Fatalf("Parse error %v, library error %v", err, libErr)
			}
		}
		return
	}
	gotMap := map[string]string{}
	for _, v := range got {
		gotMap[v.Key] = v.Value
	}
	if !reflect.DeepEqual(gotMap, want) {
		t.Fatalf("Parse %q, library %q", gotMap, want)
	}
}

// libraryMiscounts reports whether src has a line that may be a bare key
// followed by a space, after which the library does not count the newline.
func libraryMiscounts(src string) bool {
	for _, line := range strings.Split(src, "\n") {
		if !strings.ContainsAny(line, "=:") && strings.Contains(line, " ") {
			return true
		}
	}
	return false
}

func wholeFile(src string) (values map[string]string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("panic")
		}
	}()
	return dotenv.ParseWithLookup(strings.NewReader(src), nil)
}
