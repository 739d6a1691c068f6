package haproxy

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// The two URIs HAProxy answers itself, never forwarding them to a web node.
// They are two because two checkers act on them differently: an Auto
// Scaling group replaces an instance its target group calls unhealthy,
// while Route 53 only moves clients to the other region.
const (
	// LivenessPath answers 200 while HAProxy runs, whatever the web nodes do.
	// The ALB target groups check it, and so the groups' ELB health: an
	// outage of every web node is no reason to replace a working HAProxy.
	LivenessPath = "/healthz"
	// ReadinessPath answers 200 while at least one web node is in rotation
	// and 503 while none is. Route 53's site checks (active, passive) fetch
	// it through the ALB, so a region that serves nothing fails over and
	// its health-check alarm fires.
	ReadinessPath = "/readyz"
)

// checkPath is what the health checks fetch from each web node (its index page).
const checkPath = "/"

// Server is one web node as the config names it: plain values, so the
// renderer needs no Pulumi outputs and the benchmark can point it at 127.0.0.1.
type Server struct {
	Name    string
	Address string
	Port    int
}

// Options are the parts of the config that are not the server list.
type Options struct {
	// FrontendName and BackendName are the proxies' names (the note's http-in
	// and backend_servers); the health URI counts the backend's servers.
	FrontendName string
	BackendName  string
	// BindAddress is the frontend's address; "" listens on every address.
	BindAddress string
	// BindPort is the frontend's port (80 on the instances).
	BindPort int
	// StickyCookie turns on the note's `cookie SVID insert indirect nocache
	// maxlife 3m`, with CookieName for SVID.
	StickyCookie bool
	CookieName   string
	// LogTarget is the global log target; "" means /dev/log (journald on AL2023).
	LogTarget string
	// StatsSocket, if set, is a Unix socket path for `show stat` (admin level).
	StatsSocket string
}

// ServerNameRule says which server names haproxy.cfg takes (web node labels
// become server names); ValidServerName checks one. Config validation uses
// both, so that a label HAProxy would refuse fails before anything exists.
const ServerNameRule = "letters, digits, '_', '.' and '-', starting with a letter or digit (HAProxy server names; no spaces)"

// ValidServerName reports whether name can be a server's name in haproxy.cfg.
func ValidServerName(name string) bool { return namePattern.MatchString(name) }

var (
	// namePattern is HAProxy's rule for proxy and server names: "upper and
	// lower case letters, digits, '-' (dash), '_' (underscore), '.' (dot)
	// and ':' (colon)" (configuration.txt, section 4); names are case-sensitive.
	namePattern = regexp.MustCompile(`^[A-Za-z0-9_.:-]+$`)
	// cookiePattern is a cookie name that is both an RFC 6265 token and a
	// plain word in haproxy.cfg: RFC 6265 also allows '#' (which starts a
	// comment there, silently dropping the rest of the cookie line) and
	// quotes (which haproxy -c refuses, at first boot).
	cookiePattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	hostPattern   = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)
)

