package initcfg

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/hancho-dev/hancho/internal/preflight"
)

// Frappe's facts that the bench policies rest on.
const (
	queueType      = "redis_queue" // what web, socketio and the workers need
	siteConfig     = "sites/common_site_config.json"
	defaultStop    = 360  // seconds production gives a short or default worker to stop
	longQueueStop  = 1560 // seconds production gives a long worker: jobs run up to 1500s
	redisFallback  = 6379 // redis-server's own default port
	loopbackPrefix = "127.0.0.1:"
)

// benchRedisPorts are the ports bench writes into its redis configs.
var benchRedisPorts = map[string]int{"redis_cache": 13000, "redis_queue": 11000, "redis_socketio": 12000}

func bench(root string, types []Type) Result {
	r := Result{Bench: true}
	var b strings.Builder
	comment(&b, "", fmt.Sprintf("hancho.yaml for the Frappe bench in %s, written by `hancho init`.", root))
	b.WriteString("#\n")
	comment(&b, "", "hancho reads this file beside the Procfile whenever it runs it, also under `bench start`. Without it hancho behaves like honcho: the first process to exit stops all the others. Each entry below changes that for one process; edit or remove entries freely, and check the result with `hancho check`.")
	b.WriteString("#\n")
	comment(&b, "", "Keys of a process: restart (no, on-failure, always), optional, stop_timeout, stop_signal, depends_on, ready (tcp, http, exec or log; timeout), env, dir.")
	b.WriteString("\nprocesses:\n")

	hasQueue := slices.ContainsFunc(types, func(t Type) bool { return t.Name == queueType })
	workers, note := readWorkerTimeouts(root)
	if note != "" {
		r.Notes = append(r.Notes, note)
	}
	first := true
	entry := func(name, why string, body ...string) {
		if !first {
			b.WriteString("\n")
		}
		first = false
		comment(&b, "  ", why)
		b.WriteString("  " + key(name) + ":\n")
		for _, line := range body {
			b.WriteString("    " + line + "\n")
		}
	}
	after := func(t Type) []string {
		if !hasQueue || t.Name == queueType {
			return nil
		}
		return []string{"depends_on: [" + queueType + "]"}
	}
	for _, t := range types {
		argv := argvOf(t.Command)
		switch {
		case len(argv) > 0 && (filepath.Base(argv[0]) == "redis-server" || filepath.Base(argv[0]) == "valkey-server"):
			port, why := redisPort(root, t.Name, argv[1:], &r)
			if port == 0 {
				entry(t.Name, fmt.Sprintf("%s listens on no TCP port (%s): no readiness probe.", t.Name, why))
				continue
			}
			addr := loopbackPrefix + strconv.Itoa(port)
			entry(t.Name, fmt.Sprintf("Ready once it accepts connections on port %d (%s).", port, why), "ready:", "  tcp: "+addr)
			r.Summary = append(r.Summary, fmt.Sprintf("%s: ready when %s accepts connections", t.Name, addr))
		case t.Name == "web" || t.Name == "socketio":
			why := "Started once redis_queue is ready."
			if t.Name == "socketio" {
				why = "Started once redis_queue is ready: it subscribes to redis_queue as it starts and fails without it."
			}
			if dep := after(t); dep != nil {
				entry(t.Name, why, dep...)
				r.Summary = append(r.Summary, t.Name+": starts once "+queueType+" is ready")
			}
		case t.Name == "watch":
			entry(t.Name, "The asset watcher dies on a failed build or when out of memory: restart it, and never stop the bench because of it.", "optional: true", "restart: on-failure")
			r.Summary = append(r.Summary, t.Name+": optional, restarted when it fails")
		case t.Name == "schedule":
			entry(t.Name, "The scheduler exits at once, with status 0, when another scheduler holds its lock (config/scheduler_process): that must not stop the bench.", "optional: true")
			r.Summary = append(r.Summary, t.Name+": optional")
		case strings.HasPrefix(t.Name, "worker"):
			secs, why := workerStop(t, argv, workers)
			body := append(after(t), fmt.Sprintf("stop_timeout: %ds", secs))
			start := ""
			if hasQueue {
				start = "Started once redis_queue is ready. "
			}
			entry(t.Name, fmt.Sprintf("%sOn stop, an RQ worker first finishes the job in hand: it gets %ds before SIGKILL (%s).", start, secs, why), body...)
			line := fmt.Sprintf("%s: %ds to finish its job when stopped", t.Name, secs)
			if hasQueue {
				line = fmt.Sprintf("%s: starts once %s is ready; %ds to finish its job when stopped", t.Name, queueType, secs)
			}
			r.Summary = append(r.Summary, line)
		default:
			if !first {
				b.WriteString("\n")
			}
			first = false
			comment(&b, "  ", t.Name+": no policy; it runs as under honcho.")
		}
	}
	r.Data = []byte(b.String())
	return r
}

