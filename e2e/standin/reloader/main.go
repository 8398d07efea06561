//go:build unix

// Command reloader stands in for `bench serve`: werkzeug's development
// server with its reloader. The parent runs itself again as a child in
// the same process group; the child holds the port and answers HTTP. On
// SIGTERM the parent exits 0 at once without telling the child, so a
// manager that signals only the parent's pid leaves the port taken.
//
//	reloader [-port N] [-child-ignore-term]
//
// The port defaults to $PORT. -child-ignore-term makes the child ignore
// SIGTERM, so only SIGKILL frees the port.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

func main() {
	port := flag.String("port", os.Getenv("PORT"), "TCP port on 127.0.0.1 (default $PORT)")
	ignoreTerm := flag.Bool("child-ignore-term", false, "the child ignores SIGTERM")
	child := flag.Bool("child", false, "internal: run as the serving child")
	flag.Parse()
	// Like Python and node, ignore SIGPIPE: a write to a closed pipe fails
	// with EPIPE instead of killing the process.
	signal.Ignore(syscall.SIGPIPE)
	if *port == "" {
		fmt.Fprintln(os.Stderr, "reloader: no port: give -port or set PORT")
		os.Exit(2)
	}
	if *child {
		serve(*port, *ignoreTerm)
		return
	}

	// The parent: exits on SIGTERM without forwarding it, as werkzeug's
	// reloader does (signal.signal(SIGTERM, lambda *a: sys.exit(0))).
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM)
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "reloader:", err)
		os.Exit(1)
	}
	args := append([]string{"-child"}, os.Args[1:]...)
	cmd := exec.Command(self, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "reloader:", err)
		os.Exit(1)
	}
	fmt.Printf(" * Restarting with stat (parent pid=%d, child pid=%d)\n", os.Getpid(), cmd.Process.Pid)
	exited := make(chan int, 1)
	go func() {
		cmd.Wait()
		exited <- cmd.ProcessState.ExitCode()
	}()
	select {
	case <-sigs:
		fmt.Println(" * parent got SIGTERM; exiting without stopping the child")
		os.Exit(0)
	case code := <-exited:
		os.Exit(code)
	}
}

// serve holds the port and answers every request with 200.
func serve(port string, ignoreTerm bool) {
	if ignoreTerm {
		signal.Ignore(syscall.SIGTERM)
	}
	l, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		fmt.Fprintf(os.Stderr, "reloader: cannot listen on port %s: %v\n", port, err)
		os.Exit(1)
	}
	fmt.Printf(" * Running on http://127.0.0.1:%s (child pid=%d)\n", port, os.Getpid())
	http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	}))
}
