// Package stats holds the few summaries the harness reports: medians of
// repeated runs and percentiles of latency samples.
package stats

import "slices"

// Median returns the middle value of xs (the mean of the two middle values
// when there is an even number), or 0 when xs is empty. xs is not changed.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// Percentile returns the q-th percentile (0 < q <= 100) of xs by the
// nearest-rank method: the smallest sample that at least q% of the samples
// are less than or equal to. It returns 0 when xs is empty; xs is not changed.
func Percentile(xs []int64, q float64) int64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	rank := int(q/100*float64(len(s))+0.999999999) - 1
	return s[min(max(rank, 0), len(s)-1)]
}
