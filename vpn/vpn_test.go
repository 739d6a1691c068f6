package vpn

import (
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-openstack/sdk/v3/go/openstack"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	typeCGW        = "aws:ec2/customerGateway:CustomerGateway"
	typeVGW        = "aws:ec2/vpnGateway:VpnGateway"
	typeAttachment = "aws:ec2/vpnGatewayAttachment:VpnGatewayAttachment"
	typeConnection = "aws:ec2/vpnConnection:VpnConnection"
	typeConnRoute  = "aws:ec2/vpnConnectionRoute:VpnConnectionRoute"
	typeRoute      = "aws:ec2/route:Route"
	typeRouterRt   = "openstack:networking/routerRoute:RouterRoute"
	typePassword   = "random:index/randomPassword:RandomPassword"
	seoul          = "ap-northeast-2"
	vpcCidr        = "10.26.0.0/16"
)

// noteConfig is the lecture note's VPN.
func noteConfig() Config {
	return Config{
		CustomerGatewayName:   "MY-CGW",
		CustomerGatewayIP:     "123.142.252.25",
		CustomerGatewayBgpAsn: 65000,
		VpnGatewayName:        "MY-VGW",
		ConnectionName:        "MY-VPN",
		OnPremCidr:            "192.168.0.0/20",
		OpenStack:             OpenStackConfig{RouterID: "8f2c1a3e-5b7d-4c9e-a1f0-2d3b4c5e6f70", GatewayIP: "192.168.0.10"},
		ConnNames:             []string{"Tunnel1", "Tunnel2"},
	}
}

// result is what one run produced: the engine's records and the
// component's outputs, resolved.
type result struct {
	*mockengine.Engine
	conf, secrets, sysctl  string
	script, service        string
	t1, t2, gatewayIP      string
	secretsSecret, confSec bool
}

// run declares the component with its own providers, as main.go does, and
// exports its outputs so that the engine waits for every one of them.
func run(t *testing.T, cfg Config) (*result, error) {
	t.Helper()
	return runWith(t, cfg, nil)
}

// runWith is run with the tunnel logs main.go asks for.
func runWith(t *testing.T, cfg Config, logs *TunnelLogs) (*result, error) {
	t.Helper()
	res := &result{Engine: mockengine.New("hybrid-cloud", "dev")}
	err := res.Run(func(ctx *pulumi.Context) error {
		awsp, err := aws.NewProvider(ctx, "aws-"+seoul, &aws.ProviderArgs{Region: pulumi.String(seoul)})
		if err != nil {
			return err
		}
		osp, err := openstack.NewProvider(ctx, "openstack", &openstack.ProviderArgs{})
		if err != nil {
			return err
		}
		site, err := NewSiteToSite(ctx, "vpn", &SiteToSiteArgs{
			Config:  cfg,
			VpcID:   pulumi.String("vpc-0a1b2c3d4e5f67890"),
			VpcCidr: vpcCidr,
			RouteTableIDs: []pulumi.StringOutput{
				pulumi.String("rtb-0000000000000000a").ToStringOutput(),
				pulumi.String("rtb-0000000000000000b").ToStringOutput(),
			},
			AWSProvider:       awsp,
			OpenStackProvider: osp,
			TunnelLogs:        logs,
		})
		if err != nil {
			return err
		}
		ctx.Export("conf", site.LibreswanConf)
		ctx.Export("secrets", site.LibreswanSecrets)
		ctx.Export("sysctl", site.Sysctl)
		ctx.Export("script", site.TunnelScript)
		ctx.Export("service", site.TunnelService)
		ctx.Export("t1", site.Tunnel1Address)
		ctx.Export("t2", site.Tunnel2Address)
		ctx.Export("gatewayIP", site.GatewayIP)
		ctx.Export("logGroup", site.TunnelLogGroupName)
		return nil
	}, mockengine.Config{})
	if err != nil {
		return res, err
	}
	out := res.Outputs()
	for dst, name := range map[*string]string{&res.conf: "conf", &res.secrets: "secrets", &res.sysctl: "sysctl", &res.script: "script", &res.service: "service", &res.t1: "t1", &res.t2: "t2", &res.gatewayIP: "gatewayIP"} {
		*dst, _ = out[name].Value.(string)
	}
	res.secretsSecret, res.confSec = out["secrets"].Secret, out["conf"].Secret
	return res, nil
}

