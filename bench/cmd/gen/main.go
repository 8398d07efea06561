// Command gen writes numbered data lines (see package line) to stdout as
// fast as it can, through a large buffer, then a sentinel line.
//
//	gen -name g01 -n 100000 [-hold]
//
// With -n 0 it writes until stdout is closed or it is stopped (a flood).
// With -hold it stays alive after the sentinel until SIGTERM or SIGINT:
// hancho stops every process once the first one exits, so the generators
// under hancho must outlive the slowest of them.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/hancho-dev/hancho/bench/internal/line"
)

func main() {
	name := flag.String("name", "g", "generator name written in every line")
	n := flag.Int("n", 1000, "number of lines; 0 writes until stopped")
	hold := flag.Bool("hold", false, "after the last line, wait for SIGTERM or SIGINT before exiting")
	bufSize := flag.Int("buf", 64<<10, "write buffer size in bytes")
	flag.Parse()
	if len(*name) > line.MaxName {
		fmt.Fprintf(os.Stderr, "gen: name %q is longer than %d bytes\n", *name, line.MaxName)
		os.Exit(2)
	}

	// SIGTERM and SIGINT stop gen at once, while writing or holding.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	wrote := make(chan error, 1)
	go func() { wrote <- write(*name, *n, *bufSize) }()
	select {
	case <-stop:
		return
	case err := <-wrote:
		if err != nil {
			fmt.Fprintf(os.Stderr, "gen %s: %v\n", *name, err)
			os.Exit(1)
		}
	}
	if *hold {
		<-stop
	}
}

func write(name string, n, bufSize int) error {
	w := bufio.NewWriterSize(os.Stdout, bufSize)
	buf := make([]byte, 0, line.Size)
	for seq := 0; n == 0 || seq < n; seq++ {
		buf = line.AppendData(buf[:0], name, seq)
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	if _, err := w.Write(line.AppendEnd(buf[:0], name)); err != nil {
		return err
	}
	return w.Flush()
}
