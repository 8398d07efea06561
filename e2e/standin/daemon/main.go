//go:build unix

// Command daemon double-forks a daemon, the classic way: the launcher
// starts an intermediate child in a new session (setsid), which starts the
// daemon and exits at once, so the daemon is an orphan in a session of its
// own that no process-group signal reaches. The launcher prints the
// daemon's pid and exits 0 (or, with -hold, waits for SIGTERM/SIGINT).
//
//	daemon [-sleep D] [-ignore-term] [-keep-stdout] [-hold]
//
// The daemon sleeps for -sleep, then exits 0. Like a real daemon it has
// /dev/null as stdin, stdout and stderr, unless -keep-stdout leaves it
// the launcher's stdout (a daemon that holds its manager's pipe).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	sleep := flag.Duration("sleep", time.Hour, "how long the daemon lives")
	ignoreTerm := flag.Bool("ignore-term", false, "the daemon ignores SIGTERM")
	keepStdout := flag.Bool("keep-stdout", false, "the daemon keeps the launcher's stdout")
	hold := flag.Bool("hold", false, "the launcher waits for SIGTERM/SIGINT instead of exiting")
	stage := flag.Int("stage", 0, "internal: 1 is the intermediate child, 2 the daemon")
	flag.Parse()

	switch *stage {
	case 2:
		if *ignoreTerm {
			signal.Ignore(syscall.SIGTERM)
		}
		// Tell the intermediate child that the daemon runs (after the
		// signal disposition is set), through the pipe on fd 3.
		status := os.NewFile(3, "status")
		fmt.Fprintf(status, "%d\n", os.Getpid())
		status.Close()
		if *keepStdout {
			fmt.Printf("daemon running (pid=%d)\n", os.Getpid())
		}
		time.Sleep(*sleep)
		os.Exit(0)
	case 1:
		// The intermediate child: already a session leader; start the
		// daemon (which reports its pid on fd 3) and exit.
		status := os.NewFile(3, "status")
		spawn(2, os.Args[1:], *keepStdout, status)
		os.Exit(0)
	}

	// The launcher.
	stop := make(chan os.Signal, 1)
	if *hold {
		signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	}
	rd, wr, err := os.Pipe()
	if err != nil {
		fail(err)
	}
	mid := spawn(1, os.Args[1:], *keepStdout, wr)
	wr.Close()
	mid.Wait()
	var pid int
	if _, err := fmt.Fscan(bufio.NewReader(rd), &pid); err != nil {
		fail(fmt.Errorf("the daemon did not report its pid: %v", err))
	}
	fmt.Printf("daemon started (pid=%d)\n", pid)
	if *hold {
		<-stop
	}
}

// spawn runs this program again at stage, with status as fd 3. The
// intermediate child gets a new session; the daemon inherits it.
func spawn(stage int, args []string, keepStdout bool, status *os.File) *exec.Cmd {
	self, err := os.Executable()
	if err != nil {
		fail(err)
	}
	// The last -stage wins: args may hold the caller's own.
	cmd := exec.Command(self, append(args[:len(args):len(args)], fmt.Sprintf("-stage=%d", stage))...)
	cmd.ExtraFiles = []*os.File{status}
	if keepStdout {
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	}
	if stage == 1 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	}
	if err := cmd.Start(); err != nil {
		fail(err)
	}
	return cmd
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "daemon:", err)
	os.Exit(1)
}
