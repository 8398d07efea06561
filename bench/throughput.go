package main

import (
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hancho-dev/hancho/bench/internal/integrity"
	"github.com/hancho-dev/hancho/bench/internal/line"
	"github.com/hancho-dev/hancho/bench/internal/stats"
)

// throughputMode is one way of running the throughput workload.
type throughputMode int

const (
	limit    throughputMode = iota // the generators straight into one pipe
	prefixed                       // hancho with timestamps and prefixes
	bare                           // hancho --no-prefix
	numModes
)

// throughputResult is one number of processes' figures over all repetitions.
type throughputResult struct {
	P     int                        // processes
	lines int                        // data lines each process writes
	bytes int64                      // bytes written per run, sentinels included
	secs  [numModes][]float64        // by mode: seconds to the last line, one per repetition
	check [numModes]integrity.Report // hancho's modes: faults summed over repetitions
	errs  [numModes]error            // by mode: the first failure, after which the mode is skipped
}

// mbps returns mode's median throughput in MB/s (10^6 bytes), or 0 if it
// has no successful run.
func (r *throughputResult) mbps(m throughputMode) float64 {
	med := stats.Median(r.secs[m])
	if med == 0 {
		return 0
	}
	return float64(r.bytes) / 1e6 / med
}

// genNames returns the names of p generators: g01, g02, ...
func genNames(p int) []string {
	names := make([]string, p)
	for i := range names {
		names[i] = fmt.Sprintf("g%02d", i+1)
	}
	return names
}

// runThroughput measures p processes writing totalLines data lines between
// them, each repetition running the limit and hancho's modes in turn.
func runThroughput(cfg config, bins binaries, p, totalLines int) *throughputResult {
	r := &throughputResult{P: p, lines: totalLines / p}
	for _, name := range genNames(p) {
		r.bytes += int64(r.lines*line.Size + line.EndSize(name))
	}
	for rep := range cfg.reps {
		for m := range numModes {
			if r.errs[m] != nil {
				continue
			}
			var (
				secs  float64
				check integrity.Report
				err   error
			)
			if m == limit {
				secs, err = throughputLimit(cfg, bins, r)
			} else {
				secs, check, err = throughputHancho(cfg, bins, r, m == bare)
			}
			if err != nil {
				r.errs[m] = fmt.Errorf("repetition %d: %w", rep+1, err)
				continue
			}
			r.secs[m] = append(r.secs[m], secs)
			r.check[m] = r.check[m].Add(check)
		}
	}
	return r
}

// endCounter counts sentinels in what the harness reads, and says when all
// p have arrived. The limit's run counts them too, so that the harness does
// the same work on both sides, but it waits for the byte count instead:
// lines from generators sharing a pipe may be torn.
func endCounter(p int, bytesWanted int64) until {
	ends := 0
	return func(lines []byte, total int64, _ time.Time) bool {
		ends += line.CountEnds(lines)
		if bytesWanted > 0 {
			return total >= bytesWanted
		}
		return ends >= p
	}
}

// throughputLimit runs the generators with no manager, all writing into one
// pipe, and returns the seconds until the last byte arrived.
func throughputLimit(cfg config, bins binaries, r *throughputResult) (float64, error) {
	var cmds []*exec.Cmd
	for _, name := range genNames(r.P) {
		cmds = append(cmds, exec.Command(bins.gen, "-name", name, "-n", strconv.Itoa(r.lines)))
	}
	g, err := startGroup(cmds, true, outputHint(r.bytes), endCounter(r.P, r.bytes))
	if err != nil {
		return 0, err
	}
	defer g.close()
	took, err := g.waitDone(cfg.deadline)
	if err != nil {
		return 0, err
	}
	if _, err := g.waitExit(cfg.deadline); err != nil {
		return 0, err
	}
	return took.Seconds(), g.waitEOF(cfg.deadline)
}

// throughputHancho runs the generators under hancho and returns the seconds
// until the last sentinel arrived and the integrity of all it printed.
func throughputHancho(cfg config, bins binaries, r *throughputResult, noPrefix bool) (float64, integrity.Report, error) {
	var procfile strings.Builder
	want := map[string]int{}
	for _, name := range genNames(r.P) {
		fmt.Fprintf(&procfile, "%s: exec %s -name %s -n %d -hold\n", name, bins.gen, name, r.lines)
		want[name] = r.lines
	}
	var flags []string
	if noPrefix {
		flags = append(flags, "--no-prefix")
	}
	cmd, err := hanchoCmd(cfg, bins, procfile.String(), flags...)
	if err != nil {
		return 0, integrity.Report{}, err
	}
	g, err := startGroup([]*exec.Cmd{cmd}, true, outputHint(r.bytes), endCounter(r.P, 0))
	if err != nil {
		return 0, integrity.Report{}, err
	}
	defer g.close()
	took, err := g.waitDone(cfg.deadline)
	if err != nil {
		return 0, integrity.Report{}, err
	}
	g.signal(syscall.SIGINT, false)
	if _, err := g.waitExit(cfg.deadline); err != nil {
		return 0, integrity.Report{}, err
	}
	if err := g.waitEOF(cfg.deadline); err != nil {
		return 0, integrity.Report{}, err
	}
	return took.Seconds(), integrity.Check(g.data, want), nil
}

// outputHint is how much to reserve for a run's output: the data and room
// for hancho's prefixes, the same on both sides.
func outputHint(data int64) int { return int(data + data/4) }
