package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// binaries are the programs a benchmark run executes.
type binaries struct {
	hancho string // the hancho under test
	gen    string // bench/cmd/gen
	probe  string // bench/cmd/probe
}

// dirs are the two modules: hancho's and, nested in it, the bench suite's.
type dirs struct {
	repo  string // hancho's module root
	bench string // this module's root, repo/bench
}

// findDirs locates the bench module from the working directory, which must
// be inside it, and hancho's module above it.
func findDirs() (dirs, error) {
	out, err := goCmd("", "env", "GOMOD")
	if err != nil {
		return dirs{}, err
	}
	gomod := strings.TrimSpace(out)
	bench := filepath.Dir(gomod)
	mod, err := goCmd(bench, "list", "-m")
	if err != nil || strings.TrimSpace(mod) != "github.com/hancho-dev/hancho/bench" {
		return dirs{}, fmt.Errorf("run this from hancho's bench/ directory (found module %q at %s)", strings.TrimSpace(mod), gomod)
	}
	return dirs{repo: filepath.Dir(bench), bench: bench}, nil
}

// build builds the generators into tmp, and hancho from the parent module
// unless prebuilt names a binary to use instead.
func build(d dirs, tmp, prebuilt string) (binaries, error) {
	b := binaries{
		hancho: filepath.Join(tmp, "hancho"),
		gen:    filepath.Join(tmp, "gen"),
		probe:  filepath.Join(tmp, "probe"),
	}
	if _, err := goCmd(d.bench, "build", "-o", tmp+string(filepath.Separator), "./cmd/gen", "./cmd/probe"); err != nil {
		return b, fmt.Errorf("building the generators: %w", err)
	}
	if prebuilt != "" {
		abs, err := filepath.Abs(prebuilt)
		if err != nil {
			return b, err
		}
		if _, err := os.Stat(abs); err != nil {
			return b, fmt.Errorf("-hancho: %w", err)
		}
		b.hancho = abs
		return b, nil
	}
	if _, err := goCmd(d.repo, "build", "-o", b.hancho, "./cmd/hancho"); err != nil {
		return b, fmt.Errorf("building hancho: %w", err)
	}
	return b, nil
}

// goCmd runs the go command in dir and returns its stdout.
func goCmd(dir string, args ...string) (string, error) { return runOutput(dir, "go", args...) }

// runOutput runs a program in dir and returns its stdout; its error holds
// the program's stderr.
func runOutput(dir, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("%s %s (in %s): %w\n%s", name, strings.Join(args, " "), dir, err, stderr.String())
	}
	return string(out), nil
}
