// Package export turns an app into another system's configuration, the way
// `honcho export` does: supervisord, systemd, runit and launchd run the
// processes on one machine; compose and kubernetes run them in containers.
//
// Every exported process runs as it would under `hancho start`: its command
// through the shell (SHELL -c COMMAND), in the app root (or the policy's
// dir), with the .env values, PORT, PS, HONCHO_PROCESS_NAME and the
// policy's env. Each format escapes these for its consumer, so that values
// with spaces, quotes, $, %, !, backslashes and newlines arrive unchanged;
// where a consumer's own syntax cannot carry a variable, it is set on the
// command line with /usr/bin/env instead (see each format's file).
//
// One file per format; each implements format and renders text/template
// templates embedded from templates/FORMAT/. Spec.Templates names a
// directory whose files replace built-in templates of the same name.
//
// The policies map onto each system: restart (unset means "always", as
// honcho's exports do; an explicit "no" or "on-failure" is kept), stop
// signal and timeout, readiness probes (health checks, readiness probes,
// systemd ExecStartPost and runit check scripts; a log probe cannot run
// outside hancho and is noted in a comment), and depends_on (start order).
//
// A process type "gets a port", which compose publishes and kubernetes
// serves, when its command mentions $PORT or ${PORT}, it is named web
// (Heroku's convention: web reads PORT from its environment), or its
// readiness probe connects to a local port (then that port is the one
// published). The containers of a type share one environment: PORT is the
// type's base port (what its first instance gets under start), and PS and
// HONCHO_PROCESS_NAME are the type's name, since replicas have no number.
package export

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/hancho-dev/hancho/internal/app"
	"github.com/hancho-dev/hancho/internal/envfile"
	"github.com/hancho-dev/hancho/internal/policy"
)

// Spec is what to export: the app, its selected process types and their
// instances, and the options of `hancho export`.
type Spec struct {
	App       string         // -a/--app; "" means the base name of Root
	User      string         // -u/--user; "" means the consumer's default (usually root)
	LogDir    string         // -l/--log-dir; "" means /var/log/APP
	Image     string         // --image, for compose and kubernetes; "" means APP:latest
	Templates string         // -t/--template-dir; "" means the built-in templates only
	Shell     string         // the shell that runs each command; "" means /bin/sh
	Root      string         // absolute app root, the working directory of every process
	Types     []app.Type     // the selected types; Concurrency 0 leaves a type out
	Instances []app.Instance // the instances of Types, each with its PORT; Env is not used
	Env       []envfile.Var  // the .env values (not the OS environment), in order
	Policy    *policy.Config // hancho.yaml; nil means no policies
}

// file is one file an export writes.
type file struct {
	path string // relative to the export directory, slash-separated
	data []byte
	exec bool // mode 0755 instead of 0644
}

// format renders one kind of configuration.
type format interface {
	// render returns the files for m, rendered with t's templates.
	render(m *model, t *templates) ([]file, error)
}

// formats are the export formats by name.
var formats = map[string]format{
	"compose":     compose{},
	"kubernetes":  kubernetes{},
	"launchd":     launchd{},
	"runit":       runit{},
	"supervisord": supervisord{},
	"systemd":     systemd{},
}

// Formats returns the names of the export formats, sorted.
func Formats() []string {
	return slices.Sorted(maps.Keys(formats))
}

// Export writes spec as format into dir, which is created if missing.
// Files are written atomically; files that an earlier export of the same
// app wrote into dir and this one does not are removed. Each path written
// or removed is printed to out as "wrote PATH" or "removed PATH".
func Export(format string, spec Spec, dir string, out io.Writer) error {
	f, ok := formats[format]
	if !ok {
		return fmt.Errorf("unknown export format %q; formats: %s", format, strings.Join(Formats(), ", "))
	}
	m, err := newModel(spec)
	if err != nil {
		return err
	}
	t, err := loadTemplates(format, spec.Templates)
	if err != nil {
		return err
	}
	files, err := f.render(m, t)
	if err != nil {
		return fmt.Errorf("export %s: %w", format, err)
	}
	return write(dir, m.App, files, out)
}
