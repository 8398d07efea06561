package e2e

import (
	"bufio"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// The control socket is .hancho/control.sock, in a folder only its user
// may enter (0700), itself 0600; the run record is private too.
func TestControlSocketIsPrivate(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{"Procfile": "web: exec sleep 1000\n"})
	mark := marker(t)
	env := []string{mark}
	r := start(t, dir, env, "start", "--no-colour")
	r.WaitLine(`system +\| web\.1 started`)
	ctlWaitRecord(t, dir, r.PIDs(), "web.1")

	for _, f := range []struct {
		name string
		typ  fs.FileMode
		perm fs.FileMode
	}{
		{".hancho", fs.ModeDir, 0o700},
		{".hancho/control.sock", fs.ModeSocket, 0o600},
		{".hancho/run.json", 0, 0o600},
	} {
		fi, err := os.Lstat(filepath.Join(dir, f.name))
		if err != nil {
			t.Errorf("%s: %v", f.name, err)
			continue
		}
		if fi.Mode().Type() != f.typ || fi.Mode().Perm() != f.perm {
			t.Errorf("%s has mode %v, want %v", f.name, fi.Mode(), f.typ|f.perm)
		}
	}
	ctlOK(t, dir, env, "stop")
	r.Wait()
	noneLeft(t, mark)
}

// The API is HTTP and JSON over the socket, as the README documents it:
// curl --unix-socket works, and so does any HTTP client.
func TestControlHTTPAPI(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{"Procfile": "web: echo hello; exec sleep 1000\nworker: exec sleep 1000\n"})
	mark := marker(t)
	env := []string{mark}
	r := start(t, dir, env, "start", "--no-colour")
	r.WaitLine(`web\.1 +\| hello$`)
	r.WaitLine(`system +\| worker\.1 started`)
	sock := filepath.Join(dir, ".hancho", "control.sock")

	type answer struct {
		Procs []ctlProc `json:"processes"`
		Err   string    `json:"error"`
	}
	decode := func(what string, body []byte) answer {
		t.Helper()
		var raw struct {
			Procs json.RawMessage `json:"processes"`
			Err   string          `json:"error"`
		}
		if err := json.Unmarshal(body, &raw); err != nil {
			t.Fatalf("%s: %v:\n%s", what, err, body)
		}
		a := answer{Err: raw.Err}
		if raw.Procs != nil {
			procs, err := ctlDecodeStatus(raw.Procs)
			if err != nil {
				t.Fatalf("%s: processes: %v:\n%s", what, err, body)
			}
			a.Procs = procs
		}
		return a
	}

	if curl, err := exec.LookPath("curl"); err != nil {
		t.Log("no curl: the README's curl commands are checked with Go's client only")
	} else {
		res := ctlOK(t, dir, nil, curl, "-sS", "--fail-with-body", "--unix-socket", sock, "http://hancho/v1/status")
		if a := decode("curl status", []byte(res.stdout)); len(a.Procs) != 2 || a.Procs[0].Name != "web.1" || a.Procs[0].PID != r.PIDs()["web.1"] {
			t.Errorf("curl .../v1/status: %s", res.stdout)
		}
		c := ctlFollow(r)
		res = ctlOK(t, dir, nil, curl, "-sS", "--fail-with-body", "--unix-socket", sock, "-X", "POST", "http://hancho/v1/restart?name=web.1")
		decode("curl restart", []byte(res.stdout))
		c.Next(`system +\| web\.1 started`)
		res = ctlOK(t, dir, nil, curl, "-sS", "--unix-socket", sock, "http://hancho/v1/logs?name=web&n=1")
		var l struct{ Name, Text, Time string }
		if err := json.Unmarshal([]byte(res.stdout), &l); err != nil || l.Name != "web.1" || l.Text != "hello" || l.Time == "" {
			t.Errorf("curl .../v1/logs?name=web&n=1: %v: %s", err, res.stdout)
		}
	}

	client := ctlSocketClient(sock)
	call := func(method, path string) (int, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, "http://hancho"+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, body
	}

	code, body := call("GET", "/v1/status")
	if a := decode("GET /v1/status", body); code != 200 || len(a.Procs) != 2 {
		t.Errorf("GET /v1/status: %d %s", code, body)
	}
	code, body = call("POST", "/v1/stop?name=nope")
	if a := decode("POST /v1/stop?name=nope", body); code != 404 || !strings.Contains(a.Err, `"nope"`) {
		t.Errorf("POST /v1/stop?name=nope: %d %s; want 404 and an error naming it", code, body)
	}
	code, body = call("GET", "/v1/logs?name=web&n=-1")
	if code != 400 || !strings.Contains(decode("GET /v1/logs?n=-1", body).Err, "-1") {
		t.Errorf("GET /v1/logs?n=-1: %d %s; want 400 and an error", code, body)
	}
	c := ctlFollow(r)
	code, body = call("POST", "/v1/stop?name=worker*")
	if a := decode("POST /v1/stop?name=worker*", body); code != 200 || len(a.Procs) != 2 {
		t.Errorf("POST /v1/stop?name=worker*: %d %s", code, body)
	}
	c.Next(`system +\| worker\.1 stopped`)

	// A follower: lines as they come, one JSON object each.
	resp, err := client.Get("http://hancho/v1/logs?name=web&n=1&follow=1")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(resp.Body)
	if !sc.Scan() {
		t.Fatalf("GET /v1/logs?follow=1: nothing: %v", sc.Err())
	}
	var l struct{ Name, Text string }
	if err := json.Unmarshal(sc.Bytes(), &l); err != nil || l.Name != "web.1" || l.Text != "hello" {
		t.Errorf("GET /v1/logs?follow=1: %v %s", err, sc.Bytes())
	}
	c = ctlFollow(r)
	code, body = call("POST", "/v1/restart?name=web")
	if code != 200 {
		t.Errorf("POST /v1/restart?name=web: %d %s", code, body)
	}
	c.Next(`web\.1 +\| hello$`)
	if !sc.Scan() || !strings.Contains(sc.Text(), `"text":"hello"`) {
		t.Errorf("the follower did not get the new start's line: %q %v", sc.Text(), sc.Err())
	}

	// The whole hancho: the follower's stream ends with it.
	code, body = call("POST", "/v1/shutdown")
	if code != 200 {
		t.Errorf("POST /v1/shutdown: %d %s", code, body)
	}
	r.Wait()
	for sc.Scan() {
	}
	resp.Body.Close()
	noneLeft(t, mark)
}

