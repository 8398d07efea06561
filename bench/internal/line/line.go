// Package line is the wire format shared by the generators and the harness:
// numbered data lines of a fixed size, the end-of-stream sentinel that marks
// a generator's last line, and the latency probe's timestamped lines.
//
// Every line the generators write is framed as "<<" ... ">>\n" so that the
// harness can find it behind any prefix hancho adds, and can tell a whole line
// from a fragment of one: a fragment keeps "<<", ">>" or a run of the '='
// padding, which hancho's own lines never contain.
package line

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
)

// Size is the length of a data line, newline included.
const Size = 100

// seqDigits is the width of the zero-padded sequence number.
const seqDigits = 10

// pad fills a data line up to Size; a fragment of a line keeps a run of it.
const pad = '='

// Open and Close frame every generator and probe line.
var (
	Open  = []byte("<<")
	Close = []byte(">>")
)

// endMark ends the sentinel line "<<NAME END>>" that follows a generator's
// last data line.
var endMark = []byte(" END>>")

// probeMark starts every probe line.
var probeMark = []byte("<<probe ")

// overhead is what a data line holds besides its name and padding:
// "<<", " ", the sequence number, " ", ">>" and "\n".
const overhead = 2 + 1 + seqDigits + 1 + 2 + 1

// MaxName is the longest generator name that still leaves room for padding.
const MaxName = Size - overhead - 1

// AppendData appends data line seq of generator name to dst, Size bytes long:
// "<<name 0000000042 ====...==>>\n".
func AppendData(dst []byte, name string, seq int) []byte {
	dst = append(dst, Open...)
	dst = append(dst, name...)
	dst = append(dst, ' ')
	var num [seqDigits]byte
	v := seq
	for i := seqDigits - 1; i >= 0; i-- {
		num[i] = byte('0' + v%10)
		v /= 10
	}
	dst = append(dst, num[:]...)
	dst = append(dst, ' ')
	for range Size - overhead - len(name) {
		dst = append(dst, pad)
	}
	dst = append(dst, Close...)
	return append(dst, '\n')
}

// AppendEnd appends generator name's end-of-stream sentinel to dst.
func AppendEnd(dst []byte, name string) []byte {
	dst = append(dst, Open...)
	dst = append(dst, name...)
	dst = append(dst, endMark...)
	return append(dst, '\n')
}

// EndSize is the length of name's sentinel line, newline included.
func EndSize(name string) int { return len(Open) + len(name) + len(endMark) + 1 }

// CountEnds counts the sentinels in b, whole lines of output. It is cheap
// enough to call on everything the harness reads.
func CountEnds(b []byte) int { return bytes.Count(b, endLine) }

// endLine is how every sentinel line ends.
var endLine = append(slices.Clip(endMark), '\n')

// Kind says what a line of output is.
type Kind int

const (
	// Other is a line that holds no part of a generator line: hancho's own.
	Other Kind = iota
	// Data is a whole data line.
	Data
	// End is a whole sentinel line.
	End
	// Torn is a line that holds part of a generator line but is not one
	// whole: cut short, joined with another, or corrupted.
	Torn
)

// Parsed is what Parse found in one line of output.
type Parsed struct {
	Kind   Kind
	Name   string // the generator's name (Data and End)
	Seq    int    // the sequence number (Data)
	Prefix []byte // whatever came before "<<", e.g. "12:00:00 g01.1 | "
}

// Parse classifies one line of output, given without its newline. A data or
// sentinel line may stand behind a prefix; anything after it makes it Torn.
func Parse(text []byte) Parsed {
	i := bytes.Index(text, Open)
	if i < 0 {
		if bytes.Contains(text, Close) || bytes.Contains(text, []byte{pad, pad}) {
			return Parsed{Kind: Torn}
		}
		return Parsed{Kind: Other}
	}
	p := Parsed{Kind: Torn, Prefix: text[:i]}
	body := text[i+len(Open):]
	if bytes.Contains(p.Prefix, Close) || bytes.Contains(p.Prefix, []byte{pad, pad}) || bytes.Contains(body, Open) {
		return p // a fragment ran into this line
	}
	sp := bytes.IndexByte(body, ' ')
	if sp <= 0 {
		return p
	}
	name := body[:sp]
	if bytes.Equal(body[sp:], endMark) {
		p.Kind, p.Name = End, string(name)
		return p
	}
	if len(text)-i != Size-1 { // every data line is Size bytes with its newline
		return p
	}
	rest := body[sp+1:]
	if len(rest) < seqDigits+1 || rest[seqDigits] != ' ' {
		return p
	}
	seq, err := strconv.Atoi(string(rest[:seqDigits]))
	if err != nil || seq < 0 {
		return p
	}
	fill := rest[seqDigits+1 : len(rest)-len(Close)]
	if len(fill) != Size-overhead-len(name) || !bytes.HasSuffix(rest, Close) {
		return p
	}
	for _, c := range fill {
		if c != pad {
			return p
		}
	}
	p.Kind, p.Name, p.Seq = Data, string(name), seq
	return p
}

// AppendProbe appends latency probe line seq to dst, carrying the wall-clock
// time it is sent at in nanoseconds: "<<probe 42 1733000000000000000>>\n".
func AppendProbe(dst []byte, seq int, sentNanos int64) []byte {
	dst = append(dst, probeMark...)
	dst = strconv.AppendInt(dst, int64(seq), 10)
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, sentNanos, 10)
	dst = append(dst, Close...)
	return append(dst, '\n')
}

// ParseProbe finds a probe line in text (one line, any prefix) and returns
// its sequence number and send time.
func ParseProbe(text []byte) (seq int, sentNanos int64, err error) {
	i := bytes.Index(text, probeMark)
	if i < 0 {
		return 0, 0, fmt.Errorf("no probe line in %q", text)
	}
	body := text[i+len(probeMark):]
	end := bytes.Index(body, Close)
	if end < 0 {
		return 0, 0, fmt.Errorf("probe line %q has no end", text)
	}
	a, b, ok := bytes.Cut(body[:end], []byte{' '})
	if !ok {
		return 0, 0, fmt.Errorf("probe line %q has no send time", text)
	}
	seq, err = strconv.Atoi(string(a))
	if err != nil {
		return 0, 0, fmt.Errorf("probe line %q: sequence: %w", text, err)
	}
	sentNanos, err = strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("probe line %q: send time: %w", text, err)
	}
	return seq, sentNanos, nil
}

// NextProbe finds the first probe line in b, whole lines of output, and
// returns it without its newline (any prefix left out) and what follows it.
func NextProbe(b []byte) (text, rest []byte, ok bool) {
	i := bytes.Index(b, probeMark)
	if i < 0 {
		return nil, nil, false
	}
	b = b[i:]
	if j := bytes.IndexByte(b, '\n'); j >= 0 {
		return b[:j], b[j+1:], true
	}
	return b, nil, true
}
