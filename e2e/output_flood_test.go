package e2e

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"syscall"
	"testing"
)

// floodLine checks one line of flood's output (without its newline) as
// tag wrote it: "TAG SEQ PAD", PAD the letter 'a'+SEQ%26 up to length
// bytes. It returns SEQ.
func floodLine(text []byte, tag string, length int) (int, error) {
	rest, ok := bytes.CutPrefix(text, []byte(tag+" "))
	if !ok {
		return 0, fmt.Errorf("not from %s", tag)
	}
	num, pad, ok := bytes.Cut(rest, []byte(" "))
	seq, err := strconv.Atoi(string(num))
	if !ok || err != nil {
		return 0, fmt.Errorf("no number")
	}
	if len(text) != length-1 {
		return seq, fmt.Errorf("%d bytes, want %d", len(text), length-1)
	}
	want := byte('a' + seq%26)
	for _, c := range pad {
		if c != want {
			return seq, fmt.Errorf("padding holds %q, want only %q", c, want)
		}
	}
	return seq, nil
}

var outputLine = regexp.MustCompile(`^\d\d:\d\d:\d\d (\S+) +\| (.*)$`)

// Heavy output: 8 processes x 50,000 numbered lines, written in chunks
// that cut lines anywhere, arrive complete, whole, once each and in each
// process's order.
func TestOutputFloodCompleteInOrder(t *testing.T) {
	const procs, lines, length = 8, 50000, 92
	dir := appDir(t, map[string]string{"Procfile": fmt.Sprintf("flood: flood -n %d -len %d -write 4093 -hold\n", lines, length)})
	mark := marker(t)
	r := start(t, dir, []string{mark}, "start", "--no-colour", "-c", "flood="+strconv.Itoa(procs))
	f := r.follow()
	for done := 0; done < procs; done++ {
		f.WaitLine(`^\S+ flood\.\d +\| flood\.\d done$`)
	}
	if code := r.stopWith(syscall.SIGINT); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	noneLeft(t, mark)

	next := map[string]int{} // process -> next sequence number
	bad := 0
	for i, line := range bytes.Split([]byte(r.Stdout()), []byte("\n")) {
		m := outputLine.FindSubmatch(line)
		if m == nil {
			if len(line) > 0 {
				t.Errorf("line %d is not a hancho line: %.120q", i+1, line)
				bad++
			}
			continue
		}
		name, text := string(m[1]), m[2]
		if name == "system" || bytes.HasSuffix(text, []byte(" done")) {
			continue
		}
		seq, err := floodLine(text, name, length)
		if err == nil && seq != next[name]+1 {
			err = fmt.Errorf("number %d after %d", seq, next[name])
		}
		if err != nil {
			t.Errorf("line %d: %v: %.120q", i+1, err, line)
			if bad++; bad > 20 {
				t.Fatal("too many bad lines")
			}
		}
		next[name] = seq
	}
	if len(next) != procs {
		t.Errorf("lines from %d processes, want %d", len(next), procs)
	}
	for name, last := range next {
		if last != lines {
			t.Errorf("%s: last line %d, want %d", name, last, lines)
		}
	}
}

// A 10 MiB line comes out whole, as one line, while another process's
// lines go on around it.
func TestOutputHugeLineWhole(t *testing.T) {
	const huge = 10 << 20
	dir := appDir(t, map[string]string{"Procfile": "" +
		fmt.Sprintf("big: flood -huge %d -write 65536 -hold\n", huge) +
		"small: flood -n 20000 -len 40 -write 1000 -hold\n"})
	mark := marker(t)
	r := start(t, dir, []string{mark}, "start", "--no-colour")
	f := r.follow()
	f.WaitLine(`^\S+ (big|small)\.1 +\| (big|small)\.1 done$`)
	f.WaitLine(`^\S+ (big|small)\.1 +\| (big|small)\.1 done$`)
	if code := r.stopWith(syscall.SIGINT); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	noneLeft(t, mark)

	hugeLines, small := 0, 0
	for _, line := range bytes.Split([]byte(r.Stdout()), []byte("\n")) {
		m := outputLine.FindSubmatch(line)
		if m == nil {
			if len(line) > 0 {
				t.Errorf("not a hancho line (torn?): %.120q", line)
			}
			continue
		}
		switch name, text := string(m[1]), m[2]; {
		case name == "big.1" && bytes.HasPrefix(text, []byte("big.1 huge ")):
			hugeLines++
			if len(text) != huge-1 {
				t.Errorf("the huge line has %d bytes, want %d", len(text), huge-1)
			}
			for i := len("big.1 huge "); i < len(text); i++ {
				if text[i] != byte('a'+i%26) {
					t.Fatalf("the huge line is wrong at byte %d", i)
				}
			}
		case name == "small.1" && !bytes.HasSuffix(text, []byte(" done")):
			small++
			if seq, err := floodLine(text, name, 40); err != nil || seq != small {
				t.Errorf("small line %d: %v %q", small, err, text)
			}
		}
	}
	if hugeLines != 1 || small != 20000 {
		t.Errorf("%d huge lines and %d small ones, want 1 and 20000", hugeLines, small)
	}
}