// Render returns haproxy.cfg for servers. It is pure: the same input always
// gives the same text. What each tuning line buys is commented in the output,
// because operators read the file on the instance.
func Render(servers []Server, o Options) (string, error) {
	if err := checkInput(servers, o); err != nil {
		return "", err
	}
	logTarget := o.LogTarget
	if logTarget == "" {
		logTarget = "/dev/log"
	}
	bind := fmt.Sprintf("%s:%d", o.BindAddress, o.BindPort)
	if o.BindAddress == "" {
		bind = fmt.Sprintf("*:%d", o.BindPort)
	}

	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("# Rendered by the hybrid-cloud Pulumi program (haproxy package); do not edit by hand.")
	w("global")
	w("    log %s local0 info", logTarget)
	w("    maxconn 4096")
	if o.StatsSocket != "" {
		w("    stats socket %s mode 600 level admin", o.StatsSocket)
	}
	w("")
	w("defaults")
	w("    mode http")
	w("    log global")
	w("    option httplog")
	w("    option dontlognull")
	w("    option forwardfor")
	w("    # Idle client connections outlive the ALB's 60s idle timeout, so the ALB")
	w("    # never sends a request on a connection HAProxy is closing (an ALB 502).")
	w("    timeout client 75s")
	w("    timeout http-keep-alive 75s")
	w("    timeout http-request 10s")
	w("    timeout connect 3s")
	w("    timeout server 10s")
	w("    timeout queue 5s")
	w("    timeout check 2s")
	w("    # A request that fails on one web node is retried on another: every retry")
	w("    # is redispatched, and the layer-7 failures a dying node causes (refused or")
	w("    # reset connections, empty or late responses, 5xx) count as retryable.")
	w("    retries 3")
	w("    option redispatch 1")
	w("    retry-on conn-failure empty-response junk-response response-timeout 0rtt-rejected 500 502 503 504")
	w("")
	w("frontend %s", o.FrontendName)
	w("    bind %s", bind)
	w("    # Liveness, for the ALB target group (and so the Auto Scaling group):")
	w("    # 200 while HAProxy runs, whatever the web nodes do.")
	w("    monitor-uri %s", LivenessPath)
	w("    # Readiness, for Route 53 through the ALB: 503 while no web node is in")
	w("    # rotation, so DNS fails over. Not logged, like the liveness URI.")
	w("    acl readiness path %s", ReadinessPath)
	w("    http-request set-log-level silent if readiness")
	w("    http-request return status 503 content-type text/plain string \"no web node in rotation\" if readiness { nbsrv(%s) lt 1 }", o.BackendName)
	w("    http-request return status 200 content-type text/plain string ready if readiness")
	w("    # Only safe methods are replayed after the request reached a node.")
	w("    http-request disable-l7-retry unless METH_GET || METH_HEAD")
	w("    default_backend %s", o.BackendName)
	w("")
	w("backend %s", o.BackendName)
	w("    balance roundrobin")
	if o.StickyCookie {
		w("    cookie %s insert indirect nocache maxlife 3m", o.CookieName)
	}
	w("    option httpchk")
	w("    http-check send meth GET uri %s ver HTTP/1.1 hdr Host haproxy-check", checkPath)
	w("    http-check expect status 200")
	w("    # Checks every 2s (0.5s while a node is failing); down after 2 failed")
	w("    # checks or 3 consecutive failed requests, back after 3 good checks.")
	w("    default-server check inter 2s fastinter 500ms downinter 2s fall 2 rise 3 observe layer7 error-limit 3 on-error mark-down")
	for i, s := range servers {
		line := fmt.Sprintf("    server %s %s:%d", s.Name, s.Address, s.Port)
		if o.StickyCookie {
			line += fmt.Sprintf(" cookie w%d", i+1)
		}
		w("%s", line)
	}
	return b.String(), nil
}

// checkInput rejects what would make a broken or ambiguous config.
func checkInput(servers []Server, o Options) error {
	var errs []error
	if len(servers) == 0 {
		errs = append(errs, errors.New("haproxy config: no back ends"))
	}
	seen := map[string]bool{}
	for i, s := range servers {
		if !namePattern.MatchString(s.Name) {
			errs = append(errs, fmt.Errorf("haproxy config: server %d: name %q: use letters, digits, '-', '_', '.', ':'", i, s.Name))
		}
		if seen[s.Name] {
			errs = append(errs, fmt.Errorf("haproxy config: server name %q used twice", s.Name))
		}
		seen[s.Name] = true
		if _, err := netip.ParseAddr(s.Address); err != nil && !hostPattern.MatchString(s.Address) {
			errs = append(errs, fmt.Errorf("haproxy config: server %s: address %q is neither an IP address nor a host name", s.Name, s.Address))
		}
		if s.Port < 1 || s.Port > 65535 {
			errs = append(errs, fmt.Errorf("haproxy config: server %s: port %d not in 1-65535", s.Name, s.Port))
		}
	}
	for _, p := range []struct{ what, name string }{{"frontend", o.FrontendName}, {"backend", o.BackendName}} {
		if !namePattern.MatchString(p.name) {
			errs = append(errs, fmt.Errorf("haproxy config: %s name %q: use letters, digits, '-', '_', '.', ':'", p.what, p.name))
		}
	}
	if o.StickyCookie && !cookiePattern.MatchString(o.CookieName) {
		errs = append(errs, fmt.Errorf("haproxy config: cookie name %q is not an RFC 6265 cookie name", o.CookieName))
	}
	if o.BindAddress != "" {
		if _, err := netip.ParseAddr(o.BindAddress); err != nil {
			errs = append(errs, fmt.Errorf("haproxy config: bind address %q is not an IP address", o.BindAddress))
		}
	}
	if o.BindPort < 1 || o.BindPort > 65535 {
		errs = append(errs, fmt.Errorf("haproxy config: bind port %d not in 1-65535", o.BindPort))
	}
	for _, f := range []struct{ what, value string }{{"log target", o.LogTarget}, {"stats socket", o.StatsSocket}} {
		if strings.ContainsAny(f.value, " \t\n#") {
			errs = append(errs, fmt.Errorf("haproxy config: %s %q must not contain spaces or '#'", f.what, f.value))
		}
	}
	return errors.Join(errs...)
}
