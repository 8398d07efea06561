package stats

import "testing"

func TestMedian(t *testing.T) {
	tests := []struct {
		xs   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{3}, 3},
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		if got := Median(tt.xs); got != tt.want {
			t.Errorf("Median(%v) = %v, want %v", tt.xs, got, tt.want)
		}
	}
	xs := []float64{3, 1, 2}
	Median(xs)
	if xs[0] != 3 {
		t.Errorf("Median changed its input: %v", xs)
	}
}

func TestPercentile(t *testing.T) {
	hundred := make([]int64, 100)
	for i := range hundred {
		hundred[i] = int64(100 - i) // 100..1, unsorted
	}
	tests := []struct {
		xs   []int64
		q    float64
		want int64
	}{
		{nil, 50, 0},
		{[]int64{7}, 99, 7},
		{hundred, 50, 50},
		{hundred, 99, 99},
		{hundred, 100, 100},
		{hundred, 1, 1},
		{[]int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 1000}, 99, 1000},
		{[]int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 1000}, 90, 9},
	}
	for _, tt := range tests {
		if got := Percentile(tt.xs, tt.q); got != tt.want {
			t.Errorf("Percentile(%d samples, %v) = %v, want %v", len(tt.xs), tt.q, got, tt.want)
		}
	}
}
