package haproxy

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hybridlab/hybrid-cloud/internal/tooltest"
)

// The failover benchmark's load: failoverRequests GETs started at
// failoverRate per second whether or not earlier ones have finished (an open
// loop, like many independent users; at most failoverInFlight at once), from
// failoverUsers users; one back end is killed once failoverKillAt requests
// have been started. Everything is on 127.0.0.1 and bounded by count and by
// failoverDeadline.
const (
	failoverRequests = 8000
	failoverRate     = 500
	failoverInFlight = 1024
	failoverUsers    = 64
	failoverKillAt   = failoverRequests / 2
	failoverDeadline = 60 * time.Second
	// slowRequest is the latency above which a request counts as slow.
	slowRequest = time.Second
	// backendWork is each back end's service time, so requests are in flight
	// when one dies.
	backendWork = 2 * time.Millisecond
	// victim is the back end that dies (index into failoverNodes).
	victim = 1
)

var failoverNodes = []string{"seoul", "london", "oregon", "hongkong"}

// BenchmarkFailover runs the real HAProxy in front of four local back ends,
// kills one under load, and reports the failed requests and the seconds until
// HAProxy took the dead node out of rotation, for the note's config, for ours,
// and for ours with the sticky cookie (clients keeping their cookies).
// Run it with:
//
//	go test ./haproxy -run '^$' -bench Failover -benchtime 1x
func BenchmarkFailover(b *testing.B) {
	haproxy := tooltest.Require(b, "haproxy", "haproxy")
	configs := []struct {
		name string
		// sticky clients keep cookies, so the sticky config pins each to a node.
		sticky bool
		render func(servers []Server, port int) (string, error)
	}{
		{"note", false, func(servers []Server, port int) (string, error) {
			return noteConfig(servers, fmt.Sprintf("127.0.0.1:%d", port)), nil
		}},
		{"ours", false, func(servers []Server, port int) (string, error) {
			return Render(servers, with(noteOptions(), func(o *Options) { o.BindAddress, o.BindPort, o.LogTarget = "127.0.0.1", port, "stderr" }))
		}},
		{"ours-sticky", true, func(servers []Server, port int) (string, error) {
			return Render(servers, with(noteOptions(), func(o *Options) {
				o.BindAddress, o.BindPort, o.LogTarget, o.StickyCookie = "127.0.0.1", port, "stderr", true
			}))
		}},
	}
	for _, c := range configs {
		b.Run(c.name, func(b *testing.B) {
			var sum failoverResult
			for range b.N {
				r, err := runFailover(b, haproxy, c.sticky, c.render)
				if err != nil {
					b.Fatal(err)
				}
				fmt.Printf("failover %-11s requests=%d failed=%d slow(>%s)=%d max-latency=%s load-seconds=%.1f (paced: %d) out-of-rotation=%s\n",
					c.name, r.requests, r.failed, slowRequest, r.slow, r.maxLatency.Round(time.Millisecond),
					r.elapsed.Seconds(), failoverRequests/failoverRate, r.takeoutText())
				sum.requests += r.requests
				sum.failed += r.failed
				sum.slow += r.slow
				sum.takeout += r.takeout
			}
			n := float64(b.N)
			b.ReportMetric(float64(sum.requests)/n, "requests/op")
			b.ReportMetric(float64(sum.failed)/n, "failed/op")
			b.ReportMetric(float64(sum.slow)/n, "slow/op")
			b.ReportMetric(sum.takeout.Seconds()/n, "out-of-rotation-s/op")
		})
	}
}

type failoverResult struct {
	requests, failed int
	// slow counts requests that took longer than slowRequest.
	slow int
	// takeout is from the kill to HAProxy's "Server .../NAME is DOWN"; negative if never.
	takeout    time.Duration
	maxLatency time.Duration
	// elapsed is how long the load took, until its last request finished.
	elapsed time.Duration
}

func (r failoverResult) takeoutText() string {
	if r.takeout < 0 {
		return "never"
	}
	return fmt.Sprintf("%.2fs", r.takeout.Seconds())
}

