package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hancho-dev/hancho/bench/internal/integrity"
)

// testBins holds the generators, built once for the tests that run them.
var testBins binaries

func TestMain(m *testing.M) {
	tmp, err := os.MkdirTemp("", "hancho-bench-test-")
	if err != nil {
		panic(err)
	}
	testBins = binaries{gen: filepath.Join(tmp, "gen"), probe: filepath.Join(tmp, "probe")}
	if _, err := goCmd(".", "build", "-o", tmp+"/", "./cmd/gen", "./cmd/probe"); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(tmp)
	os.Exit(code)
}

func testConfig(t *testing.T) config {
	cfg := quick
	cfg.tmp = t.TempDir()
	cfg.deadline = 20 * time.Second
	return cfg
}

// The limit's generators, read through a group, arrive whole: the reader
// keeps every byte, and one generator alone on a pipe cannot tear a line.
func TestGroupKeepsAGeneratorsWholeOutput(t *testing.T) {
	const n = 20000
	cmd := exec.Command(testBins.gen, "-name", "g01", "-n", strconv.Itoa(n))
	g, err := startGroup([]*exec.Cmd{cmd}, true, 1<<20, endCounter(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	defer g.close()
	if _, err := g.waitDone(20 * time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := g.waitExit(20 * time.Second); err != nil {
		t.Fatal(err)
	}
	if err := g.waitEOF(20 * time.Second); err != nil {
		t.Fatal(err)
	}
	if got := integrity.Check(g.data, map[string]int{"g01": n}); !got.OK() || got.Lines != n+1 {
		t.Errorf("integrity = %#v, want %d clean lines", got, n+1)
	}
}

// A run whose processes all exit before it is done fails at once, with
// what they wrote to stderr, instead of waiting for its deadline.
func TestGroupFailsWhenProcessesExitEarly(t *testing.T) {
	cmd := exec.Command("/bin/sh", "-c", "echo boom >&2; exit 3")
	g, err := startGroup([]*exec.Cmd{cmd}, false, 0, endCounter(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	defer g.close()
	start := time.Now()
	_, err = g.waitDone(time.Minute)
	if err == nil {
		t.Fatal("waitDone succeeded")
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("waitDone took %v to notice the exit", time.Since(start))
	}
	if want := "boom"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not quote stderr %q", err, want)
	}
}

func TestThroughputLimit(t *testing.T) {
	cfg := testConfig(t)
	r := &throughputResult{P: 4, lines: 5000}
	for _, name := range genNames(r.P) {
		r.bytes += int64(r.lines*100 + len("<<"+name+" END>>\n"))
	}
	secs, err := throughputLimit(cfg, testBins, r)
	if err != nil {
		t.Fatal(err)
	}
	if secs <= 0 {
		t.Errorf("took %v s", secs)
	}
}

func TestLatencyBaseline(t *testing.T) {
	cfg := testConfig(t)
	cfg.probes = 50
	lat, err := latencyOnce(cfg, testBins, 1, baseline)
	if err != nil {
		t.Fatal(err)
	}
	for seq, ns := range lat {
		if ns <= 0 || ns > int64(10*time.Second) {
			t.Errorf("probe line %d: latency %v", seq, time.Duration(ns))
		}
	}
}

// The shell loop reaps its children when stopped, so that it is a fair
// baseline for hancho's shutdown, and leaves nothing behind.
func TestScaleShell(t *testing.T) {
	cfg := testConfig(t)
	r := &scaleResult{N: 20}
	if err := scaleShell(cfg, r); err != nil {
		t.Fatal(err)
	}
	if len(r.launch[baseline]) != 1 || len(r.shutdown[baseline]) != 1 {
		t.Fatalf("figures = %+v", r)
	}
}
