//go:build unix

package cli

import (
	"fmt"
	"github.com/hancho-dev/hancho/internal/proctree"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/hancho-dev/hancho/internal/output"
	"github.com/hancho-dev/hancho/internal/rundir"
	"github.com/hancho-dev/hancho/internal/supervise"
)

// serve runs the plan: claims the app root, records the run, serves the
// control socket and supervises until everything has stopped.
func (m *Main) serve(g *globals, sf *startFlags, plan *runPlan) error {
	root := plan.app.Root
	unlock, err := rundir.Claim(root)
	if err != nil {
		return err
	}
	defer unlock()

	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2)
	defer signal.Stop(sigs)
	// Asked for, SIGPIPE makes a write to a closed stdout fail with EPIPE
	// instead of killing hancho and orphaning its processes.
	pipes := make(chan os.Signal, 1)
	signal.Notify(pipes, syscall.SIGPIPE)
	defer signal.Stop(pipes)

	growStdout(m.Stdout)
	broken, onError := brokenSignal()
	sink := output.NewSink(m.Stdout, onError)
	names := make([]string, len(plan.specs))
	for i, s := range plan.specs {
		names[i] = s.Name
	}
	printer := output.NewPrinter(sink, output.Options{
		Prefix:    !g.noPrefix,
		Timestamp: !sf.noTimestamp,
		Colour:    m.colour(g),
	}, names)

	rec := &rundir.Record{
		PID:      os.Getpid(),
		Started:  time.Now(),
		Procfile: plan.app.ProcfilePath,
	}
	if gp, err := strconv.Atoi(os.Getenv(supervise.GuardEnv)); err == nil {
		rec.GuardPID = gp
	}
	rec.StartTime, _ = proctree.StartTime(rec.PID)

	control, stopControl, err := m.controlServer(root, rec)
	if err != nil {
		fmt.Fprintf(m.Stderr, "hancho: warning: no control socket: %v\n", err)
	}
	defer stopControl()

	code := supervise.Run(supervise.Options{
		Specs:   plan.specs,
		Printer: printer,
		Timeout: plan.timeout,
		Signals: sigs,
		Broken:  broken,
		Stderr:  m.Stderr,
		Control: control,
		Record: func(run []supervise.Running) {
			rec.Procs = rec.Procs[:0]
			for _, r := range run {
				rec.Procs = append(rec.Procs, rundir.Proc{Name: r.Name, PID: r.PID, PGID: r.PGID, StartTime: r.StartTime})
			}
			if err := rundir.Write(root, rec); err != nil {
				fmt.Fprintf(m.Stderr, "hancho: warning: cannot write the run record: %v\n", err)
			}
		},
		KeepLogs: true,
	})
	rundir.Remove(root)
	for _, f := range plan.logs {
		f.Close()
	}
	return exitError{code}
}
