//go:build unix

package cli

import (
	"github.com/hancho-dev/hancho/internal/control"
	"github.com/hancho-dev/hancho/internal/rundir"
	"github.com/hancho-dev/hancho/internal/supervise"
)

// controlServer serves the control socket of the run in root.
func (m *Main) controlServer(root string, rec *rundir.Record) (<-chan supervise.Request, func(), error) {
	path := rundir.SocketPath(root)
	srv, err := control.Listen(path)
	if err != nil {
		return nil, func() {}, err
	}
	rec.Socket = path
	return srv.Requests(), srv.Close, nil
}
