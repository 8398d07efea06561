package output

import "time"

// stamp caches the "HH:MM:SS " text of the current second so that the hot
// path formats a time at most once a second and never allocates.
type stamp struct {
	sec  int64
	text [9]byte
}

// at returns "HH:MM:SS " for t.
func (s *stamp) at(t time.Time) []byte {
	if sec := t.Unix(); sec != s.sec || s.text[0] == 0 {
		s.sec = sec
		h, m, c := t.Clock()
		s.text = [9]byte{
			byte('0' + h/10), byte('0' + h%10), ':',
			byte('0' + m/10), byte('0' + m%10), ':',
			byte('0' + c/10), byte('0' + c%10), ' ',
		}
	}
	return s.text[:]
}
