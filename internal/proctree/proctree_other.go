//go:build !linux

// Package proctree reads the process tree from /proc; off Linux it knows
// nothing and says so with empty answers.
package proctree

// Descendants is not known off Linux.
func Descendants(int) []int { return nil }

// Children is not known off Linux.
func Children(int) []int { return nil }

// Stat is not known off Linux.
func Stat(int) (byte, int, bool) { return 0, 0, false }

// StartTime is not known off Linux.
func StartTime(int) (uint64, bool) { return 0, false }

// CommandLine is not known off Linux.
func CommandLine(int) string { return "" }
