package haproxy

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/golden"
	"github.com/hybridlab/hybrid-cloud/internal/tooltest"
)

// noteServers are the lecture note's four web nodes and addresses.
var noteServers = []Server{
	{Name: "seoul", Address: "3.36.122.217", Port: 80},
	{Name: "london", Address: "20.117.241.211", Port: 80},
	{Name: "oregon", Address: "35.247.86.177", Port: 80},
	{Name: "hongkong", Address: "47.242.248.113", Port: 80},
}

// renderCases are every config variant the program or the benchmark renders.
var renderCases = []struct {
	name    string
	servers []Server
	opts    Options
}{
	{"instance.cfg", noteServers, Options{BindPort: 80}},
	{"instance-sticky.cfg", noteServers, Options{BindPort: 80, StickyCookie: true}},
	{"local.cfg", []Server{
		{Name: "seoul", Address: "127.0.0.1", Port: 18081},
		{Name: "london", Address: "localhost", Port: 18082},
	}, Options{BindAddress: "127.0.0.1", BindPort: 18080, LogTarget: "stderr", StatsSocket: "/run/haproxy-test.sock"}},
}

func TestRenderGolden(t *testing.T) {
	t.Parallel()
	for _, c := range renderCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := Render(c.servers, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, c.name, got)
		})
	}
	t.Run("note.cfg", func(t *testing.T) {
		t.Parallel()
		golden.Assert(t, "note.cfg", noteConfig(noteServers, "*:80"))
	})
}

// TestHAProxyAcceptsEveryRenderedConfig runs the real `haproxy -c` on each
// variant, the note's config included (the benchmark runs it).
func TestHAProxyAcceptsEveryRenderedConfig(t *testing.T) {
	t.Parallel()
	haproxy := tooltest.Require(t, "haproxy", "haproxy")
	configs := map[string]string{"note.cfg": noteConfig(noteServers, "*:80")}
	for _, c := range renderCases {
		got, err := Render(c.servers, c.opts)
		if err != nil {
			t.Fatal(err)
		}
		configs[c.name] = got
	}
	for name, cfg := range configs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "haproxy.cfg")
			if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(haproxy, "-c", "-f", path).CombinedOutput()
			if err != nil {
				t.Fatalf("haproxy -c rejected %s: %v\n%s\n%s", name, err, out, cfg)
			}
			// Ours must also be free of warnings; the note's has some (no timeouts).
			if name != "note.cfg" && strings.Contains(string(out), "WARNING") {
				t.Errorf("haproxy -c warns about %s:\n%s", name, out)
			}
		})
	}
}

// TestRenderedConfigDoesWhatTheIssueAsks checks the lines a reviewer would
// look for, so a golden update cannot silently drop one.
func TestRenderedConfigDoesWhatTheIssueAsks(t *testing.T) {
	t.Parallel()
	plain, err := Render(noteServers, Options{BindPort: 80})
	if err != nil {
		t.Fatal(err)
	}
	sticky, err := Render(noteServers, Options{BindPort: 80, StickyCookie: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"bind *:80",
		"balance roundrobin",
		"server seoul 3.36.122.217:80",
		"server hongkong 47.242.248.113:80",
		"retries 3",
		"option redispatch 1",
		"retry-on conn-failure empty-response",
		"option httpchk",
		"http-check expect status 200",
		"inter 2s fastinter 500ms",
		"fall 2 rise 3",
		"on-error mark-down",
		"timeout connect ",
		"timeout server ",
		"monitor-uri " + HealthPath,
		"monitor fail if { nbsrv(" + BackendName + ") lt 1 }",
		"log /dev/log",
		"option httplog",
	} {
		if !strings.Contains(plain, want) {
			t.Errorf("config lacks %q", want)
		}
	}
	if strings.Contains(plain, "cookie") {
		t.Errorf("sticky cookie is off but the config sets a cookie:\n%s", plain)
	}
	for _, want := range []string{"cookie SVID insert indirect nocache maxlife 3m", "server seoul 3.36.122.217:80 cookie w1", "server hongkong 47.242.248.113:80 cookie w4"} {
		if !strings.Contains(sticky, want) {
			t.Errorf("sticky config lacks %q", want)
		}
	}
}

func TestRenderRejectsBadInput(t *testing.T) {
	t.Parallel()
	ok := Server{Name: "seoul", Address: "192.0.2.1", Port: 80}
	cases := []struct {
		name    string
		servers []Server
		opts    Options
		want    string
	}{
		{"no servers", nil, Options{BindPort: 80}, "no back ends"},
		{"name with space", []Server{{Name: "new york", Address: "192.0.2.1", Port: 80}}, Options{BindPort: 80}, `name "new york"`},
		{"duplicate name", []Server{ok, ok}, Options{BindPort: 80}, `"seoul" used twice`},
		{"empty address", []Server{{Name: "seoul", Port: 80}}, Options{BindPort: 80}, "neither an IP address nor a host name"},
		{"address with port", []Server{{Name: "seoul", Address: "192.0.2.1:80", Port: 80}}, Options{BindPort: 80}, "neither an IP address"},
		{"server port 0", []Server{{Name: "seoul", Address: "192.0.2.1"}}, Options{BindPort: 80}, "port 0 not in 1-65535"},
		{"bind port", []Server{ok}, Options{BindPort: 70000}, "bind port 70000"},
		{"bind address", []Server{ok}, Options{BindAddress: "any", BindPort: 80}, `bind address "any"`},
		{"log target", []Server{ok}, Options{BindPort: 80, LogTarget: "/dev/log # x"}, "log target"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := Render(c.servers, c.opts)
			if err == nil {
				t.Fatalf("Render accepted it:\n%s", got)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
		})
	}
}