// runFailover starts the back ends and HAProxy with render's config, sends
// the load, kills the victim midway and measures.
func runFailover(b *testing.B, haproxy string, sticky bool, render func([]Server, int) (string, error)) (failoverResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), failoverDeadline)
	defer cancel()

	var servers []Server
	var backends []*localBackend
	for _, name := range failoverNodes {
		be, err := startBackend(name)
		if err != nil {
			return failoverResult{}, err
		}
		defer be.srv.Close()
		backends = append(backends, be)
		servers = append(servers, Server{Name: name, Address: "127.0.0.1", Port: be.port()})
	}
	port, err := freePort()
	if err != nil {
		return failoverResult{}, err
	}
	cfg, err := render(servers, port)
	if err != nil {
		return failoverResult{}, err
	}
	stderr, stop, err := startHAProxy(ctx, b.TempDir(), haproxy, cfg)
	if err != nil {
		return failoverResult{}, err
	}
	defer stop()
	down := make(chan time.Time, 1)
	downLine := regexp.MustCompile(`Server [^/ ]+/` + failoverNodes[victim] + ` is DOWN`)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if downLine.MatchString(sc.Text()) {
				select {
				case down <- time.Now():
				default:
				}
			}
		}
	}()

	url := fmt.Sprintf("http://127.0.0.1:%d/", port)
	transport := &http.Transport{MaxIdleConnsPerHost: failoverInFlight, DisableCompression: true}
	defer transport.CloseIdleConnections()
	ready := &http.Client{Timeout: 5 * time.Second, Transport: transport}
	if err := waitReady(ctx, ready, url); err != nil {
		return failoverResult{}, fmt.Errorf("haproxy did not start: %w\nconfig:\n%s", err, cfg)
	}
	// Each user has a client of its own; sticky users keep their cookies.
	users := make([]*http.Client, failoverUsers)
	for i := range users {
		users[i] = &http.Client{Timeout: 5 * time.Second, Transport: transport}
		if sticky {
			users[i].Jar, _ = cookiejar.New(nil)
		}
	}

	var (
		failed     atomic.Int64
		slow       atomic.Int64
		maxLatency atomic.Int64
		killedAt   time.Time
		wg         sync.WaitGroup
		inFlight   = make(chan struct{}, failoverInFlight)
	)
	loadStart := time.Now()
	tick := time.NewTicker(time.Second / failoverRate)
	sent := 0
send:
	for ; sent < failoverRequests; sent++ {
		if sent == failoverKillAt {
			backends[victim].kill()
			killedAt = time.Now()
		}
		select {
		case <-ctx.Done():
			break send
		case <-tick.C:
		}
		select {
		case <-ctx.Done():
			break send
		case inFlight <- struct{}{}:
		}
		wg.Add(1)
		go func(client *http.Client) {
			defer wg.Done()
			defer func() { <-inFlight }()
			start := time.Now()
			if !get(ctx, client, url) {
				failed.Add(1)
			}
			d := time.Since(start)
			if d > slowRequest {
				slow.Add(1)
			}
			for cur := maxLatency.Load(); int64(d) > cur && !maxLatency.CompareAndSwap(cur, int64(d)); cur = maxLatency.Load() {
			}
		}(users[sent%failoverUsers])
	}
	tick.Stop()
	wg.Wait()

	r := failoverResult{
		requests: sent, failed: int(failed.Load()), slow: int(slow.Load()), takeout: -1,
		maxLatency: time.Duration(maxLatency.Load()), elapsed: time.Since(loadStart),
	}
	select {
	case t := <-down:
		r.takeout = t.Sub(killedAt)
	case <-ctx.Done():
	}
	return r, nil
}

// startHAProxy runs haproxy on cfg (written to dir) until ctx ends or stop
// is called. -db keeps it in the foreground (the note's `daemon` included)
// and its warnings, "Server backend/NAME is DOWN" among them, on stderr.
func startHAProxy(ctx context.Context, dir, haproxy, cfg string) (stderr io.Reader, stop func(), err error) {
	cfgPath := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		return nil, nil, err
	}
	cmd := exec.CommandContext(ctx, haproxy, "-db", "-f", cfgPath, "-p", filepath.Join(dir, "haproxy.pid"))
	if stderr, err = cmd.StderrPipe(); err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	return stderr, func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}, nil
}

// get sends one request and reports whether it got a 200 with a body.
func get(ctx context.Context, client *http.Client, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return err == nil && resp.StatusCode == http.StatusOK && len(body) > 0
}

// waitReady polls url until HAProxy answers 200, within ctx and 10 s.
func waitReady(ctx context.Context, client *http.Client, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if get(ctx, client, url) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// localBackend is one web node on 127.0.0.1 that can die abruptly.
type localBackend struct {
	ln  net.Listener
	srv *http.Server

	mu    sync.Mutex
	conns map[net.Conn]bool
}

func startBackend(name string) (*localBackend, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	be := &localBackend{ln: ln, conns: map[net.Conn]bool{}}
	page := []byte("<h1>" + name + "</h1>\n")
	be.srv = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			time.Sleep(backendWork) // service time, so requests are in flight when it dies
			_, _ = w.Write(page)
		}),
		ConnState: func(c net.Conn, s http.ConnState) {
			be.mu.Lock()
			defer be.mu.Unlock()
			switch s {
			case http.StateNew:
				be.conns[c] = true
			case http.StateClosed, http.StateHijacked:
				delete(be.conns, c)
			}
		},
	}
	go func() {
		if err := be.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			fmt.Fprintf(os.Stderr, "backend %s: %v\n", name, err)
		}
	}()
	return be, nil
}

func (be *localBackend) port() int { return be.ln.Addr().(*net.TCPAddr).Port }

// kill is a crash: the port stops accepting and every open connection, idle
// or mid-request, is reset (linger 0 sends RST instead of FIN).
func (be *localBackend) kill() {
	_ = be.ln.Close()
	be.mu.Lock()
	defer be.mu.Unlock()
	for c := range be.conns {
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		_ = c.Close()
	}
}
