//go:build linux

package preflight

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
)

// findListeners returns which of ports something listens on, with the
// process that holds each when it can be found: /proc/net/tcp and tcp6 give
// each listening socket's inode and owner, and the /proc/PID/fd links to
// "socket:[inode]" give the process.
func findListeners(ports []int) map[int]listener {
	want := map[int]bool{}
	for _, p := range ports {
		want[p] = true
	}
	busy := map[int]listener{}
	owner := map[int]int{}     // port -> uid of a socket listening on it
	inodes := map[uint64]int{} // listening socket -> its port
	read := false
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		read = true
		for _, s := range parseListening(data) {
			if want[s.port] {
				busy[s.port] = listener{}
				owner[s.port] = s.uid
				inodes[s.inode] = s.port
			}
		}
	}
	if !read { // no /proc to read: try the ports instead
		for _, p := range ports {
			if bindBusy(p) {
				busy[p] = listener{}
			}
		}
		return busy
	}
	if len(busy) == 0 {
		return busy
	}
	for inode, pid := range socketHolders(inodes) {
		port := inodes[inode]
		if l := busy[port]; l.pid == 0 || pid < l.pid {
			busy[port] = listener{pid: pid, cmdline: cmdline(pid)}
		}
	}
	uid := os.Getuid()
	for port, l := range busy {
		if l.pid == 0 {
			l.foreign = uid != 0 && owner[port] != uid
			busy[port] = l
		}
	}
	return busy
}

// socket is a listening TCP socket of /proc/net/tcp.
type socket struct {
	port  int
	uid   int
	inode uint64
}

// parseListening reads the LISTEN sockets of /proc/net/tcp or tcp6: lines of
// "sl local_address rem_address st ... uid timeout inode ...", with the
// address as hex IP:port and the state 0A for LISTEN.
func parseListening(data []byte) []socket {
	var out []socket
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 10 || f[3] != "0A" {
			continue
		}
		i := strings.LastIndexByte(f[1], ':')
		port, err1 := strconv.ParseUint(f[1][i+1:], 16, 16)
		uid, err2 := strconv.Atoi(f[7])
		inode, err3 := strconv.ParseUint(f[9], 10, 64)
		if i < 0 || err1 != nil || err2 != nil || err3 != nil || inode == 0 {
			continue
		}
		out = append(out, socket{port: int(port), uid: uid, inode: inode})
	}
	return out
}

// socketHolders finds, for each socket inode, the lowest pid holding it (a
// forked child shares its parent's sockets). Processes of other users
// cannot be read and are skipped.
func socketHolders(inodes map[uint64]int) map[uint64]int {
	holders := map[uint64]int{}
	procs, err := os.ReadDir("/proc")
	if err != nil {
		return holders
	}
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		dir := "/proc/" + p.Name() + "/fd/"
		fds, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, fd := range fds {
			link, err := os.Readlink(dir + fd.Name())
			if err != nil || !strings.HasPrefix(link, "socket:[") {
				continue
			}
			inode, err := strconv.ParseUint(strings.TrimSuffix(link[len("socket:["):], "]"), 10, 64)
			if _, ok := inodes[inode]; !ok || err != nil {
				continue
			}
			if cur, ok := holders[inode]; !ok || pid < cur {
				holders[inode] = pid
			}
		}
	}
	return holders
}

// cmdline is a process's command line, shortened for a message.
func cmdline(pid int) string {
	const maxLen = 80
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return ""
	}
	s := strings.TrimSpace(strings.ReplaceAll(string(bytes.TrimRight(data, "\x00")), "\x00", " "))
	if r := []rune(s); len(r) > maxLen {
		s = string(r[:maxLen-3]) + "..."
	}
	return s
}
