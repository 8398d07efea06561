//go:build unix

// Command rqworker stands in for an RQ worker (`bench worker`): it takes
// jobs one at a time and runs each in a forked "work horse" that calls
// setsid(), so a signal to the worker's process group does not reach the
// job. Jobs come from a redis list (BLPOP, with -redis) or, without redis,
// one every -every.
//
// Signals as in RQ: the first SIGTERM or SIGINT is a warm shutdown (take
// no new job, finish the current one, exit 0); a second one is a cold
// shutdown (kill the horse, exit 0). With -redis it connects first, with
// -retries attempts -retry-delay apart, then exits 1 if redis is not there.
//
//	rqworker [-redis ADDR [-queue NAME]] [-every D] [-jobs N]
//	         [-job-time D] [-progress D] [-horse-ignore-term]
//
// It prints "job N started (horse pid=P)", "job N working (I)" from the
// horse, "job N finished", "warm shutdown requested", "cold shutdown".
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

func main() {
	redisAddr := flag.String("redis", "", "redis address (host:port); empty runs without redis")
	retries := flag.Int("retries", 5, "attempts to connect to redis")
	retryDelay := flag.Duration("retry-delay", time.Second, "pause between attempts to connect")
	queue := flag.String("queue", "default", "with -redis: the list to take jobs from")
	every := flag.Duration("every", 100*time.Millisecond, "without -redis: pause before each job")
	maxJobs := flag.Int("jobs", 0, "take at most this many jobs, then idle (0: no limit)")
	jobTime := flag.Duration("job-time", time.Second, "how long a job works")
	progress := flag.Duration("progress", 100*time.Millisecond, "pause between a job's progress lines")
	horseIgnoreTerm := flag.Bool("horse-ignore-term", false, "the horse ignores SIGTERM")
	horse := flag.Int("horse", 0, "internal: run job N as the work horse")
	flag.Parse()
	// Like Python and node, ignore SIGPIPE: a write to a closed pipe fails
	// with EPIPE instead of killing the process.
	signal.Ignore(syscall.SIGPIPE)

	if *horse > 0 {
		work(*horse, *jobTime, *progress, *horseIgnoreTerm)
		return
	}

	var jobs <-chan string
	var want chan<- struct{}
	if *redisAddr != "" {
		conn := connect(*redisAddr, *retries, *retryDelay)
		w := make(chan struct{})
		j := make(chan string)
		go fetch(conn, *queue, w, j)
		jobs, want = j, w
		fmt.Printf("*** Listening on %s (redis %s)\n", *queue, *redisAddr)
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	fmt.Printf("worker started (pid=%d)\n", os.Getpid())

	var (
		n       int         // jobs taken
		current *exec.Cmd   // the horse at work, or nil
		done    chan int    // its exit code
		timer   *time.Timer // without redis: the next job
		asked   bool        // with redis: a job was asked of the fetcher
		warm    bool        // warm shutdown requested
	)
	for {
		var tick <-chan time.Time
		var fetched <-chan string
		if current == nil && !warm && (*maxJobs == 0 || n < *maxJobs) {
			if want != nil {
				if !asked {
					want <- struct{}{}
					asked = true
				}
				fetched = jobs
			} else {
				if timer == nil {
					timer = time.NewTimer(*every)
				}
				tick = timer.C
			}
		}
		start := func(payload string) {
			n++
			current, done = spawnHorse(n, payload)
		}
		select {
		case <-tick:
			timer = nil
			start("")
		case payload := <-fetched:
			asked = false
			start(payload)
		case code := <-done:
			if code == 0 {
				fmt.Printf("job %d finished\n", n)
			} else {
				fmt.Printf("job %d failed (exit code %d)\n", n, code)
			}
			current, done = nil, nil
			if warm {
				fmt.Println("warm shutdown complete")
				os.Exit(0)
			}
		case sig := <-sigs:
			if !warm {
				warm = true
				fmt.Printf("warm shutdown requested (%v)\n", sig)
				if current == nil {
					fmt.Println("warm shutdown complete")
					os.Exit(0)
				}
				fmt.Printf("waiting for job %d to finish\n", n)
				continue
			}
			fmt.Printf("cold shutdown (%v)\n", sig)
			if current != nil {
				fmt.Printf("killing horse pid=%d of job %d\n", current.Process.Pid, n)
				current.Process.Kill()
				<-done
			}
			os.Exit(0)
		}
	}
}

// spawnHorse runs job n in a child in a session of its own.
func spawnHorse(n int, payload string) (*exec.Cmd, chan int) {
	self, err := os.Executable()
	if err != nil {
		fail(err)
	}
	args := append(os.Args[1:len(os.Args):len(os.Args)], "-horse="+strconv.Itoa(n))
	cmd := exec.Command(self, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		fail(err)
	}
	if payload != "" {
		payload = ": " + payload
	}
	fmt.Printf("job %d started (horse pid=%d)%s\n", n, cmd.Process.Pid, payload)
	done := make(chan int, 1)
	go func() {
		cmd.Wait()
		done <- cmd.ProcessState.ExitCode()
	}()
	return cmd, done
}

// work is the horse: it works for d, printing progress every step.
func work(n int, d, step time.Duration, ignoreTerm bool) {
	if ignoreTerm {
		signal.Ignore(syscall.SIGTERM)
	}
	end := time.Now().Add(d)
	for i := 1; time.Now().Before(end); i++ {
		time.Sleep(min(step, time.Until(end)))
		fmt.Printf("job %d working (%d)\n", n, i)
	}
}

// connect dials redis and checks it answers PING, with retries.
func connect(addr string, retries int, delay time.Duration) *redis {
	var err error
	for i := 1; i <= retries; i++ {
		var c net.Conn
		c, err = net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			r := &redis{c: c, r: bufio.NewReader(c)}
			var reply any
			if reply, err = r.do("PING"); err == nil && reply == "PONG" {
				fmt.Printf("connected to redis at %s\n", addr)
				return r
			}
			if err == nil {
				err = fmt.Errorf("PING answered %v", reply)
			}
			c.Close()
		}
		fmt.Printf("cannot connect to redis at %s (attempt %d of %d): %v\n", addr, i, retries, err)
		if i < retries {
			time.Sleep(delay)
		}
	}
	fmt.Printf("redis at %s is not there; giving up\n", addr)
	os.Exit(1)
	return nil
}

