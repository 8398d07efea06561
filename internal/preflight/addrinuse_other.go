//go:build !unix

package preflight

import (
	"errors"
	"io/fs"
)

// addrInUse tells whether listening failed because the port is taken:
// here any failure but a permission error counts.
func addrInUse(err error) bool { return !errors.Is(err, fs.ErrPermission) }
