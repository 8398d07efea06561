// Package proctree reads the process tree from /proc: children,
// descendants, start times and command lines. Off Linux it knows nothing
// and says so with empty answers.
package proctree

import (
	"bytes"
	"os"
	"strconv"
	"strings"
)

// Descendants lists every living descendant of pid, parents first.
func Descendants(pid int) []int {
	var out []int
	queue := Children(pid)
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		out = append(out, p)
		queue = append(queue, Children(p)...)
	}
	return out
}

// Children lists pid's direct children, from /proc/PID/task/*/children.
func Children(pid int) []int {
	base := "/proc/" + strconv.Itoa(pid) + "/task"
	tasks, err := os.ReadDir(base)
	if err != nil {
		return nil
	}
	var out []int
	for _, t := range tasks {
		data, err := os.ReadFile(base + "/" + t.Name() + "/children")
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(data)) {
			if c, err := strconv.Atoi(f); err == nil {
				out = append(out, c)
			}
		}
	}
	return out
}

// statFields returns the fields of /proc/PID/stat after the command name
// (which may hold spaces and parentheses): fields[0] is the state.
func statFields(pid int) []string {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil
	}
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(string(data[i+1:]))
}

// Stat returns a process's state letter ('R', 'S', 'Z'...) and process group.
func Stat(pid int) (state byte, pgid int, ok bool) {
	f := statFields(pid)
	if len(f) < 3 || f[0] == "" {
		return 0, 0, false
	}
	pgid, _ = strconv.Atoi(f[2])
	return f[0][0], pgid, true
}

// StartTime returns a process's start time in clock ticks since boot,
// which tells a process from a later one that reuses its pid.
func StartTime(pid int) (uint64, bool) {
	f := statFields(pid)
	if len(f) < 20 {
		return 0, false
	}
	v, err := strconv.ParseUint(f[19], 10, 64)
	return v, err == nil
}

// CommandLine returns a process's command line, for messages.
func CommandLine(pid int) string {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(bytes.ReplaceAll(data, []byte{0}, []byte{' '})))
}