func mustRun(t *testing.T, cfg Config) *result {
	t.Helper()
	r, err := run(t, cfg)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return r
}

func (r *result) one(t *testing.T, typ string) *mockengine.Resource {
	t.Helper()
	found := r.OfType(typ)
	if len(found) != 1 {
		t.Fatalf("%d resources of type %s, want 1", len(found), typ)
	}
	return found[0]
}

func TestSiteToSiteDeclaresTheNotesVPN(t *testing.T) {
	t.Parallel()
	r := mustRun(t, noteConfig())
	component := r.one(t, SiteToSiteType)

	cgw := r.one(t, typeCGW)
	vgw := r.one(t, typeVGW)
	att := r.one(t, typeAttachment)
	conn := r.one(t, typeConnection)
	croute := r.one(t, typeConnRoute)
	rtr := r.one(t, typeRouterRt)
	routes := r.OfType(typeRoute)

	checks := []struct {
		res  *mockengine.Resource
		name string
		want map[string]string
	}{
		{cgw, "vpn-cgw", map[string]string{"ipAddress": "123.142.252.25", "type": "ipsec.1", "bgpAsn": "65000"}},
		{vgw, "vpn-vgw", map[string]string{"amazonSideAsn": "", "vpcId": ""}},
		{att, "vpn-vgw-attachment", map[string]string{"vpcId": "vpc-0a1b2c3d4e5f67890", "vpnGatewayId": vgw.ID}},
		{conn, "vpn-connection", map[string]string{
			"customerGatewayId": cgw.ID, "vpnGatewayId": vgw.ID, "type": "ipsec.1",
			"localIpv4NetworkCidr": "0.0.0.0/0", "remoteIpv4NetworkCidr": "0.0.0.0/0",
			"tunnel1StartupAction": "add", "tunnel2StartupAction": "add",
		}},
		{croute, "vpn-static-route", map[string]string{"vpnConnectionId": conn.ID, "destinationCidrBlock": "192.168.0.0/20"}},
		{rtr, "vpn-router-route", map[string]string{
			"routerId": "8f2c1a3e-5b7d-4c9e-a1f0-2d3b4c5e6f70", "destinationCidr": vpcCidr, "nextHop": "192.168.0.10",
		}},
	}
	for _, c := range checks {
		if c.res.Name != c.name {
			t.Errorf("%s is named %q, want %q", c.res.Type, c.res.Name, c.name)
		}
		for k, want := range c.want {
			if got := c.res.Str(k); got != want {
				t.Errorf("%s %s: %s = %q, want %q", c.res.Type, c.res.Name, k, got, want)
			}
		}
	}
	for res, tag := range map[*mockengine.Resource]string{cgw: "MY-CGW", vgw: "MY-VGW", conn: "MY-VPN"} {
		if got := res.Inputs["tags"].ObjectValue()["Name"].StringValue(); got != tag {
			t.Errorf("%s Name tag %q, want %q", res.Type, got, tag)
		}
	}
	// The note sets no inside CIDRs: the program sends none (AWS keeps the
	// ones it picked) and the gateway files use the ones AWS reports.
	for _, k := range []resource.PropertyKey{"tunnel1InsideCidr", "tunnel2InsideCidr"} {
		if v, set := conn.Inputs[k]; set {
			t.Errorf("connection %s = %v, want it unset (setting it replaces the connection)", k, v)
		}
	}
	for _, want := range []string{
		"Tunnel1: ipsec1, inside 169.254.11.2 (AWS 169.254.11.1)", "Tunnel2: ipsec2, inside 169.254.12.2 (AWS 169.254.12.1)",
	} {
		if !strings.Contains(r.conf, want) {
			t.Errorf("aws.conf lacks %q (the inside addresses AWS reports)", want)
		}
	}
	for _, want := range []string{"own=169.254.11.2/30 aws=169.254.11.1", "own=169.254.12.2/30 aws=169.254.12.1"} {
		if !strings.Contains(r.script, want) {
			t.Errorf("tunnel script lacks %q (the inside addresses AWS reports)", want)
		}
	}
	if v := conn.Inputs["staticRoutesOnly"]; !v.IsBool() || !v.BoolValue() {
		t.Errorf("connection staticRoutesOnly = %v, want true", v)
	}

	// One on-prem route per configured route table, via the VGW, after the attachment.
	if len(routes) != 2 {
		t.Fatalf("%d routes, want one per route table (2)", len(routes))
	}
	var tables []string
	for _, rt := range routes {
		tables = append(tables, rt.Str("routeTableId"))
		if rt.Str("destinationCidrBlock") != "192.168.0.0/20" || rt.Str("gatewayId") != vgw.ID {
			t.Errorf("route %s: %v, want 192.168.0.0/20 via %s", rt.Name, rt.Inputs, vgw.ID)
		}
		if !slices.Contains(rt.Dependencies, att.URN) {
			t.Errorf("route %s does not depend on the VGW attachment (deps %v)", rt.Name, rt.Dependencies)
		}
	}
	slices.Sort(tables)
	if !slices.Equal(tables, []string{"rtb-0000000000000000a", "rtb-0000000000000000b"}) {
		t.Errorf("routes go to tables %v", tables)
	}

	// Parents and providers: AWS children in Seoul, the router route on OpenStack.
	for _, res := range []*mockengine.Resource{cgw, vgw, att, conn, croute, routes[0], routes[1], rtr} {
		if p := r.ParentOf(res); p == nil || p.URN != component.URN {
			t.Errorf("%s %s: parent is not the SiteToSite component", res.Type, res.Name)
		}
		p := r.ProviderOf(res)
		switch {
		case res == rtr:
			if p == nil || p.Type != "pulumi:providers:openstack" {
				t.Errorf("router route: provider %v, want the OpenStack provider", p)
			}
		case p == nil || r.Region(res) != seoul:
			t.Errorf("%s %s: region %q, want the Seoul provider", res.Type, res.Name, r.Region(res))
		}
	}
	for _, pw := range r.OfType(typePassword) {
		if p := r.ParentOf(pw); p == nil || p.URN != component.URN {
			t.Errorf("%s: parent is not the SiteToSite component", pw.Name)
		}
	}
}

