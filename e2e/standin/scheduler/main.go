//go:build unix

// Command scheduler stands in for `bench schedule`: it takes a lock file
// and runs until a signal ends it (it handles none). When another
// scheduler holds the lock it says so and exits 0 at once, which under
// honcho's rules stops the whole run.
//
//	scheduler [-lock PATH]
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	lock := flag.String("lock", "config/scheduler_process", "lock file")
	flag.Parse()
	// Like Python and node, ignore SIGPIPE: a write to a closed pipe fails
	// with EPIPE instead of killing the process.
	signal.Ignore(syscall.SIGPIPE)
	if err := os.MkdirAll(filepath.Dir(*lock), 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "scheduler:", err)
		os.Exit(1)
	}
	f, err := os.OpenFile(*lock, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, "scheduler:", err)
		os.Exit(1)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			fmt.Printf("scheduler: another scheduler holds %s; exiting\n", *lock)
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "scheduler:", err)
		os.Exit(1)
	}
	fmt.Printf("scheduler running (pid=%d, lock %s)\n", os.Getpid(), *lock)
	for {
		time.Sleep(time.Hour) // until a signal's default action ends it
	}
}
