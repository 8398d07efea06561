//go:build race

package e2e

// raceEnabled builds hancho with -race when the tests run with -race, so
// the binary under test is checked too.
const raceEnabled = true