// TestTunnelOptionsAndConfComeFromOneProfile reads the profile back from
// the VPN connection's recorded inputs and checks that it renders exactly
// the component's aws.conf, for the default and a non-default profile.
func TestTunnelOptionsAndConfComeFromOneProfile(t *testing.T) {
	t.Parallel()
	custom := noteConfig()
	custom.Crypto = Profile{
		Phase1:            Phase{Encryption: []string{"AES128", "AES256"}, Integrity: []string{"SHA2-384"}, DHGroups: []int{19, 20}, LifetimeSeconds: 14400},
		Phase2:            Phase{Encryption: []string{"AES128-GCM-16"}, DHGroups: []int{19, 21}, LifetimeSeconds: 1800},
		DPDTimeoutSeconds: 40,
		DPDTimeoutAction:  "clear",
		Tunnel1InsideCidr: "169.254.100.0/30",
		Tunnel2InsideCidr: "169.254.100.4/30",
	}
	for name, cfg := range map[string]Config{"default": noteConfig(), "custom": custom} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := mustRun(t, cfg)
			conn := r.one(t, typeConnection)
			var fromAWS [2]Profile
			for i, prefix := range []string{"tunnel1", "tunnel2"} {
				fromAWS[i] = profileFromInputs(t, conn.Inputs, prefix)
			}
			if !profilesEqual(fromAWS[0], fromAWS[1]) {
				t.Fatalf("the tunnels disagree:\n%+v\n%+v", fromAWS[0], fromAWS[1])
			}
			want := cfg.Profile()
			// Libreswan's probe interval has no AWS option.
			fromAWS[0].DPDDelaySeconds = want.DPDDelaySeconds
			fromAWS[0].Tunnel1InsideCidr, fromAWS[0].Tunnel2InsideCidr = conn.Str("tunnel1InsideCidr"), conn.Str("tunnel2InsideCidr")
			if !profilesEqual(fromAWS[0], want) {
				t.Errorf("AWS tunnel options %+v, want the profile %+v", fromAWS[0], want)
			}
			// The inside addresses as AWS reports them (for the set CIDRs,
			// the mock answers their hosts).
			tunnel := func(i int, outside string) Tunnel {
				out := func(k string) string { return mockengine.Str(conn.Outputs, fmt.Sprintf("tunnel%d%s", i, k)) }
				return Tunnel{ConnName: fmt.Sprintf("Tunnel%d", i), OutsideIP: outside,
					InsideAddress: out("CgwInsideAddress"), AWSInsideAddress: out("VgwInsideAddress")}
			}
			wantConf, err := RenderConf(fromAWS[0], Gateway{
				LeftID: "123.142.252.25", LocalSubnet: "192.168.0.0/20", RemoteSubnet: vpcCidr,
				Tunnels: [2]Tunnel{tunnel(1, r.t1), tunnel(2, r.t2)},
			})
			if err != nil {
				t.Fatal(err)
			}
			if r.conf != wantConf {
				t.Errorf("aws.conf is not what the AWS tunnel options render:\n--- got\n%s\n--- want\n%s", r.conf, wantConf)
			}
			if name == "custom" && !strings.Contains(r.conf, "Tunnel2: ipsec2, inside 169.254.100.6 (AWS 169.254.100.5)") {
				t.Error("aws.conf does not use tunnel 2's configured inside CIDR")
			}
			if !strings.Contains(r.conf, "\tike="+want.LibreswanIKE()+"\n") {
				t.Errorf("aws.conf lacks ike=%s", want.LibreswanIKE())
			}
			// The component's own output, not only the renderer's, passes Libreswan.
			if ipsec, err := exec.LookPath("ipsec"); err == nil {
				checkLibreswanConf(t, ipsec, r.conf)
			}
		})
	}
}

