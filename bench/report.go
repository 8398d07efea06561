package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/hancho-dev/hancho/bench/internal/stats"
)

// results is everything one benchmark run found.
type results struct {
	machine    machine
	throughput []*throughputResult
	latency    []*latencyResult
	scale      []*scaleResult
	hotPath    []benchResult
	hotPathErr error
}

// machine describes where and how the figures were taken.
type machine struct {
	date, cpus, kernel, goVersion, hancho, command string
	load                                           string // load averages before and after
	dataMB                                         string // throughput: MB written per run
	reps                                           int
	elapsed                                        string
}

// row is one line of the results table.
type row struct {
	workload, figure, hancho, limit, ratio, target, result string
}

// Outcomes in the result column.
const (
	pass   = "pass"
	fail   = "**FAIL**"
	noTarg = "—"
)

// verdict gives the result column for a figure that met its target or not.
func verdict(ok bool) string {
	if ok {
		return pass
	}
	return fail
}

// rows turns the results into the table, one row per figure.
func (res *results) rows() []row {
	var rows []row
	for _, t := range res.throughput {
		limitMBps := t.mbps(limit)
		for _, m := range []throughputMode{prefixed, bare} {
			name, minRatio := "with prefixes and timestamps", 0.8
			if m == bare {
				name, minRatio = "with --no-prefix", 0.9
			}
			r := row{
				workload: fmt.Sprintf("Throughput, P=%d", t.P),
				figure:   "MB/s " + name,
				limit:    mbps(limitMBps, t.errs[limit]),
				hancho:   mbps(t.mbps(m), t.errs[m]),
				target:   fmt.Sprintf("≥ %.1fx", minRatio),
			}
			if h := t.mbps(m); h > 0 && limitMBps > 0 {
				r.ratio = fmt.Sprintf("%.2fx", h/limitMBps)
				r.result = verdict(h/limitMBps >= minRatio && t.errs[m] == nil)
			} else {
				r.ratio, r.result = noTarg, fail
			}
			rows = append(rows, r)
		}
		for _, m := range []throughputMode{prefixed, bare} {
			name := "prefixes"
			if m == bare {
				name = "--no-prefix"
			}
			rows = append(rows, row{
				workload: fmt.Sprintf("Integrity, P=%d", t.P),
				figure:   fmt.Sprintf("lost/torn/dup/reordered/misattributed (%s, all runs)", name),
				hancho:   fmt.Sprintf("%s of %d lines", t.check[m], t.check[m].Lines),
				limit:    noTarg,
				ratio:    noTarg,
				target:   "0/0/0/0/0",
				result:   verdict(len(t.secs[m]) > 0 && t.check[m].OK()),
			})
		}
	}

	for _, l := range res.latency {
		load, maxMs := "idle", 1.0
		if l.floods > 0 {
			load, maxMs = fmt.Sprintf("%d processes flooding", l.floods), 10.0
		}
		for _, p := range []struct {
			name   string
			values [numSides][]float64
			target bool
		}{{"p50", l.p50, false}, {"p99", l.p99, true}} {
			r := row{
				workload: "Latency, " + load,
				figure:   p.name + " ms, line written to line read",
				hancho:   ms(p.values[underHancho], l.errs[underHancho]),
				limit:    ms(p.values[baseline], l.errs[baseline]),
				ratio:    noTarg,
				target:   noTarg,
				result:   noTarg,
			}
			if p.target {
				h := stats.Median(p.values[underHancho])
				r.target = fmt.Sprintf("< %g ms", maxMs)
				r.result = verdict(l.errs[underHancho] == nil && h < maxMs)
			} else if l.errs[underHancho] != nil {
				r.result = fail
			}
			rows = append(rows, r)
		}
	}

	for _, s := range res.scale {
		w := fmt.Sprintf("Scale, %d processes", s.N)
		shell, han := stats.Median(s.launch[baseline]), stats.Median(s.launch[underHancho])
		r := row{
			workload: w, figure: "s until every line arrived",
			hancho: secs(s.launch[underHancho], s.errs[underHancho]),
			limit:  secs(s.launch[baseline], s.errs[baseline]) + " (shell loop)",
			ratio:  noTarg, target: "≤ 1.1x", result: fail,
		}
		if han > 0 && shell > 0 {
			r.ratio = fmt.Sprintf("%.2fx", han/shell)
			r.result = verdict(han/shell <= 1.1)
		}
		rows = append(rows, r)

		rssTarget := map[int]float64{100: 8, 1000: 25}[s.N]
		r = row{
			workload: w, figure: fmt.Sprintf("hancho's RSS, MiB (%d process(es))", s.procs),
			hancho: noTarg, limit: noTarg, ratio: noTarg, target: noTarg, result: noTarg,
		}
		if len(s.rss) > 0 {
			rss := stats.Median(s.rss) / (1 << 20)
			r.hancho = fmt.Sprintf("%.1f", rss)
			if rssTarget > 0 {
				r.target = fmt.Sprintf("≤ %g MiB", rssTarget)
				r.result = verdict(rss <= rssTarget)
			}
		} else {
			r.hancho, r.result = "error", fail
		}
		rows = append(rows, r)

		if s.idle > 0 {
			rows = append(rows, row{
				workload: w, figure: fmt.Sprintf("hancho's CPU while idle over %v", s.idle),
				hancho: fmt.Sprintf("%d ticks (%d ms)", s.idleCPU, s.idleCPU*1000/clockTicks),
				limit:  noTarg, ratio: noTarg, target: "0", result: verdict(s.idleCPU == 0),
			})
		}

		shutTarget := map[int]float64{100: 0.02, 1000: 0.2}[s.N]
		shellStop, hanStop := stats.Median(s.shutdown[baseline]), stats.Median(s.shutdown[underHancho])
		r = row{
			workload: w, figure: "s from SIGINT to exit",
			hancho: secs(s.shutdown[underHancho], s.errs[underHancho]),
			limit:  secs(s.shutdown[baseline], s.errs[baseline]) + " (SIGTERM to the shell's group)",
			ratio:  noTarg, target: noTarg, result: noTarg,
		}
		if hanStop > 0 && shellStop > 0 {
			r.ratio = fmt.Sprintf("%.2fx", hanStop/shellStop)
		}
		if shutTarget > 0 {
			r.target = fmt.Sprintf("≤ %g s", shutTarget)
			r.result = verdict(len(s.shutdown[underHancho]) > 0 && hanStop <= shutTarget)
		}
		rows = append(rows, r)

		rows = append(rows, row{
			workload: w, figure: "processes still running after hancho exited (all runs)",
			hancho: fmt.Sprint(s.leftover), limit: noTarg, ratio: noTarg, target: "0",
			result: verdict(s.leftover == 0 && len(s.shutdown[underHancho]) > 0),
		})
	}

	for _, b := range res.hotPath {
		// Prefer the benchmark's own per-line figures when it reports them.
		unit, allocs, ok := "allocs/line", 0.0, false
		if allocs, ok = b.metrics[unit]; !ok {
			unit = "allocs/op"
			allocs, ok = b.metrics[unit]
		}
		speed := fmt.Sprintf("%g ns/op", b.metrics["ns/op"])
		if ns, ok := b.metrics["ns/line"]; ok {
			speed = fmt.Sprintf("%g ns/line", ns)
		}
		rows = append(rows, row{
			workload: "Hot path", figure: strings.TrimPrefix(b.name, "Benchmark") + ", " + unit,
			hancho: fmt.Sprintf("%g (%s)", allocs, speed),
			limit:  noTarg, ratio: noTarg, target: "0 per line", result: verdict(ok && allocs == 0),
		})
	}
	return rows
}

