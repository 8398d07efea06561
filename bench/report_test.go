package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func TestParseBench(t *testing.T) {
	out := `goos: linux
goarch: amd64
pkg: github.com/hancho-dev/hancho/internal/output
BenchmarkStreamLine-2   	 9876543	       121.5 ns/op	 823.00 MB/s	       0 B/op	       0 allocs/op
BenchmarkSystem-2       	  100000	      1500 ns/op	     128 B/op	       3 allocs/op
PASS
ok  	github.com/hancho-dev/hancho/internal/output	2.5s
`
	got := parseBench(out)
	if len(got) != 2 {
		t.Fatalf("parsed %d results, want 2: %+v", len(got), got)
	}
	if got[0].name != "BenchmarkStreamLine-2" || got[0].metrics["ns/op"] != 121.5 || got[0].metrics["allocs/op"] != 0 || got[0].metrics["MB/s"] != 823 {
		t.Errorf("first = %+v", got[0])
	}
	if got[1].metrics["allocs/op"] != 3 || got[1].metrics["B/op"] != 128 {
		t.Errorf("second = %+v", got[1])
	}
}

// sample is a run's results with every kind of figure in it.
func sample() *results {
	t := &throughputResult{P: 4, lines: 10, bytes: 100e6}
	t.secs[limit] = []float64{1, 1, 1}        // 100 MB/s
	t.secs[prefixed] = []float64{1.2, 1.2, 9} // 83 MB/s: 0.83x
	t.secs[bare] = []float64{1.2, 1.2, 1.2}   // 0.83x, under 0.9x
	t.check[bare].Torn = 1
	l := &latencyResult{floods: 4}
	l.p50[baseline], l.p99[baseline] = []float64{0.01}, []float64{0.1}
	l.errs[underHancho] = errors.New("not done after 1m0s")
	s := &scaleResult{N: 100, rss: []float64{5 << 20}, procs: 1, idle: 10 * time.Second}
	s.launch[baseline], s.launch[underHancho] = []float64{0.2}, []float64{0.21}
	s.shutdown[baseline], s.shutdown[underHancho] = []float64{0.005}, []float64{0.5}
	return &results{
		machine:    machine{cpus: "2", reps: 3, command: "cd bench && go run ."},
		throughput: []*throughputResult{t},
		latency:    []*latencyResult{l},
		scale:      []*scaleResult{s},
		hotPath: parseBench("BenchmarkLine-2 100 50 ns/op 0 B/op 0 allocs/op\n" +
			"BenchmarkStream-2 100 5000 ns/op 1 allocs/line 20 ns/line 0 B/op 0 allocs/op\n"),
	}
}

func TestRowsVerdicts(t *testing.T) {
	want := map[string]string{
		"Throughput, P=4|MB/s with prefixes and timestamps":                            pass,
		"Throughput, P=4|MB/s with --no-prefix":                                        fail,
		"Integrity, P=4|lost/torn/dup/reordered/misattributed (prefixes, all runs)":    pass,
		"Integrity, P=4|lost/torn/dup/reordered/misattributed (--no-prefix, all runs)": fail,
		"Latency, 4 processes flooding|p99 ms, line written to line read":              fail,
		"Scale, 100 processes|s until every line arrived":                              pass,
		"Scale, 100 processes|hancho's RSS, MiB (1 process(es))":                       pass,
		"Scale, 100 processes|hancho's CPU while idle over 10s":                        pass,
		"Scale, 100 processes|s from SIGINT to exit":                                   fail,
		"Scale, 100 processes|processes still running after hancho exited (all runs)":  pass,
		"Hot path|Line-2, allocs/op":                                                   pass,
	}
	seen := map[string]bool{}
	for _, r := range sample().rows() {
		key := r.workload + "|" + r.figure
		if w, ok := want[key]; ok {
			seen[key] = true
			if r.result != w {
				t.Errorf("%s: result %q, want %q (row %+v)", key, r.result, w, r)
			}
		}
	}
	for key := range want {
		if !seen[key] {
			t.Errorf("no row %q", key)
		}
	}
}

func TestMarkdownHasTableAndFailures(t *testing.T) {
	var b bytes.Buffer
	sample().writeMarkdown(&b, "throughput.svg")
	md := b.String()
	for _, want := range []string{
		"| CPUs | 2 |",
		"| Throughput, P=4 | MB/s with prefixes and timestamps | 83 | 100 | 0.83x | ≥ 0.8x | pass |",
		"![throughput](throughput.svg)",
		"BenchmarkLine-2 100 50 ns/op",
		"latency with 4 floods, hancho: not done after 1m0s",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestSVGIsWellFormed(t *testing.T) {
	res := sample()
	one := &throughputResult{P: 1, bytes: 100e6}
	one.secs[limit] = []float64{0.5}
	one.errs[prefixed] = errors.New("failed") // no point for hancho at P=1
	res.throughput = append([]*throughputResult{one}, res.throughput...)
	var b bytes.Buffer
	if err := writeSVG(&b, res.throughput, "Throughput"); err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(&b)
	polylines := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "polyline" {
			polylines++
		}
	}
	if polylines != 3 {
		t.Errorf("%d polylines, want one per mode", polylines)
	}
}

func TestNiceStep(t *testing.T) {
	for raw, want := range map[float64]float64{0: 1, 0.3: 0.5, 7: 10, 120: 200, 1000: 1000} {
		if got := niceStep(raw); got != want {
			t.Errorf("niceStep(%v) = %v, want %v", raw, got, want)
		}
	}
}
