package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hancho-dev/hancho/internal/preflight"
)

// preflight runs the checks before start (programs, files, ports) on every
// process of the plan and reports all problems in one error.
func (m *Main) preflight(plan *runPlan) error {
	perType := map[string]int{}
	ports := map[string]int{}
	for _, in := range plan.instances {
		perType[in.Type]++
		ports[in.Name] = in.Port
	}
	procs := make([]preflight.Proc, len(plan.specs))
	for i, s := range plan.specs {
		name := s.Name
		if perType[s.Type] == 1 {
			name = s.Type
		}
		procs[i] = preflight.Proc{Name: name, Command: s.Command, Env: s.Env, Dir: s.Dir, Port: ports[s.Name]}
	}
	lines := groupProblems(preflight.Check(procs))
	if len(lines) == 0 {
		return nil
	}
	var b strings.Builder
	if len(lines) == 1 {
		b.WriteString("cannot start: 1 problem (skip this check with --no-checks):")
	} else {
		fmt.Fprintf(&b, "cannot start: %d problems (skip these checks with --no-checks):", len(lines))
	}
	for _, l := range lines {
		b.WriteString("\n  " + l)
	}
	return errors.New(b.String())
}

// groupProblems renders the problems one per line, joining the processes
// that share one ("worker, worker_custom: logs/ does not exist ...") so
// that a Procfile with many bench lines does not repeat itself.
func groupProblems(problems []preflight.Problem) []string {
	var order []string
	names := map[string][]string{}
	for _, p := range problems {
		if _, seen := names[p.Msg]; !seen {
			order = append(order, p.Msg)
		}
		names[p.Msg] = append(names[p.Msg], p.Name)
	}
	lines := make([]string, len(order))
	for i, msg := range order {
		lines[i] = strings.Join(names[msg], ", ") + ": " + msg
	}
	return lines
}
