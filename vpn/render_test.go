package vpn

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/golden"
	"github.com/hybridlab/hybrid-cloud/internal/tooltest"
)

// placeholderGateway has documentation addresses and placeholder keys: no
// real key ever goes into a golden file.
func placeholderGateway() Gateway {
	return Gateway{
		LeftID:       "123.142.252.25",
		LocalSubnet:  "192.168.0.0/20",
		RemoteSubnet: "10.26.0.0/16",
		Tunnels: [2]Tunnel{
			{ConnName: "Tunnel1", OutsideIP: "192.0.2.10", PSK: "PLACEHOLDER.tunnel1_psk",
				InsideAddress: "169.254.21.2", AWSInsideAddress: "169.254.21.1"},
			{ConnName: "Tunnel2", OutsideIP: "198.51.100.20", PSK: "PLACEHOLDER.tunnel2_psk",
				InsideAddress: "169.254.22.2", AWSInsideAddress: "169.254.22.1"},
		},
	}
}

// profileCases are the profiles every rendering test covers: the default
// and the non-default corners (IKEv1, CBC only, no DPD, several groups).
var profileCases = []struct {
	name    string
	profile Profile
}{
	{"default", DefaultProfile()},
	{"cbc-sha384-ecp", DefaultProfile().Merge(Profile{
		Phase1:           Phase{Encryption: []string{"AES128", "AES256"}, Integrity: []string{"SHA2-384", "SHA2-512"}, DHGroups: []int{19, 21}, LifetimeSeconds: 14400},
		Phase2:           Phase{Encryption: []string{"AES256"}, Integrity: []string{"SHA2-384"}, DHGroups: []int{19, 20}, LifetimeSeconds: 1800},
		DPDTimeoutAction: "clear", DPDTimeoutSeconds: 45,
	})},
	// The closest Libreswan 4.10 allows to the note's conns: IKEv1,
	// aes128-sha1, 8h/1h, DPD 10/30 then restart; only its modp1024 (DH 2,
	// refused) becomes modp2048 (DH 14). docs/lecture-note.md cites it.
	{"note-closest", DefaultProfile().Merge(Profile{
		IKEVersion:        "ikev1",
		Phase1:            Phase{Encryption: []string{"AES128"}, Integrity: []string{"SHA1"}, DHGroups: []int{14}, LifetimeSeconds: 8 * 3600},
		Phase2:            Phase{Encryption: []string{"AES128"}, Integrity: []string{"SHA1"}, DHGroups: []int{14}, LifetimeSeconds: 3600},
		DPDTimeoutSeconds: 30, DPDDelaySeconds: 10, DPDTimeoutAction: "restart",
	})},
	{"ikev1-no-dpd", DefaultProfile().Merge(Profile{
		IKEVersion:       "ikev1",
		Phase1:           Phase{Encryption: []string{"AES256"}, Integrity: []string{"SHA1", "SHA2-256"}, DHGroups: []int{14, 15, 16}},
		Phase2:           Phase{Encryption: []string{"AES128"}, DHGroups: []int{18}},
		DPDTimeoutAction: "none",
	})},
}

func TestRenderConfGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range profileCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			conf, err := RenderConf(tc.profile, placeholderGateway())
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, "aws-"+tc.name+".conf", conf)
		})
	}
}

func TestRenderSecretsAndSysctlGolden(t *testing.T) {
	t.Parallel()
	secrets, err := RenderSecrets(placeholderGateway())
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "aws.secrets", secrets)
	golden.Assert(t, "sysctl.conf", RenderSysctl())
}

