package supervise

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// becomeSubreaper makes orphaned descendants (a setsid() job, a daemon
// that double-forked, the child of a parent that exited on SIGTERM) this
// process's children, so they can be found and stopped.
func becomeSubreaper() error {
	return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
}

// descendants lists every living descendant of pid, parents first.
func descendants(pid int) []int {
	var out []int
	queue := children(pid)
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		out = append(out, p)
		queue = append(queue, children(p)...)
	}
	return out
}

// children lists pid's direct children from /proc/PID/task/*/children.
func children(pid int) []int {
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

// groupBelowShell lists the living members of the process group led by
// pid, the leader excepted, when the leader is still running shellExe;
// ok is false when it is not (it exec'd the command, or shellExe is "").
func groupBelowShell(pid int, shellExe string) (members []int, ok bool) {
	if shellExe == "" {
		return nil, false
	}
	if exe, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe"); err != nil || exe != shellExe {
		return nil, false
	}
	for _, m := range groupMembers(pid) {
		if m != pid {
			members = append(members, m)
		}
	}
	return members, true
}

// groupMembers lists the living members of process group pgid. They are
// found among this process's descendants: as a child subreaper it owns
// every process its children started.
func groupMembers(pgid int) []int {
	var out []int
	for _, d := range descendants(os.Getpid()) {
		if state, g, ok := stat(d); ok && g == pgid && state != 'Z' {
			out = append(out, d)
		}
	}
	return out
}

// groupAlive reports whether process group pgid has a member left; one
// that has exited counts until it is reaped, which hancho hears of (it
// reaps the orphans), so the last exit is always an event.
func groupAlive(pgid int) bool {
	err := syscall.Kill(-pgid, 0)
	return err == nil || err == syscall.EPERM
}

// stat returns a process's state letter and process group.
func stat(pid int) (state byte, pgid int, ok bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, 0, false
	}
	fields := strings.Fields(string(data[i+1:]))
	if len(fields) < 3 || len(fields[0]) == 0 {
		return 0, 0, false
	}
	pgid, _ = strconv.Atoi(fields[2])
	return fields[0][0], pgid, true
}

// StartTime returns a process's start time in clock ticks since boot
// (field 22 of /proc/PID/stat), which tells a process from a later one
// that reuses its pid.
func StartTime(pid int) (uint64, bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// The command name (field 2) may hold spaces and parentheses.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, false
	}
	fields := strings.Fields(string(data[i+1:]))
	if len(fields) < 20 {
		return 0, false
	}
	v, err := strconv.ParseUint(fields[19], 10, 64)
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
