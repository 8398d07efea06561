package e2e

import (
	"bufio"
	"regexp"
	"testing"
)

// hancho's stdout closed (`hancho start | head -1`, a terminal gone): a
// graceful shutdown, never a crash that leaves processes running. The
// processes ignore SIGPIPE, as Python does, so only hancho can end them.
// The reader goes away after the first line (while processes are still
// starting), or once every process is at work.
func TestLifecycleStdoutClosedStopsGracefully(t *testing.T) {
	for _, tt := range []struct {
		name  string
		until []string // lines to read before closing
	}{
		{"head -1", []string{`.`}},
		{"all at work", []string{`web\.1 +\| ready`, `worker\.1 +\| job 1 working`, `yes\.1 +\| yes\.1 \d+ `}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := appDir(t, map[string]string{"Procfile": "" +
				"yes: flood -n 0 -interval 5ms\n" +
				"worker: rqworker -every 10ms -job-time 1h -progress 100ms\n" +
				"web: stubborn -ignore TERM,PIPE\n"})
			mark := marker(t)
			r, out := startWithStdout(t, dir, []string{mark}, "start", "--no-colour", "-t", "1")
			br := bufio.NewReader(out)
			wanted := map[*regexp.Regexp]bool{}
			for _, w := range tt.until {
				wanted[regexp.MustCompile(w)] = true
			}
			for len(wanted) > 0 {
				line, err := br.ReadString('\n')
				if err != nil {
					t.Fatalf("reading hancho's stdout: %v", err)
				}
				for re := range wanted {
					if re.MatchString(line) {
						delete(wanted, re)
					}
				}
			}
			out.Close() // the reader has what it wanted
			if code := r.Wait(); code != 128+13 {
				t.Errorf("exit code = %d, want 141 (128+SIGPIPE)", code)
			}
			r.WaitStderr(`stdout is closed; stopping all processes`)
			noneLeft(t, mark)
		})
	}
}
