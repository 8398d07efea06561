package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// controlLogsApp prints a few lines per process, then each line the test
// writes to its FIFO.
var controlLogsApp = map[string]string{
	"Procfile": "" +
		"web: printf 'w1\\nw2\\nw3\\n'; exec cat web.fifo\n" +
		"worker: printf 'k1\\nk2\\n'; exec cat worker.fifo\n",
}

// `hancho logs [-n N] [NAME...]` prints the last N lines of each process
// from memory, with the same prefixes as start, in the order they came.
func TestControlLogs(t *testing.T) {
	t.Parallel()
	dir := appDir(t, controlLogsApp)
	ctlMkfifo(t, dir, "web.fifo")
	ctlMkfifo(t, dir, "worker.fifo")
	mark := marker(t)
	env := []string{mark}
	r := start(t, dir, env, "start", "--no-colour")
	r.WaitLine(`web\.1 +\| w3$`)
	r.WaitLine(`worker\.1 +\| k2$`)
	out := r.Stdout()
	web, worker := ctlLinesOf(out, "web.1"), ctlLinesOf(out, "worker.1")

	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"logs", "-n", "2", "web"}, web[1:]},
		{[]string{"logs", "--lines", "1", "web.1"}, web[2:]},
		{[]string{"logs", "-n", "100", "web"}, web},
		{[]string{"logs", "w*"}, nil}, // both, all of it
		{[]string{"logs"}, nil},
		{[]string{"logs", "-n", "1", "worker", "web"}, nil},
		{[]string{"logs", "-n", "0", "web"}, []string{}},
	} {
		res := ctlOK(t, dir, env, tt.args...)
		got := ctlLinesOf(res.stdout, "web.1")
		got = append(got, ctlLinesOf(res.stdout, "worker.1")...)
		if n := strings.Count(res.stdout, "\n"); n != len(got) {
			t.Errorf("hancho %s printed %d lines, %d of them a process's:\n%s", strings.Join(tt.args, " "), n, len(got), res.stdout)
		}
		want := tt.want
		if want == nil {
			w := slices.Concat(web, worker)
			if slices.Contains(tt.args, "-n") {
				w = []string{web[2], worker[1]}
			}
			want = w
		}
		slices.Sort(got)
		want = slices.Sorted(slices.Values(want))
		if !slices.Equal(got, want) {
			t.Errorf("hancho %s printed\n%q\nwant (the same lines as start, without times)\n%q", strings.Join(tt.args, " "), got, want)
		}
		// Each line with its time, in the order the lines came.
		for _, l := range strings.SplitAfter(strings.TrimSuffix(res.stdout, "\n"), "\n") {
			if l != "" && !ctlStamp.MatchString(l[:min(len(l), 9)]) {
				t.Errorf("hancho %s: %q has no time", strings.Join(tt.args, " "), l)
			}
		}
		for name, printed := range map[string][]string{"web.1": web, "worker.1": worker} {
			order := ctlLinesOf(res.stdout, name)
			if !slices.IsSortedFunc(order, func(a, b string) int { return slices.Index(printed, a) - slices.Index(printed, b) }) {
				t.Errorf("hancho %s: %s's lines out of order: %q", strings.Join(tt.args, " "), name, order)
			}
		}
	}

	// start's options of the prefix.
	res := ctlOK(t, dir, env, "logs", "--no-timestamp", "-n", "1", "web")
	if res.stdout != "web.1    | w3\n" {
		t.Errorf("hancho logs --no-timestamp -n 1 web: %q", res.stdout)
	}

	ctlOK(t, dir, env, "stop")
	r.Wait()
	noneLeft(t, mark)
}

