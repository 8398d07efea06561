//go:build !linux

package preflight

// findListeners returns which of ports something listens on. Without
// Linux's /proc the holder is not looked for: a port is busy when it
// cannot be listened on.
func findListeners(ports []int) map[int]listener {
	busy := map[int]listener{}
	for _, p := range ports {
		if bindBusy(p) {
			busy[p] = listener{}
		}
	}
	return busy
}
