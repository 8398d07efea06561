package e2e

// The tests build hancho from source in TestMain, which go test's cache
// cannot see; importing its code makes any change to it a change to this
// test binary, so a cached result is never one of an older hancho.
import _ "github.com/hancho-dev/hancho/internal/cli"
