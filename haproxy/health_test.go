package haproxy

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hybridlab/hybrid-cloud/internal/tooltest"
)

// healthDeadline bounds each wait for HAProxy's verdict on its web nodes:
// with `inter 2s fastinter 500ms fall 2` a dead node is out within seconds.
const (
	healthDeadline = 20 * time.Second
	healthPoll     = 50 * time.Millisecond
)

// lockedBuffer collects HAProxy's stderr for the failure message.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// healthProbe is the real HAProxy on the rendered config, on 127.0.0.1,
// in front of web nodes on 127.0.0.1 of which the first `up` listen.
type healthProbe struct {
	t       *testing.T
	ctx     context.Context
	client  *http.Client
	base    string
	log     *lockedBuffer
	cfg     string
	backend []*localBackend
}

func startHealthProbe(t *testing.T, up int) *healthProbe {
	t.Helper()
	haproxy := tooltest.Require(t, "haproxy", "haproxy")
	ctx, cancel := context.WithTimeout(context.Background(), 3*healthDeadline)
	t.Cleanup(cancel)

	p := &healthProbe{t: t, ctx: ctx, log: &lockedBuffer{}}
	var servers []Server
	for i, name := range failoverNodes {
		port := 0
		if i < up {
			be, err := startBackend(name)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = be.srv.Close() })
			p.backend = append(p.backend, be)
			port = be.port()
		} else {
			// A port nothing listens on: the node is down from the start.
			free, err := freePort()
			if err != nil {
				t.Fatal(err)
			}
			port = free
		}
		servers = append(servers, Server{Name: name, Address: "127.0.0.1", Port: port})
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	// The instances' config, but for where it listens and logs.
	p.cfg, err = Render(servers, with(noteOptions(), func(o *Options) { o.BindAddress, o.BindPort, o.LogTarget = "127.0.0.1", port, "stderr" }))
	if err != nil {
		t.Fatal(err)
	}
	stderr, stop, err := startHAProxy(ctx, t.TempDir(), haproxy, p.cfg)
	if err != nil {
		t.Fatal(err)
	}
	copied := make(chan struct{})
	go func() {
		_, _ = io.Copy(p.log, stderr)
		close(copied)
	}()
	t.Cleanup(func() {
		stop()
		<-copied
	})
	transport := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(transport.CloseIdleConnections)
	p.client = &http.Client{Timeout: 2 * time.Second, Transport: transport}
	p.base = fmt.Sprintf("http://127.0.0.1:%d", port)
	return p
}

// get returns path's status and body; 0 while HAProxy does not answer yet.
func (p *healthProbe) get(path string) (int, string) {
	req, err := http.NewRequestWithContext(p.ctx, http.MethodGet, p.base+path, nil)
	if err != nil {
		p.t.Fatal(err)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// awaitReadiness polls until the readiness URI answers want, within
// healthDeadline, and checks on every poll once HAProxy answers that the
// liveness URI says 200: the target groups never see HAProxy fail.
func (p *healthProbe) awaitReadiness(want int) string {
	p.t.Helper()
	deadline := time.Now().Add(healthDeadline)
	tick := time.NewTicker(healthPoll)
	defer tick.Stop()
	for polls := 0; ; polls++ {
		code, body := p.get(ReadinessPath)
		if code != 0 {
			if live, liveBody := p.get(LivenessPath); live != http.StatusOK {
				p.t.Fatalf("poll %d: %s answered %d (%q) while %s answered %d; the target groups would see HAProxy fail\n%s",
					polls, LivenessPath, live, liveBody, ReadinessPath, code, p.log)
			}
		}
		if code == want {
			return body
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s still answers %d (%q) after %s, want %d\nconfig:\n%s\nhaproxy:\n%s",
				ReadinessPath, code, body, healthDeadline, want, p.cfg, p.log)
		}
		select {
		case <-p.ctx.Done():
			p.t.Fatalf("waiting for %s to answer %d: %v", ReadinessPath, want, p.ctx.Err())
		case <-tick.C:
		}
	}
}

// TestHealthURIsWithNoWebNodeListening is the outage of every web node: the
// path the ALB target groups check stays 200 (no Auto Scaling group replaces
// a working HAProxy), the one Route 53 checks answers 503 (DNS fails over,
// the alarms fire), and neither reaches a web node.
func TestHealthURIsWithNoWebNodeListening(t *testing.T) {
	t.Parallel()
	p := startHealthProbe(t, 0)
	if body := p.awaitReadiness(http.StatusServiceUnavailable); !strings.Contains(body, "no web node in rotation") {
		t.Errorf("%s 503 body %q is not HAProxy's own answer", ReadinessPath, body)
	}
	if code, body := p.get(LivenessPath); code != http.StatusOK {
		t.Errorf("%s = %d (%q) with every web node down, want 200", LivenessPath, code, body)
	}
	if code, _ := p.get("/"); code != http.StatusServiceUnavailable {
		t.Errorf("a page request = %d with every web node down, want HAProxy's 503", code)
	}
}

// TestHealthURIsWithOneWebNodeUp: one node of four is enough for readiness;
// when it dies too, readiness turns 503 while liveness stays 200 throughout.
func TestHealthURIsWithOneWebNodeUp(t *testing.T) {
	t.Parallel()
	p := startHealthProbe(t, 1)
	if body := p.awaitReadiness(http.StatusOK); strings.TrimSpace(body) != "ready" {
		t.Errorf("%s 200 body %q is not HAProxy's own answer (was it forwarded to a web node?)", ReadinessPath, body)
	}
	if code, body := p.get("/"); code != http.StatusOK || !strings.Contains(body, "<h1>"+failoverNodes[0]+"</h1>") {
		t.Errorf("a page request = %d %q, want the live node's page", code, body)
	}
	p.backend[0].kill()
	p.awaitReadiness(http.StatusServiceUnavailable)
	if code, body := p.get(LivenessPath); code != http.StatusOK {
		t.Errorf("%s = %d (%q) after the last web node died, want 200", LivenessPath, code, body)
	}
}
