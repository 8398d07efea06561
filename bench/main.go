// Command bench measures hancho against the limit of the same work, as
// ratios, and writes the figures beside their targets (issue 4):
//
//	cd bench && go run . -out RESULTS.md
//
// It builds hancho from the parent module and the generators in this one,
// runs every workload side by side with its baseline (taking turns,
// repeated, medians reported), and writes a markdown table and, next to
// it, throughput.svg. -quick makes a short smoke run.
//
// It exits 1 when it could not take a figure (a build failed, a run timed
// out or hancho exited early) and 0 otherwise, targets met or not.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/hancho-dev/hancho/bench/internal/line"
)

// config is the size of a benchmark run.
type config struct {
	reps          int           // repetitions of every figure
	deadline      time.Duration // the longest any one run waits for an event
	tmp           string        // where binaries, Procfiles and scratch go
	totalLines    int           // throughput: data lines per run, shared among the processes
	procs         []int         // throughput: numbers of processes
	probes        int           // latency: probe lines per run
	probeInterval time.Duration // latency: pause between probe lines
	floods        int           // latency: flooding processes beside the probe, when loaded
	scaleSizes    []int         // scale: numbers of processes
	idle          time.Duration // scale: idle CPU window
	benchtime     string        // hot path: -benchtime, or "" for go test's default
}

// full is the run whose figures go into RESULTS.md: about 3-4 minutes on
// 2 cores.
var full = config{
	reps:          3,
	deadline:      60 * time.Second,
	totalLines:    400_000, // 40 MB of 100-byte lines
	procs:         []int{1, 4, 16},
	probes:        2000,
	probeInterval: time.Millisecond,
	floods:        4,
	scaleSizes:    []int{10, 100, 1000},
	idle:          10 * time.Second,
}

// quick is a smoke run that exercises every workload in seconds.
var quick = config{
	reps:          1,
	deadline:      30 * time.Second,
	totalLines:    40_000,
	procs:         []int{1, 4, 16},
	probes:        200,
	probeInterval: time.Millisecond,
	floods:        2,
	scaleSizes:    []int{10, 100},
	idle:          time.Second,
	benchtime:     "100x",
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the benchmark with command-line args and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "write the results here (and throughput.svg beside it); default stdout, no plot")
	smoke := fs.Bool("quick", false, "a short smoke run: small workloads, one repetition")
	reps := fs.Int("reps", 0, "repetitions of every figure (default 3, or 1 with -quick)")
	prebuilt := fs.String("hancho", "", "benchmark this hancho binary instead of building ../cmd/hancho")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg := full
	if *smoke {
		cfg = quick
	}
	if *reps > 0 {
		cfg.reps = *reps
	}
	logf := func(format string, a ...any) { fmt.Fprintf(stderr, "bench: "+format+"\n", a...) }

	d, err := findDirs()
	if err != nil {
		logf("%v", err)
		return 1
	}
	cfg.tmp, err = os.MkdirTemp("", "hancho-bench-")
	if err != nil {
		logf("%v", err)
		return 1
	}
	defer os.RemoveAll(cfg.tmp)
	stopOnSignal(cfg.tmp)

	began, loadBefore := time.Now(), loadAverage()
	logf("building hancho and the generators")
	bins, err := build(d, cfg.tmp, *prebuilt)
	if err != nil {
		logf("%v", err)
		return 1
	}

	// One small untimed run first, so that no measured run is the first to
	// load the binaries from disk.
	warm := cfg
	warm.reps = 1
	runThroughput(warm, bins, 1, 1000)

	res := &results{}
	for _, p := range cfg.procs {
		logf("throughput, %d process(es), %d repetition(s)", p, cfg.reps)
		res.throughput = append(res.throughput, runThroughput(cfg, bins, p, cfg.totalLines))
	}
	for _, floods := range []int{0, cfg.floods} {
		logf("latency, %d flooding process(es)", floods)
		res.latency = append(res.latency, runLatency(cfg, bins, floods))
	}
	for _, n := range cfg.scaleSizes {
		logf("scale, %d processes", n)
		res.scale = append(res.scale, runScale(cfg, bins, n))
	}
	logf("hot path benchmarks in %s", hotPathPackage)
	res.hotPath, res.hotPathErr = hotPath(cfg, d)

	res.machine = describe(d, cfg, *prebuilt, args, time.Since(began))
	res.machine.load = fmt.Sprintf("%s before, %s after (1, 5, 15 min)", loadBefore, loadAverage())
	if err := write(res, *out); err != nil {
		logf("%v", err)
		return 1
	}
	rows := res.rows()
	missed := 0
	for _, r := range rows {
		if r.result == fail {
			missed++
		}
	}
	logf("done in %v: %d of %d targets missed", time.Since(began).Round(time.Second), missed, countTargets(rows))
	if *out == "" {
		res.writeMarkdown(stdout, "")
	}
	if f := res.failures(); len(f) > 0 {
		for _, s := range f {
			logf("failed: %s", s)
		}
		return 1
	}
	return 0
}

