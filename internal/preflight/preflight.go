// Package preflight checks, before anything starts, what each process of a
// run needs from the machine: its program, the files its command line
// names, the folders its output is redirected into, and free ports. It
// reads commands the way /bin/sh would, and when a command is beyond it
// (a loop, a subshell, an expansion) it checks less rather than guess:
// a problem it reports is one the process would hit.
package preflight

import (
	"fmt"
	"os"
	"regexp"
)

// Proc is one process about to start.
type Proc struct {
	Name    string   // for messages: "web", or "worker.2" when a type runs several
	Command string   // run through /bin/sh -c
	Env     []string // its whole environment, KEY=value; PATH is looked up here
	Dir     string   // its working directory; "" is the current directory
	Port    int      // its PORT; 0 when it has none
}

// Problem is something that would make a process fail to start.
type Problem struct {
	Name string // the Proc's Name
	Msg  string // what is wrong and what to do about it
}

// String formats the problem as "name: msg".
func (p Problem) String() string { return p.Name + ": " + p.Msg }

// Check checks every process and returns every problem found, in the
// order of procs. It only reads: files, PATH and the machine's listening
// sockets.
func Check(procs []Proc) []Problem {
	perProc := make([][]Problem, len(procs))
	var wants []portWant
	for i, p := range procs {
		if p.Dir == "" {
			p.Dir, _ = os.Getwd()
		}
		c := &procCheck{Proc: p}
		c.run()
		perProc[i] = c.problems
		for _, port := range c.ports {
			wants = append(wants, portWant{proc: i, port: port})
		}
	}
	for _, pr := range checkPorts(procs, wants) {
		perProc[pr.proc] = append(perProc[pr.proc], pr.problem)
	}
	var all []Problem
	for _, ps := range perProc {
		all = append(all, ps...)
	}
	return all
}

// procCheck checks one process; the ports it will listen on are checked
// later, for all processes at once.
type procCheck struct {
	Proc
	problems []Problem
	ports    []int
}

func (c *procCheck) problemf(format string, args ...any) {
	c.problems = append(c.problems, Problem{Name: c.Name, Msg: fmt.Sprintf(format, args...)})
}

// usesPortRE matches $PORT and ${PORT...} in a command line.
var usesPortRE = regexp.MustCompile(`\$(PORT\b|\{PORT[}:=?+#%-])`)

func (c *procCheck) run() {
	if c.Port > 0 && usesPortRE.MatchString(c.Command) {
		c.wantPort(c.Port)
	}
	if fi, err := os.Stat(c.Dir); err != nil || !fi.IsDir() {
		c.problemf("working directory %s does not exist", c.Dir)
		return
	}
	cmd, ok := Split(c.Command)
	if !ok {
		return
	}
	inv, ok := cmd.invocation()
	if !ok {
		return
	}
	prog := ""
	if len(inv.argv) > 0 && inv.argv[0].Literal {
		prog = inv.argv[0].Text
		if reservedWords[prog] && inv.argv[0].Raw == prog {
			return // a compound command: its words are not a command line
		}
	}
	c.redirects(cmd.Redirects)
	if len(inv.argv) == 0 || builtins[prog] {
		return
	}
	c.programs(inv)
	args := inv.argv[1:]
	base := baseName(prog)
	if !createsFiles[base] {
		c.files(args)
	}
	c.listenPorts(base, args)
}

func (c *procCheck) wantPort(port int) {
	for _, p := range c.ports {
		if p == port {
			return
		}
	}
	c.ports = append(c.ports, port)
}
