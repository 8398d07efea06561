package e2e

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A last line without a newline is printed when its process ends, before
// its "stopped" line: when the process exits by itself (a.1), and when it
// is stopped by a signal with the line pending (b.1).
func TestOutputLastLineWithoutNewline(t *testing.T) {
	dir := appDir(t, map[string]string{"Procfile": "" +
		"a: stubborn -ignore '' -exit-on USR1 -quiet -say 'a ready\\na last words'\n" +
		"b: stubborn -ignore '' -say 'b ready\\nb last words'\n"})
	mark := marker(t)
	r := start(t, dir, []string{mark}, "start", "--no-colour")
	r.WaitLine(`a\.1 +\| a ready$`) // written with the partial line, in one write
	r.WaitLine(`b\.1 +\| b ready$`)
	signalPID(t, programPID(t, r.PIDs()["a.1"]), syscall.SIGUSR1)
	if code := r.Wait(); code != 0 {
		t.Errorf("exit code = %d, want 0 (a.1's)", code)
	}
	noneLeft(t, mark)
	fa := r.follow()
	fa.WaitLine(`^\S+ a\.1 +\| a last words$`)
	fa.WaitLine(`system +\| a\.1 stopped \(rc=0\)$`)
	fb := r.follow()
	fb.WaitLine(`^\S+ b\.1 +\| b last words$`)
	fb.WaitLine(`system +\| b\.1 stopped `)
}

// A partial line of one process does not delay another's output: a.1
// leaves a line unfinished, and b.1's later line still arrives at once.
func TestOutputPartialLineDoesNotDelayOthers(t *testing.T) {
	dir := appDir(t, map[string]string{"Procfile": "" +
		"a: stubborn -ignore '' -say 'a ready\\na unfinished'\n" +
		"b: stubborn -ignore ''\n"})
	mark := marker(t)
	r := start(t, dir, []string{mark}, "start", "--no-colour")
	r.WaitLine(`a\.1 +\| a ready$`) // written with the partial line, in one write
	r.WaitLine(`b\.1 +\| ready`)
	signalPID(t, programPID(t, r.PIDs()["b.1"]), syscall.SIGUSR1)
	r.WaitLine(`b\.1 +\| got SIGUSR1$`)
	if strings.Contains(r.Stdout(), "a unfinished") {
		t.Fatalf("a.1's partial line was printed before a.1 finished it or ended")
	}
	if code := r.stopWith(syscall.SIGINT); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	noneLeft(t, mark)
	f := r.follow()
	f.WaitLine(`a\.1 +\| a unfinished$`)
	f.WaitLine(`system +\| a\.1 stopped `)
}

// Bytes that are not UTF-8, ANSI colour codes, tabs and carriage returns
// pass through unchanged.
func TestOutputBytesPassThrough(t *testing.T) {
	const text = "\xff\xfe not utf-8 \x1b[31mred\x1b[0m\ttab cr\rhere \xe2\x82"
	dir := appDir(t, map[string]string{"Procfile": "" +
		`a: stubborn -ignore '' -say '\xff\xfe not utf-8 \x1b[31mred\x1b[0m\ttab cr\rhere \xe2\x82\n'` + "\n"})
	mark := marker(t)
	r := start(t, dir, []string{mark}, "start", "--no-colour")
	r.WaitLine(`a\.1 +\| .*here`)
	if code := r.stopWith(syscall.SIGINT); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	noneLeft(t, mark)
	if !strings.Contains(r.Stdout(), " a.1    | "+text+"\n") {
		t.Errorf("the line was changed; want %q in:\n%q", text, r.Stdout())
	}
}

// A descendant that keeps the pipe open after its process exited does not
// hold the run past the timeout: inside hancho's tree (it ignores SIGTERM
// and is killed at the timeout), and outside it, where no signal reaches
// it (here the test itself holds the pipe), the drain is cut short.
func TestOutputPipeHolderDoesNotHoldShutdown(t *testing.T) {
	t.Run("grandchild ignoring SIGTERM", func(t *testing.T) {
		// The daemon reports its pid once it ignores SIGTERM; then its
		// launcher exits, and only the daemon holds a.1's pipe.
		dir := appDir(t, map[string]string{"Procfile": "" +
			"a: daemon -sleep 1h -ignore-term -keep-stdout\n" +
			"b: stubborn -ignore ''\n"})
		mark := marker(t)
		const timeout = 2 * time.Second
		r := start(t, dir, []string{mark}, "start", "--no-colour", "-t", "2")
		r.WaitLine(`a\.1 +\| daemon started`)
		began := time.Now()
		if code := r.Wait(); code != 0 {
			t.Errorf("exit code = %d, want 0 (a.1's)", code)
		}
		if took := time.Since(began); took > 2*timeout {
			t.Errorf("hancho took %s to exit with -t 2 (%.1f timeouts)", took, float64(took)/float64(timeout))
		}
		r.WaitLine(`system +\| sending SIGKILL to leftover pid \d+ .*daemon`)
		noneLeft(t, mark)
	})
	t.Run("holder outside the tree", func(t *testing.T) {
		dir := appDir(t, map[string]string{"Procfile": "a: stubborn -ignore ''\n"})
		mark := marker(t)
		const timeout = 20 * time.Second
		r := start(t, dir, []string{mark}, "start", "--no-colour", "-t", "20")
		r.WaitLine(`a\.1 +\| ready`)
		pid := programPID(t, r.PIDs()["a.1"])
		pipe, err := os.OpenFile("/proc/"+strconv.Itoa(pid)+"/fd/1", os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer pipe.Close() // only after hancho has exited
		pipe.WriteString("written by the holder\n")
		r.WaitLine(`a\.1 +\| written by the holder$`)
		code, took := r.stopTimed(syscall.SIGINT)
		if code != 130 {
			t.Errorf("exit code = %d, want 130", code)
		}
		if took > timeout/2 {
			t.Errorf("hancho took %s to exit while something outside held a.1's pipe", took)
		}
		noneLeft(t, mark)
	})
}
