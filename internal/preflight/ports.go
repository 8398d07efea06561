package preflight

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
)

// clients connect to the port their -p/--port names rather than listen on it.
var clients = setOf("redis-cli valkey-cli psql pg_isready mysql mysqladmin mongo mongosh ssh scp sftp nc ncat telnet")

// redisServers take a config file as their first argument.
var redisServers = setOf("redis-server valkey-server")

// redisDefaultPort is where redis-server listens without a config file.
const redisDefaultPort = 6379

// listenPorts finds the ports a program will listen on from its arguments:
// --port N, --port=N and -p N, and for redis-server the port of its config
// file.
func (c *procCheck) listenPorts(prog string, args []Word) {
	if clients[prog] {
		return
	}
	found := false
	for i, w := range args {
		if !w.Literal {
			continue
		}
		value, ok := "", false
		switch t := w.Text; {
		case strings.HasPrefix(t, "--port="):
			value, ok = t[len("--port="):], true
		case (t == "--port" || t == "-p") && i+1 < len(args) && args[i+1].Literal:
			value, ok = args[i+1].Text, true
		}
		if port, err := strconv.Atoi(value); ok && err == nil && port > 0 && port <= 65535 {
			c.wantPort(port)
			found = true
		}
	}
	if !redisServers[prog] || found {
		return
	}
	if len(args) == 0 || !args[0].Literal || strings.HasPrefix(args[0].Text, "-") {
		if len(args) == 0 {
			c.wantPort(redisDefaultPort)
		}
		return
	}
	port, ok, err := RedisPort(c.abs(args[0].Text))
	if err == nil && ok && port > 0 {
		c.wantPort(port)
	}
}

// RedisPort reads the port a redis config file sets with a "port N" line
// (the last one wins; include lines are not followed). ok is false when the
// file sets none; redis then listens on 6379.
func RedisPort(path string) (port int, ok bool, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, false, err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && strings.EqualFold(f[0], "port") {
			if n, err := strconv.Atoi(strings.Trim(f[1], `"'`)); err == nil && n >= 0 && n <= 65535 {
				port, ok = n, true
			}
		}
	}
	return port, ok, sc.Err()
}

// portWant is a port a process will listen on.
type portWant struct {
	proc, port int
}

// procProblem is a problem of the process at index proc.
type procProblem struct {
	proc    int
	problem Problem
}

// checkPorts reports ports that two processes of the run want, and ports
// another process already listens on, naming it when it can.
func checkPorts(procs []Proc, wants []portWant) []procProblem {
	if len(wants) == 0 {
		return nil
	}
	var ports []int
	first := map[int]int{}
	for _, w := range wants {
		if _, seen := first[w.port]; !seen {
			first[w.port] = w.proc
			ports = append(ports, w.port)
		}
	}
	busy := findListeners(ports)
	var out []procProblem
	for _, w := range wants {
		name := procs[w.proc].Name
		if f := first[w.port]; f != w.proc {
			out = append(out, procProblem{w.proc, Problem{name, fmt.Sprintf("port %d is also wanted by %s; give one of them another port", w.port, procs[f].Name)}})
			continue
		}
		if l, ok := busy[w.port]; ok {
			out = append(out, procProblem{w.proc, Problem{name, l.message(w.port)}})
		}
	}
	return out
}

// listener is what holds a port.
type listener struct {
	pid     int    // 0 when not found
	cmdline string // its command line, shortened
	foreign bool   // owned by another user, whose processes cannot be inspected
}

func (l listener) message(port int) string {
	switch {
	case l.pid > 0 && l.cmdline != "":
		return fmt.Sprintf("port %d is in use by pid %d (%s), left by an earlier run? run: hancho stop", port, l.pid, l.cmdline)
	case l.pid > 0:
		return fmt.Sprintf("port %d is in use by pid %d, left by an earlier run? run: hancho stop", port, l.pid)
	case l.foreign:
		return fmt.Sprintf("port %d is in use by another process (not yours to inspect)", port)
	}
	return fmt.Sprintf("port %d is in use by another process", port)
}

// bindBusy tells whether a port is taken by trying to listen on it, on all
// addresses and on the loopback one (which BSDs let a second socket take
// when the first is bound to the other).
func bindBusy(port int) bool {
	for _, addr := range []string{":", "127.0.0.1:"} {
		l, err := net.Listen("tcp", addr+strconv.Itoa(port))
		if err == nil {
			l.Close()
			continue
		}
		if addrInUse(err) {
			return true
		}
	}
	return false
}
