package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/PID/stat. It
// is 100 on every Linux architecture Go supports.
const clockTicks = 100

// pids lists the process ids in /proc.
func pids() ([]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("listing processes: %w", err)
	}
	var out []int
	for _, e := range entries {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			out = append(out, pid)
		}
	}
	return out, nil
}

// processesOf returns the processes of one run (see marked) that run the
// executable at path: hancho and, if it runs as more than one process (a
// guard and a supervisor), all of them, but not the children it started,
// which run other programs.
func processesOf(path, marker string) ([]int, error) {
	path, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, err
	}
	var out []int
	for _, pid := range marked(runTag(marker)) {
		if exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); err == nil && exe == path {
			out = append(out, pid)
		}
	}
	return out, nil
}

// rssBytes returns the resident set size of pid (VmRSS).
func rssBytes(pid int) (int64, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for l := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			f := strings.Fields(v) // "1234 kB"
			if len(f) != 2 || f[1] != "kB" {
				return 0, fmt.Errorf("/proc/%d/status: odd VmRSS line %q", pid, l)
			}
			kb, err := strconv.ParseInt(f[0], 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("/proc/%d/status has no VmRSS line", pid)
}

// cpuTicks returns the CPU time pid has used, utime + stime, in clock ticks.
func cpuTicks(pid int) (int64, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, field 2, may hold spaces: count fields after its ")".
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(string(stat[i+1:])) // f[0] is field 3, state
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: only %d fields", pid, len(f)+2)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: utime %q, stime %q", pid, f[11], f[12])
	}
	return utime + stime, nil
}

// sum adds up measure over pids.
func sum(pids []int, measure func(int) (int64, error)) (int64, error) {
	var total int64
	for _, pid := range pids {
		v, err := measure(pid)
		if err != nil {
			return 0, err
		}
		total += v
	}
	return total, nil
}

// markerVar names the environment variable that tags every process a run
// starts, and all their descendants, so that none outlives its run unseen.
const markerVar = "HANCHO_BENCH_RUN"

// runTag is what marks the environment of one run's processes.
func runTag(marker string) string { return markerVar + "=" + marker + "\x00" }

// harnessTag is what marks the environment of every process this harness
// started, in any run: markers begin with the harness's pid.
func harnessTag() string { return fmt.Sprintf("%s=%d-", markerVar, os.Getpid()) }

// marked returns the live processes whose environment holds tag. Zombies
// have no environment and are not returned.
func marked(tag string) []int {
	all, err := pids()
	if err != nil {
		return nil
	}
	var out []int
	for _, pid := range all {
		env, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
		if err == nil && bytes.Contains(env, []byte(tag)) {
			out = append(out, pid)
		}
	}
	return out
}

// killMarked kills every process whose environment holds tag and returns
// how many there were.
func killMarked(tag string) int {
	left := marked(tag)
	for _, pid := range left {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	return len(left)
}
