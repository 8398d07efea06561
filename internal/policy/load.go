package policy

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// FileName is the policy file looked for in the app root.
const FileName = "hancho.yaml"

// Load reads the policy file. If explicit is not "", that file is read and
// must exist; a relative path is relative to the current directory.
// Otherwise root/hancho.yaml is read if it exists, and a missing one gives
// an empty Config, which means honcho's behaviour.
func Load(root, explicit string) (*Config, error) {
	path := explicit
	if path == "" {
		path = filepath.Join(root, FileName)
	}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && explicit != "":
		return nil, fmt.Errorf("config file %s not found; check the path, or leave the option out to use %s in the app root", explicit, FileName)
	case errors.Is(err, fs.ErrNotExist):
		return &Config{}, nil
	case err != nil:
		return nil, fmt.Errorf("reading the policy file: %w", err)
	}
	return Parse(path, data)
}
