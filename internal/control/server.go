// Package control serves and calls the control API of a running hancho:
// HTTP and JSON over a Unix socket in the app root's private .hancho/
// folder, open only to the user who runs hancho.
//
//	GET  /v1/status                 the processes (JSON list)
//	POST /v1/restart?name=web.1     restart processes (names or globs)
//	POST /v1/stop?name=worker*      stop processes and keep them stopped
//	POST /v1/shutdown               stop everything, like Ctrl-C
//	GET  /v1/logs?name=web&n=100&follow=1
//	                                the last n lines of each (all it
//	                                keeps without n, none with n=0),
//	                                then new ones (NDJSON)
package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/hancho-dev/hancho/internal/supervise"
)

// Server answers control requests by passing them to the supervisor.
type Server struct {
	requests chan supervise.Request
	closing  chan struct{} // closed when Close begins: the loop reads no more requests
	http     *http.Server
	ln       net.Listener
	path     string
}

// Listen creates the socket at path (mode 0600; a stale one is replaced:
// the caller holds the app root's lock, so no live hancho uses it) and
// starts serving. Requests arrive on Requests().
func Listen(path string) (*Server, error) {
	os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	s := &Server{requests: make(chan supervise.Request), closing: make(chan struct{}), ln: sameUser{ln}, path: path}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/status", s.simple("status"))
	mux.HandleFunc("POST /v1/restart", s.simple("restart"))
	mux.HandleFunc("POST /v1/stop", s.simple("stop"))
	mux.HandleFunc("POST /v1/shutdown", s.simple("shutdown"))
	mux.HandleFunc("GET /v1/logs", s.logs)
	s.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go s.http.Serve(s.ln)
	return s, nil
}

// Requests delivers the requests to the supervisor loop.
func (s *Server) Requests() <-chan supervise.Request { return s.requests }

// Close stops serving and removes the socket. Call it once the loop has
// ended: requests still arriving are answered that hancho is exiting, and
// followers of logs see their stream end.
func (s *Server) Close() {
	close(s.closing)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	s.http.Shutdown(ctx)
	s.http.Close()
	os.Remove(s.path)
}

// errExiting answers requests that come after the loop has ended.
var errExiting = errors.New("hancho is exiting")

// ask passes a request to the loop and waits for its reply. Once hancho
// is exiting, a shutdown has nothing left to do and succeeds; anything
// else fails with errExiting rather than waiting for a loop that is gone.
func (s *Server) ask(ctx context.Context, op string, names []string) (supervise.Reply, error) {
	reply := make(chan supervise.Reply, 1)
	select {
	case s.requests <- supervise.Request{Op: op, Names: names, Reply: reply}:
	case <-s.closing:
		if op == "shutdown" {
			return supervise.Reply{}, nil
		}
		return supervise.Reply{}, errExiting
	case <-ctx.Done():
		return supervise.Reply{}, ctx.Err()
	}
	select {
	case r := <-reply:
		return r, nil
	case <-ctx.Done():
		return supervise.Reply{}, ctx.Err()
	}
}

// simple handles a request whose answer is the processes' status.
func (s *Server) simple(op string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		reply, err := s.ask(r.Context(), op, r.URL.Query()["name"])
		if err != nil {
			writeError(w, http.StatusServiceUnavailable, err.Error())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if reply.Err != "" {
			w.WriteHeader(http.StatusNotFound)
		}
		json.NewEncoder(w).Encode(reply)
	}
}

// writeError answers {"error": msg} with status code.
func writeError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(supervise.Reply{Err: msg})
}

// logs sends the recent lines of the processes asked for, then, with
// follow=1, every new line, one JSON object per line.
func (s *Server) logs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n := -1 // every line kept
	if v := q.Get("n"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("n is %q, not a number of lines >= 0", v))
			return
		}
	}
	follow := q.Get("follow") == "1" || q.Get("follow") == "true"
	reply, err := s.ask(r.Context(), "logs", q["name"])
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	if reply.Err != "" {
		w.WriteHeader(http.StatusNotFound)
		json.NewEncoder(w).Encode(reply)
		return
	}
	enc := json.NewEncoder(w)
	flusher, _ := w.(http.Flusher)
	type cursor struct {
		seq  uint64
		wait <-chan struct{}
	}
	cursors := make([]cursor, len(reply.Sources))
	var recent []supervise.LogLine
	// Since counts n <= 0 as "all"; n=0 asks for none, only the place
	// to follow from (after the newest line, whatever its number).
	after, last := uint64(0), max(n, 0)
	if n == 0 {
		after = math.MaxUint64
	}
	for i, src := range reply.Sources {
		lines, seq, wait := src.Since(after, last)
		recent = append(recent, lines...)
		cursors[i] = cursor{seq, wait}
	}
	sortByTime(recent)
	for _, l := range recent {
		enc.Encode(l)
	}
	if flusher != nil {
		flusher.Flush()
	}
	if !follow {
		return
	}
	// One goroutine per followed process turns its ring's change signal
	// into a wake-up for this handler.
	wake := make(chan int, len(cursors))
	watch := func(i int) {
		go func(wait <-chan struct{}) {
			select {
			case <-wait:
				wake <- i
			case <-r.Context().Done():
			}
		}(cursors[i].wait)
	}
	for i := range cursors {
		watch(i)
	}
	// send writes the lines of source i since its cursor and moves it on.
	send := func(i int) bool {
		lines, seq, wait := reply.Sources[i].Since(cursors[i].seq, 0)
		cursors[i] = cursor{seq, wait}
		for _, l := range lines {
			if err := enc.Encode(l); err != nil {
				return false
			}
		}
		if flusher != nil {
			flusher.Flush()
		}
		return true
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.closing:
			// hancho is exiting, its processes' output read to the end:
			// the last lines, then the stream ends.
			for i := range cursors {
				if !send(i) {
					return
				}
			}
			return
		case i := <-wake:
			if !send(i) {
				return
			}
			watch(i)
		}
	}
}

// ErrNotRunning means no hancho serves the socket.
var ErrNotRunning = errors.New("no hancho is running")
