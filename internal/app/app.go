// Package app resolves an app root, its Procfile, its env files and the
// command-line options into the concrete instances hancho runs or exports.
package app

// Type is one process type of the Procfile (one line), with its
// position and how many instances run.
type Type struct {
	Name        string // "web"
	Command     string // the command line, run through /bin/sh -c
	Line        int    // line in the Procfile
	Index       int    // position among all types of the Procfile, from 0; PORT uses it
	Concurrency int    // instances to run; 0 drops the type
}

// Instance is one process to run: the Nth instance of a type.
type Instance struct {
	Type    string   // "web"
	Num     int      // 1-based instance number
	Name    string   // "web.1"
	Command string   // the command line, run through /bin/sh -c
	Port    int      // its PORT value
	Env     []string // its whole environment, KEY=value, as exec wants it
}
