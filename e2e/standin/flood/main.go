//go:build unix

// Command flood writes numbered lines as fast as it can, to prove that
// every byte reaches hancho's stdout once, whole and in order.
//
// Each line is "TAG SEQ PAD\n": SEQ counts from 1, PAD repeats the letter
// 'a'+SEQ%26 up to -len bytes, so a torn or spliced line is easy to spot.
// Lines are written in chunks of -write bytes, so writes cut lines in
// arbitrary places, as a buffered program's do.
//
//	flood [-n LINES] [-len BYTES] [-write BYTES] [-tag TAG] [-no-newline]
//	      [-huge BYTES] [-interval D] [-hold] [-exit-code N]
//
// -n 0 writes forever. -huge writes one line of that many bytes instead.
// -hold waits for SIGTERM or SIGINT after the last line (printing
// "TAG done"), then exits 0, so the process does not end the run.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

func main() {
	n := flag.Int("n", 1000, "lines to write; 0 writes forever")
	length := flag.Int("len", 92, "bytes per line, newline included (at least what the number needs)")
	write := flag.Int("write", 4093, "bytes per write call")
	tag := flag.String("tag", os.Getenv("PS"), "first word of each line (default $PS)")
	noNewline := flag.Bool("no-newline", false, "leave the last line without its newline")
	huge := flag.Int("huge", 0, "write a single line of this many bytes instead")
	interval := flag.Duration("interval", 0, "pause between lines (a slow stream)")
	hold := flag.Bool("hold", false, "after the last line print \"TAG done\" and wait for SIGTERM/SIGINT")
	exitCode := flag.Int("exit-code", 0, "exit code at the end")
	flag.Parse()
	if *tag == "" {
		*tag = "flood"
	}
	if *write <= 0 {
		*write = 1
	}
	stop := make(chan os.Signal, 1)
	if *hold {
		signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	}

	w := &chunker{size: *write}
	if *huge > 0 {
		line := make([]byte, 0, *huge)
		line = append(line, *tag+" huge "...)
		for len(line) < *huge-1 {
			line = append(line, byte('a'+len(line)%26))
		}
		if !*noNewline {
			line = append(line, '\n')
		}
		w.add(line)
	} else {
		var buf []byte
		for i := 1; *n == 0 || i <= *n; i++ {
			buf = appendLine(buf[:0], *tag, i, *length)
			if *noNewline && i == *n {
				buf = buf[:len(buf)-1]
			}
			w.add(buf)
			if *interval > 0 {
				w.flush()
				time.Sleep(*interval)
			}
		}
	}
	w.flush()
	if *hold {
		fmt.Printf("%s done\n", *tag)
		<-stop
	}
	os.Exit(*exitCode)
}

// appendLine appends line number seq to b.
func appendLine(b []byte, tag string, seq, length int) []byte {
	b = append(b, tag...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(seq), 10)
	b = append(b, ' ')
	pad := byte('a' + seq%26)
	for len(b) < length-1 {
		b = append(b, pad)
	}
	return append(b, '\n')
}

// chunker writes what it is given in writes of exactly size bytes (the
// last one shorter).
type chunker struct {
	size int
	buf  []byte
}

func (c *chunker) add(p []byte) {
	c.buf = append(c.buf, p...)
	for len(c.buf) >= c.size {
		c.out(c.buf[:c.size])
		c.buf = c.buf[c.size:]
	}
	if len(c.buf) == 0 {
		c.buf = nil
	}
}

func (c *chunker) flush() {
	if len(c.buf) > 0 {
		c.out(c.buf)
	}
	c.buf = nil
}

func (c *chunker) out(p []byte) {
	if _, err := os.Stdout.Write(p); err != nil {
		fmt.Fprintf(os.Stderr, "flood: %v\n", err)
		os.Exit(1)
	}
}
