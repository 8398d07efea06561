//go:build !linux

package cli

import "io"

func growStdout(io.Writer) {}