// argvOf returns the program and arguments of a command line, as text; nil
// when the command is beyond a simple command.
func argvOf(command string) []string {
	cmd, ok := preflight.Split(command)
	if !ok {
		return nil
	}
	words, ok := cmd.Argv()
	if !ok {
		return nil
	}
	var argv []string
	for _, w := range words {
		if !w.Literal {
			return argv // what follows an expansion may be anything
		}
		argv = append(argv, w.Text)
	}
	return argv
}

// redisPort is the port a redis-server line listens on, and where that
// came from: --port, else the config file's port line, else bench's port for
// this process name, else redis's default.
func redisPort(root, name string, args []string, r *Result) (int, string) {
	for i, a := range args {
		v, ok := strings.CutPrefix(a, "--port=")
		if !ok && a == "--port" && i+1 < len(args) {
			v, ok = args[i+1], true
		}
		if n, err := strconv.Atoi(v); ok && err == nil && n >= 0 && n <= 65535 {
			return n, "from --port"
		}
	}
	fallback, why := redisFallback, "redis's default"
	if p, ok := benchRedisPorts[name]; ok {
		fallback, why = p, "bench's default for "+name
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return fallback, why
	}
	conf := args[0]
	path := conf
	if !filepath.IsAbs(path) {
		path = filepath.Join(root, conf)
	}
	port, ok, err := preflight.RedisPort(path)
	switch {
	case err != nil:
		r.Notes = append(r.Notes, fmt.Sprintf("%s: cannot read %s (%v); assumed port %d, %s", name, conf, unwrapPath(err), fallback, why))
		return fallback, why
	case !ok:
		return redisFallback, conf + " sets no port: redis's default"
	}
	return port, "from " + conf
}

// workerTimeouts are the job timeouts of Frappe's custom queues, in seconds,
// by queue name.
type workerTimeouts map[string]float64

// readWorkerTimeouts reads the "workers" of sites/common_site_config.json:
// {"workers": {"long": {"timeout": 1500}}}. A missing file is no workers;
// an unreadable one gives a note.
func readWorkerTimeouts(root string) (workerTimeouts, string) {
	data, err := os.ReadFile(filepath.Join(root, siteConfig))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ""
	}
	if err != nil {
		return nil, fmt.Sprintf("cannot read %s (%v); workers get the default stop timeouts", siteConfig, unwrapPath(err))
	}
	var conf struct {
		Workers map[string]struct {
			Timeout json.RawMessage `json:"timeout"`
		} `json:"workers"`
	}
	if err := json.Unmarshal(data, &conf); err != nil {
		return nil, fmt.Sprintf("%s is not valid JSON of the usual shape (%v); workers get the default stop timeouts", siteConfig, err)
	}
	out := workerTimeouts{}
	for queue, w := range conf.Workers {
		// Frappe takes the timeout as a number; bench set-config may store a string.
		raw := strings.Trim(string(w.Timeout), `"`)
		if secs, err := strconv.ParseFloat(raw, 64); err == nil && secs > 0 && secs < 1e7 {
			out[queue] = secs
		}
	}
	return out, ""
}

// workerStop is the stop timeout of a worker type, in seconds, and why:
// its queues are those of --queue, else the part of its name after
// "worker_"; the longest stop among them wins.
func workerStop(t Type, argv []string, timeouts workerTimeouts) (int, string) {
	var queues []string
	for i, a := range argv {
		v, ok := strings.CutPrefix(a, "--queue=")
		if !ok && a == "--queue" && i+1 < len(argv) {
			v, ok = argv[i+1], true
		}
		if ok {
			queues = append(queues, strings.Split(v, ",")...)
		}
	}
	if q, ok := strings.CutPrefix(t.Name, "worker_"); ok && q != "" && len(queues) == 0 {
		queues = []string{q}
	}
	secs, why := 0, ""
	for _, q := range queues {
		if s, w := queueStop(strings.TrimSpace(q), timeouts); s > secs {
			secs, why = s, w
		}
	}
	if secs == 0 {
		return defaultStop, "no queue named: production's time for short and default jobs; raise it if long jobs run here"
	}
	return secs, why
}

// queueStop is the stop timeout for one queue's jobs, and why.
func queueStop(q string, timeouts workerTimeouts) (int, string) {
	if s, ok := timeouts[q]; ok {
		return int(math.Ceil(s)), fmt.Sprintf("queue %s: its timeout in %s", q, siteConfig)
	}
	if q == "long" {
		return longQueueStop, "queue long: jobs run up to 1500s; production waits 1560s"
	}
	return defaultStop, fmt.Sprintf("queue %s: production's time for short and default jobs", q)
}

// unwrapPath drops the path from an *fs.PathError, which the message names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
