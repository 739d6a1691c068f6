package ikehandshake

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// stopGrace is how long pluto gets to shut down on SIGTERM before SIGKILL.
const stopGrace = 5 * time.Second

// Pluto is a Libreswan pluto daemon in a node's namespace. Its control
// socket, PID file, NSS database, secrets file, ipsec.d and dump directory
// are all in the node's private directory: nothing of the host is used.
type Pluto struct {
	Node *Node
	// Log is everything pluto logged (it logs to stderr).
	Log *Log

	ctl  string
	conf string
}

// StartPluto initialises a private NSS database, writes secrets (the
// Libreswan secrets file's text, kept mode 0600) and starts pluto in the
// foreground. It returns once pluto listens and has loaded the secrets.
// t.Cleanup stops pluto (SIGTERM, then SIGKILL to its process group) and,
// when the test failed, logs what pluto said about the connections.
func StartPluto(ctx context.Context, t testing.TB, n *Node, secrets string) *Pluto {
	t.Helper()
	var (
		run     = filepath.Join(n.Dir, "run")
		nss     = filepath.Join(n.Dir, "nss")
		ipsecd  = filepath.Join(n.Dir, "ipsec.d")
		secFile = filepath.Join(n.Dir, "ipsec.secrets")
	)
	for _, d := range []string{run, nss, ipsecd} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(secFile, []byte(secrets), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Run(ctx, "ipsec", "initnss", "--nssdir", nss); err != nil {
		t.Fatal(err)
	}

	p := &Pluto{Node: n, Log: newLog(), ctl: filepath.Join(run, "pluto.ctl"), conf: filepath.Join(n.Dir, "ipsec.conf")}
	// Not CommandContext: its cancel kills only the leader; stop below
	// signals the whole process group (pluto runs the updown script when a
	// kernel does install an SA).
	cmd := exec.Command("ip", "netns", "exec", n.NS, "ipsec", "pluto",
		"--nofork", "--stderrlog",
		"--rundir", run, "--nssdir", nss, "--secretsfile", secFile, "--ipsecdir", ipsecd, "--dumpdir", run,
		// No messages to the host's audit log, no DNS lookups.
		"--log-no-audit", "--no-dnssec")
	cmd.Stdout, cmd.Stderr = p.Log, p.Log
	// Its own process group, and killed with this test binary should that
	// die before its cleanup.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: start pluto: %v", n.Role, err)
	}
	done := make(chan struct{})
	go func() {
		err := cmd.Wait()
		p.Log.end(err)
		close(done)
	}()
	t.Cleanup(func() {
		stop(t, n.Role, cmd.Process.Pid, done)
		if t.Failed() {
			t.Logf("%s pluto log (connections, errors):\n%s", n.Role, p.Log.Relevant())
		}
	})
	if _, err := p.Log.Wait(ctx, regexp.MustCompile(`loading secrets from `)); err != nil {
		t.Fatalf("%s: pluto did not start: %v\n%s", n.Role, err, p.Log.Relevant())
	}
	return p
}

func stop(t testing.TB, role string, pgid int, done <-chan struct{}) {
	if err := syscall.Kill(-pgid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		t.Errorf("%s: stop pluto: %v", role, err)
	}
	select {
	case <-done:
		return
	case <-time.After(stopGrace):
	}
	t.Errorf("%s: pluto ignored SIGTERM for %s: killing it", role, stopGrace)
	if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		t.Errorf("%s: kill pluto: %v", role, err)
	}
	<-done
}

// AddConns writes conf as this pluto's ipsec.conf (it needs a `config setup`
// section) and loads every connection in it; auto=start ones are initiated.
func (p *Pluto) AddConns(ctx context.Context, conf string) error {
	if err := os.WriteFile(p.conf, []byte(conf), 0o600); err != nil {
		return err
	}
	_, err := p.Node.Run(ctx, "ipsec", "addconn", "--ctlsocket", p.ctl, "--config", p.conf, "--addall")
	return err
}

