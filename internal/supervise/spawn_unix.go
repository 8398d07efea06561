//go:build unix

package supervise

import (
	"os"
	"path/filepath"
	"syscall"
)

// Shell runs every Procfile command, as honcho and foreman do.
const Shell = "/bin/sh"

// started is a process that is running.
type started struct {
	pid    int
	output *os.File // read end of its merged stdout and stderr
}

// launcher starts processes: each in its own process group, stdin from
// /dev/null, stdout and stderr into one new pipe.
type launcher struct {
	reaper   *reaper
	devnull  *os.File
	shellExe string // Shell with symlinks resolved ("/usr/bin/dash"), or ""
}

func newLauncher(r *reaper) (*launcher, error) {
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return nil, err
	}
	exe, _ := filepath.EvalSymlinks(Shell)
	return &launcher{reaper: r, devnull: devnull, shellExe: exe}, nil
}

func (l *launcher) close() { l.devnull.Close() }

// start runs command through the shell in dir with env; onExit gets its
// status (see reaper.spawn).
func (l *launcher) start(command string, env []string, dir string, onExit func(Status)) (*started, error) {
	rd, wr, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	growPipe(wr)
	attr := &syscall.ProcAttr{
		Dir:   dir,
		Env:   env,
		Files: []uintptr{l.devnull.Fd(), wr.Fd(), wr.Fd()},
		Sys:   &syscall.SysProcAttr{Setpgid: true},
	}
	pid, err := l.reaper.spawn(func() (int, error) {
		return syscall.ForkExec(Shell, []string{Shell, "-c", command}, attr)
	}, onExit)
	wr.Close()
	if err != nil {
		rd.Close()
		return nil, err
	}
	return &started{pid: pid, output: rd}, nil
}

// forward passes a signal hancho got (SIGUSR1, SIGUSR2) to the process
// led by pid and everything in its group, but not to the shell that runs
// the Procfile command when it is still there: Debian's /bin/sh (dash)
// does not exec the last command of `sh -c`, and has no handler for these
// signals, so it would die of them and hancho would see the process exit.
func (l *launcher) forward(pid int, sig syscall.Signal) {
	members, ok := groupBelowShell(pid, l.shellExe)
	if !ok {
		signalGroup(pid, sig)
		return
	}
	for _, m := range members {
		syscall.Kill(m, sig)
	}
}

// signalGroup sends sig to the process group led by pid, falling back to
// the pid alone when the group is gone.
func signalGroup(pid int, sig syscall.Signal) {
	if err := syscall.Kill(-pid, sig); err == syscall.ESRCH {
		syscall.Kill(pid, sig)
	}
}