func TestRenderConfContent(t *testing.T) {
	t.Parallel()
	p := DefaultProfile()
	conf, err := RenderConf(p, placeholderGateway())
	if err != nil {
		t.Fatal(err)
	}
	tunnels := strings.Split(conf, "\nconn ")[1:]
	if len(tunnels) != 2 {
		t.Fatalf("want 2 conns, got %d:\n%s", len(tunnels), conf)
	}
	for i, want := range []map[string]string{
		{"right": "192.0.2.10", "ipsec-interface": "1"},
		{"right": "198.51.100.20", "ipsec-interface": "2"},
	} {
		lines := tunnels[i]
		for k, v := range map[string]string{
			// Both tunnels up, each on its own XFRM interface.
			"auto": "start", "right": want["right"], "leftid": "123.142.252.25",
			"ipsec-interface": want["ipsec-interface"], "overlapip": "yes",
			"leftupdown": `"` + TunnelScriptPath + ` updown"`,
			"leftsubnet": "0.0.0.0/0", "rightsubnet": "0.0.0.0/0", "ikev2": "insist",
			"ike": p.LibreswanIKE(), "esp": p.LibreswanESP(), "ikelifetime": "28800s", "salifetime": "3600s",
			"retransmit-timeout": "30s", "dpdaction": "restart",
		} {
			if !strings.Contains(lines, "\n\t"+k+"="+v+"\n") {
				t.Errorf("tunnel %d: missing %s=%s in:\n%s", i+1, k, v, lines)
			}
		}
		if strings.Contains(lines, "modp1024") || strings.Contains(lines, "sha1") || strings.Contains(lines, "dpdtimeout") {
			t.Errorf("tunnel %d: deprecated or ignored setting in:\n%s", i+1, lines)
		}
	}
	for _, s := range []string{"Route-based, both tunnels up", "169.254.21.2 (AWS 169.254.21.1), 10.26.0.0/16 metric 100", "169.254.22.2 (AWS 169.254.22.1), 10.26.0.0/16 metric 200"} {
		if !strings.Contains(conf, s) {
			t.Errorf("the conf's header lacks %q", s)
		}
	}
}

func TestLibreswanAlgorithmStrings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		p        Profile
		ike, esp string
	}{
		{"default", DefaultProfile(),
			"aes_gcm256-sha2_256;modp2048+dh19+dh20,aes256-sha2_256;modp2048+dh19+dh20",
			"aes_gcm256-null;modp2048+dh19+dh20,aes256-sha2_256;modp2048+dh19+dh20"},
		{"cbc only", DefaultProfile().Merge(Profile{
			Phase1: Phase{Encryption: []string{"AES128"}, Integrity: []string{"SHA2-512"}, DHGroups: []int{16}},
			Phase2: Phase{Encryption: []string{"AES128", "AES256"}, Integrity: []string{"SHA1"}, DHGroups: []int{21}},
		}), "aes128-sha2_512;modp4096", "aes128+aes256-sha1;dh21"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.p.LibreswanIKE(); got != tc.ike {
				t.Errorf("ike=%s, want %s", got, tc.ike)
			}
			if got := tc.p.LibreswanESP(); got != tc.esp {
				t.Errorf("esp=%s, want %s", got, tc.esp)
			}
		})
	}
}

func TestRenderRefusesBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(*Gateway)
		want   string
	}{
		{"bad leftid", func(g *Gateway) { g.LeftID = "example.com" }, "leftid"},
		{"same tunnels", func(g *Gateway) { g.Tunnels[1].OutsideIP = g.Tunnels[0].OutsideIP }, "both tunnels"},
		{"bad subnet", func(g *Gateway) { g.RemoteSubnet = "10.26.0.1/16" }, "remote subnet"},
		{"psk AWS refuses", func(g *Gateway) { g.Tunnels[1].PSK = "0leading-zero-and-dash" }, "tunnel 2 (Tunnel2) pre-shared key"},
		{"conn name with a space", func(g *Gateway) { g.Tunnels[0].ConnName = "Tunnel 1" }, `tunnel 1 conn name "Tunnel 1"`},
		{"no conn name", func(g *Gateway) { g.Tunnels[1].ConnName = "" }, `tunnel 2 conn name ""`},
		{"same conn names", func(g *Gateway) { g.Tunnels[1].ConnName = "Tunnel1" }, `both tunnels have conn name "Tunnel1"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := placeholderGateway()
			tc.mutate(&g)
			_, errConf := RenderConf(DefaultProfile(), g)
			_, errSecrets := RenderSecrets(g)
			err := errSecrets
			if errConf != nil {
				err = errConf
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "0leading") {
				t.Errorf("the error prints the key: %v", err)
			}
		})
	}
}

func TestValidPSK(t *testing.T) {
	t.Parallel()
	for key, want := range map[string]bool{
		"abcdefgh":                    true,
		"A1._b2c3":                    true,
		strings.Repeat("a", 64):       true,
		strings.Repeat("a", 65):       false,
		"abcdefg":                     false,
		"0abcdefgh":                   false,
		"abc defgh":                   false,
		"abc-defgh":                   false,
		`abc"defgh`:                   false,
		"1" + strings.Repeat("z", 10): true,
	} {
		if got := ValidPSK(key); got != want {
			t.Errorf("ValidPSK(%q) = %v, want %v", key, got, want)
		}
	}
}

