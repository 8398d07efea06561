package preflight

import (
	"os"
	"path/filepath"
	"strings"
	"unicode"
)

// fileExts are the extensions that make a word without a "/" a file name.
var fileExts = setOf(".conf .js .py .rb .sh .yaml .yml .json .toml .ini .cfg")

// createsFiles are programs whose arguments are files they create or
// remove, not files they need.
var createsFiles = setOf("mkdir touch rm rmdir cp mv ln install tee truncate mkfifo mktemp dd tar rsync curl wget")

// outputWords mark an option whose value is a file the program writes
// (--logfile, --pidfile, -o ...): those need not exist yet.
var outputWords = []string{"log", "pid", "out", "sock", "lock", "dump", "save", "write", "dest", "tmp", "temp", "cache"}

func outputOption(opt string) bool {
	name := strings.ToLower(strings.TrimLeft(opt, "-"))
	if name == "o" {
		return true
	}
	for _, w := range outputWords {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// files checks that the arguments that name files exist: words that look
// like paths, and the values of --option=path.
func (c *procCheck) files(args []Word) {
	afterOutputOption := false
	for _, w := range args {
		skip := afterOutputOption
		afterOutputOption = false
		t := w.Text
		switch {
		case !w.Literal || skip:
		case len(t) > 1 && t[0] == '-':
			opt, value, ok := strings.Cut(t, "=")
			switch {
			case !ok:
				afterOutputOption = outputOption(opt)
			case !outputOption(opt):
				c.file(value)
			}
		default:
			c.file(t)
		}
	}
}

// file reports a word that looks like a path to a file that is not there.
func (c *procCheck) file(t string) {
	if !c.looksLikePath(t) {
		return
	}
	if _, err := os.Stat(c.abs(t)); os.IsNotExist(err) {
		if filepath.IsAbs(t) {
			c.problemf("%s not found", t)
		} else {
			c.problemf("%s not found (in %s)", t, c.Dir)
		}
	}
}

// looksLikePath says whether a word is meant as a path: plain path
// characters only (no URL, no host:port, no code), and a known file
// extension or a "/". A word with a "/" and no such extension is only
// taken as a path when its first folder exists, so that package names
// (@scope/pkg, github.com/x/y) and URL paths (/api) are left alone.
func (c *procCheck) looksLikePath(t string) bool {
	if t == "" || t[0] == '@' || t[0] == '-' {
		return false
	}
	for _, r := range t {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("._/+%-", r) {
			return false
		}
	}
	if fileExts[strings.ToLower(filepath.Ext(t))] {
		return true
	}
	if !strings.Contains(t, "/") {
		return false
	}
	first, _, _ := strings.Cut(strings.TrimPrefix(t, "/"), "/")
	if first == "" || first == "." || first == ".." {
		return true
	}
	root := c.Dir
	if strings.HasPrefix(t, "/") {
		root = "/"
	}
	_, err := os.Stat(filepath.Join(root, first))
	return err == nil
}

// redirects checks the files the shell opens before running the command:
// an input must exist, an output's folder must exist.
// A missing folder is reported once, for its first redirection.
func (c *procCheck) redirects(rs []Redirect) {
	reported := map[string]bool{}
	for _, r := range rs {
		if !r.Target.Literal {
			continue
		}
		t := r.Target.Text
		switch strings.TrimLeft(r.Op, "0123456789") {
		case "<":
			if _, err := os.Stat(c.abs(t)); os.IsNotExist(err) {
				c.problemf("%s not found (in %s) for %s %s", t, c.Dir, r.Op, t)
			}
		case ">", ">>", ">|", "<>":
			dir := filepath.Dir(t)
			if dir == "." || reported[dir] {
				continue
			}
			if _, err := os.Stat(c.abs(dir)); os.IsNotExist(err) {
				reported[dir] = true
				c.problemf("%s/ does not exist for %s %s; create it", strings.TrimSuffix(dir, "/"), r.Op, t)
			}
		}
	}
}
