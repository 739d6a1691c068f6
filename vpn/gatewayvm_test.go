package vpn

import (
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/golden"
	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
	"gopkg.in/yaml.v3"
)

const (
	typeSecGroup = "openstack:networking/secGroup:SecGroup"
	typeSGRule   = "openstack:networking/secGroupRule:SecGroupRule"
	typePort     = "openstack:networking/port:Port"
	typeInstance = "openstack:compute/instance:Instance"
)

func vmConfig() Config {
	c := noteConfig()
	c.OpenStack.GatewayIP = ""
	c.GatewayVM = GatewayVMConfig{Enabled: true, ImageName: "Rocky-9", FlavorName: "m1.small", NetworkID: "5d1b7c9e-0000-4000-8000-000000000001", KeyPair: "lab"}
	return c
}

func placeholderFiles(t *testing.T) GatewayFiles {
	t.Helper()
	conf, err := RenderConf(DefaultProfile(), placeholderGateway())
	if err != nil {
		t.Fatal(err)
	}
	secrets, err := RenderSecrets(placeholderGateway())
	if err != nil {
		t.Fatal(err)
	}
	script, err := RenderTunnelScript(DefaultProfile(), placeholderGateway())
	if err != nil {
		t.Fatal(err)
	}
	return GatewayFiles{Conf: conf, Secrets: secrets, Sysctl: RenderSysctl(), TunnelScript: script, TunnelService: RenderTunnelService()}
}

// parsedCloudConfig is the part of #cloud-config the gateway relies on,
// declared apart from the renderer's types so a wrong key there shows.
type parsedCloudConfig struct {
	WriteFiles []struct {
		Path        string `yaml:"path"`
		Owner       string `yaml:"owner"`
		Permissions string `yaml:"permissions"`
		Content     string `yaml:"content"`
	} `yaml:"write_files"`
	Packages []string   `yaml:"packages"`
	Runcmd   [][]string `yaml:"runcmd"`
}

func TestCloudInitWritesTheFilesAndStartsLibreswan(t *testing.T) {
	t.Parallel()
	files := placeholderFiles(t)
	ud := mustCloudInit(t, files)
	golden.Assert(t, "cloud-init.yaml", ud)

	if !strings.HasPrefix(ud, "#cloud-config\n") {
		t.Fatal("user data does not start with #cloud-config")
	}
	var cc parsedCloudConfig
	if err := yaml.Unmarshal([]byte(ud), &cc); err != nil {
		t.Fatalf("user data is not YAML: %v", err)
	}
	want := map[string]struct{ mode, content string }{
		SysctlPath:  {"0644", files.Sysctl},
		ConfPath:    {"0644", files.Conf},
		SecretsPath: {"0600", files.Secrets},
		// pluto runs the script as the conns' updown hook: executable.
		TunnelScriptPath:  {"0755", files.TunnelScript},
		TunnelServicePath: {"0644", files.TunnelService},
	}
	if len(cc.WriteFiles) != len(want) {
		t.Fatalf("%d files written, want %d", len(cc.WriteFiles), len(want))
	}
	for _, f := range cc.WriteFiles {
		w, ok := want[f.Path]
		if !ok {
			t.Errorf("unexpected file %s", f.Path)
			continue
		}
		if f.Permissions != w.mode || f.Owner != "root:root" {
			t.Errorf("%s: permissions %s owner %s, want %s root:root", f.Path, f.Permissions, f.Owner, w.mode)
		}
		// YAML must give back the rendered file byte for byte (tabs, blank lines).
		if f.Content != w.content {
			t.Errorf("%s: content differs after YAML:\n--- got\n%q\n--- want\n%q", f.Path, f.Content, w.content)
		}
	}
	if strings.Join(cc.Packages, ",") != "libreswan" {
		t.Errorf("packages %v, want libreswan", cc.Packages)
	}
	cmds := make([]string, len(cc.Runcmd))
	for i, c := range cc.Runcmd {
		cmds[i] = strings.Join(c, " ")
	}
	joined := strings.Join(cmds, "; ")
	for _, c := range []string{"sysctl -p " + SysctlPath, "systemctl enable --now ipsec", "systemctl enable --now aws-tunnels.service"} {
		if !strings.Contains(joined, c) {
			t.Errorf("runcmd %q lacks %q", joined, c)
		}
	}
}

