//go:build !linux

package control

import "net"

// sameUser relies on the private folder's 0700 mode off Linux.
type sameUser struct{ net.Listener }
