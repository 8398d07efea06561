package control

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"

	"github.com/hancho-dev/hancho/internal/supervise"
)

// Client calls a running hancho's control socket.
type Client struct {
	path string
	http *http.Client
}

// NewClient returns a client for the socket at path.
func NewClient(path string) *Client {
	return &Client{path: path, http: &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		},
	}}}
}

// Do sends a request: "status", "restart", "stop" or "shutdown".
func (c *Client) Do(ctx context.Context, op string, names []string) (supervise.Reply, error) {
	method := http.MethodPost
	if op == "status" {
		method = http.MethodGet
	}
	resp, err := c.call(ctx, method, op, url.Values{"name": names})
	if err != nil {
		return supervise.Reply{}, err
	}
	defer resp.Body.Close()
	var reply supervise.Reply
	if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil {
		return reply, fmt.Errorf("bad answer from hancho: %w", err)
	}
	if reply.Err != "" {
		return reply, errors.New(reply.Err)
	}
	return reply, nil
}

// Logs calls fn with the last n lines of the named processes (all when
// names is empty), then, when follow is set, with each new line until ctx
// ends or hancho exits.
func (c *Client) Logs(ctx context.Context, names []string, n int, follow bool, fn func(supervise.LogLine)) error {
	q := url.Values{"name": names, "n": {strconv.Itoa(n)}}
	if follow {
		q.Set("follow", "1")
	}
	resp, err := c.call(ctx, http.MethodGet, "logs", q)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var reply supervise.Reply
		json.NewDecoder(resp.Body).Decode(&reply)
		return errors.New(reply.Err)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l supervise.LogLine
		if err := json.Unmarshal(sc.Bytes(), &l); err == nil {
			fn(l)
		}
	}
	return nil // ctx ended, or hancho exited and so did the stream
}

func (c *Client) call(ctx context.Context, method, op string, q url.Values) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, "http://hancho/v1/"+op+"?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.explain(err)
	}
	return resp, nil
}

// explain turns a failed call into what the user needs to know.
func (c *Client) explain(err error) error {
	var op *net.OpError
	switch {
	case errors.As(err, &op) && op.Op == "dial" && errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("cannot connect to %s: permission denied; the hancho there answers only the user it runs as", c.path)
	case errors.As(err, &op) && op.Op == "dial":
		return ErrNotRunning
	case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		strings.Contains(err.Error(), "server closed idle connection"):
		// The server closes a connection it will not answer: that of
		// another user (SO_PEERCRED), or one that came as it exited.
		return fmt.Errorf("hancho closed the connection on %s without answering: it answers only the user it runs as, and not once it is exiting", c.path)
	}
	return err
}