// profileFromInputs rebuilds a Profile from a VpnConnection's tunnel inputs.
func profileFromInputs(t *testing.T, in resource.PropertyMap, prefix string) Profile {
	t.Helper()
	strs := func(k string) []string {
		var out []string
		for _, v := range in[resource.PropertyKey(prefix+k)].ArrayValue() {
			out = append(out, v.StringValue())
		}
		return out
	}
	nums := func(k string) []int {
		var out []int
		for _, v := range in[resource.PropertyKey(prefix+k)].ArrayValue() {
			out = append(out, int(v.NumberValue()))
		}
		return out
	}
	num := func(k string) int {
		v := in[resource.PropertyKey(prefix+k)]
		if !v.IsNumber() {
			t.Fatalf("%s%s is not set", prefix, k)
		}
		return int(v.NumberValue())
	}
	versions := strs("IkeVersions")
	if len(versions) != 1 {
		t.Fatalf("%sIkeVersions = %v, want exactly one", prefix, versions)
	}
	return Profile{
		IKEVersion: versions[0],
		Phase1: Phase{Encryption: strs("Phase1EncryptionAlgorithms"), Integrity: strs("Phase1IntegrityAlgorithms"),
			DHGroups: nums("Phase1DhGroupNumbers"), LifetimeSeconds: num("Phase1LifetimeSeconds")},
		Phase2: Phase{Encryption: strs("Phase2EncryptionAlgorithms"), Integrity: strs("Phase2IntegrityAlgorithms"),
			DHGroups: nums("Phase2DhGroupNumbers"), LifetimeSeconds: num("Phase2LifetimeSeconds")},
		DPDTimeoutSeconds: num("DpdTimeoutSeconds"),
		DPDTimeoutAction:  in[resource.PropertyKey(prefix+"DpdTimeoutAction")].StringValue(),
	}
}

func profilesEqual(a, b Profile) bool {
	phase := func(x, y Phase) bool {
		return slices.Equal(x.Encryption, y.Encryption) && slices.Equal(x.Integrity, y.Integrity) &&
			slices.Equal(x.DHGroups, y.DHGroups) && x.LifetimeSeconds == y.LifetimeSeconds
	}
	return a.IKEVersion == b.IKEVersion && phase(a.Phase1, b.Phase1) && phase(a.Phase2, b.Phase2) &&
		a.DPDTimeoutSeconds == b.DPDTimeoutSeconds && a.DPDTimeoutAction == b.DPDTimeoutAction &&
		a.DPDDelaySeconds == b.DPDDelaySeconds && a.Tunnel1InsideCidr == b.Tunnel1InsideCidr &&
		a.Tunnel2InsideCidr == b.Tunnel2InsideCidr
}

