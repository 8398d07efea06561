package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// hanchoCmd returns the command that runs `hancho start` on procfile, which
// it writes to a directory of its own (hancho's working directory, so that
// no stray .env is read). Output is never coloured: the harness reads a pipe.
func hanchoCmd(cfg config, bins binaries, procfile string, flags ...string) (*exec.Cmd, error) {
	dir, err := os.MkdirTemp(cfg.tmp, "run-")
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "Procfile")
	if err := os.WriteFile(path, []byte(procfile), 0o644); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	args := append([]string{"start", "-f", path, "--no-colour", "-t", "5"}, flags...)
	cmd := exec.Command(bins.hancho, args...)
	cmd.Dir = dir
	return cmd, nil
}
