package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"syscall"
	"time"
)

// scaleResult is one number of processes' figures over all repetitions.
type scaleResult struct {
	N        int
	launch   [numSides][]float64 // seconds until every process's line arrived
	shutdown [numSides][]float64 // seconds from the stop signal to exit
	rss      []float64           // bytes, hancho's processes summed, once all are up
	procs    int                 // how many processes run the hancho binary
	idle     time.Duration       // the window idle CPU was measured over; 0 if it was not
	idleCPU  int64               // clock ticks hancho used in that window
	leftover int                 // processes still running after hancho exited, summed
	errs     [numSides]error     // the first failure, after which the side is skipped
}

// readyLine is what each process of the scale workload prints.
const readyLine = "ready p"

// sleeper is the command line of every process: print one line, then sleep
// until stopped (sleep stops on SIGTERM). $n is the process's number: the
// shell loop's counter, or the PORT hancho gives each instance.
func sleeper(n string) string { return fmt.Sprintf("echo %s%s; exec sleep 3600", readyLine, n) }

// runScale starts n processes that each print a line and sleep, from a
// plain shell loop and from hancho in turn.
func runScale(cfg config, bins binaries, n int) *scaleResult {
	r := &scaleResult{N: n}
	for rep := range cfg.reps {
		for s := range numSides {
			if r.errs[s] != nil {
				continue
			}
			var err error
			if s == baseline {
				err = scaleShell(cfg, r)
			} else {
				err = scaleHancho(cfg, bins, r, rep == 0)
			}
			if err != nil {
				r.errs[s] = fmt.Errorf("repetition %d: %w", rep+1, err)
			}
		}
	}
	return r
}

// readyCounter is done once n ready lines have arrived.
func readyCounter(n int) until {
	seen := 0
	return func(lines []byte, _ int64, _ time.Time) bool {
		seen += bytes.Count(lines, []byte(readyLine))
		return seen >= n
	}
}

// scaleShell launches the processes from one shell loop writing into one
// pipe, then stops them the way a terminal's process group is stopped:
// SIGTERM to the group. The shell traps SIGTERM only to go on waiting, so
// that it exits once it has reaped every process, as hancho does.
func scaleShell(cfg config, r *scaleResult) error {
	script := fmt.Sprintf(`trap : TERM
for i in $(seq 1 %d); do /bin/sh -c "%s" & done
wait
wait`, r.N, sleeper("$i"))
	g, err := startGroup([]*exec.Cmd{exec.Command("/bin/sh", "-c", script)}, false, 0, readyCounter(r.N))
	if err != nil {
		return err
	}
	defer g.close()
	took, err := g.waitDone(cfg.deadline)
	if err != nil {
		return err
	}
	sent := g.signal(syscall.SIGTERM, true)
	exited, err := g.waitExit(cfg.deadline)
	if err != nil {
		return err
	}
	r.launch[baseline] = append(r.launch[baseline], took.Seconds())
	r.shutdown[baseline] = append(r.shutdown[baseline], exited.Sub(sent).Seconds())
	return g.waitEOF(cfg.deadline)
}

// scaleHancho launches the processes from hancho, measures its memory and,
// when measureIdle is set, its CPU use while they all sleep, then stops it
// with SIGINT. The processes are N instances of one type (-c p=N): a
// Procfile of 1,000 types cannot be run, since each type's PORT is 100
// above the last one's.
func scaleHancho(cfg config, bins binaries, r *scaleResult, measureIdle bool) error {
	procfile := "p: " + sleeper("$PORT") + "\n"
	cmd, err := hanchoCmd(cfg, bins, procfile, "-c", fmt.Sprintf("p=%d", r.N))
	if err != nil {
		return err
	}
	g, err := startGroup([]*exec.Cmd{cmd}, false, 0, readyCounter(r.N))
	if err != nil {
		return err
	}
	defer g.close()
	took, err := g.waitDone(cfg.deadline)
	if err != nil {
		return err
	}

	pids, err := processesOf(bins.hancho, g.marker)
	if err != nil {
		return err
	}
	if len(pids) == 0 {
		return fmt.Errorf("found no process running %s with this run's %s in its environment", bins.hancho, markerVar)
	}
	rss, err := sum(pids, rssBytes)
	if err != nil {
		return fmt.Errorf("reading hancho's memory: %w", err)
	}
	if measureIdle {
		if err := measureIdleCPU(cfg, g, pids, r); err != nil {
			return err
		}
	}

	sent := g.signal(syscall.SIGINT, false)
	exited, err := g.waitExit(cfg.deadline)
	if err != nil {
		return err
	}
	left := len(marked(runTag(g.marker)))
	r.launch[underHancho] = append(r.launch[underHancho], took.Seconds())
	r.shutdown[underHancho] = append(r.shutdown[underHancho], exited.Sub(sent).Seconds())
	r.rss = append(r.rss, float64(rss))
	r.procs = len(pids)
	r.leftover += left
	if left > 0 {
		return nil // the pipe stays open until close kills them
	}
	return g.waitEOF(cfg.deadline)
}

// measureIdleCPU notes the CPU time hancho's processes use over cfg.idle
// while every process it runs sleeps. The window is the measurement itself,
// not a wait for anything; it ends early only if hancho exits.
func measureIdleCPU(cfg config, g *group, pids []int, r *scaleResult) error {
	before, err := sum(pids, cpuTicks)
	if err != nil {
		return fmt.Errorf("reading hancho's CPU time: %w", err)
	}
	window := time.NewTimer(cfg.idle)
	defer window.Stop()
	select {
	case <-window.C:
	case <-g.exited:
		return fmt.Errorf("hancho exited while idle (%v)%s", g.errs, g.stderrTail())
	}
	after, err := sum(pids, cpuTicks)
	if err != nil {
		return fmt.Errorf("reading hancho's CPU time: %w", err)
	}
	r.idle, r.idleCPU = cfg.idle, after-before
	return nil
}