// mbps formats a throughput, or says the run failed.
func mbps(v float64, err error) string {
	if v == 0 {
		return "error"
	}
	if err != nil {
		return fmt.Sprintf("%.0f (then error)", v)
	}
	return fmt.Sprintf("%.0f", v)
}

// ms formats the median of latencies in milliseconds.
func ms(vs []float64, err error) string {
	if len(vs) == 0 {
		return "error"
	}
	s := fmt.Sprintf("%.3f", stats.Median(vs))
	if err != nil {
		s += " (then error)"
	}
	return s
}

// secs formats the median of durations in seconds.
func secs(vs []float64, err error) string {
	if len(vs) == 0 {
		return "error"
	}
	s := fmt.Sprintf("%.3f", stats.Median(vs))
	if err != nil {
		s += " (then error)"
	}
	return s
}

// failures lists every run that failed, for the notes below the table.
func (res *results) failures() []string {
	var out []string
	add := func(what string, err error) {
		if err != nil {
			out = append(out, fmt.Sprintf("%s: %v", what, err))
		}
	}
	names := [numModes]string{limit: "limit", prefixed: "hancho", bare: "hancho --no-prefix"}
	for _, t := range res.throughput {
		for m := range numModes {
			add(fmt.Sprintf("throughput P=%d, %s", t.P, names[m]), t.errs[m])
		}
	}
	sides := [numSides]string{baseline: "baseline", underHancho: "hancho"}
	for _, l := range res.latency {
		for s := range numSides {
			add(fmt.Sprintf("latency with %d floods, %s", l.floods, sides[s]), l.errs[s])
		}
	}
	for _, s := range res.scale {
		for i := range numSides {
			add(fmt.Sprintf("scale %d, %s", s.N, sides[i]), s.errs[i])
		}
	}
	add("hot path benchmarks", res.hotPathErr)
	return out
}

