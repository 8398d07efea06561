package supervise

import (
	"fmt"
	"github.com/hancho-dev/hancho/internal/proctree"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

// Guard runs hancho's supervisor as its child and makes sure nothing
// outlives the pair, whatever ends them:
//
//   - killed with SIGKILL, the guard takes the supervisor with it: the
//     supervisor gets SIGTERM as its parent-death signal and shuts down
//     gracefully;
//   - if the supervisor dies (SIGKILL, the OOM killer), its processes
//     become the guard's (a child subreaper) and the guard stops them:
//     SIGTERM, then SIGKILL after timeout.
//
// Signals sent to the guard are forwarded to the supervisor, which runs in
// its own process group so that a Ctrl-C reaches it once. Guard returns
// the supervisor's exit code.
func Guard(args, env []string, timeout time.Duration, stderr io.Writer) int {
	if err := becomeSubreaper(); err != nil {
		fmt.Fprintf(stderr, "hancho: warning: cannot become a child subreaper: %v\n", err)
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "hancho: cannot find own executable: %v\n", err)
		return 1
	}
	none := make(chan struct{}, 1)
	r := newReaper(nil, func() {
		select {
		case none <- struct{}{}:
		default:
		}
	})
	defer r.stop()
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGQUIT)
	defer signal.Stop(sigs)

	env = append(env, fmt.Sprintf("%s=%d", GuardEnv, os.Getpid()))
	type result struct {
		pid    int
		exited <-chan Status
		err    error
	}
	started := make(chan result)
	go func() {
		// The parent-death signal fires when the thread that forked the
		// child ends, so that thread must live as long as the child does.
		runtime.LockOSThread()
		attr := &syscall.ProcAttr{
			Env:   env,
			Files: []uintptr{0, 1, 2},
			Sys:   &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM},
		}
		pid, exited, err := r.spawnWait(func() (int, error) { return syscall.ForkExec(self, args, attr) })
		started <- result{pid, exited, err}
		if err == nil {
			select {} // keep this thread for the child's life; the process exits around it
		}
	}()
	res := <-started
	if res.err != nil {
		fmt.Fprintf(stderr, "hancho: cannot start the supervisor: %v\n", res.err)
		return 1
	}
	for {
		select {
		case sig := <-sigs:
			syscall.Kill(res.pid, sig.(syscall.Signal))
		case st := <-res.exited:
			if st.Signal != 0 {
				fmt.Fprintf(stderr, "hancho: the supervisor was killed by %s; stopping what it left\n", signalName(syscall.Signal(st.Signal)))
			}
			sweep(r, none, timeout)
			return st.ExitCode()
		}
	}
}

// sweep stops every descendant left: SIGTERM, then SIGKILL after timeout.
func sweep(r *reaper, none <-chan struct{}, timeout time.Duration) {
	left := proctree.Descendants(os.Getpid())
	if len(left) == 0 {
		return
	}
	for _, pid := range left {
		syscall.Kill(pid, syscall.SIGTERM)
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for len(proctree.Descendants(os.Getpid())) > 0 {
		r.poke()
		select {
		case <-none:
		case <-deadline.C:
			for _, pid := range proctree.Descendants(os.Getpid()) {
				syscall.Kill(pid, syscall.SIGKILL)
			}
			deadline.Reset(timeout)
		}
	}
}