// hancho opens no TCP socket, listening or not: the control API is only
// on the Unix socket.
func TestControlNoTCPListener(t *testing.T) {
	t.Parallel()
	dir := appDir(t, map[string]string{"Procfile": "web: exec sleep 1000\n"})
	mark := marker(t)
	env := []string{mark}
	r := start(t, dir, env, "start", "--no-colour")
	r.WaitLine(`system +\| web\.1 started`)
	follower := start(t, dir, env, "logs", "-f", "web")
	guard, supervisor := ctlGuard(t, r)
	// A request on the socket shows that the server runs; the follower
	// stays connected.
	ctlStatus(t, dir, env)
	ctlStatus(t, dir, env)

	hancho := map[string]int{"guard": guard, "supervisor": supervisor, "logs -f": follower.Cmd.Process.Pid}
	unix := 0
	for what, pid := range hancho {
		tcp := ctlTCPSockets(t, pid)
		for ino := range ctlSocketInodes(pid) {
			if state, ok := tcp[ino]; ok {
				kind := "a TCP socket"
				if state == "0A" {
					kind = "a TCP listener"
				}
				t.Errorf("the %s (pid %d) has %s open (inode %s)", what, pid, kind, ino)
			} else if what == "supervisor" {
				unix++
			}
		}
	}
	if unix == 0 {
		t.Errorf("the supervisor (pid %d) has no socket open at all; is the control socket served?", supervisor)
	}
	if out, err := exec.Command("ss", "-ltnpH").Output(); err == nil {
		for _, pid := range hancho {
			if strings.Contains(string(out), "pid="+strconv.Itoa(pid)+",") {
				t.Errorf("ss -ltnp shows a TCP listener of pid %d:\n%s", pid, out)
			}
		}
	}
	ctlOK(t, dir, env, "stop")
	r.Wait()
	follower.Wait()
	noneLeft(t, mark)
}