func TestGatewayVMSwitch(t *testing.T) {
	t.Parallel()

	t.Run("off: no VM, next hop from config", func(t *testing.T) {
		t.Parallel()
		r := mustRun(t, noteConfig())
		for _, typ := range []string{typeSecGroup, typeSGRule, typePort, typeInstance} {
			if n := len(r.OfType(typ)); n != 0 {
				t.Errorf("%d %s with gatewayVm off, want none", n, typ)
			}
		}
		if got := r.one(t, typeRouterRt).Str("nextHop"); got != "192.168.0.10" {
			t.Errorf("router route next hop %q, want openstack.gatewayIp 192.168.0.10", got)
		}
	})

	t.Run("on: VM, next hop from its port", func(t *testing.T) {
		t.Parallel()
		r := mustRun(t, vmConfig())
		component := r.one(t, SiteToSiteType)
		sg := r.one(t, typeSecGroup)
		port := r.one(t, typePort)
		inst := r.one(t, typeInstance)
		rules := r.OfType(typeSGRule)

		portIP := port.Outputs["allFixedIps"].ArrayValue()[0].StringValue()
		if got := r.one(t, typeRouterRt).Str("nextHop"); got != portIP || got != r.gatewayIP {
			t.Errorf("router route next hop %q, GatewayIP %q, want the port's address %q", got, r.gatewayIP, portIP)
		}

		// Port: on the configured network, in the group, may carry the VPC's addresses.
		if port.Str("networkId") != vmConfig().GatewayVM.NetworkID {
			t.Errorf("port network %q", port.Str("networkId"))
		}
		pairs := port.Inputs["allowedAddressPairs"].ArrayValue()
		if len(pairs) != 1 || pairs[0].ObjectValue()["ipAddress"].StringValue() != vpcCidr {
			t.Errorf("allowed address pairs %v, want %s", pairs, vpcCidr)
		}
		if sgs := port.Inputs["securityGroupIds"].ArrayValue(); len(sgs) != 1 || sgs[0].StringValue() != sg.ID {
			t.Errorf("port security groups %v, want [%s]", sgs, sg.ID)
		}

		// Rules: IKE, NAT-T and ESP from exactly the two tunnel addresses, plus on-prem.
		type key struct{ proto, from string }
		got := map[key]int{}
		for _, rule := range rules {
			if rule.Str("securityGroupId") != sg.ID || rule.Str("direction") != "ingress" {
				t.Errorf("rule %s: group %q direction %q", rule.Name, rule.Str("securityGroupId"), rule.Str("direction"))
			}
			port := 0
			if v := rule.Inputs["portRangeMin"]; v.IsNumber() {
				port = int(v.NumberValue())
				if rule.Inputs["portRangeMax"].NumberValue() != v.NumberValue() {
					t.Errorf("rule %s opens a port range", rule.Name)
				}
			}
			got[key{rule.Str("protocol") + ":" + map[int]string{0: "", 500: "500", 4500: "4500"}[port], rule.Str("remoteIpPrefix")}]++
		}
		want := map[key]int{{":", "192.168.0.0/20"}: 1}
		for _, ip := range []string{r.t1, r.t2} {
			for _, p := range []string{"udp:500", "udp:4500", "esp:"} {
				want[key{p, ip + "/32"}] = 1
			}
		}
		if len(got) != len(want) {
			t.Errorf("rules %v, want %v", got, want)
		}
		for k := range want {
			if got[k] != 1 {
				t.Errorf("missing rule %v (have %v)", k, got)
			}
		}

		// Instance: image, flavor, key pair, the port, secret cloud-init with the files.
		for k, v := range map[string]string{"imageName": "Rocky-9", "flavorName": "m1.small", "keyPair": "lab", "name": "libreswan-gateway"} {
			if inst.Str(k) != v {
				t.Errorf("instance %s = %q, want %q", k, inst.Str(k), v)
			}
		}
		nets := inst.Inputs["networks"].ArrayValue()
		if len(nets) != 1 || nets[0].ObjectValue()["port"].StringValue() != port.ID {
			t.Errorf("instance networks %v, want the port %s", nets, port.ID)
		}
		ud := inst.Inputs["userData"]
		if !ud.IsSecret() {
			t.Fatal("instance user data is not secret (it holds the PSKs)")
		}
		wantUD := mustCloudInit(t, GatewayFiles{Conf: r.conf, Secrets: r.secrets, Sysctl: r.sysctl, TunnelScript: r.script, TunnelService: r.service})
		if ud.SecretValue().Element.StringValue() != wantUD {
			t.Error("instance user data is not the cloud-init rendered from the component's files")
		}

		for _, res := range []*mockengine.Resource{sg, port, inst, rules[0]} {
			if p := r.ParentOf(res); p == nil || p.URN != component.URN {
				t.Errorf("%s: parent is not the SiteToSite component", res.Name)
			}
			if p := r.ProviderOf(res); p == nil || p.Type != "pulumi:providers:openstack" {
				t.Errorf("%s: provider is not OpenStack", res.Name)
			}
		}
	})
}

func TestGatewayVMConfigFailsNamingTheKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"no image", func(c *Config) { c.GatewayVM.ImageName = "" }, "hybrid-cloud:vpn.gatewayVm.imageName: set exactly one"},
		{"two images", func(c *Config) { c.GatewayVM.ImageID = "b1c2" }, "hybrid-cloud:vpn.gatewayVm.imageName: set exactly one"},
		{"no flavor", func(c *Config) { c.GatewayVM.FlavorName = "" }, "hybrid-cloud:vpn.gatewayVm.flavorName: is required"},
		{"no network", func(c *Config) { c.GatewayVM.NetworkID = "" }, "hybrid-cloud:vpn.gatewayVm.networkId: is required"},
		{"gatewayIp too", func(c *Config) { c.OpenStack.GatewayIP = "192.168.0.10" }, "hybrid-cloud:vpn.openstack.gatewayIp: is set but gatewayVm.enabled"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := vmConfig()
			tc.mutate(&cfg)
			r, err := run(t, cfg)
			mockengine.AssertErrorMentions(t, err, tc.want)
			r.AssertOnlyProviders(t)
		})
	}
}