// write writes the results to out and the plot beside it; nothing when out
// is empty (the caller prints the table instead).
func write(res *results, out string) error {
	if out == "" {
		return nil
	}
	const svgName = "throughput.svg"
	var svg bytes.Buffer
	title := fmt.Sprintf("Throughput, %s MB of %d-byte lines, %d CPUs", res.machine.dataMB, line.Size, runtime.NumCPU())
	if err := writeSVG(&svg, res.throughput, title); err != nil {
		return fmt.Errorf("drawing the plot: %w", err)
	}
	svgPath := filepath.Join(filepath.Dir(out), svgName)
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(svgPath, svg.Bytes(), 0o644); err != nil {
		return err
	}
	var md bytes.Buffer
	res.writeMarkdown(&md, svgName)
	return os.WriteFile(out, md.Bytes(), 0o644)
}

// describe notes the machine, the toolchain and the hancho measured.
func describe(d dirs, cfg config, prebuilt string, args []string, elapsed time.Duration) machine {
	m := machine{
		date:    time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		reps:    cfg.reps,
		elapsed: elapsed.Round(time.Second).String(),
		command: strings.TrimSpace("cd bench && go run . " + strings.Join(args, " ")),
		cpus:    fmt.Sprintf("%d", runtime.NumCPU()),
		kernel:  "unknown",
		dataMB:  fmt.Sprintf("%g", float64(cfg.totalLines*line.Size)/1e6),
	}
	if info, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for l := range strings.Lines(string(info)) {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.cpus += " × " + strings.TrimSpace(v)
				break
			}
		}
	}
	if rel, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.kernel = "Linux " + strings.TrimSpace(string(rel))
	}
	if v, err := goCmd(d.bench, "env", "GOVERSION"); err == nil {
		m.goVersion = strings.TrimSpace(v) + " " + runtime.GOOS + "/" + runtime.GOARCH
	}
	if prebuilt != "" {
		m.hancho = "prebuilt binary " + prebuilt
	} else if rev, err := gitDescribe(d.repo); err == nil {
		m.hancho = "built from commit " + rev
	}
	return m
}

// loadAverage returns the first three fields of /proc/loadavg: the number
// of runnable processes averaged over 1, 5 and 15 minutes. Other work on the
// machine while the figures were taken shows there.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// gitDescribe names the commit hancho was built from, marked when the work
// tree had changes.
func gitDescribe(repo string) (string, error) {
	out, err := runOutput(repo, "git", "describe", "--always", "--dirty")
	return strings.TrimSpace(out), err
}

// stopOnSignal makes an interrupted benchmark take down every process it
// started (they run in process groups of their own, out of the terminal's
// reach) and its scratch directory before exiting.
func stopOnSignal(tmp string) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		s := <-sig
		n := killMarked(harnessTag())
		os.RemoveAll(tmp)
		fmt.Fprintf(os.Stderr, "bench: %v: killed %d process(es)\n", s, n)
		os.Exit(130)
	}()
}
