package supervise

import (
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/hancho-dev/hancho/internal/proctree"
)

// becomeSubreaper makes orphaned descendants (a setsid() job, a daemon
// that double-forked, the child of a parent that exited on SIGTERM) this
// process's children, so they can be found and stopped.
func becomeSubreaper() error {
	return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
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
	for _, d := range proctree.Descendants(os.Getpid()) {
		if state, g, ok := proctree.Stat(d); ok && g == pgid && state != 'Z' {
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
