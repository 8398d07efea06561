// Command probe writes n latency probe lines (see package line), one every
// interval, each carrying the wall-clock time it was written at, then stays
// alive until SIGTERM or SIGINT so that hancho keeps running.
//
//	probe -n 2000 -interval 1ms
//
// The harness runs on the same machine and notes when each line arrives, so
// the difference of the two wall clocks is the line's latency.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/hancho-dev/hancho/bench/internal/line"
)

func main() {
	n := flag.Int("n", 1000, "number of probe lines")
	interval := flag.Duration("interval", time.Millisecond, "pause between lines")
	flag.Parse()

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)

	// The pause paces the workload (it is what makes the probe "idle"
	// between lines); nothing waits on it for synchronisation.
	tick := time.NewTicker(*interval)
	defer tick.Stop()
	buf := make([]byte, 0, 64)
	for seq := range *n {
		// One unbuffered write per line: the line leaves the probe now.
		buf = line.AppendProbe(buf[:0], seq, time.Now().UnixNano())
		if _, err := os.Stdout.Write(buf); err != nil {
			fmt.Fprintf(os.Stderr, "probe: %v\n", err)
			os.Exit(1)
		}
		select {
		case <-tick.C:
		case <-stop:
			return
		}
	}
	<-stop
}
