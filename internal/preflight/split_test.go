package preflight

import (
	"reflect"
	"strings"
	"testing"
)

// words renders a Command compactly: literal words as they are, expanded
// ones as ~raw~, redirections as op+target.
func render(c Command) []string {
	var out []string
	for _, w := range c.Words {
		out = append(out, renderWord(w))
	}
	for _, r := range c.Redirects {
		out = append(out, r.Op+renderWord(r.Target))
	}
	return out
}

func renderWord(w Word) string {
	if w.Literal {
		return w.Text
	}
	return "~" + w.Raw + "~"
}

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		line string
		want []string // nil with ok false
		ok   bool
	}{
		{"", nil, true},
		{"   \t ", nil, true},
		{"redis-server config/redis_cache.conf", []string{"redis-server", "config/redis_cache.conf"}, true},
		{"bench serve --port 8000", []string{"bench", "serve", "--port", "8000"}, true},
		{"a  b\tc", []string{"a", "b", "c"}, true},
		{`'a b' "c d" e\ f`, []string{"a b", "c d", "e f"}, true},
		{`x'y'"z"`, []string{"xyz"}, true},
		{`'' ""`, []string{"", ""}, true},
		{`"a\"b\\c\$d\e"`, []string{`a"b\c$d\e`}, true},
		{`'a\b'`, []string{`a\b`}, true},
		{`a\`, []string{`a\`}, true},
		{"a\\\nb c", []string{"ab", "c"}, true},
		{"a \\\n b", []string{"a", "b"}, true},

		// The first simple command ends at an operator.
		{"a b; c d", []string{"a", "b"}, true},
		{"a && b", []string{"a"}, true},
		{"a || b", []string{"a"}, true},
		{"a | b", []string{"a"}, true},
		{"a & b", []string{"a"}, true},
		{"a&&b", []string{"a"}, true},
		{"a\nb", []string{"a"}, true},
		{"a) b", []string{"a"}, true},
		{"a 'x;y' \"p|q\" b\\;c", []string{"a", "x;y", "p|q", "b;c"}, true},
		{"a # comment; b", []string{"a"}, true},
		{"a#b c", []string{"a#b", "c"}, true},
		{"# all comment", nil, true},

		// Redirections.
		{"bench worker 1>> logs/worker.log 2>> logs/worker.error.log", []string{"bench", "worker", "1>>logs/worker.log", "2>>logs/worker.error.log"}, true},
		{"a >x <y 2>&1", []string{"a", ">x", "<y", "2>&1"}, true},
		{"a>x", []string{"a", ">x"}, true},
		{"a2>x", []string{"a2", ">x"}, true},
		{"12>x a", []string{"a", "12>x"}, true},
		{"a >| x <> y <<EOF <<- E <<< word", []string{"a", ">|x", "<>y", "<<EOF", "<<-E", "<<<word"}, true},
		{"a > 'my file'", []string{"a", ">my file"}, true},
		{"a >$LOG", []string{"a", ">~$LOG~"}, true},
		{"a >", nil, false},
		{"a > ;", nil, false},
		{"a &> x", []string{"a"}, true}, // dash: a in the background

		// Expansions stay inside their word and make it non-literal.
		{"echo $PORT ${PORT:-5000} x$HOME", []string{"echo", "~$PORT~", "~${PORT:-5000}~", "~x$HOME~"}, true},
		{`"$A" "a${B}c"`, []string{"~\"$A\"~", "~\"a${B}c\"~"}, true},
		{"echo pgid=$(ps -o pgid= $$ | tr -d ' ') pid=$$; sleep 30", []string{"echo", "~pgid=$(ps -o pgid= $$ | tr -d ' ')~", "~pid=$$~"}, true},
		{"a $(b $(c) ')' \")\") d", []string{"a", "~$(b $(c) ')' \")\")~", "d"}, true},
		{"a `b c` d", []string{"a", "~`b c`~", "d"}, true},
		{"a $((1+2)) b", []string{"a", "~$((1+2))~", "b"}, true},
		{"a ${x:-'}'} b", []string{"a", "~${x:-'}'}~", "b"}, true},
		{"a $ b$", []string{"a", "$", "b$"}, true},
		{"a $1 $@ $? $-", []string{"a", "~$1~", "~$@~", "~$?~", "~$-~"}, true},
		{"ls *.py a? [ab] ~/x a{b,c} x~", []string{"ls", "~*.py~", "~a?~", "~[ab]~", "~~/x~", "~a{b,c}~", "x~"}, true},
		{`ls '*.py' "a?" \*`, []string{"ls", "*.py", "a?", "*"}, true},

		// Assignments are words; Argv takes them apart.
		{"A=1 B='x y' cmd", []string{"A=1", "B=x y", "cmd"}, true},

		// What Split cannot read.
		{"'unterminated", nil, false},
		{`"unterminated`, nil, false},
		{"a $(b", nil, false},
		{"a ${b", nil, false},
		{"a `b", nil, false},
		{"(cd x && y)", nil, false},
		{"f() { a; }", nil, false},
		{"a 'b' \"c", nil, false},
	} {
		got, ok := Split(tc.line)
		if ok != tc.ok || (ok && !reflect.DeepEqual(render(got), tc.want)) {
			t.Errorf("Split(%q) = %q, %v; want %q, %v", tc.line, render(got), ok, tc.want, tc.ok)
		}
	}
}

