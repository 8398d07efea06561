package export

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"text/template"
)

// builtin holds the built-in templates, templates/FORMAT/NAME.
//
//go:embed templates
var builtin embed.FS

// templates are one format's templates: the built-in ones, each replaced by
// the file of the same name (relative path) in an override directory, as
// honcho's --template-dir does.
type templates struct {
	format   string
	override string // "" means none
	parsed   map[string]*template.Template
}

// loadTemplates checks that override, if given, is a directory holding at
// least one template of format, so that a wrong -t is an error, not a
// silent fall back to the built-in templates.
func loadTemplates(format, override string) (*templates, error) {
	t := &templates{format: format, override: override, parsed: map[string]*template.Template{}}
	if override == "" {
		return t, nil
	}
	var all []string
	err := fs.WalkDir(builtin, "templates/"+format, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			all = append(all, strings.TrimPrefix(p, "templates/"+format+"/"))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	info, err := os.Stat(override)
	if err != nil || !info.IsDir() {
		return nil, fmt.Errorf("template directory %s: not a directory; pass a directory holding %s templates (%s) with -t/--template-dir", override, format, strings.Join(all, ", "))
	}
	for _, name := range all {
		if _, err := os.Stat(filepath.Join(override, filepath.FromSlash(name))); err == nil {
			return t, nil
		}
	}
	return nil, fmt.Errorf("template directory %s holds no %s template; its templates are named %s", override, format, strings.Join(all, ", "))
}

// render executes the template name (e.g. "log/run") with data.
func (t *templates) render(name string, data any) ([]byte, error) {
	tmpl, err := t.lookup(name)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// lookup parses the template name once: the override's file if there is
// one, else the built-in one.
func (t *templates) lookup(name string) (*template.Template, error) {
	if tmpl, ok := t.parsed[name]; ok {
		return tmpl, nil
	}
	src, where, err := t.source(name)
	if err != nil {
		return nil, err
	}
	tmpl, err := template.New(name).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", where, err)
	}
	t.parsed[name] = tmpl
	return tmpl, nil
}

// source reads the text of the template name and says where it came from.
func (t *templates) source(name string) ([]byte, string, error) {
	if t.override != "" {
		p := filepath.Join(t.override, filepath.FromSlash(name))
		src, err := os.ReadFile(p)
		if err == nil {
			return src, p, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, p, fmt.Errorf("template %s: %w", p, err)
		}
	}
	p := path.Join("templates", t.format, name)
	src, err := builtin.ReadFile(p)
	if err != nil {
		return nil, p, fmt.Errorf("no built-in template %s: %w", p, err) // a bug in the format
	}
	return src, "built-in " + p, nil
}
