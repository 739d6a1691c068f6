package ikehandshake

import (
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/golden"
	"github.com/hybridlab/hybrid-cloud/internal/tooltest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// fakePSK is a made-up key of AWS's alphabet, for tests only.
const fakePSK = "test.only_key_1234"

// vpnInputs are tunnel options as the program would record them.
func vpnInputs() resource.PropertyMap {
	in := resource.PropertyMap{
		"localIpv4NetworkCidr":  resource.NewStringProperty("192.168.0.0/20"),
		"remoteIpv4NetworkCidr": resource.NewStringProperty("10.26.0.0/16"),
	}
	for i, n := range []string{"tunnel1", "tunnel2"} {
		set := func(k string, v any) {
			in[resource.PropertyKey(n+k)] = resource.NewPropertyValue(v)
		}
		set("IkeVersions", []any{"ikev2"})
		set("Phase1EncryptionAlgorithms", []any{"AES256-GCM-16", "AES256"})
		set("Phase1IntegrityAlgorithms", []any{"SHA2-256"})
		set("Phase1DhGroupNumbers", []any{14, 19, 20})
		set("Phase2EncryptionAlgorithms", []any{"AES256-GCM-16", "AES256"})
		set("Phase2IntegrityAlgorithms", []any{"SHA2-256"})
		set("Phase2DhGroupNumbers", []any{14, 19, 20})
		set("Phase1LifetimeSeconds", 28800)
		set("Phase2LifetimeSeconds", 3600)
		set("DpdTimeoutSeconds", 30)
		set("DpdTimeoutAction", "restart")
		set("StartupAction", "start")
		set("InsideCidr", fmt.Sprintf("169.254.%d.0/30", 20+i))
		in[resource.PropertyKey(n+"PresharedKey")] = resource.MakeSecret(resource.NewStringProperty(fakePSK))
	}
	return in
}

func vpnOutputs() resource.PropertyMap {
	return resource.PropertyMap{
		"tunnel1Address": resource.NewStringProperty("192.0.2.10"),
		"tunnel2Address": resource.NewStringProperty("198.51.100.20"),
		// What AWS reports for the inside CIDRs vpnInputs sets.
		"tunnel1VgwInsideAddress": resource.NewStringProperty("169.254.20.1"),
		"tunnel1CgwInsideAddress": resource.NewStringProperty("169.254.20.2"),
		"tunnel2VgwInsideAddress": resource.NewStringProperty("169.254.21.1"),
		"tunnel2CgwInsideAddress": resource.NewStringProperty("169.254.21.2"),
	}
}

func TestConnectionFromReadsTheTunnelOptions(t *testing.T) {
	t.Parallel()
	c, err := ConnectionFrom(vpnInputs(), vpnOutputs())
	if err != nil {
		t.Fatal(err)
	}
	if c.CustomerCidr != "192.168.0.0/20" || c.AWSCidr != "10.26.0.0/16" {
		t.Errorf("cidrs: customer %q, aws %q", c.CustomerCidr, c.AWSCidr)
	}
	o := c.Tunnels[1]
	if o.Outside != "198.51.100.20" || o.PresharedKey != fakePSK {
		t.Errorf("tunnel 2: outside %q, PSK read: %v", o.Outside, o.PresharedKey == fakePSK)
	}
	if !slices.Equal(o.Phase1DHGroups, []int{14, 19, 20}) || !slices.Equal(o.Phase2Encryption, []string{"AES256-GCM-16", "AES256"}) ||
		o.Phase1Lifetime != 28800 || o.Phase2Lifetime != 3600 || o.DPDTimeout != 30 || o.DPDAction != "restart" {
		t.Errorf("tunnel 2 options: %+v", o)
	}
}

func TestConnectionFromRequiresExplicitOptions(t *testing.T) {
	t.Parallel()
	in := vpnInputs()
	delete(in, "tunnel2Phase1DhGroupNumbers")
	delete(in, "tunnel1DpdTimeoutAction")
	_, err := ConnectionFrom(in, vpnOutputs())
	if err == nil {
		t.Fatal("missing tunnel options accepted")
	}
	for _, want := range []string{"tunnel2Phase1DhGroupNumbers is not set", "tunnel1DpdTimeoutAction is not set"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

// TestConnectionFromReadsTheInsideAddresses: AWS's reported inside
// addresses are what the AWS side takes, whether the program set the /30
// or AWS picked it, and must agree with what the program set.
func TestConnectionFromReadsTheInsideAddresses(t *testing.T) {
	t.Parallel()
	picked := vpnInputs()
	delete(picked, "tunnel1InsideCidr")
	c, err := ConnectionFrom(picked, vpnOutputs())
	if err != nil {
		t.Fatal(err)
	}
	if o := c.Tunnels[0]; o.InsideCidr != "" || o.AWSInside != "169.254.20.1" || o.GatewayInside != "169.254.20.2" {
		t.Errorf("tunnel 1 with AWS's inside CIDR: %q, AWS %q, gateway %q", o.InsideCidr, o.AWSInside, o.GatewayInside)
	}
	for name, edit := range map[string]func(in, out resource.PropertyMap){
		"not what was set": func(in, out resource.PropertyMap) {
			in["tunnel2InsideCidr"] = resource.NewStringProperty("169.254.30.0/30")
		},
		"ends swapped": func(in, out resource.PropertyMap) {
			out["tunnel2VgwInsideAddress"], out["tunnel2CgwInsideAddress"] = out["tunnel2CgwInsideAddress"], out["tunnel2VgwInsideAddress"]
		},
		"not reported": func(in, out resource.PropertyMap) { delete(out, "tunnel2VgwInsideAddress") },
	} {
		in, out := vpnInputs(), vpnOutputs()
		edit(in, out)
		if _, err := ConnectionFrom(in, out); err == nil || !strings.Contains(err.Error(), "tunnel2") && !strings.Contains(err.Error(), "tunnel 2") {
			t.Errorf("%s: error %v, want one about tunnel 2", name, err)
		}
	}
}

func responderTunnels(t *testing.T, change func(o *TunnelOptions)) []ResponderTunnel {
	t.Helper()
	c, err := ConnectionFrom(vpnInputs(), vpnOutputs())
	if err != nil {
		t.Fatal(err)
	}
	var out []ResponderTunnel
	for i, o := range c.Tunnels {
		if change != nil {
			change(&o)
		}
		out = append(out, ResponderTunnel{
			Name: TunnelName(i), Options: o, Local: AWSOutside[i], Peer: OnPremOutside,
			AWSCidr: c.AWSCidr, CustomerCidr: c.CustomerCidr,
		})
	}
	return out
}

func TestRenderResponder(t *testing.T) {
	t.Parallel()
	conf, secrets, err := RenderResponder(responderTunnels(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "responder.conf", conf)
	if strings.Contains(conf, fakePSK) {
		t.Error("the conf holds the PSK")
	}
	if want := "198.18.0.11 198.18.0.1 : PSK \"" + fakePSK + "\"\n"; !strings.HasPrefix(secrets, want) {
		t.Errorf("secrets do not start with the tunnel 1 line %q", want)
	}

	// Libreswan's own parsers: the whole file, and each proposal list.
	ipsec := tooltest.Require(t, "ipsec", "libreswan")
	path := t.TempDir() + "/responder.conf"
	writeFile(t, path, conf)
	if out, err := exec.Command(ipsec, "addconn", "--checkconfig", "--config", path).CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("addconn --checkconfig: %v\n%s", err, out)
	}
	for _, m := range regexp.MustCompile(`(?m)^\t((?:ike|esp)=.*)$`).FindAllStringSubmatch(conf, -1) {
		if out, err := exec.Command(ipsec, "algparse", "-v2", "-pfs", m[1]).CombinedOutput(); err != nil || strings.Contains(string(out), "ERROR") {
			t.Errorf("algparse %s: %v\n%s", m[1], err, out)
		}
	}
}

func TestRenderResponderProposals(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		change   func(o *TunnelOptions)
		ike, esp string
	}{{
		name: "GCM and CBC: one proposal each in AWS's order, AEAD ESP without integrity, IKE GCM keeps the PRF",
		ike:  "ike=aes_gcm_c_256-sha2_256-modp2048+dh19+dh20,aes256-sha2_256-modp2048+dh19+dh20",
		esp:  "esp=aes_gcm_c_256-none-modp2048+dh19+dh20,aes256-sha2_256-modp2048+dh19+dh20",
	}, {
		name: "CBC listed first comes first",
		change: func(o *TunnelOptions) {
			o.Phase1Encryption = []string{"AES128", "AES128-GCM-16", "AES256"}
			o.Phase2Encryption = []string{"AES256"}
		},
		ike: "ike=aes128+aes256-sha2_256-modp2048+dh19+dh20,aes_gcm_c_128-sha2_256-modp2048+dh19+dh20",
		esp: "esp=aes256-sha2_256-modp2048+dh19+dh20",
	}, {
		name: "every combination of the listed algorithms",
		change: func(o *TunnelOptions) {
			o.Phase1Encryption, o.Phase1Integrity, o.Phase1DHGroups = []string{"AES128", "AES256"}, []string{"SHA2-384", "SHA2-512"}, []int{21}
			o.Phase2Encryption, o.Phase2Integrity, o.Phase2DHGroups = []string{"AES128-GCM-16"}, []string{"SHA1"}, []int{5, 18}
		},
		ike: "ike=aes128+aes256-sha2_384+sha2_512-dh21",
		esp: "esp=aes_gcm_c_128-none-modp1536+modp8192",
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			conf, _, err := RenderResponder(responderTunnels(t, tc.change))
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{tc.ike, tc.esp} {
				if !strings.Contains(conf, "\t"+want+"\n") {
					t.Errorf("conf lacks %q:\n%s", want, conf)
				}
			}
		})
	}
}

func TestRenderResponderRefuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(o *TunnelOptions)
		want   string
	}{
		{"IKEv1 only", func(o *TunnelOptions) { o.IkeVersions = []string{"ikev1"} }, "IKEv2 only"},
		{"DH group 2", func(o *TunnelOptions) { o.Phase1DHGroups = []int{2, 14} }, "DH group 2"},
		{"unknown cipher", func(o *TunnelOptions) { o.Phase2Encryption = []string{"AES512"} }, `encryption "AES512"`},
		{"unknown integrity", func(o *TunnelOptions) { o.Phase1Integrity = []string{"MD5"} }, `integrity "MD5"`},
		{"unknown DPD action", func(o *TunnelOptions) { o.DPDAction = "hold" }, `DpdTimeoutAction "hold"`},
		{"PSK with a quote", func(o *TunnelOptions) { o.PresharedKey = `abc"defgh` }, "pre-shared key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var psk string
			_, _, err := RenderResponder(responderTunnels(t, func(o *TunnelOptions) {
				tc.change(o)
				psk = o.PresharedKey
			}))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one saying %q", err, tc.want)
			}
			if strings.Contains(err.Error(), psk) {
				t.Errorf("error shows the PSK: %v", err)
			}
		})
	}
}
