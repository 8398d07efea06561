// Command hancho runs the processes of a Procfile. Installed or linked as
// "honcho", it is a drop-in for honcho.
package main

import (
	"context"
	"os"

	"github.com/hancho-dev/hancho/internal/cli"
)

func main() {
	dir, _ := os.Getwd()
	m := &cli.Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Environ: os.Environ(), Dir: dir, Args: os.Args, Process: true}
	os.Exit(m.Run(context.Background()))
}
