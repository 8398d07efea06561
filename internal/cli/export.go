package cli

import (
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hancho-dev/hancho/internal/export"
)

// exportFlags are the options of `hancho export`.
type exportFlags struct {
	app         string
	user        string
	logDir      string
	image       string
	templateDir string
	shell       string
	port        string
	concurrency string
}

func (m *Main) exportCommand(g *globals) *cobra.Command {
	ef := &exportFlags{}
	cmd := &cobra.Command{
		Use:   "export FORMAT DIR",
		Short: "Write the app as configuration for another supervisor: " + strings.Join(export.Formats(), ", "),
		Long: `Write the app (Procfile, .env, -c concurrency, -p port and the policies in
hancho.yaml) as another system's configuration, into DIR. Each exported
process runs as it would under start: the same command through /bin/sh, in
the app root, with the .env values, PORT, PS and HONCHO_PROCESS_NAME.

Files are written atomically; files of the same app left in DIR by an
earlier export are removed. Every path written or removed is printed.

Formats: ` + strings.Join(export.Formats(), ", "),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usageError{errExportArgs}
			}
			return nil
		},
		ValidArgs: export.Formats(),
		RunE: func(cmd *cobra.Command, args []string) error {
			return m.export(cmd, g, ef, args[0], args[1])
		},
	}
	f := cmd.Flags()
	f.StringVarP(&ef.app, "app", "a", "", "app name (default: the app root's folder name)")
	f.StringVarP(&ef.user, "user", "u", "", "user to run the processes as")
	f.StringVarP(&ef.logDir, "log-dir", "l", "", "log folder (default /var/log/APP)")
	f.StringVar(&ef.image, "image", "", "container image, for compose and kubernetes (default APP:latest)")
	f.StringVarP(&ef.templateDir, "template-dir", "t", "", "folder of templates replacing a format's built-in ones")
	f.StringVarP(&ef.shell, "shell", "s", "", "shell that runs each command (default /bin/sh)")
	f.StringVarP(&ef.port, "port", "p", "", "base PORT, as for start")
	f.StringVarP(&ef.concurrency, "concurrency", "c", "", "instances per type, as for start")
	return cmd
}

var errExportArgs = usageErrorf("export needs a format and a folder: hancho export FORMAT DIR (formats: %s)", strings.Join(export.Formats(), ", "))

func (m *Main) export(cmd *cobra.Command, g *globals, ef *exportFlags, format, dir string) error {
	sf := &startFlags{port: ef.port, concurrency: ef.concurrency}
	plan, err := m.plan(cmd, g, sf, nil, 0)
	if err != nil {
		return err
	}
	a := plan.app
	var types = a.Types
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(m.Dir, dir)
	}
	if ef.logDir != "" && !filepath.IsAbs(ef.logDir) {
		ef.logDir = filepath.Join(m.Dir, ef.logDir)
	}
	spec := export.Spec{
		App:       ef.app,
		User:      ef.user,
		LogDir:    ef.logDir,
		Image:     ef.image,
		Templates: ef.templateDir,
		Shell:     ef.shell,
		Root:      a.Root,
		Types:     types,
		Instances: plan.instances,
		Env:       a.Env,
		Policy:    a.Policy,
	}
	return export.Export(format, spec, dir, m.Stdout)
}
