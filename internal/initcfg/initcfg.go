// Package initcfg writes the hancho.yaml that `hancho init` proposes: for
// a Frappe bench, the policies a bench wants (redis readiness, start order,
// an optional watcher and scheduler, worker stop timeouts); elsewhere, a
// commented starter that lists the Procfile's types with every key.
package initcfg

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Type is one process type of the Procfile.
type Type struct {
	Name    string // "web"
	Command string // its command line
	Port    int    // the PORT of its first instance, for the starter's examples
}

// Result is a hancho.yaml to write.
type Result struct {
	Data    []byte   // the file
	Bench   bool     // written for a Frappe bench
	Summary []string // what it sets, one line per process, for the user
	Notes   []string // what could not be read, and what was assumed instead
}

// IsBench reports whether root is a Frappe bench: apps/frappe and sites/
// are folders in it.
func IsBench(root string) bool {
	for _, d := range []string{"apps/frappe", "sites"} {
		if fi, err := os.Stat(filepath.Join(root, d)); err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}

// Generate returns the hancho.yaml for the app at root whose Procfile has
// these types, in Procfile order: the bench's policies when root is a
// Frappe bench, else the starter.
func Generate(root string, types []Type) Result {
	if IsBench(root) {
		return bench(root, types)
	}
	return starter(types)
}

// plainKeyRE is a process name YAML reads as a string without quotes.
var plainKeyRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// yamlSpecial are the plain words YAML reads as something else than a string.
var yamlSpecial = map[string]bool{"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true, "null": true, "y": true, "n": true}

// key writes a process name as a YAML mapping key.
func key(name string) string {
	if plainKeyRE.MatchString(name) && !yamlSpecial[strings.ToLower(name)] {
		return name
	}
	return `"` + name + `"` // names are [A-Za-z0-9_-]+: nothing to escape
}

// comment writes text as "# " lines indented by indent, wrapped at 78
// columns.
func comment(b *strings.Builder, indent, text string) {
	line := indent + "#"
	for _, w := range strings.Fields(text) {
		if len(line)+1+len(w) > 78 && line != indent+"#" {
			b.WriteString(line + "\n")
			line = indent + "#"
		}
		line += " " + w
	}
	b.WriteString(line + "\n")
}