// writeMarkdown writes RESULTS.md; svg names the plot beside it, if any.
func (res *results) writeMarkdown(w io.Writer, svg string) {
	m := res.machine
	fmt.Fprintf(w, "# hancho benchmark results\n\n")
	fmt.Fprintf(w, "Written by `%s` on %s in %s. Every figure was measured in the same run as its\n", m.command, m.date, m.elapsed)
	fmt.Fprintf(w, "baseline, the two taking turns; each is the median of %d repetition(s).\n\n", m.reps)
	fmt.Fprintf(w, "| machine | |\n|---|---|\n")
	fmt.Fprintf(w, "| CPUs | %s |\n| kernel | %s |\n| Go | %s |\n| hancho | %s |\n", m.cpus, m.kernel, m.goVersion, m.hancho)
	fmt.Fprintf(w, "| load average | %s |\n\n", m.load)

	fmt.Fprintf(w, "| workload | figure | hancho | baseline (limit) | ratio | target | result |\n")
	fmt.Fprintf(w, "|---|---|---:|---:|---:|---|---|\n")
	rows := res.rows()
	missed := 0
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", r.workload, r.figure, r.hancho, r.limit, r.ratio, r.target, r.result)
		if r.result == fail {
			missed++
		}
	}
	fmt.Fprintf(w, "\n%d of %d figures with a target missed it.\n", missed, countTargets(rows))

	if svg != "" {
		fmt.Fprintf(w, "\n## Throughput against the number of processes\n\n![throughput](%s)\n", svg)
	}

	fmt.Fprintf(w, "\n## Hot path: `go test -run='^$' -bench=. -benchmem %s`\n\n", hotPathPackage)
	switch {
	case res.hotPathErr != nil:
		fmt.Fprintf(w, "The benchmarks failed; see below.\n")
	case len(res.hotPath) == 0:
		fmt.Fprintf(w, "hancho's output package has no benchmarks yet.\n")
	default:
		fmt.Fprintf(w, "```\n")
		for _, b := range res.hotPath {
			fmt.Fprintln(w, b.raw)
		}
		fmt.Fprintf(w, "```\n")
	}

	fmt.Fprint(w, howMeasured)
	if f := res.failures(); len(f) > 0 {
		fmt.Fprintf(w, "\n## Failed runs\n\n")
		for _, s := range f {
			fmt.Fprintf(w, "- %s\n", strings.ReplaceAll(s, "\n", " "))
		}
	}
}

// countTargets counts the rows that have a target.
func countTargets(rows []row) int {
	n := 0
	for _, r := range rows {
		if r.result != noTarg {
			n++
		}
	}
	return n
}

const howMeasured = `
## How each figure is measured

- **Throughput**: P generators (bench/cmd/gen) each write their share of the data as numbered
  100-byte lines through a 64 KiB buffer, then a sentinel line. The limit is the same
  generators started by the harness with one pipe as their stdout; it is timed from the first
  start to the last byte read. hancho runs them from a Procfile (` + "`exec gen ... -hold`" + `, so
  that none exits and stops the rest) and is timed from its start to the read that brought the
  last sentinel. MB is 10^6 bytes of generator output. Everything hancho printed is then
  checked: every line of every generator exactly once, whole, in that generator's order, behind
  a prefix naming that generator.
- **Latency**: bench/cmd/probe writes one line per interval, carrying the wall-clock time it
  was written; the harness notes when the read that brought it returned. The first tenth of
  the lines (written while everything starts) are left out. "Flooding" adds generators that
  write as fast as they can until stopped. The baseline is the same processes on one pipe.
- **Scale**: each process runs ` + "`echo ready pN; exec sleep 3600`" + ` through /bin/sh -c; under
  hancho they are N instances of one Procfile type (` + "`-c p=N`" + `; N types would need PORTs past
  65535). The baseline is ` + "`for i in $(seq 1 N); do /bin/sh -c \"...\" & done`" + ` into one pipe.
  RSS is VmRSS summed over the processes whose executable is the hancho binary (not its
  children), once every line has arrived. Idle CPU is utime+stime of those processes over the
  window, in clock ticks of 10 ms, measured in the first repetition. Shutdown is from SIGINT
  to hancho's exit (the baseline: SIGTERM to the shell's process group until the shell has
  reaped every child); processes still running after hancho exited are counted, then killed.
`
