package preflight

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// defaultPath is the search path sh uses when PATH is not set (dash's).
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// programs checks that the wrappers that are programs and the program
// itself can be run.
func (c *procCheck) programs(inv invocation) {
	searchPath, known := c.searchPath(inv)
	for _, w := range append(inv.wrappers, inv.argv[0]) {
		if !w.Literal || w.Text == "" {
			continue
		}
		c.program(w.Text, searchPath, known)
	}
}

// searchPath is the PATH the shell searches for the program: the process's,
// or one an assignment before the command sets. known is false when an
// assignment sets it to something Check cannot know.
func (c *procCheck) searchPath(inv invocation) (pathList string, known bool) {
	pathList, set := lookupEnv(c.Env, "PATH")
	if inv.clearEnv {
		pathList, set = "", false
	}
	for _, a := range inv.assigns {
		if name, value, _ := strings.Cut(a.Text, "="); name == "PATH" {
			if !a.Literal {
				return "", false
			}
			pathList, set = value, true
		}
	}
	if !set {
		if inv.clearEnv {
			return "", false // execvp's own default path, which differs by libc
		}
		pathList = defaultPath
	}
	return pathList, true
}

// program checks one program name: a path must be an executable file, a
// bare name must be found on the search path.
func (c *procCheck) program(name, searchPath string, pathKnown bool) {
	if !strings.Contains(name, "/") {
		if !pathKnown {
			return
		}
		found, notExec := lookPath(name, searchPath, c.Dir)
		switch {
		case found != "":
		case notExec != "":
			c.problemf("%s on PATH is %s, which is not executable; chmod +x %s", name, notExec, notExec)
		default:
			c.problemf("%s not found on PATH (%s)", name, searchPath)
		}
		return
	}
	full := c.abs(name)
	fi, err := os.Stat(full)
	switch {
	case os.IsNotExist(err) && filepath.IsAbs(name):
		base := filepath.Base(name)
		if !pathKnown {
			c.problemf("%s not found", name)
		} else if found, _ := lookPath(base, searchPath, c.Dir); found != "" {
			c.problemf("%s not found; %s is at %s", name, base, found)
		} else {
			c.problemf("%s not found, nor %s on PATH (%s)", name, base, searchPath)
		}
	case os.IsNotExist(err):
		c.problemf("%s not found (in %s)", name, c.Dir)
	case err != nil:
		// Unreadable (permissions): the shell will say; do not guess.
	case fi.IsDir():
		c.problemf("%s is a directory, not a program", name)
	case !executable(fi):
		c.problemf("%s is not executable; chmod +x %s", name, name)
	}
}

// lookPath finds name on the search path as sh does: each entry in turn,
// an empty or relative one taken from dir. found is the first executable
// file; else notExec is the first file that is not executable.
func lookPath(name, searchPath, dir string) (found, notExec string) {
	for _, d := range filepath.SplitList(searchPath) {
		if d == "" {
			d = "."
		}
		if !filepath.IsAbs(d) {
			d = filepath.Join(dir, d)
		}
		p := filepath.Join(d, name)
		fi, err := os.Stat(p)
		if err != nil || fi.IsDir() {
			continue
		}
		if executable(fi) {
			return p, ""
		}
		if notExec == "" {
			notExec = p
		}
	}
	return "", notExec
}

// executable reports whether a file has an execute bit. Windows has none
// to look at.
func executable(fi os.FileInfo) bool {
	return runtime.GOOS == "windows" || fi.Mode()&0o111 != 0
}

// abs returns p relative to the process's working directory.
func (c *procCheck) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, p)
}

// lookupEnv finds k in a KEY=value environment; the last one wins, as in
// os/exec.
func lookupEnv(env []string, k string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		if key, v, ok := strings.Cut(env[i], "="); ok && key == k {
			return v, true
		}
	}
	return "", false
}

// baseName is the last element of a slash-separated program name.
func baseName(prog string) string {
	if i := strings.LastIndexByte(prog, '/'); i >= 0 {
		return prog[i+1:]
	}
	return prog
}