// ctlOpenApp makes an app root and a copy of hancho that the user nobody
// can reach (every folder on the way 0755: t.TempDir's are private).
func ctlOpenApp(t *testing.T, procfile string) (dir, exe string) {
	t.Helper()
	base := t.TempDir()
	for d := base; d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	dir = filepath.Join(base, "app")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Procfile"), []byte(procfile), 0o644); err != nil {
		t.Fatal(err)
	}
	exe = filepath.Join(base, "hancho")
	data, err := os.ReadFile(bin.hancho)
	if err == nil {
		err = os.WriteFile(exe, data, 0o755)
	}
	if err != nil {
		t.Fatal(err)
	}
	return dir, exe
}

// ctlNobody runs programs as the user nobody.
var ctlNobody = &syscall.Credential{Uid: 65534, Gid: 65534}

// A user other than the one running hancho gets no answer: the 0700
// folder keeps them out, and where that folder has been opened up, the
// server refuses their connection (SO_PEERCRED).
func TestControlOtherUserRefused(t *testing.T) {
	t.Parallel()
	if os.Getuid() != 0 {
		t.Skip("needs root to run a client as another user")
	}
	dir, exe := ctlOpenApp(t, "web: exec sleep 1000\n")
	mark := marker(t)
	env := []string{mark}
	r := start(t, dir, env, "start", "--no-colour")
	r.WaitLine(`system +\| web\.1 started`)
	pid := r.PIDs()["web.1"]
	sock := filepath.Join(dir, ".hancho", "control.sock")

	asNobody := func(args ...string) ctlResult {
		t.Helper()
		res, err := ctlExecAs(dir, env, ctlNobody, args...)
		if err != nil {
			t.Fatal(err)
		}
		if res.code == 0 || strings.Contains(res.stdout, "web.1") || strings.Contains(res.stdout, "processes") {
			t.Errorf("%s as nobody got an answer:\n%s", strings.Join(args, " "), res)
		}
		return res
	}
	curl, _ := exec.LookPath("curl")
	tryAll := func(why string) {
		t.Helper()
		asNobody(exe, "status", "--json")
		asNobody(exe, "logs")
		if res := asNobody(exe, "stop", "web"); !strings.Contains(res.stderr, why) {
			t.Errorf("hancho stop web as nobody does not say %q:\n%s", why, res)
		}
		asNobody(exe, "stop")
		if curl != "" {
			asNobody(curl, "-sS", "--unix-socket", sock, "http://hancho/v1/status")
			asNobody(curl, "-sS", "--unix-socket", sock, "-X", "POST", "http://hancho/v1/shutdown")
		}
	}
	// As hancho made it: the folder stops them.
	tryAll("permission denied")

	// The folder and the socket opened to all: SO_PEERCRED refuses them.
	if err := os.Chmod(filepath.Join(dir, ".hancho"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(sock, 0o666); err != nil {
		t.Fatal(err)
	}
	tryAll("without answering")

	// Nothing happened to the run, and its own user is still served.
	if p := ctlFind(t, ctlStatus(t, dir, env), "web.1"); p.PID != pid || p.State != "running" {
		t.Errorf("web.1 after the other user's attempts: %+v", p)
	}
	if strings.Contains(r.Stdout(), "stop requested") || strings.Contains(r.Stdout(), "stopping") {
		t.Errorf("another user's request was carried out:\n%s", r.Stdout())
	}
	ctlOK(t, dir, env, "stop")
	r.Wait()
	noneLeft(t, mark)
}

// Another user's `hancho status` is told why it gets nothing: a hancho
// runs there, as someone else, not "no hancho is running".
func TestControlOtherUserToldWhy(t *testing.T) {
	t.Parallel()
	if os.Getuid() != 0 {
		t.Skip("needs root to run a client as another user")
	}
	dir, exe := ctlOpenApp(t, "web: exec sleep 1000\n")
	mark := marker(t)
	env := []string{mark}
	r := start(t, dir, env, "start", "--no-colour")
	r.WaitLine(`system +\| web\.1 started`)
	for _, args := range [][]string{{"status"}, {"logs"}, {"restart", "web"}} {
		res, err := ctlExecAs(dir, env, ctlNobody, append([]string{exe}, args...)...)
		if err != nil {
			t.Fatal(err)
		}
		if res.code == 0 || !strings.Contains(res.stderr, "permission denied") || strings.Contains(res.stderr, "no hancho is running") {
			t.Errorf("hancho %s as another user:\n%s\nwant an error that says permission denied", strings.Join(args, " "), res)
		}
	}
	ctlOK(t, dir, env, "stop")
	r.Wait()
	noneLeft(t, mark)
}
