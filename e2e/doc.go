// Package e2e tests the built hancho binary against real processes, real
// signals and real servers. TestMain builds hancho (and the stand-in
// programs under standin/) once; each test runs it in a temp app root.
package e2e