// `hancho logs -f` follows: after the recent lines, each new line of the
// processes named as it comes, across a restart, until hancho exits.
func TestControlLogsFollow(t *testing.T) {
	t.Parallel()
	dir := appDir(t, controlLogsApp)
	webIn := ctlMkfifo(t, dir, "web.fifo")
	workerIn := ctlMkfifo(t, dir, "worker.fifo")
	mark := marker(t)
	env := []string{mark}
	r := start(t, dir, env, "start", "--no-colour")
	r.WaitLine(`web\.1 +\| w3$`)
	r.WaitLine(`worker\.1 +\| k2$`)

	all := start(t, dir, env, "logs", "-f")
	webOnly := start(t, dir, env, "logs", "-f", "-n", "1", "web")
	webOnly.WaitLine(`^\d\d:\d\d:\d\d web\.1 +\| w3$`)
	all.WaitLine(`^\d\d:\d\d:\d\d worker\.1 +\| k2$`)

	write := func(f *os.File, line string) {
		t.Helper()
		if _, err := f.WriteString(line + "\n"); err != nil {
			t.Fatal(err)
		}
	}
	// -n 0 prints nothing until a new line comes; web prints probes
	// until one reaches it, which shows that it follows.
	none := start(t, dir, env, "logs", "-f", "-n", "0", "web")
	for i := 1; !strings.Contains(none.Stdout(), "| probe "); i++ {
		write(webIn, fmt.Sprintf("probe %d", i))
		r.WaitLine(fmt.Sprintf(`web\.1 +\| probe %d$`, i))
		if none.Exited() {
			t.Fatalf("hancho logs -f -n 0 web exited:\n%s", none.Stderr())
		}
	}
	if got := ctlLinesOf(none.Stdout(), "web.1"); !strings.HasPrefix(got[0], "web.1    | probe ") {
		t.Errorf("hancho logs -f -n 0 web printed %q first, not a new line", got[0])
	}

	// A worker line, then a web line: the web followers see only the
	// second, the other both, in order.
	write(workerIn, "fresh from the worker")
	r.WaitLine(`worker\.1 +\| fresh from the worker$`)
	write(webIn, "fresh from web")
	r.WaitLine(`web\.1 +\| fresh from web$`)
	for _, f := range []*Run{webOnly, none, all} {
		f.WaitLine(`^\d\d:\d\d:\d\d web\.1 +\| fresh from web$`)
	}
	all.WaitLine(`^\d\d:\d\d:\d\d worker\.1 +\| fresh from the worker$`)
	for _, f := range []*Run{webOnly, none} {
		if out := f.Stdout(); strings.Contains(out, "worker") || strings.Contains(out, "k2") {
			t.Errorf("hancho logs -f web printed another process's lines:\n%s", out)
		}
	}
	if out := none.Stdout(); strings.Contains(out, "w3") {
		t.Errorf("hancho logs -f -n 0 web printed recent lines:\n%s", out)
	}
	got := ctlLinesOf(webOnly.Stdout(), "web.1")
	if got[0] != "web.1    | w3\n" || got[len(got)-1] != "web.1    | fresh from web\n" {
		t.Errorf("hancho logs -f -n 1 web printed %q", got)
	}
	if want := ctlLinesOf(r.Stdout(), "web.1")[2:]; !slices.Equal(got, want) {
		t.Errorf("hancho logs -f -n 1 web printed\n%q\nwant start's last line and every one after\n%q", got, want)
	}

	// A restart: the new start's lines follow.
	c := ctlFollow(webOnly)
	ctlOK(t, dir, env, "restart", "web")
	for _, l := range []string{"w1", "w2", "w3"} {
		c.Next(`^\d\d:\d\d:\d\d web\.1 +\| ` + l + `$`)
	}

	// hancho exits: so do the followers, by themselves.
	ctlOK(t, dir, env, "stop")
	r.Wait()
	for _, f := range []*Run{all, webOnly, none} {
		if code := f.Wait(); code != 0 {
			t.Errorf("hancho logs -f exited %d when hancho exited:\n%s", code, f.Stderr())
		}
	}
	noneLeft(t, mark)
}

// With colour (FORCE_COLOR), `hancho logs` prints each line byte for byte
// as start did, colours included, the time aside.
func TestControlLogsColour(t *testing.T) {
	t.Parallel()
	dir := appDir(t, controlLogsApp)
	ctlMkfifo(t, dir, "web.fifo")
	ctlMkfifo(t, dir, "worker.fifo")
	mark := marker(t)
	env := []string{mark, "FORCE_COLOR=1", "NO_COLOR="}
	r := start(t, dir, env, "start")
	r.WaitLine(`web\.1 +\| .*w3$`)
	r.WaitLine(`worker\.1 +\| .*k2$`)
	out := r.Stdout()
	if !strings.Contains(out, "\x1b[") {
		t.Fatalf("start printed no colour with FORCE_COLOR=1:\n%q", out)
	}
	for _, args := range [][]string{{"logs"}, {"logs", "worker"}, {"logs", "web", "-n", "2"}} {
		res := ctlOK(t, dir, env, args...)
		for _, name := range []string{"web.1", "worker.1"} {
			got, want := ctlLinesOf(res.stdout, name), ctlLinesOf(out, name)
			if len(got) == 0 {
				continue
			}
			if !slices.Equal(got, want[len(want)-len(got):]) {
				t.Errorf("hancho %s: %s's lines\n%q\nwant, as start printed them,\n%q", strings.Join(args, " "), name, got, want)
			}
		}
		if !strings.Contains(res.stdout, "\x1b[") {
			t.Errorf("hancho %s printed no colour:\n%q", strings.Join(args, " "), res.stdout)
		}
	}
	ctlOK(t, dir, env, "stop")
	r.Wait()
	noneLeft(t, mark)
}

