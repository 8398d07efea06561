package cli

import (
	"os"
	"time"

	"github.com/hancho-dev/hancho/internal/supervise"
)

// guard runs this start again as a supervisor under a guard process (see
// supervise.Guard), unless this is that supervisor already, or the caller
// is not a real hancho process (a test calling Main.Run).
func (m *Main) guard(timeout time.Duration) (int, bool) {
	if os.Getenv(supervise.GuardEnv) != "" || os.Getenv("HANCHO_NO_GUARD") != "" || !m.Process {
		return 0, false
	}
	return supervise.Guard(m.Args, m.Environ, timeout, m.Stderr), true
}
