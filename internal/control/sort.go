package control

import (
	"sort"

	"github.com/hancho-dev/hancho/internal/supervise"
)

// sortByTime orders lines of several processes by when they were printed,
// keeping each process's own order.
func sortByTime(lines []supervise.LogLine) {
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].Time.Before(lines[j].Time) })
}
