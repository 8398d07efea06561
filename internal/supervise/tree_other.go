//go:build !linux

package supervise

// becomeSubreaper is Linux-only; elsewhere orphaned descendants go to
// init and only process groups can be stopped.
func becomeSubreaper() error { return nil }

// groupBelowShell is Linux-only: elsewhere the whole group gets a
// forwarded signal.
func groupBelowShell(int, string) ([]int, bool) { return nil, false }

func groupMembers(int) []int { return nil }

// groupAlive is false off Linux: with no subreaper, hancho hears of no
// exit in a group whose leader is gone, so it cannot wait for one.
func groupAlive(int) bool { return false }
