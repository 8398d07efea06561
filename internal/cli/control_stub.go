package cli

import (
	"github.com/hancho-dev/hancho/internal/rundir"
	"github.com/hancho-dev/hancho/internal/supervise"
)

func (m *Main) controlServer(root string, rec *rundir.Record) (<-chan supervise.Request, func(), error) {
	return nil, func() {}, nil
}

func (m *Main) preflight(plan *runPlan) error { return nil }
