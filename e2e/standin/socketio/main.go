//go:build unix

// Command socketio stands in for Frappe's realtime server (`node
// apps/frappe/socketio.js`): it reads redis_queue and socketio_port from
// sites/common_site_config.json, serves HTTP on socketio_port, and
// subscribes to the channel "events" on redis_queue, printing each message
// it gets ("event: MESSAGE"). It has no signal handler: SIGTERM ends it.
//
// When redis is not up it exits 1 at once, as socketio did before it had a
// reconnect strategy ("Error: connect ECONNREFUSED"); with -retry it tries
// again every -retry-delay until redis answers, as a client with one does.
// Losing redis later also exits 1.
//
//	socketio [-config PATH] [-retry] [-retry-delay D] [SCRIPT]
//
// SCRIPT, when given, must exist, as node's script must ("Cannot find
// module").
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"
)

func main() {
	config := flag.String("config", "sites/common_site_config.json", "bench configuration to read redis_queue and socketio_port from")
	retry := flag.Bool("retry", false, "keep trying to connect to redis instead of exiting")
	retryDelay := flag.Duration("retry-delay", 100*time.Millisecond, "with -retry: pause between attempts")
	flag.Parse()
	if script := flag.Arg(0); script != "" {
		if _, err := os.Stat(script); err != nil {
			fail("Error: Cannot find module '%s'", script)
		}
	}

	var conf struct {
		RedisQueue   string `json:"redis_queue"`
		SocketioPort int    `json:"socketio_port"`
	}
	data, err := os.ReadFile(*config)
	if err != nil {
		fail("%v", err)
	}
	if err := json.Unmarshal(data, &conf); err != nil {
		fail("%s: %v", *config, err)
	}
	u, err := url.Parse(conf.RedisQueue)
	if err != nil || u.Host == "" {
		fail("%s: redis_queue is %q; want redis://host:port", *config, conf.RedisQueue)
	}

	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(conf.SocketioPort))
	if err != nil {
		fail("Error: listen: %v", err)
	}
	go http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "socketio ok")
	}))
	fmt.Printf("Realtime service listening on: ws://127.0.0.1:%d\n", conf.SocketioPort)

	var c net.Conn
	for {
		c, err = net.DialTimeout("tcp", u.Host, time.Second)
		if err == nil {
			break
		}
		if !*retry {
			fail("Error: connect ECONNREFUSED %s (%v)", u.Host, err)
		}
		time.Sleep(*retryDelay)
	}
	r := bufio.NewReader(c)
	if _, err := c.Write([]byte("*2\r\n$9\r\nSUBSCRIBE\r\n$6\r\nevents\r\n")); err != nil {
		fail("Error: redis %s: %v", u.Host, err)
	}
	for first := true; ; first = false {
		msg, err := readPush(r)
		if err != nil {
			fail("Error: redis %s: %v", u.Host, err)
		}
		switch {
		case first && len(msg) == 3 && msg[0] == "subscribe":
			fmt.Printf("subscribed to events on redis %s\n", u.Host)
		case len(msg) == 3 && msg[0] == "message":
			fmt.Printf("event: %s\n", msg[2])
		default:
			fail("Error: redis %s: unexpected reply %q", u.Host, msg)
		}
	}
}

// readPush reads one RESP array of bulk strings or integers, the shape of
// every reply on a subscribed connection, as strings.
func readPush(r *bufio.Reader) ([]string, error) {
	head, err := readLine(r)
	if err != nil {
		return nil, err
	}
	if head[0] == '-' {
		return nil, errors.New(head[1:])
	}
	if head[0] != '*' {
		return nil, fmt.Errorf("reply %q is not an array", head)
	}
	n, err := strconv.Atoi(head[1:])
	if err != nil {
		return nil, err
	}
	out := make([]string, n)
	for i := range out {
		item, err := readLine(r)
		if err != nil {
			return nil, err
		}
		switch item[0] {
		case ':':
			out[i] = item[1:]
		case '$':
			size, err := strconv.Atoi(item[1:])
			if err != nil || size < 0 {
				return nil, fmt.Errorf("bad bulk length %q", item)
			}
			buf := make([]byte, size+2)
			if _, err := io.ReadFull(r, buf); err != nil {
				return nil, err
			}
			out[i] = string(buf[:size])
		default:
			return nil, fmt.Errorf("unexpected item %q", item)
		}
	}
	return out, nil
}

// readLine reads a line without its CRLF; it is never empty.
func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	if len(line) < 3 {
		return "", fmt.Errorf("short line %q", line)
	}
	return line[:len(line)-2], nil
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "socketio: "+format+"\n", args...)
	os.Exit(1)
}
