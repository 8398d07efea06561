//go:build unix

// Command watcher stands in for `bench watch`: a tree of processes
// (watcher -> sh -> child -> grandchild, like python -> sh -> yarn ->
// esbuild). The grandchild keeps printing in partial lines: "grandchild:
// building" first, " done N" and the newline later. None handles a
// signal; only a process-group kill (or killing each) ends the whole tree.
//
//	watcher [-interval D] [-partial D]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	interval := flag.Duration("interval", 100*time.Millisecond, "pause between builds")
	partial := flag.Duration("partial", 50*time.Millisecond, "pause between the two halves of a line")
	role := flag.String("role", "top", "internal: top, child or grandchild")
	flag.Parse()
	// Like Python and node, ignore SIGPIPE: a write to a closed pipe fails
	// with EPIPE instead of killing the process.
	signal.Ignore(syscall.SIGPIPE)
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "watcher:", err)
		os.Exit(1)
	}
	again := func(role string) []string {
		return append(os.Args[1:len(os.Args):len(os.Args)], "-role="+role)
	}

	var below *exec.Cmd
	switch *role {
	case "top":
		// "; exit $?" keeps the shell from exec'ing the child, so it stays
		// in the tree as it does under yarn.
		script := fmt.Sprintf("%q", self)
		for _, a := range again("child") {
			script += fmt.Sprintf(" %q", a)
		}
		below = exec.Command("/bin/sh", "-c", script+"; exit $?")
	case "child":
		below = exec.Command(self, again("grandchild")...)
	}
	if below != nil {
		below.Stdout, below.Stderr = os.Stdout, os.Stderr
		if err := below.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "watcher:", err)
			os.Exit(1)
		}
		fmt.Printf("%s: started %d\n", *role, below.Process.Pid)
		below.Wait() // each parent only waits, as python waits for yarn
		os.Exit(below.ProcessState.ExitCode())
	}
	for n := 1; ; n++ {
		fmt.Printf("%s: building", *role)
		time.Sleep(*partial)
		fmt.Printf(" done %d\n", n)
		time.Sleep(*interval)
	}
}