// TestLibreswanAcceptsRenderedConf runs the real Libreswan (4.10 when this
// was written) on every rendered profile: `ipsec addconn --checkconfig` on
// the conf wrapped in a `config setup` section, and algparse on the ike= and
// esp= values (addconn does not parse algorithms).
func TestLibreswanAcceptsRenderedConf(t *testing.T) {
	t.Parallel()
	ipsec := tooltest.Require(t, "ipsec", "libreswan")
	algparse := "/usr/libexec/ipsec/algparse"
	if _, err := os.Stat(algparse); err != nil {
		tooltest.Require(t, "algparse-is-missing", "libreswan")
	}
	for _, tc := range profileCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := tc.profile
			conf, err := RenderConf(p, placeholderGateway())
			if err != nil {
				t.Fatal(err)
			}
			checkLibreswanConf(t, ipsec, conf)
			version := "-v2"
			if p.IKEVersion == "ikev1" {
				version = "-v1"
			}
			for _, arg := range []string{"ike=" + p.LibreswanIKE(), "esp=" + p.LibreswanESP()} {
				out, err := exec.Command(algparse, version, "-pfs", arg).CombinedOutput()
				if err != nil || strings.Contains(string(out), "ERROR") {
					t.Errorf("algparse %s %s: %v\n%s", version, arg, err, out)
				}
			}
		})
	}
}

// TestConnNamesReachLibreswan renders the conn names from config and asks
// Libreswan's own parser (`ipsec addconn --listall`) which conns the file
// defines: the configured names, in order, and nothing else. The note's
// names, and others ipsec.conf(5) allows, must come back unchanged.
func TestConnNamesReachLibreswan(t *testing.T) {
	t.Parallel()
	ipsec := tooltest.Require(t, "ipsec", "libreswan")
	for _, names := range [][2]string{
		{"Tunnel1", "Tunnel2"},
		{"aws-tunnel.1", "aws_tunnel.2"},
	} {
		t.Run(names[0], func(t *testing.T) {
			t.Parallel()
			g := placeholderGateway()
			g.Tunnels[0].ConnName, g.Tunnels[1].ConnName = names[0], names[1]
			conf, err := RenderConf(DefaultProfile(), g)
			if err != nil {
				t.Fatal(err)
			}
			if got := listConns(t, ipsec, conf); got != names[0]+" "+names[1] {
				t.Errorf("Libreswan reads conns %q, want %q", got, names[0]+" "+names[1])
			}
			// The updown hook matches pluto's PLUTO_CONNECTION, the conn's name.
			script, err := RenderTunnelScript(DefaultProfile(), g)
			if err != nil {
				t.Fatal(err)
			}
			for i, name := range names {
				if !strings.Contains(script, fmt.Sprintf("\t%d) conn=%s dev=ipsec%d ", i+1, name, i+1)) {
					t.Errorf("the tunnel script does not know tunnel %d as %s:\n%s", i+1, name, script)
				}
			}
		})
	}
	// The check can fail: "%default" is not a conn at all for Libreswan,
	// which is why config validation refuses a name that does not start
	// with a letter.
	conf, err := RenderConf(DefaultProfile(), placeholderGateway())
	if err != nil {
		t.Fatal(err)
	}
	if got := listConns(t, ipsec, strings.Replace(conf, "conn Tunnel1\n", "conn %default\n", 1)); got != "Tunnel2" {
		t.Errorf("with conn %%default, Libreswan reads conns %q, want only Tunnel2", got)
	}
}

