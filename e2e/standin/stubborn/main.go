//go:build unix

// Command stubborn stands in for a process with its own ideas about
// signals: by default it ignores SIGTERM, so only SIGKILL ends it (add
// PIPE to -ignore to survive a closed stdout too, like Python). It
// reports every signal it gets on a line of its own ("got SIGUSR1",
// "ignoring SIGTERM"), which lets a test see a signal arrive.
//
//	stubborn [-ignore TERM,INT,HUP] [-exit-on SIG,...] [-exit-code N] [-say TEXT] [-quiet]
//
// -say replaces the first line ("ready pid=N"): it is written in one
// write, after the signal handlers are in place, with Go escapes (\n,
// \x1b, \xff) decoded, so it may end without a newline (a partial line).
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

func main() {
	ignore := flag.String("ignore", "TERM", "signals to ignore (reported), comma-separated names without SIG")
	exitOn := flag.String("exit-on", "", "signals on which to exit with -exit-code, comma-separated")
	exitCode := flag.Int("exit-code", 0, "exit code when a signal of -exit-on arrives")
	say := flag.String("say", "", "first output, written in one write (Go escapes decoded); default \"ready pid=N\\n\"")
	quiet := flag.Bool("quiet", false, "do not report signals (so a partial line stays as it is)")
	flag.Parse()

	ignored := parseSignals(*ignore)
	exiting := parseSignals(*exitOn)
	if ignored[syscall.SIGPIPE] {
		// Ignored outright, as Python does: a write to a closed pipe then
		// fails with EPIPE (reporting it would only write there again).
		signal.Ignore(syscall.SIGPIPE)
		delete(ignored, syscall.SIGPIPE)
	}
	caught := []os.Signal{syscall.SIGUSR1, syscall.SIGUSR2}
	for s := range ignored {
		caught = append(caught, s)
	}
	for s := range exiting {
		caught = append(caught, s)
	}
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, caught...)

	first := fmt.Sprintf("ready pid=%d\n", os.Getpid())
	if *say != "" {
		text, err := strconv.Unquote(`"` + strings.ReplaceAll(*say, `"`, `\"`) + `"`)
		if err != nil {
			fmt.Fprintf(os.Stderr, "stubborn: -say: %v\n", err)
			os.Exit(2)
		}
		first = text
	}
	os.Stdout.WriteString(first)

	for sig := range sigs {
		s := sig.(syscall.Signal)
		name := unix.SignalName(s)
		switch {
		case exiting[s] && *quiet:
			os.Exit(*exitCode)
		case exiting[s]:
			fmt.Printf("got %s; exiting %d\n", name, *exitCode)
			os.Exit(*exitCode)
		case *quiet:
		case ignored[s]:
			fmt.Printf("ignoring %s\n", name)
		default:
			fmt.Printf("got %s\n", name)
		}
	}
}

func parseSignals(list string) map[syscall.Signal]bool {
	out := map[syscall.Signal]bool{}
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		s := unix.SignalNum("SIG" + strings.TrimPrefix(strings.ToUpper(name), "SIG"))
		if s == 0 {
			fmt.Fprintf(os.Stderr, "stubborn: unknown signal %q\n", name)
			os.Exit(2)
		}
		out[s] = true
	}
	return out
}
