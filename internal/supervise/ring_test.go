package supervise

import (
	"fmt"
	"strings"
	"testing"
)

func TestRing(t *testing.T) {
	tests := []struct {
		size, add, after, n int
		want                string
	}{
		{size: 3, add: 2, want: "0,1"},
		{size: 3, add: 3, want: "0,1,2"},
		{size: 3, add: 5, want: "2,3,4"},
		{size: 3, add: 7, n: 2, want: "5,6"},
		{size: 3, add: 7, after: 5, want: "5,6"},
		{size: 3, add: 7, after: 6, want: "6"},
		{size: 3, add: 7, after: 7, want: ""},
		{size: 3, add: 0, want: ""},
		{size: 1, add: 4, want: "3"},
	}
	for _, tt := range tests {
		r := newRing(tt.size)
		for i := 0; i < tt.add; i++ {
			r.add([]byte(fmt.Sprint(i)))
		}
		lines, seq, _ := r.since(uint64(tt.after), tt.n)
		var got []string
		for _, l := range lines {
			got = append(got, l.Text)
		}
		if strings.Join(got, ",") != tt.want || seq != uint64(tt.add) {
			t.Errorf("%+v: got %q seq %d, want %q seq %d", tt, got, seq, tt.want, tt.add)
		}
	}
}

func TestRingSteadyStateDoesNotAllocate(t *testing.T) {
	r := newRing(4)
	line := []byte("a line of output")
	for i := 0; i < 8; i++ {
		r.add(line)
	}
	if allocs := testing.AllocsPerRun(100, func() { r.add(line) }); allocs > 0 {
		t.Errorf("%.1f allocations per line once full, want 0", allocs)
	}
}