func TestArgv(t *testing.T) {
	for _, tc := range []struct {
		line string
		want []string // nil with ok false
		ok   bool
	}{
		{"bench serve", []string{"bench", "serve"}, true},
		{"OBJC_DISABLE_INITIALIZE_FORK_SAFETY=YES NO_PROXY=* bench worker", []string{"bench", "worker"}, true},
		{"A=1", []string{}, true},
		{"exec bench serve", []string{"bench", "serve"}, true},
		{"exec -a name prog x", []string{"prog", "x"}, true},
		{"exec >> log 2>&1", []string{}, true},
		{"env A=1 B=2 node x.js", []string{"node", "x.js"}, true},
		{"/usr/bin/env -i PATH=/bin node", []string{"node"}, true},
		{"env -u HOME -- node", []string{"node"}, true},
		{"env -C dir node", nil, false},
		{"env", nil, false},
		{"nohup nice -n 5 setsid -f stdbuf -oL -e 0 timeout -s KILL 10s python3 app.py", []string{"python3", "app.py"}, true},
		{"nice -10 x", []string{"x"}, true},
		{"timeout --foreground 5 x", []string{"x"}, true},
		{"timeout --kill-after 5 10 x", nil, false},
		{"timeout", nil, false},
		{"command -p ls", []string{"ls"}, true},
		{"command -v ls", nil, false},
		{"time -p x", []string{"x"}, true},
		{"'exec' x", []string{"exec", "x"}, true},
		{"env $OPTS x", nil, false},
		{"$CMD x", []string{"$CMD", "x"}, true},
	} {
		cmd, ok := Split(tc.line)
		if !ok {
			t.Fatalf("Split(%q) failed", tc.line)
		}
		argv, ok := cmd.Argv()
		var got []string
		if ok {
			got = []string{}
			for _, w := range argv {
				got = append(got, w.Text)
			}
		}
		if ok != tc.ok || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Argv(%q) = %q, %v; want %q, %v", tc.line, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzSplit checks that Split never panics, that a word's raw text is a
// piece of the line, and that a command of literal words, written back
// with single quotes, splits into the same words.
func FuzzSplit(f *testing.F) {
	for _, seed := range []string{
		"",
		"redis-server config/redis_cache.conf",
		"bench worker 1>> logs/worker.log 2>> logs/worker.error.log",
		"OBJC_DISABLE_INITIALIZE_FORK_SAFETY=YES NO_PROXY=* bench worker --queue custom",
		`a 'b c' "d \" $e" f\ g`,
		"echo pgid=$(ps -o pgid= $$ | tr -d ' ') pid=$$; sleep 30",
		"a ${x:-'}'} `b` $((1)) $",
		"a <<<x <<-y >|z 2>&1 <> w",
		"(sub) f() { x; }",
		"a\\\nb \\",
		"'", "\"", "$(", "${", "`", "\"$(\"", "$(')'", "12>", "\xff\xfe>\x00",
		"if true; then x; fi",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		cmd, ok := Split(line)
		if !ok {
			return
		}
		for _, w := range cmd.Words {
			if w.Raw == "" || !strings.Contains(line, w.Raw) {
				t.Fatalf("Split(%q): word %q is not a piece of the line", line, w.Raw)
			}
		}
		var b strings.Builder
		for _, w := range cmd.Words {
			if !w.Literal {
				return
			}
			b.WriteString(quote(w.Text) + " ")
		}
		for _, r := range cmd.Redirects {
			if !r.Target.Literal {
				return
			}
			b.WriteString(r.Op + quote(r.Target.Text) + " ")
		}
		again, ok := Split(b.String())
		if !ok || !reflect.DeepEqual(render(again), render(cmd)) {
			t.Fatalf("Split(%q) = %q, but its requoted form %q splits to %q, %v", line, render(cmd), b.String(), render(again), ok)
		}
	})
}

// quote writes s as one sh word.
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
