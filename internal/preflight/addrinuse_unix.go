//go:build unix

package preflight

import (
	"errors"
	"syscall"
)

// addrInUse tells whether listening failed because the port is taken.
func addrInUse(err error) bool { return errors.Is(err, syscall.EADDRINUSE) }
