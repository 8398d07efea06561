package e2e

import (
	"bytes"
	"strconv"
	"testing"
)

// A process's "stopped" line is its last: every line it wrote, even the
// pipe full of lines still unread when it exited, comes before it.
//
// Bug: "stopped" was printed 200ms after the exit when the output had not
// ended by then, meant for a descendant holding the pipe; whenever hancho
// read slower than the process wrote (the race detector, a loaded
// machine) the pipe's backlog came out after "stopped".
func TestOutputRegressionStoppedPrintedBeforeBacklog(t *testing.T) {
	const procs = 4
	dir := appDir(t, map[string]string{"Procfile": "flood: flood -n 50000 -len 92 -write 65536\n"})
	mark := marker(t)
	r := start(t, dir, []string{mark}, "start", "--no-colour", "-c", "flood="+strconv.Itoa(procs))
	r.Wait()
	noneLeft(t, mark)
	stopped := map[string]bool{}
	for i, line := range bytes.Split([]byte(r.Stdout()), []byte("\n")) {
		m := outputLine.FindSubmatch(line)
		if m == nil {
			continue
		}
		name, text := string(m[1]), m[2]
		if name == "system" {
			if n, ok := bytes.CutSuffix(text, []byte(" stopped (rc=0)")); ok {
				stopped[string(n)] = true
			}
			if n, ok := bytes.CutSuffix(text, []byte(" stopped (rc=-15)")); ok {
				stopped[string(n)] = true
			}
			continue
		}
		if stopped[name] {
			t.Fatalf("line %d of %s comes after its stopped line: %.80q", i+1, name, line)
		}
	}
}
