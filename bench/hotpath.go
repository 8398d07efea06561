package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// hotPathPackage holds hancho's output path and, once written, its Go
// benchmarks.
const hotPathPackage = "./internal/output/"

// benchResult is one line of `go test -bench` output.
type benchResult struct {
	name    string
	raw     string             // the line as go test printed it
	metrics map[string]float64 // by unit: "ns/op", "B/op", "allocs/op", ...
}

// hotPath runs the benchmarks in hancho's output package, if it has any, and
// returns what they printed. It returns no results and no error when there
// are none to run.
func hotPath(cfg config, d dirs) ([]benchResult, error) {
	tests, _ := filepath.Glob(filepath.Join(d.repo, hotPathPackage, "*_test.go"))
	found := false
	for _, t := range tests {
		if b, err := os.ReadFile(t); err == nil && bytes.Contains(b, []byte("\nfunc Benchmark")) {
			found = true
		}
	}
	if !found {
		return nil, nil
	}
	args := []string{"test", "-run=^$", "-bench=.", "-benchmem"}
	if cfg.benchtime != "" {
		args = append(args, "-benchtime="+cfg.benchtime)
	}
	out, err := goCmd(d.repo, append(args, hotPathPackage)...)
	if err != nil {
		return nil, err
	}
	return parseBench(out), nil
}

// parseBench picks the result lines out of `go test -bench` output:
// "BenchmarkX-2  1000  123 ns/op  0 B/op  0 allocs/op".
func parseBench(out string) []benchResult {
	var results []benchResult
	for l := range strings.Lines(out) {
		f := strings.Fields(l)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		r := benchResult{name: f[0], raw: strings.TrimSpace(l), metrics: map[string]float64{}}
		for i := 2; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				r.metrics[f[i+1]] = v
			}
		}
		results = append(results, r)
	}
	return results
}
