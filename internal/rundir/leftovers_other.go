//go:build !unix

package rundir

import "time"

// Held reports whether a live hancho holds the app root's lock: never off Unix.
func Held(string) bool { return false }

// WaitReleased returns at once off Unix, where no hancho can run.
func WaitReleased(string, time.Duration) bool { return true }

// StopLeftovers cannot signal process groups off Unix.
func StopLeftovers(*Record, time.Duration, func(Proc)) int { return 0 }
