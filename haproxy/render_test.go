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

// noteNames are the note's proxy and cookie names, as Pulumi.dev.yaml sets them.
func noteOptions() Options {
	return Options{FrontendName: "http-in", BackendName: "backend_servers", CookieName: "SVID", BindPort: 80}
}

// with returns o changed by f, for table entries.
func with(o Options, f func(*Options)) Options {
	f(&o)
	return o
}

// renderCases are every config variant the program or the benchmark renders.
var renderCases = []struct {
	name    string
	servers []Server
	opts    Options
}{
	{"instance.cfg", noteServers, noteOptions()},
	{"instance-sticky.cfg", noteServers, with(noteOptions(), func(o *Options) { o.StickyCookie = true })},
	{"local.cfg", []Server{
		{Name: "seoul", Address: "127.0.0.1", Port: 18081},
		{Name: "london", Address: "localhost", Port: 18082},
	}, with(noteOptions(), func(o *Options) {
		o.FrontendName, o.BackendName = "local", "web.1:a"
		o.BindAddress, o.BindPort, o.LogTarget, o.StatsSocket = "127.0.0.1", 18080, "stderr", "/run/haproxy-test.sock"
	})},
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
	plain, err := Render(noteServers, noteOptions())
	if err != nil {
		t.Fatal(err)
	}
	sticky, err := Render(noteServers, with(noteOptions(), func(o *Options) { o.StickyCookie = true }))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"frontend http-in\n",
		"default_backend backend_servers\n",
		"backend backend_servers\n",
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
		"monitor-uri " + LivenessPath + "\n",
		"acl readiness path " + ReadinessPath + "\n",
		"http-request return status 503 content-type text/plain string \"no web node in rotation\" if readiness { nbsrv(backend_servers) lt 1 }",
		"log /dev/log",
		"option httplog",
	} {
		if !strings.Contains(plain, want) {
			t.Errorf("config lacks %q", want)
		}
	}
	// Liveness never depends on the web nodes (the health tests run it).
	if strings.Contains(plain, "monitor fail") {
		t.Errorf("the liveness URI has a fail condition:\n%s", plain)
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
	note := noteOptions()
	cases := []struct {
		name    string
		servers []Server
		opts    Options
		want    string
	}{
		{"no servers", nil, note, "no back ends"},
		{"name with space", []Server{{Name: "new york", Address: "192.0.2.1", Port: 80}}, note, `name "new york"`},
		{"duplicate name", []Server{ok, ok}, note, `"seoul" used twice`},
		{"empty address", []Server{{Name: "seoul", Port: 80}}, note, "neither an IP address nor a host name"},
		{"address with port", []Server{{Name: "seoul", Address: "192.0.2.1:80", Port: 80}}, note, "neither an IP address"},
		{"server port 0", []Server{{Name: "seoul", Address: "192.0.2.1"}}, note, "port 0 not in 1-65535"},
		{"bind port", []Server{ok}, with(note, func(o *Options) { o.BindPort = 70000 }), "bind port 70000"},
		{"bind address", []Server{ok}, with(note, func(o *Options) { o.BindAddress = "any" }), `bind address "any"`},
		{"log target", []Server{ok}, with(note, func(o *Options) { o.LogTarget = "/dev/log # x" }), "log target"},
		{"frontend name", []Server{ok}, with(note, func(o *Options) { o.FrontendName = "http in" }), `frontend name "http in"`},
		{"no backend name", []Server{ok}, with(note, func(o *Options) { o.BackendName = "" }), `backend name ""`},
		{"cookie name", []Server{ok}, with(note, func(o *Options) { o.StickyCookie, o.CookieName = true, "SV;ID" }), `cookie name "SV;ID"`},
		{"server name with a slash", []Server{{Name: "seoul/1", Address: "192.0.2.1", Port: 80}}, note, `name "seoul/1"`},
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

// TestNamePatternIsHAProxysRule asks the real `haproxy -c` about names at the
// edge of the rule config validation applies (namePattern): it must accept
// exactly the frontend, backend and server names the pattern accepts, so
// that a name either fails validation, naming its key, or works on the
// instance.
func TestNamePatternIsHAProxysRule(t *testing.T) {
	t.Parallel()
	haproxy := tooltest.Require(t, "haproxy", "haproxy")
	for _, name := range []string{"http-in", "backend_servers", "web.1:a", "-a", ".a", ":a", "A", "a@b", "a/b", "a+b", "a=b", "a,b", "a!b", "ä"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg := "defaults\n    mode http\n    timeout client 5s\n    timeout server 5s\n    timeout connect 5s\n" +
				"frontend " + name + "\n    bind 127.0.0.1:18080\n    default_backend " + name + "\n" +
				"backend " + name + "\n    server " + name + " 127.0.0.1:18081\n"
			path := filepath.Join(t.TempDir(), "haproxy.cfg")
			if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(haproxy, "-c", "-f", path).CombinedOutput()
			if accepted := err == nil; accepted != namePattern.MatchString(name) {
				t.Errorf("haproxy -c accepted=%v, namePattern accepts=%v\n%s", accepted, namePattern.MatchString(name), out)
			}
		})
	}
}
