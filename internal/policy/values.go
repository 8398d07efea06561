package policy

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"time"
)

// secondsRE is a plain decimal number, the only number form accepted as
// seconds (no hex, no inf, no NaN).
var secondsRE = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// parseDuration reads a Go duration ("1m30s") or a number of seconds
// ("2.5"). On failure it returns the end of a message saying why and what
// to write instead.
func parseDuration(s string) (time.Duration, string) {
	var d time.Duration
	if secondsRE.MatchString(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f*float64(time.Second) > math.MaxInt64 {
			return 0, "which is too long; use at most a few days"
		}
		d = time.Duration(f * float64(time.Second))
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, "which is not a duration; use e.g. 5s, 1m30s, 500ms or a number of seconds"
		}
	}
	switch {
	case d < 0:
		return 0, "which is negative; use a positive duration such as 5s"
	case d == 0:
		return 0, "which is zero; use a positive duration such as 5s, or leave the key out for the default"
	}
	return d, ""
}

// signalNames are the signals that exist on both Linux and the BSDs
// (macOS), without "SIG".
var signalNames = []string{
	"ABRT", "ALRM", "BUS", "CHLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO",
	"KILL", "PIPE", "PROF", "QUIT", "SEGV", "STOP", "SYS", "TERM", "TRAP",
	"TSTP", "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ",
}

// normalSignal turns "sigterm", "SIGTERM" or "term" into "TERM". It
// reports false for a name that is not in signalNames.
func normalSignal(s string) (string, bool) {
	name := strings.ToUpper(s)
	if len(name) > 3 {
		name = strings.TrimPrefix(name, "SIG")
	}
	return name, slices.Contains(signalNames, name)
}

// checkProbe validates the value of a ready probe of the given kind. It
// returns "" if the value is good, else the end of a message saying why
// and what to write instead.
func checkProbe(kind, s string) string {
	switch kind {
	case "tcp":
		const hint = "; write it as host:port, e.g. 127.0.0.1:8000"
		host, port, err := net.SplitHostPort(s)
		if err != nil {
			return fmt.Sprintf("is %q, which is not host:port%s", s, hint)
		}
		if host == "" {
			return fmt.Sprintf("is %q, which has no host%s", s, hint)
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return fmt.Sprintf("is %q, whose port is not a number from 1 to 65535%s", s, hint)
		}
	case "http":
		const hint = "; write it as a URL such as http://127.0.0.1:8000/ping"
		u, err := url.Parse(s)
		if err != nil {
			return fmt.Sprintf("is %q, which is not a URL%s", s, hint)
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			return fmt.Sprintf("is %q, which is not an http:// or https:// URL%s", s, hint)
		}
		if u.Host == "" {
			return fmt.Sprintf("is %q, which has no host%s", s, hint)
		}
	case "log":
		if _, err := regexp.Compile(s); err != nil {
			why := "it does not compile"
			var se *syntax.Error
			if errors.As(err, &se) {
				why = se.Code.String()
			}
			return fmt.Sprintf("is %q, which is not a valid regular expression (%s); fix it, or wrap literal text in \\Q...\\E", s, why)
		}
	}
	return ""
}