// `--log-dir DIR` also writes each process's output to DIR/<name>.<n>.log,
// byte for byte as the process wrote it (a last partial line gets its
// newline when the process ends), across restarts, rotated by size.
func TestControlLogDir(t *testing.T) {
	t.Parallel()
	// Raw bytes: a tab, a CR, UTF-8, an escape, and a partial last line.
	const webOut = "one\ntwo\r\n\tthree \303\251 \033[1mbold\033[0m\npartial"
	dir := appDir(t, map[string]string{
		"Procfile": "" +
			"web: printf 'one\\ntwo\\r\\n\\tthree \\303\\251 \\033[1mbold\\033[0m\\npartial'\n" +
			"worker: echo \"I am $PS\"; exec sleep 1000\n" +
			"flood: exec flood -n 120000 -len 92\n",
		"hancho.yaml": "processes:\n  web:\n    optional: true\n  flood:\n    optional: true\n",
	})
	mark := marker(t)
	env := []string{mark}
	// A relative DIR is taken from where hancho runs, not the app root.
	cwd := t.TempDir()
	r := start(t, cwd, env, "start", "--no-colour", "-d", dir, "-f", filepath.Join(dir, "Procfile"), "--log-dir", "logs", "-c", "worker=2", "-q", "flood")
	logs := filepath.Join(cwd, "logs")
	r.WaitLine(`system +\| web\.1 stopped \(rc=0\)$`)
	r.WaitLine(`worker\.2 +\| I am worker\.2$`)
	r.WaitLine(`worker\.1 +\| I am worker\.1$`)

	read := func(name string) string {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(logs, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	if got := read("web.1.log"); got != webOut+"\n" {
		t.Errorf("web.1.log holds\n%q\nwant\n%q", got, webOut+"\n")
	}
	for _, name := range []string{"worker.1", "worker.2"} {
		if got, want := read(name+".log"), "I am "+name+"\n"; got != want {
			t.Errorf("%s.log holds %q, want %q", name, got, want)
		}
	}
	// The terminal got the partial line too, with a newline.
	r.WaitLine(`web\.1 +\| partial$`)

	// A restart appends.
	c := ctlFollow(r)
	ctlOK(t, dir, env, "restart", "web")
	c.Next(`system +\| web\.1 stopped \(rc=0\)$`)
	if got := read("web.1.log"); got != webOut+"\n"+webOut+"\n" {
		t.Errorf("web.1.log after a restart holds\n%q\nwant both starts' output\n%q", got, webOut+"\n"+webOut+"\n")
	}

	// Rotated at 10 MB: the file before and the file after hold all of
	// flood's 11 MB, in order, nothing lost or doubled.
	r.WaitLine(`system +\| flood\.1 stopped \(rc=0\)$`)
	var want bytes.Buffer
	for i := 1; i <= 120000; i++ {
		pad := 92 - 1 - len(fmt.Sprintf("flood.1 %d ", i))
		fmt.Fprintf(&want, "flood.1 %d %s\n", i, strings.Repeat(string(rune('a'+i%26)), pad))
	}
	old, current := read("flood.1.log.1"), read("flood.1.log")
	if len(old) > 10<<20 {
		t.Errorf("flood.1.log.1 has %d bytes, more than the 10 MB a log file may reach", len(old))
	}
	if got := old + current; got != want.String() {
		t.Errorf("flood.1.log.1 + flood.1.log: %d bytes, not flood's %d bytes in order", len(got), want.Len())
	}
	if _, err := os.Stat(filepath.Join(logs, "flood.1.log.2")); err == nil {
		t.Errorf("flood.1.log rotated twice for 11 MB")
	}

	ctlOK(t, dir, env, "stop")
	r.Wait()
	noneLeft(t, mark)
}
