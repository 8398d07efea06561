package main

import (
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hancho-dev/hancho/bench/internal/line"
	"github.com/hancho-dev/hancho/bench/internal/stats"
)

// side is one half of a comparison: the baseline or hancho.
type side int

const (
	baseline side = iota
	underHancho
	numSides
)

// latencyResult is one latency workload's figures over all repetitions.
type latencyResult struct {
	floods int                 // processes flooding output beside the probe
	p50    [numSides][]float64 // milliseconds, one per repetition
	p99    [numSides][]float64 // milliseconds, one per repetition
	errs   [numSides]error     // the first failure, after which the side is skipped
}

// runLatency measures how long the probe's lines take to arrive, beside
// floods flooding processes, with no manager and under hancho in turn.
func runLatency(cfg config, bins binaries, floods int) *latencyResult {
	r := &latencyResult{floods: floods}
	for rep := range cfg.reps {
		for s := range numSides {
			if r.errs[s] != nil {
				continue
			}
			lat, err := latencyOnce(cfg, bins, floods, s)
			if err != nil {
				r.errs[s] = fmt.Errorf("repetition %d: %w", rep+1, err)
				continue
			}
			// The first tenth of the probe's lines are sent while the
			// processes are still starting: leave them out.
			lat = lat[len(lat)/10:]
			r.p50[s] = append(r.p50[s], float64(stats.Percentile(lat, 50))/1e6)
			r.p99[s] = append(r.p99[s], float64(stats.Percentile(lat, 99))/1e6)
		}
	}
	return r
}

// latencyOnce runs the probe and the floods once and returns each probe
// line's latency in nanoseconds, in the order the probe sent them.
func latencyOnce(cfg config, bins binaries, floods int, s side) ([]int64, error) {
	probeArgs := []string{"-n", strconv.Itoa(cfg.probes), "-interval", cfg.probeInterval.String()}
	floodArgs := func(i int) []string { return []string{"-name", fmt.Sprintf("f%02d", i+1), "-n", "0"} }

	var cmds []*exec.Cmd
	if s == baseline {
		cmds = append(cmds, exec.Command(bins.probe, probeArgs...))
		for i := range floods {
			cmds = append(cmds, exec.Command(bins.gen, floodArgs(i)...))
		}
	} else {
		procfile := fmt.Sprintf("probe: exec %s %s\n", bins.probe, strings.Join(probeArgs, " "))
		for i := range floods {
			procfile += fmt.Sprintf("f%02d: exec %s %s\n", i+1, bins.gen, strings.Join(floodArgs(i), " "))
		}
		cmd, err := hanchoCmd(cfg, bins, procfile)
		if err != nil {
			return nil, err
		}
		cmds = append(cmds, cmd)
	}

	lat := make([]int64, cfg.probes)
	g, err := startGroup(cmds, false, 0, probeCollector(lat))
	if err != nil {
		return nil, err
	}
	defer g.close()
	if _, err := g.waitDone(cfg.deadline + time.Duration(cfg.probes)*cfg.probeInterval); err != nil {
		return nil, err
	}
	if s == baseline {
		g.signal(syscall.SIGTERM, false)
	} else {
		g.signal(syscall.SIGINT, false)
	}
	if _, err := g.waitExit(cfg.deadline); err != nil {
		return nil, err
	}
	return lat, g.waitEOF(cfg.deadline)
}

// probeCollector fills lat[seq] with the latency of probe line seq and is
// done once every line has arrived.
func probeCollector(lat []int64) until {
	arrived := make([]bool, len(lat))
	left := len(lat)
	return func(lines []byte, _ int64, at time.Time) bool {
		for {
			text, rest, ok := line.NextProbe(lines)
			if !ok {
				return left == 0
			}
			lines = rest
			seq, sent, err := line.ParseProbe(text)
			if err != nil || seq < 0 || seq >= len(lat) || arrived[seq] {
				continue
			}
			arrived[seq] = true
			lat[seq] = at.UnixNano() - sent
			left--
		}
	}
}
