package e2e

import (
	"strings"
	"testing"
)

// The environment of each process: OS environment, then the env files,
// then PORT, PS and HONCHO_PROCESS_NAME; PORT by position in the whole
// Procfile; the dotenv syntax.

// compatPorts has three types that print their name and port. They read
// it with printenv: a command line with $PORT gets its port checked before
// start, and these tests must not depend on which ports the machine has free.
const compatPorts = "" +
	"a: echo $HONCHO_PROCESS_NAME PS=$PS PORT=$(printenv PORT); sleep 30\n" +
	"b: echo $HONCHO_PROCESS_NAME PS=$PS PORT=$(printenv PORT); sleep 30\n" +
	"c: echo $HONCHO_PROCESS_NAME PS=$PS PORT=$(printenv PORT); sleep 30\n"

func TestCompatPortByPositionInTheWholeProcfile(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{"Procfile": compatPorts})
	t.Run("default base 5000, 100 per type, 1 per instance", func(t *testing.T) {
		compatUntil(t, dir, []string{"PORT="}, []string{"start", "--no-prefix", "-c", "b=3"},
			`^a\.1 PS=a\.1 PORT=5000$`,
			`^b\.1 PS=b\.1 PORT=5100$`,
			`^b\.2 PS=b\.2 PORT=5101$`,
			`^b\.3 PS=b\.3 PORT=5102$`,
			`^c\.1 PS=c\.1 PORT=5200$`)
	})
	t.Run("a subset keeps its ports", func(t *testing.T) {
		r := compatUntil(t, dir, []string{"PORT="}, []string{"start", "--no-prefix", "c"},
			`^c\.1 PS=c\.1 PORT=5200$`)
		if strings.Contains(r.Stdout(), "a.1") || strings.Contains(r.Stdout(), "b.1") {
			t.Errorf("start c ran other types:\n%s", r.Stdout())
		}
	})
	t.Run("a dropped type keeps its place", func(t *testing.T) {
		r := compatUntil(t, dir, []string{"PORT="}, []string{"start", "--no-prefix", "-c", "a=0,b=2"},
			`^b\.1 PS=b\.1 PORT=5100$`,
			`^b\.2 PS=b\.2 PORT=5101$`,
			`^c\.1 PS=c\.1 PORT=5200$`)
		if strings.Contains(r.Stdout(), "a.1") {
			t.Errorf("-c a=0 did not drop a:\n%s", r.Stdout())
		}
	})
}

func TestCompatPortBase(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		env  string // .env content
		os   string // PORT in the OS environment
		argv []string
		want string // a.1's and b.1's PORT
	}{
		{"-p", "", "", []string{"-p", "6000"}, "6000 6100"},
		{"--port=", "", "", []string{"--port=6000"}, "6000 6100"},
		{".env PORT", "PORT=7000\n", "", nil, "7000 7100"},
		{"OS PORT", "", "8000", nil, "8000 8100"},
		{"-p beats .env and OS", "PORT=7000\n", "8000", []string{"-p", "6000"}, "6000 6100"},
		{".env beats OS", "PORT=7000\n", "8000", nil, "7000 7100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := appDir(t, map[string]string{"Procfile": compatPorts, ".env": tc.env})
			ports := strings.Fields(tc.want)
			compatUntil(t, dir, []string{"PORT=" + tc.os}, append([]string{"start", "--no-prefix", "a", "b"}, tc.argv...),
				`^a\.1 PS=a\.1 PORT=`+ports[0]+`$`,
				`^b\.1 PS=b\.1 PORT=`+ports[1]+`$`)
		})
	}
}

func TestCompatEnvironmentLayers(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		"Procfile": "show: echo OSONLY=$OSONLY BOTH=$BOTH PS=$PS HPN=$HONCHO_PROCESS_NAME; sleep 30\n",
		".env":     "BOTH=dotenv\nPS=from-dotenv\nHONCHO_PROCESS_NAME=from-dotenv\n",
	})
	compatUntil(t, dir, []string{"OSONLY=os", "BOTH=os", "PS=from-os"}, []string{"start", "--no-prefix"},
		`^OSONLY=os BOTH=dotenv PS=show\.1 HPN=show\.1$`)
}

func TestCompatConcurrency(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		"Procfile": "web: echo web $PS; sleep 30\nworker: echo worker $PS; sleep 30\n",
	})
	t.Run("name=N, unlisted types run once", func(t *testing.T) {
		r := compatUntil(t, dir, nil, []string{"start", "--no-prefix", "-c", "worker=3"},
			`^web web\.1$`, `^worker worker\.1$`, `^worker worker\.2$`, `^worker worker\.3$`)
		if strings.Contains(r.Stdout(), "web.2") || strings.Contains(r.Stdout(), "worker.4") {
			t.Errorf("too many instances:\n%s", r.Stdout())
		}
	})
	t.Run("web=0 drops web", func(t *testing.T) {
		r := compatUntil(t, dir, nil, []string{"start", "--no-prefix", "--concurrency", "web=0"}, `^worker worker\.1$`)
		if strings.Contains(r.Stdout(), "web") {
			t.Errorf("-c web=0 ran web:\n%s", r.Stdout())
		}
	})
	t.Run("everything dropped is an error", func(t *testing.T) {
		compatFail(t, dir, nil, 0, []string{"start", "-c", "web=0,worker=0"}, `concurrency 0|nothing to start`)
	})
}

func TestCompatDotenvSyntax(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		"Procfile": `show: printf '%s|' "$PLAIN" "$DQ" "$SQ" "$EXP" "$EMPTY" "$COMMENTED" "$SPACES" "$ESC" "$REF" "$LAST"; echo; sleep 30` + "\n",
		".env": "" +
			"# a comment line\n" +
			"\n" +
			"PLAIN=plain\n" +
			"DQ=\"double \\\"quoted\\\" a\\tb\"\n" +
			"SQ='single $PLAIN \\n'\n" +
			"export EXP=exported\n" +
			"EMPTY=\n" +
			"COMMENTED=value # a comment\n" +
			"SPACES=hello world\n" +
			"ESC=\"line1\\nline2\"\n" +
			"REF=${PLAIN}-ref\n" +
			"LAST=no-newline",
	})
	compatUntil(t, dir, []string{"EMPTY=from-os"}, []string{"start", "--no-prefix"},
		`^plain\|double "quoted" a\tb\|single \$PLAIN \\n\|exported\|\|value\|hello world\|line1$`,
		`^line2\|plain-ref\|no-newline\|$`)
}

func TestCompatMalformedDotenvIsAnErrorWithFileAndLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, env, want string
	}{
		{"unclosed quote", "A=1\nB=\"unclosed\nC=3\n", `\.env:2: `},
		{"bad key", "A=1\n\nBAD KEY=1\n", `\.env:3: `},
		{"bad character", "A=1\n!x=1\n", `\.env:2: `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := appDir(t, map[string]string{"Procfile": "web: echo ran > ran.txt\n", ".env": tc.env})
			compatFail(t, dir, nil, 0, []string{"start"}, tc.want)
			compatFail(t, dir, nil, 1, []string{"check"}, tc.want)
			compatFail(t, dir, nil, 0, []string{"run", "true"}, tc.want)
		})
	}
	t.Run("a named file", func(t *testing.T) {
		dir := appDir(t, map[string]string{"Procfile": "web: true\n", "good.env": "A=1\n", "bad.env": "A=1\n\n'x\n"})
		compatFail(t, dir, nil, 0, []string{"start", "-e", "good.env,bad.env"}, `bad\.env:3: `)
	})
}