// fetch answers each request on want with the next job of the list.
func fetch(r *redis, queue string, want <-chan struct{}, jobs chan<- string) {
	for range want {
		for {
			reply, err := r.do("BLPOP", queue, "1")
			if err != nil {
				fmt.Printf("lost redis: %v\n", err)
				os.Exit(1)
			}
			if pair, ok := reply.([]any); ok && len(pair) == 2 {
				job, _ := pair[1].(string)
				jobs <- job
				break
			}
		}
	}
}

// redis is just enough of RESP to PING and BLPOP.
type redis struct {
	c net.Conn
	r *bufio.Reader
}

func (r *redis) do(args ...string) (any, error) {
	b := []byte("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		b = append(b, "$"+strconv.Itoa(len(a))+"\r\n"+a+"\r\n"...)
	}
	if _, err := r.c.Write(b); err != nil {
		return nil, err
	}
	return r.read()
}

func (r *redis) read() (any, error) {
	line, err := r.r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if len(line) < 3 {
		return nil, errors.New("short reply")
	}
	kind, body := line[0], line[1:len(line)-2]
	switch kind {
	case '+':
		return body, nil
	case '-':
		return nil, errors.New(body)
	case ':':
		return strconv.ParseInt(body, 10, 64)
	case '$':
		size, err := strconv.Atoi(body)
		if err != nil || size < 0 {
			return nil, err
		}
		buf := make([]byte, size+2)
		if _, err := io.ReadFull(r.r, buf); err != nil {
			return nil, err
		}
		return string(buf[:size]), nil
	case '*':
		count, err := strconv.Atoi(body)
		if err != nil || count < 0 {
			return nil, err
		}
		out := make([]any, count)
		for i := range out {
			if out[i], err = r.read(); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown reply %q", line)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "rqworker:", err)
	os.Exit(1)
}