// Initiate starts negotiating conn without waiting for the outcome (the
// log says how it went).
func (p *Pluto) Initiate(ctx context.Context, conn string) error {
	_, err := p.Node.Run(ctx, "ipsec", "whack", "--ctlsocket", p.ctl, "--initiate", "--name", conn, "--asynchronous")
	return err
}

// Log collects a process's output line by line and lets a test wait for a
// line without polling.
type Log struct {
	mu      sync.Mutex
	partial []byte
	lines   []string
	changed chan struct{} // closed and replaced on every new line
	ended   bool
	endErr  error
}

func newLog() *Log { return &Log{changed: make(chan struct{})} }

// NewLog returns an empty Log, to collect another process's output.
func NewLog() *Log { return newLog() }

// Write implements io.Writer.
func (l *Log) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, b...)
	added := false
	for {
		i := strings.IndexByte(string(l.partial), '\n')
		if i < 0 {
			break
		}
		l.lines = append(l.lines, string(l.partial[:i]))
		l.partial = l.partial[i+1:]
		added = true
	}
	if added {
		close(l.changed)
		l.changed = make(chan struct{})
	}
	return len(b), nil
}

func (l *Log) end(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.partial) > 0 {
		l.lines = append(l.lines, string(l.partial))
		l.partial = nil
	}
	l.ended, l.endErr = true, err
	close(l.changed)
	l.changed = make(chan struct{})
}

// Wait returns the first line matching re, waiting for it until ctx is done
// or the process has ended.
func (l *Log) Wait(ctx context.Context, re *regexp.Regexp) (string, error) {
	return l.WaitUnless(ctx, re, nil)
}

// WaitUnless is Wait, but fails at once on a line matching unless (when not
// nil) that comes first: a test need not wait out its deadline for a line
// that can no longer come.
func (l *Log) WaitUnless(ctx context.Context, re, unless *regexp.Regexp) (string, error) {
	return l.WaitAfter(ctx, 0, re, unless)
}

// Len is the number of lines logged so far: a mark for WaitAfter, so that
// a second exchange of the same kind is not answered by the first one's lines.
func (l *Log) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.lines)
}

// WaitAfter is WaitUnless looking only at the lines after the first mark
// (a Len taken earlier).
func (l *Log) WaitAfter(ctx context.Context, mark int, re, unless *regexp.Regexp) (string, error) {
	for next := mark; ; {
		l.mu.Lock()
		lines, changed, ended, endErr := l.lines[next:], l.changed, l.ended, l.endErr
		l.mu.Unlock()
		for _, line := range lines {
			if re.MatchString(line) {
				return line, nil
			}
			if unless != nil && unless.MatchString(line) {
				return "", fmt.Errorf("no line matching %q: instead %q", re, line)
			}
		}
		next += len(lines)
		if ended {
			return "", fmt.Errorf("no line matching %q: pluto exited (%v)", re, endErr)
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return "", fmt.Errorf("no line matching %q: %w", re, context.Cause(ctx))
		}
	}
}

// Matching returns every line logged so far that matches re.
func (l *Log) Matching(re *regexp.Regexp) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, line := range l.lines {
		if re.MatchString(line) {
			out = append(out, line)
		}
	}
	return out
}

var relevant = regexp.MustCompile(`"|ERROR|WARNING|warning|failed|exit`)

// Relevant is what pluto said about connections, and its errors, without
// the algorithm tables and self-tests it prints at start.
func (l *Log) Relevant() string {
	return strings.Join(l.Matching(relevant), "\n")
}

// Whack runs `ipsec whack` against this pluto (e.g. --trafficstatus,
// --rekey-ipsec --name CONN).
func (p *Pluto) Whack(ctx context.Context, args ...string) (string, error) {
	return p.Node.Run(ctx, "ipsec", append([]string{"whack", "--ctlsocket", p.ctl}, args...)...)
}