// listConns is the conns Libreswan's parser finds in conf, space-separated.
func listConns(t *testing.T, ipsec, conf string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ipsec.conf")
	if err := os.WriteFile(path, []byte("config setup\n\tlogfile=/dev/null\n\n"+conf), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(ipsec, "addconn", "--config", path, "--listall").CombinedOutput()
	if err != nil {
		t.Fatalf("ipsec addconn --listall: %v\n%s", err, out)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// TestLibreswanCheckCanFail proves the check above is not vacuous.
func TestLibreswanCheckCanFail(t *testing.T) {
	t.Parallel()
	ipsec := tooltest.Require(t, "ipsec", "libreswan")
	conf, err := RenderConf(DefaultProfile(), placeholderGateway())
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(conf, "dpdaction=restart", "dpdaction=explode", 1)
	if ok, out := runCheckConfig(t, ipsec, bad); ok {
		t.Fatalf("addconn accepted a bad dpdaction:\n%s", out)
	}
	out, err := exec.Command("/usr/libexec/ipsec/algparse", "-v2", "ike=aes256-sha2_256;modp1024").CombinedOutput()
	if err == nil {
		t.Fatalf("algparse accepted modp1024:\n%s", out)
	}
}

func checkLibreswanConf(t *testing.T, ipsec, conf string) {
	t.Helper()
	if ok, out := runCheckConfig(t, ipsec, conf); !ok {
		t.Errorf("ipsec addconn --checkconfig refused the rendered conf:\n%s\n%s", out, conf)
	}
}

func runCheckConfig(t *testing.T, ipsec, conf string) (bool, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ipsec.conf")
	if err := os.WriteFile(path, []byte("config setup\n\tlogfile=/dev/null\n\n"+conf), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(ipsec, "addconn", "--checkconfig", "--config", path).CombinedOutput()
	return err == nil && len(strings.TrimSpace(string(out))) == 0, string(out)
}

// TestSysctlAppliesInNamespace applies the rendered sysctl file with the real
// sysctl inside a throwaway network namespace (net.* keys are per namespace),
// so an unknown or misspelt key fails.
func TestSysctlAppliesInNamespace(t *testing.T) {
	tooltest.RequireRoot(t)
	ip := tooltest.Require(t, "ip", "iproute2")
	sysctl := tooltest.Require(t, "sysctl", "procps")
	// Unique per process: two checkouts may run the suite at once.
	ns := fmt.Sprintf("vpn-sysctl-test-%d", os.Getpid())
	if out, err := exec.Command(ip, "netns", "add", ns).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command(ip, "netns", "del", ns).Run() })
	path := filepath.Join(t.TempDir(), "sysctl.conf")
	if err := os.WriteFile(path, []byte(RenderSysctl()), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(ip, "netns", "exec", ns, sysctl, "-p", path).CombinedOutput(); err != nil {
		t.Fatalf("sysctl -p refused the rendered file: %v\n%s", err, out)
	}
	for key, want := range map[string]string{
		"net.ipv4.ip_forward":             "1",
		"net.ipv4.conf.lo.rp_filter":      "0",
		"net.ipv4.conf.all.rp_filter":     "0",
		"net.ipv4.conf.lo.send_redirects": "0",
		"net.ipv6.conf.all.disable_ipv6":  "1",
	} {
		out, err := exec.Command(ip, "netns", "exec", ns, sysctl, "-n", key).Output()
		if err != nil || strings.TrimSpace(string(out)) != want {
			t.Errorf("%s = %q (%v), want %s", key, out, err, want)
		}
	}
}

// TestTunnelScriptGoldenAndShellcheck pins the tunnel script and its unit,
// and runs shellcheck on the script as the POSIX sh it declares.
func TestTunnelScriptGoldenAndShellcheck(t *testing.T) {
	t.Parallel()
	script, err := RenderTunnelScript(DefaultProfile(), placeholderGateway())
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "aws-tunnels.sh", script)
	golden.Assert(t, "aws-tunnels.service", RenderTunnelService())
	for _, want := range []string{
		"vpc_cidr=10.26.0.0/16\n",
		"\t1) conn=Tunnel1 dev=ipsec1 if_id=1 own=169.254.21.2/30 aws=169.254.21.1 metric=100 ;;\n",
		"\t2) conn=Tunnel2 dev=ipsec2 if_id=2 own=169.254.22.2/30 aws=169.254.22.1 metric=200 ;;\n",
		"unreachable_metric=4096\n",
	} {
		if !strings.Contains(script, want) {
			t.Errorf("tunnel script lacks %q", want)
		}
	}
	shellcheck := tooltest.Require(t, "shellcheck", "shellcheck")
	path := filepath.Join(t.TempDir(), "aws-tunnels")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(shellcheck, "--shell=sh", path).CombinedOutput(); err != nil {
		t.Errorf("shellcheck: %v\n%s", err, out)
	}
}

// TestRouteBasedNeedsInsideAddresses: without a tunnel's inside addresses
// (or with two that are not the hosts of one /30) the gateway could not
// address its interface or probe AWS's end, so both renders refuse.
func TestRouteBasedNeedsInsideAddresses(t *testing.T) {
	t.Parallel()
	for name, edit := range map[string]func(g *Gateway){
		"none":                func(g *Gateway) { g.Tunnels[1].InsideAddress, g.Tunnels[1].AWSInsideAddress = "", "" },
		"different /30s":      func(g *Gateway) { g.Tunnels[1].InsideAddress = "169.254.23.2" },
		"the network address": func(g *Gateway) { g.Tunnels[1].AWSInsideAddress = "169.254.22.0" },
		"the same address":    func(g *Gateway) { g.Tunnels[1].AWSInsideAddress = "169.254.22.2" },
		"not link-local":      func(g *Gateway) { g.Tunnels[1].InsideAddress, g.Tunnels[1].AWSInsideAddress = "10.0.0.2", "10.0.0.1" },
		"both tunnels' own": func(g *Gateway) {
			g.Tunnels[1] = Tunnel{ConnName: "Tunnel2", OutsideIP: "198.51.100.20", InsideAddress: "169.254.21.2", AWSInsideAddress: "169.254.21.1"}
		},
	} {
		g := placeholderGateway()
		edit(&g)
		if _, err := RenderConf(DefaultProfile(), g); err == nil || !strings.Contains(err.Error(), "inside address") {
			t.Errorf("%s: RenderConf: %v, want an inside address error", name, err)
		}
		if _, err := RenderTunnelScript(DefaultProfile(), g); err == nil || !strings.Contains(err.Error(), "inside address") {
			t.Errorf("%s: RenderTunnelScript: %v, want an inside address error", name, err)
		}
	}
	// The secrets do not need them.
	g := placeholderGateway()
	g.Tunnels[1].InsideAddress, g.Tunnels[1].AWSInsideAddress = "", ""
	if _, err := RenderSecrets(g); err != nil {
		t.Errorf("RenderSecrets without inside addresses: %v", err)
	}
}

// TestInsideAddressesFromProfileOrAWS: a set inside CIDR gives the
// addresses (AWS the first host, the gateway the second); an unset one
// takes what AWS reports.
func TestInsideAddressesFromProfileOrAWS(t *testing.T) {
	t.Parallel()
	p := DefaultProfile().Merge(Profile{Tunnel2InsideCidr: "169.254.30.4/30"})
	g := p.withInside(Gateway{}, [2][2]string{{"169.254.40.1", "169.254.40.2"}, {"169.254.41.1", "169.254.41.2"}})
	got := [2][2]string{{g.Tunnels[0].AWSInsideAddress, g.Tunnels[0].InsideAddress}, {g.Tunnels[1].AWSInsideAddress, g.Tunnels[1].InsideAddress}}
	if want := [2][2]string{{"169.254.40.1", "169.254.40.2"}, {"169.254.30.5", "169.254.30.6"}}; got != want {
		t.Errorf("inside addresses %v, want %v", got, want)
	}
}
