package e2e

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The Procfile (honcho's grammar, CRLF, BOM, duplicates, warnings, missing
// and empty files) and `hancho check`.

func TestCompatCheckValid(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{"Procfile": "web: sleep 30\nworker: echo --queue x:y\n"})
	res := compatFinish(t, dir, nil, "check")
	if res.code != 0 || res.stdout != "valid procfile detected (web, worker)\n" || res.stderr != "" {
		t.Errorf("check: exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
	}
	res = compatFinish(t, t.TempDir(), nil, "check", "-f", filepath.Join(dir, "Procfile"))
	if res.code != 0 || res.stdout != "valid procfile detected (web, worker)\n" {
		t.Errorf("check -f: exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
	}
}

func TestCompatCheckReportsEveryProblem(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		"Procfile": "web: a\nworker: b\nweb: c\nclock: d\nclock: e\n",
		".env":     "A=1\nB=\"unclosed\n",
	})
	res := compatFail(t, dir, nil, 1, []string{"check"},
		`\.env:2: `,
		`Procfile:3: .*"web".*\b1\b.*\b3\b`,
		`Procfile:5: .*"clock".*\b4\b.*\b5\b`)
	if res.stdout != "" {
		t.Errorf("check printed %q on stdout despite the problems", res.stdout)
	}
}

func TestCompatProcfileGrammar(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		"Procfile": "" +
			"# a comment\n" +
			"\n" +
			"first: echo first\n" +
			"colons: echo x:y\n" +
			"  indented: echo no\n" +
			"worker : echo no\n" +
			"my.web: echo no\n" +
			"last-one_2:echo last\n",
	})
	res := compatFinish(t, dir, noColour, "check")
	if res.code != 0 || res.stdout != "valid procfile detected (first, colons, last-one_2)\n" {
		t.Errorf("check: exit %d, stdout %q", res.code, res.stdout)
	}
	for _, want := range []string{
		`(?m)^hancho: warning: Procfile:5: .*indented`,
		`(?m)^hancho: warning: Procfile:6: .*space before the colon`,
		`(?m)^hancho: warning: Procfile:7: .*my\.web`,
	} {
		if !regexp.MustCompile(want).MatchString(res.stderr) {
			t.Errorf("stderr does not match %q:\n%s", want, res.stderr)
		}
	}
	if n := strings.Count(res.stderr, "\n"); n != 3 {
		t.Errorf("%d lines on stderr, want the 3 warnings:\n%s", n, res.stderr)
	}
	// start warns the same way, on stderr, and runs the others.
	r := start(t, dir, append([]string{marker(t)}, noColour...), "start", "--no-prefix", "colons")
	r.WaitStderr(`Procfile:6: .*space before the colon`)
	r.WaitLine(`^x:y$`)
	if code := r.Wait(); code != 0 {
		t.Errorf("exit code %d", code)
	}
	if strings.Contains(r.Stdout(), "warning") {
		t.Errorf("warnings went to stdout:\n%s", r.Stdout())
	}
}

func TestCompatProcfileCRLFAndBOM(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{
		"Procfile": "\ufeffweb: echo \"[$PS]\"\r\nworker: echo w\r\n",
	})
	res := compatFinish(t, dir, noColour, "check")
	if res.code != 0 || res.stdout != "valid procfile detected (web, worker)\n" || res.stderr != "" {
		t.Errorf("check: exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
	}
	res = compatFinish(t, dir, noColour, "start", "--no-prefix", "web")
	if want := "web.1 started (pid=N)\n[web.1]\nweb.1 stopped (rc=0)\n"; compatNorm(res.stdout) != want {
		t.Errorf("stdout %q, want %q (no carriage return in the command)", res.stdout, want)
	}
}

func TestCompatProcfileDuplicatesAreAnError(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{"Procfile": "web: echo a > ran.txt\nworker: true\nweb: echo b > ran.txt\n"})
	for _, cmd := range []string{"start", "check"} {
		compatFail(t, dir, nil, 1, []string{cmd}, `Procfile:3: .*"web".*\b1\b.*\b3\b`)
	}
}

func TestCompatMissingProcfile(t *testing.T) {
	t.Parallel()
	dir := compatRealpath(t, appDir(t, map[string]string{"other/.keep": ""}))
	for _, argv := range [][]string{{"start"}, {"check"}} {
		compatFail(t, dir, nil, 1, argv, regexp.QuoteMeta(filepath.Join(dir, "Procfile")), `-f/--procfile`)
	}
	compatFail(t, dir, nil, 1, []string{"start", "-f", "other/Procfile.dev"},
		regexp.QuoteMeta(filepath.Join(dir, "other/Procfile.dev")), `-f`)
	compatFail(t, dir, []string{"PROCFILE=Procfile.os"}, 1, []string{"start"},
		regexp.QuoteMeta(filepath.Join(dir, "Procfile.os")))
}

func TestCompatEmptyProcfileIsAnErrorForStart(t *testing.T) {
	t.Parallel()
	for name, content := range map[string]string{
		"empty":                  "",
		"only comments":          "# nothing here\n\n",
		"only bad lines":         "web : echo\n",
		"only a byte order mark": "\ufeff",
	} {
		t.Run(name, func(t *testing.T) {
			dir := appDir(t, map[string]string{"Procfile": content})
			compatFail(t, dir, nil, 1, []string{"start"}, `Procfile`)
		})
	}
}
