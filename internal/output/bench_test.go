package output

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"
)

// chunk is 64 KiB of numbered ~100-byte lines, cut mid-line, as a pipe
// read returns them.
func chunk() []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < 64<<10; i++ {
		fmt.Fprintf(&b, "%08d %s\n", i, bytes.Repeat([]byte("x"), 90))
	}
	return b.Bytes()[:64<<10]
}

func linesIn(p []byte) int { return bytes.Count(p, []byte{'\n'}) }

// benchmarkStream measures the output path from bytes read to bytes
// written: framing, prefixing and the sink's write.
func benchmarkStream(b *testing.B, opts Options) {
	data := chunk()
	sink := NewSink(io.Discard, nil)
	opts.Now = func() time.Time { return time.Unix(1700000000, 0) }
	s := NewPrinter(sink, opts, []string{"web.1"}).Stream("web.1", 0, false)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Write(data)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*linesIn(data)), "ns/line")
	allocs := testing.AllocsPerRun(100, func() { s.Write(data) })
	b.ReportMetric(allocs/float64(linesIn(data)), "allocs/line")
}

func BenchmarkStreamPrefixTimestamp(b *testing.B) {
	benchmarkStream(b, Options{Prefix: true, Timestamp: true})
}

func BenchmarkStreamPrefixColour(b *testing.B) {
	benchmarkStream(b, Options{Prefix: true, Timestamp: true, Colour: true})
}

func BenchmarkStreamNoPrefix(b *testing.B) {
	benchmarkStream(b, Options{})
}

// TestStreamSteadyStateAllocs pins the hot path at zero allocations per
// write once buffers are warm.
func TestStreamSteadyStateAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items: allocations are counted by the run without -race")
	}
	data := chunk()
	for _, opts := range []Options{{Prefix: true, Timestamp: true}, {Prefix: true, Colour: true}, {}} {
		s := NewPrinter(NewSink(io.Discard, nil), opts, []string{"web.1"}).Stream("web.1", 2, false)
		s.Write(data)
		if allocs := testing.AllocsPerRun(50, func() { s.Write(data) }); allocs > 0 {
			t.Errorf("%+v: %.1f allocations per 64 KiB write, want 0", opts, allocs)
		}
	}
}