func TestPresharedKeysAreSecretEverywhere(t *testing.T) {
	t.Parallel()
	fromConfig := noteConfig()
	fromConfig.PresharedKeys = PresharedKeys{Source: PSKFromConfig, Tunnel1: "configured.key_one", Tunnel2: "configured.key_two"}
	fromConfig.HoldsSecrets = true
	fromAWS := noteConfig()
	fromAWS.PresharedKeys.Source = PSKFromAWS
	tests := []struct {
		name      string
		cfg       Config
		passwords int
		inputs    bool
	}{
		{"generated (default)", noteConfig(), 2, true},
		{"from config", fromConfig, 0, true},
		{"generated by AWS", fromAWS, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := mustRun(t, tc.cfg)
			conn := r.one(t, typeConnection)
			pws := r.OfType(typePassword)
			if len(pws) != tc.passwords {
				t.Fatalf("%d random passwords, want %d", len(pws), tc.passwords)
			}
			for _, pw := range pws {
				if n := pw.Inputs["length"].NumberValue(); n != 48 || pw.Inputs["numeric"].BoolValue() ||
					pw.Inputs["overrideSpecial"].StringValue() != "._" {
					t.Errorf("%s: length %v, numeric %v, special %q: AWS might refuse the key",
						pw.Name, n, pw.Inputs["numeric"], pw.Inputs["overrideSpecial"].StringValue())
				}
			}
			var keys []string
			for i, k := range []resource.PropertyKey{"tunnel1PresharedKey", "tunnel2PresharedKey"} {
				in, set := conn.Inputs[k]
				if set != tc.inputs {
					t.Fatalf("%s set = %v, want %v", k, set, tc.inputs)
				}
				if set && !in.IsSecret() {
					t.Errorf("input %s is not secret", k)
				}
				out := conn.Outputs[k]
				if !out.IsSecret() {
					t.Errorf("output %s is not secret", k)
				}
				key := out.SecretValue().Element.StringValue()
				if !ValidPSK(key) {
					t.Errorf("tunnel %d key would be refused by AWS", i+1)
				}
				if tc.cfg.pskSource() == PSKFromConfig && key != []string{"configured.key_one", "configured.key_two"}[i] {
					t.Errorf("tunnel %d key is not the configured one", i+1)
				}
				keys = append(keys, key)
			}
			if !r.secretsSecret {
				t.Error("LibreswanSecrets is not secret")
			}
			if r.confSec {
				t.Error("LibreswanConf is secret; it holds no key and operators read it")
			}
			for i, k := range keys {
				line := "123.142.252.25 " + []string{r.t1, r.t2}[i] + " : PSK \"" + k + "\"\n"
				if !strings.Contains(r.secrets, line) {
					t.Errorf("aws.secrets lacks tunnel %d's line", i+1)
				}
				if strings.Contains(r.conf, k) {
					t.Errorf("aws.conf contains tunnel %d's key", i+1)
				}
			}
			if r.sysctl != RenderSysctl() {
				t.Error("Sysctl output differs from RenderSysctl")
			}
		})
	}
}

