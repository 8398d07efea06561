// Package control serves and calls the control API of a running hancho:
// HTTP and JSON over a Unix socket in the app root's private .hancho/
// folder, open only to the user who runs hancho.
//
//	GET  /v1/status                 the processes (JSON list)
//	POST /v1/restart?name=web.1     restart processes (names or globs)
//	POST /v1/stop?name=worker*      stop processes and keep them stopped
//	POST /v1/shutdown               stop everything, like Ctrl-C
//	GET  /v1/logs?name=web&n=100&follow=1
//	                                recent lines, then new ones (NDJSON)
package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	s := &Server{requests: make(chan supervise.Request), ln: sameUser{ln}, path: path}
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

// Close stops serving and removes the socket.
func (s *Server) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	s.http.Shutdown(ctx)
	s.http.Close()
	os.Remove(s.path)
}

// ask passes a request to the loop and waits for its reply.
func (s *Server) ask(ctx context.Context, op string, names []string) (supervise.Reply, error) {
	reply := make(chan supervise.Reply, 1)
	select {
	case s.requests <- supervise.Request{Op: op, Names: names, Reply: reply}:
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
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if reply.Err != "" {
			w.WriteHeader(http.StatusNotFound)
		}
		json.NewEncoder(w).Encode(reply)
	}
}

// logs sends the recent lines of the processes asked for, then, with
// follow=1, every new line, one JSON object per line.
func (s *Server) logs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n, _ := strconv.Atoi(q.Get("n"))
	follow := q.Get("follow") == "1" || q.Get("follow") == "true"
	reply, err := s.ask(r.Context(), "logs", q["name"])
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
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
	for i, src := range reply.Sources {
		lines, seq, wait := src.Since(0, n)
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
	for i := range cursors {
		go func(i int, wait <-chan struct{}) {
			select {
			case <-wait:
				wake <- i
			case <-r.Context().Done():
			}
		}(i, cursors[i].wait)
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case i := <-wake:
			lines, seq, wait := reply.Sources[i].Since(cursors[i].seq, 0)
			cursors[i] = cursor{seq, wait}
			for _, l := range lines {
				if err := enc.Encode(l); err != nil {
					return
				}
			}
			if flusher != nil {
				flusher.Flush()
			}
			go func() {
				select {
				case <-wait:
					wake <- i
				case <-r.Context().Done():
				}
			}()
		}
	}
}

// ErrNotRunning means no hancho serves the socket.
var ErrNotRunning = errors.New("no hancho is running")
