//go:build unix

// Command listen stands in for a service that takes a while to come up,
// like redis or a web server: it waits -delay, then listens on a TCP port
// and answers HTTP. For its first -busy after listening it answers 503
// (accepting connections but not yet serving, as a web app still
// loading), then 200 "ok". It prints "listening on ADDR" once the port
// is open and "serving" once it answers 200. SIGTERM and SIGINT end it
// with exit code 0.
//
//	listen [-port N] [-delay D] [-busy D]
//
// The port defaults to $PORT.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	port := flag.String("port", os.Getenv("PORT"), "TCP port on 127.0.0.1 (default $PORT)")
	delay := flag.Duration("delay", 0, "wait this long before listening")
	busy := flag.Duration("busy", 0, "answer 503 for this long after listening")
	flag.Parse()
	if *port == "" {
		fmt.Fprintln(os.Stderr, "listen: no port: give -port or set PORT")
		os.Exit(2)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)

	select {
	case <-time.After(*delay):
	case <-stop:
		os.Exit(0)
	}
	addr := net.JoinHostPort("127.0.0.1", *port)
	l, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(1)
	}
	var serving atomic.Bool
	go http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !serving.Load() {
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	}))
	fmt.Printf("listening on %s\n", addr)
	select {
	case <-time.After(*busy):
		serving.Store(true)
		fmt.Println("serving")
	case <-stop:
		os.Exit(0)
	}
	<-stop
	os.Exit(0)
}
