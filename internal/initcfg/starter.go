package initcfg

import (
	"fmt"
	"strconv"
	"strings"
)

// starter is the hancho.yaml for an app that is not a bench: each type of
// the Procfile with every key shown, commented out, so that the file
// changes nothing until the user uncomments a line.
func starter(types []Type) Result {
	var b strings.Builder
	comment(&b, "", "hancho.yaml: how hancho runs each process of the Procfile beside it, written by `hancho init`.")
	b.WriteString("#\n")
	comment(&b, "", "Every key is optional and shown commented out. Without this file, or with an empty entry, a process runs as under honcho, and the first one to exit stops the rest. Uncomment what you need and check the result with `hancho check`.")
	fmt.Fprintf(&b, "\n%-*s# default time from the stop signal to SIGKILL (as -t)\n", noteColumn+4, "# timeout: 5s")
	b.WriteString("\nprocesses:\n")
	for i, t := range types {
		if i > 0 {
			b.WriteString("\n")
		}
		other := "other"
		for _, o := range types {
			if o.Name != t.Name {
				other = o.Name
				break
			}
		}
		port := t.Port
		if port == 0 {
			port = 5000
		}
		fmt.Fprintf(&b, "  %s:\n", key(t.Name))
		for _, kv := range [][2]string{
			{"# restart: on-failure", "when to start it again: no (default), on-failure, always"},
			{"# optional: true", "its exit does not stop the others"},
			{"# stop_timeout: 10s", "time from the stop signal to SIGKILL"},
			{"# stop_signal: INT", "the stop signal (default TERM)"},
			{"# depends_on: [" + other + "]", "start it once these are ready"},
			{"# ready:", "when it counts as ready, for depends_on"},
			{"#   tcp: 127.0.0.1:" + strconv.Itoa(port), "or http: URL, exec: command, log: regexp"},
			{"#   timeout: 30s", ""},
			{"# env:", "extra environment, after .env"},
			{"#   KEY: value", ""},
			{"# dir: subfolder", "working directory, relative to the app root"},
		} {
			line := kv[0]
			if kv[1] != "" {
				line += strings.Repeat(" ", max(1, noteColumn-len(line))) + "# " + kv[1]
			}
			b.WriteString("    " + line + "\n")
		}
	}
	return Result{Data: []byte(b.String()), Summary: []string{fmt.Sprintf("a starter listing %d process types, every key commented out", len(types))}}
}

// noteColumn is where the notes after the commented-out keys start.
const noteColumn = 28
