//go:build !linux

package cli

import "time"

// guard is Linux-only: elsewhere hancho has no parent-death signal, so a
// SIGKILLed hancho cannot stop its processes (README: platform notes).
func (m *Main) guard(time.Duration) (int, bool) { return 0, false }
