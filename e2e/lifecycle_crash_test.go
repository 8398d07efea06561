package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// benchProcfile is a Frappe bench's processes in miniature: a reloader holding
// a port, an RQ worker in the middle of a job in a setsid() horse, a
// watcher tree, a process that ignores SIGTERM and a daemon that
// double-forked. Like Python and node they all ignore SIGPIPE, so a dead
// hancho's closed pipe does not end them.
const benchProcfile = "" +
	"web: reloader\n" +
	"worker: rqworker -every 10ms -job-time 1h -progress 200ms\n" +
	"watch: watcher -interval 10ms -partial 20ms\n" +
	"stubborn: stubborn -ignore TERM,PIPE\n" +
	"daemon: daemon -sleep 1h -hold\n"

// startBench starts benchProcfile with -t 1 and waits until every part
// of it runs. It returns the run, the web port and the pids of the horse
// and the daemon.
func startBench(t *testing.T, mark string) (r *Run, port, horse, daemon int) {
	t.Helper()
	port = freePort(t)
	dir := appDir(t, map[string]string{"Procfile": benchProcfile})
	r = start(t, dir, []string{mark}, "start", "--no-colour", "-t", "1", "-p", strconv.Itoa(port))
	r.WaitLine(fmt.Sprintf(`web\.1 +\|  \* Running on http://127\.0\.0\.1:%d `, port))
	horse, _ = strconv.Atoi(r.WaitLine(`worker\.1 +\| job 1 started \(horse pid=(\d+)\)`)[1])
	r.WaitLine(`worker\.1 +\| job 1 working`)
	r.WaitLine(`watch\.1 +\| grandchild: building done 1$`)
	r.WaitLine(`stubborn\.1 +\| ready`)
	daemon, _ = strconv.Atoi(r.WaitLine(`daemon\.1 +\| daemon started \(pid=(\d+)\)`)[1])
	return r, port, horse, daemon
}

// kill -9 of hancho (the guard, the pid a shell or bench knows) still
// takes everything down: the supervisor gets SIGTERM as its parent-death
// signal and shuts down as usual.
func TestLifecycleKill9OfHanchoStopsEverything(t *testing.T) {
	mark := marker(t)
	r, port, horse, daemon := startBench(t, mark)
	r.Signal(syscall.SIGKILL)
	if code := r.Wait(); code != -1 {
		t.Errorf("exit code = %d, want -1 (killed)", code)
	}
	waitGone(t, horse, daemon)
	noneLeft(t, mark)
	assertPortFree(t, port)
	r.WaitLine(`system +\| SIGTERM received`)
}

// SIGKILL (or the OOM killer) of the supervisor: its processes become the
// guard's, and the guard stops them: SIGTERM, then SIGKILL after -t.
func TestLifecycleKill9OfSupervisorStopsEverything(t *testing.T) {
	mark := marker(t)
	r, port, horse, daemon := startBench(t, mark)
	sup := supervisorPID(t, r.Cmd.Process.Pid)
	signalPID(t, sup, syscall.SIGKILL)
	if code := r.Wait(); code != 128+9 {
		t.Errorf("exit code = %d, want 137", code)
	}
	r.WaitStderr(`the supervisor was killed by SIGKILL; stopping what it left`)
	waitGone(t, sup, horse, daemon)
	noneLeft(t, mark)
	assertPortFree(t, port)
}

// While running, .hancho/run.json under the app root names the guard, the
// supervisor and every process with its pid, process group and start
// time, so that what a dead run left can be found; a clean exit removes it.
func TestLifecycleRunRecord(t *testing.T) {
	dir := appDir(t, map[string]string{"Procfile": "a: stubborn -ignore ''\nb: stubborn -ignore ''\n"})
	mark := marker(t)
	r := start(t, dir, []string{mark}, "start", "--no-colour")
	r.WaitLine(`a\.1 +\| ready`)
	r.WaitLine(`b\.1 +\| ready`)
	pids := r.PIDs()
	rec := waitRunRecord(t, dir, func(rec *runRecord) bool { return len(rec.Procs) == 2 })

	guard := r.Cmd.Process.Pid
	if rec.GuardPID != guard {
		t.Errorf("guard_pid = %d, want %d", rec.GuardPID, guard)
	}
	if sup := supervisorPID(t, guard); rec.PID != sup {
		t.Errorf("pid = %d, want the supervisor's %d", rec.PID, sup)
	}
	if st := procStartTime(rec.PID); rec.StartTime != st {
		t.Errorf("start_time = %d, want %d", rec.StartTime, st)
	}
	var names []string
	for _, p := range rec.Procs {
		names = append(names, p.Name)
		if p.PID != pids[p.Name] {
			t.Errorf("%s: pid = %d, want %d", p.Name, p.PID, pids[p.Name])
		}
		if g := pgidOf(p.PID); p.PGID != g || g != p.PID {
			t.Errorf("%s: pgid = %d, process group %d, want its own pid %d", p.Name, p.PGID, g, p.PID)
		}
		if st := procStartTime(p.PID); p.StartTime != st || st == 0 {
			t.Errorf("%s: start_time = %d, want %d", p.Name, p.StartTime, st)
		}
	}
	sort.Strings(names)
	if fmt.Sprint(names) != "[a.1 b.1]" {
		t.Errorf("processes = %v, want [a.1 b.1]", names)
	}
	if code := r.stopWith(syscall.SIGINT); code != 130 {
		t.Errorf("exit code = %d, want 130", code)
	}
	noneLeft(t, mark)
	if _, err := os.Stat(filepath.Join(dir, ".hancho", "run.json")); !os.IsNotExist(err) {
		t.Errorf("run record left after a clean exit: %v", err)
	}
}

// waitRunRecord waits, on inotify events of .hancho, until the run record
// satisfies ok.
func waitRunRecord(t *testing.T, root string, ok func(*runRecord) bool) *runRecord {
	t.Helper()
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if _, err := unix.InotifyAddWatch(fd, filepath.Join(root, ".hancho"), unix.IN_MOVED_TO|unix.IN_CLOSE_WRITE); err != nil {
		t.Fatal(err)
	}
	end := time.Now().Add(deadline)
	for {
		if _, err := os.Stat(filepath.Join(root, ".hancho", "run.json")); err == nil {
			if rec := readRunRecord(t, root); ok(rec) {
				return rec
			}
		}
		left := time.Until(end)
		if left <= 0 {
			t.Fatalf("the run record did not show what was expected within %s", deadline)
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		if n, _ := unix.Poll(fds, int(left.Milliseconds())+1); n > 0 {
			var buf [4096]byte
			unix.Read(fd, buf[:])
		}
	}
}
