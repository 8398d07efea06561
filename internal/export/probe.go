package export

import (
	"net"
	"net/url"
	"strconv"

	"github.com/hancho-dev/hancho/internal/policy"
)

// probeCheck returns a shell command that runs a readiness probe once and
// exits 0 when it passes, for consumers that check readiness with a
// command (compose health checks, systemd, runit). It reports false for a
// log probe, which only hancho can run: it reads the process's output.
//
// The tcp check tries nc, then bash's /dev/tcp, since images and hosts
// have one or the other; the http check tries curl, then wget.
func probeCheck(pr *policy.Probe) (string, bool) {
	switch {
	case pr.TCP != "":
		host, port, _ := net.SplitHostPort(pr.TCP)
		return "nc -z " + shellWords(host, port) + " 2>/dev/null || bash -c " +
			shellQuote(": </dev/tcp/"+shellQuote(host)+"/"+port) + " 2>/dev/null", true
	case pr.HTTP != "":
		u := shellQuote(pr.HTTP)
		return "curl -fsS -o /dev/null " + u + " 2>/dev/null || wget -q -O /dev/null " + u + " 2>/dev/null", true
	case pr.Exec != "":
		return pr.Exec, true
	}
	return "", false
}

// probeWait returns a shell command that runs a probe until it passes; the
// consumer bounds it with the probe's timeout. An exec probe runs in a
// shell of its own, as under hancho, so that nothing in it (a comment, a
// trailing &) can change the loop around it.
func probeWait(pr *policy.Probe, shell string) (string, bool) {
	check, ok := probeCheck(pr)
	if !ok {
		return "", false
	}
	if pr.Exec != "" {
		check = shellWords(shell, "-c", pr.Exec)
	}
	return "until " + check + "; do sleep 1; done", true
}

// probeLabel describes a probe for comments, e.g. "tcp 127.0.0.1:6379".
func probeLabel(pr *policy.Probe) string {
	switch {
	case pr.TCP != "":
		return "tcp " + pr.TCP
	case pr.HTTP != "":
		return "http " + pr.HTTP
	case pr.Exec != "":
		return "exec " + pr.Exec
	}
	return "log " + pr.Log
}

// probeTarget is the host and port a tcp or http probe connects to, and
// whether the host is the process's own (a loopback or wildcard address);
// zero values for other probes.
func probeTarget(pr *policy.Probe) (host string, port int, local bool) {
	var p string
	switch {
	case pr.TCP != "":
		host, p, _ = net.SplitHostPort(pr.TCP)
	case pr.HTTP != "":
		u, err := url.Parse(pr.HTTP)
		if err != nil {
			return "", 0, false
		}
		host, p = u.Hostname(), u.Port()
		if p == "" {
			p = map[string]string{"http": "80", "https": "443"}[u.Scheme]
		}
	default:
		return "", 0, false
	}
	port, _ = strconv.Atoi(p)
	switch host {
	case "localhost", "127.0.0.1", "::1", "0.0.0.0", "::", "":
		local = true
	}
	return host, port, local
}