func TestBadConfigFailsNamingTheKeyAndRegistersNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"on-prem overlaps the VPC", func(c *Config) { c.OnPremCidr = "10.26.16.0/20" }, "hybrid-cloud:vpn.onPremCidr: 10.26.16.0/20 overlaps"},
		{"PSK AWS refuses", func(c *Config) {
			c.PresharedKeys = PresharedKeys{Source: "config", Tunnel1: "0secret-key!", Tunnel2: "good.key.two"}
			c.HoldsSecrets = true
		}, "hybrid-cloud:vpn.presharedKeys.tunnel1: AWS refuses this key"},
		{"PSK too short", func(c *Config) {
			c.PresharedKeys = PresharedKeys{Source: "config", Tunnel1: "good.key.one", Tunnel2: "short"}
			c.HoldsSecrets = true
		}, "hybrid-cloud:vpn.presharedKeys.tunnel2: AWS refuses this key"},
		{"PSK in plain text", func(c *Config) {
			c.PresharedKeys = PresharedKeys{Source: "config", Tunnel1: "good.key.one", Tunnel2: "good.key.two"}
		}, "hybrid-cloud:vpn.presharedKeys.tunnel1: is plain text in the stack's config (value not shown); " +
			"a pre-shared key must be a Pulumi secret: pulumi config set --secret --path 'vpn.presharedKeys.tunnel1' KEY"},
		{"PSK missing", func(c *Config) {
			c.PresharedKeys = PresharedKeys{Source: "config", Tunnel1: "good.key.one"}
			c.HoldsSecrets = true
		}, "hybrid-cloud:vpn.presharedKeys.tunnel2: is required with source \"config\" (pulumi config set --secret --path 'vpn.presharedKeys.tunnel2' KEY)"},
		{"PSK without source config", func(c *Config) { c.PresharedKeys.Tunnel1 = "good.key.one" }, "hybrid-cloud:vpn.presharedKeys.tunnel1: is set"},
		{"unknown PSK source", func(c *Config) { c.PresharedKeys.Source = "vault" }, "hybrid-cloud:vpn.presharedKeys.source"},
		{"phase 1 lifetime", func(c *Config) { c.Crypto.Phase1.LifetimeSeconds = 86400 }, "hybrid-cloud:vpn.crypto.phase1.lifetimeSeconds: 86400 is out of range"},
		{"phase 2 lifetime", func(c *Config) { c.Crypto.Phase2.LifetimeSeconds = 600 }, "hybrid-cloud:vpn.crypto.phase2.lifetimeSeconds: 600 is out of range"},
		{"DH group Libreswan refuses", func(c *Config) { c.Crypto.Phase1.DHGroups = []int{2} }, "hybrid-cloud:vpn.crypto.phase1.dhGroups: group 2 is not allowed: modp1024"},
		{"DH group AWS refuses", func(c *Config) { c.Crypto.Phase2.DHGroups = []int{31} }, "hybrid-cloud:vpn.crypto.phase2.dhGroups: group 31"},
		{"DPD timeout", func(c *Config) { c.Crypto.DPDTimeoutSeconds = 10 }, "hybrid-cloud:vpn.crypto.dpdTimeoutSeconds"},
		{"inside CIDR", func(c *Config) { c.Crypto.Tunnel1InsideCidr = "169.254.2.0/30" }, "hybrid-cloud:vpn.crypto.tunnel1InsideCidr: 169.254.2.0/30 is reserved"},
		{"gateway outside on-prem", func(c *Config) { c.OpenStack.GatewayIP = "10.0.0.1" }, "hybrid-cloud:vpn.openstack.gatewayIp"},
		{"no conn names", func(c *Config) { c.ConnNames = nil }, "hybrid-cloud:vpn.connNames: has 0 names, want 2"},
		{"conn name with a slash", func(c *Config) { c.ConnNames[1] = "aws/2" }, `hybrid-cloud:vpn.connNames[1]: "aws/2" is not allowed`},
		{"conn name starting with a digit", func(c *Config) { c.ConnNames[0] = "1st" }, `hybrid-cloud:vpn.connNames[0]: "1st" is not allowed`},
		{"conn name %default", func(c *Config) { c.ConnNames[0] = "%default" }, `hybrid-cloud:vpn.connNames[0]: "%default" is not allowed`},
		{"same conn name twice", func(c *Config) { c.ConnNames = []string{"aws", "aws"} }, `hybrid-cloud:vpn.connNames[1]: "aws" is also connNames[0]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := noteConfig()
			tc.mutate(&cfg)
			r, err := run(t, cfg)
			mockengine.AssertErrorMentions(t, err, tc.want)
			for _, k := range []string{"0secret-key!", "short", "good.key.one", "good.key.two"} {
				if strings.Contains(err.Error(), k) {
					t.Errorf("the error prints a key: %v", err)
				}
			}
			r.AssertOnlyProviders(t)
		})
	}
}
