package main

import (
	"bytes"
	"encoding/base64"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/golden"
	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
	"github.com/hybridlab/hybrid-cloud/internal/plan"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

const (
	launchTemplateType = "aws:ec2/launchTemplate:LaunchTemplate"
	groupType          = "aws:autoscaling/group:Group"
	targetType         = "aws:lb/targetGroup:TargetGroup"
	albType            = "aws:lb/loadBalancer:LoadBalancer"
	recordType         = "aws:route53/record:Record"
	healthType         = "aws:route53/healthCheck:HealthCheck"
	vpnType            = "aws:ec2/vpnConnection:VpnConnection"
)

// TestDataFlowsThroughTheWholeStack follows each value from the resource that
// produces it to every place that consumes it, on the dev stack.
func TestDataFlowsThroughTheWholeStack(t *testing.T) {
	t.Parallel()
	e, err := runStack(t, devConfig(t))
	if err != nil {
		t.Fatalf("stack failed: %v", err)
	}
	out := e.Outputs()
	ips, ok := out["webNodeIps"].Value.(map[string]string)
	if !ok || len(ips) != 4 {
		t.Fatalf("webNodeIps = %#v, want four nodes", out["webNodeIps"].Value)
	}

	t.Run("web node IPs reach both HAProxy launch templates and the simple record", func(t *testing.T) {
		templates := e.OfType(launchTemplateType)
		for _, lt := range templates {
			decoded, err := base64.StdEncoding.DecodeString(lt.Str("userData"))
			if err != nil {
				t.Fatalf("%s: user data is not base64: %v", lt, err)
			}
			for label, ip := range ips {
				if !strings.Contains(string(decoded), " "+ip+":80") {
					t.Errorf("%s: user data has no server line for %s (%s)", lt.Str("tags.Name"), label, ip)
				}
			}
		}
		if len(templates) != 2 {
			t.Errorf("%d HAProxy launch templates, want 2", len(templates))
		}
		cfg, _ := out["haproxyConfig"].Value.(string)
		for label, ip := range ips {
			if !strings.Contains(cfg, ip+":80") {
				t.Errorf("haproxyConfig output lacks %s (%s)", label, ip)
			}
		}
		simple := recordNamed(t, e, "www.seojun.shop", "")
		if got := strings.Join(simple.Strs("records"), " "); !containsAll(got, values(ips)) {
			t.Errorf("simple record holds %q, want all of %v", got, ips)
		}
	})

	t.Run("each HAProxy group registers in its own region's target group and launches its template", func(t *testing.T) {
		groups := e.OfType(groupType)
		for _, g := range groups {
			arns := g.Strs("targetGroupArns")
			if len(arns) != 1 {
				t.Fatalf("%s: target groups %v, want one", g, arns)
			}
			tg := byOutput(e, targetType, "arn", arns[0])
			lt := byID(e, launchTemplateType, g.Str("launchTemplate.id"))
			if tg == nil || lt == nil {
				t.Fatalf("%s: target group %v, launch template %v", g, tg, lt)
			}
			if e.Region(g) != e.Region(tg) || e.Region(g) != e.Region(lt) {
				t.Errorf("%s in %s: target group in %s, launch template in %s", g, e.Region(g), e.Region(tg), e.Region(lt))
			}
			want := map[string][2]string{"ap-northeast-2": {"TG-Seoul", "HA-seoul"}, "ap-northeast-1": {"TG-TOKYO", "HA-tokyo"}}[e.Region(tg)]
			if tg.Str("tags.Name") != want[0] || lt.Str("tagSpecifications[0].tags.Name") != want[1] {
				t.Errorf("group in %s: target group %q, instances named %q; want %v", e.Region(g), tg.Str("tags.Name"), lt.Str("tagSpecifications[0].tags.Name"), want)
			}
			if got := out[map[string]string{"HA-seoul": "haproxySeoulGroup", "HA-tokyo": "haproxyTokyoGroup"}[want[1]]].Value; got != g.Outputs["name"].StringValue() {
				t.Errorf("group output %v, want %s", got, g.Outputs["name"].StringValue())
			}
		}
		if len(groups) != 2 {
			t.Errorf("%d HAProxy groups, want 2", len(groups))
		}
	})

	t.Run("each ALB is behind its alias and its failover record", func(t *testing.T) {
		for _, tc := range []struct{ alb, alias, setID, failover, check, output string }{
			{"seoul-alb", "seoul.seojun.shop", "Seoul-Active", "PRIMARY", "active", "seoulAlbDnsName"},
			{"tokyo-alb", "tokyo.seojun.shop", "Tokyo-Active", "SECONDARY", "passive", "tokyoAlbDnsName"},
		} {
			alb := byInput(e, albType, "tags.Name", tc.alb)
			if alb == nil {
				t.Fatalf("no ALB %s", tc.alb)
			}
			dns, zone := alb.Outputs["dnsName"].StringValue(), alb.Outputs["zoneId"].StringValue()
			if got := out[tc.output].Value; got != dns {
				t.Errorf("output %s = %v, want %s", tc.output, got, dns)
			}
			for _, rec := range []*mockengine.Resource{recordNamed(t, e, tc.alias, ""), recordNamed(t, e, "gslb.seojun.shop", tc.setID)} {
				if rec.Str("aliases[0].name") != dns || rec.Str("aliases[0].zoneId") != zone {
					t.Errorf("%s aliases %s/%s, want %s/%s", rec, rec.Str("aliases[0].name"), rec.Str("aliases[0].zoneId"), dns, zone)
				}
			}
			failover := recordNamed(t, e, "gslb.seojun.shop", tc.setID)
			if got := failover.Str("failoverRoutingPolicies[0].type"); got != tc.failover {
				t.Errorf("%s: failover %s, want %s", tc.setID, got, tc.failover)
			}
			check := byID(e, healthType, failover.Str("healthCheckId"))
			if check == nil || check.Str("tags.Name") != tc.check || check.Str("fqdn") != tc.alias {
				t.Errorf("%s: health check %v, want %s on %s", tc.setID, check, tc.check, tc.alias)
			}
		}
	})

	t.Run("tunnel addresses and keys reach the Libreswan files", func(t *testing.T) {
		vpns := e.OfType(vpnType)
		if len(vpns) != 1 {
			t.Fatalf("%d VPN connections, want 1", len(vpns))
		}
		conf, _ := out["libreswanConf"].Value.(string)
		secrets, _ := out["libreswanSecrets"].Value.(string)
		for _, n := range []string{"1", "2"} {
			addr := vpns[0].Outputs[resource.PropertyKey("tunnel"+n+"Address")].StringValue()
			if got := out["vpnTunnel"+n+"Address"].Value; got != addr {
				t.Errorf("vpnTunnel%sAddress = %v, want %s", n, got, addr)
			}
			if !strings.Contains(conf, "right="+addr) {
				t.Errorf("libreswanConf has no right=%s", addr)
			}
			psk := vpns[0].Str("tunnel" + n + "PresharedKey")
			if len(psk) < 8 || !vpns[0].IsSecret("tunnel"+n+"PresharedKey") {
				t.Fatalf("tunnel %s pre-shared key is not a secret input of the connection", n)
			}
			if !strings.Contains(secrets, addr) || !strings.Contains(secrets, `"`+psk+`"`) {
				t.Errorf("libreswanSecrets lacks tunnel %s's address or key", n)
			}
			if strings.Contains(conf, psk) {
				t.Errorf("libreswanConf contains tunnel %s's key", n)
			}
		}
	})

	t.Run("secrets stay secret in the stack outputs", func(t *testing.T) {
		if !out["libreswanSecrets"].Secret {
			t.Error("libreswanSecrets is not a secret output")
		}
		for _, vpn := range e.OfType(vpnType) {
			for _, key := range []string{"tunnel1PresharedKey", "tunnel2PresharedKey"} {
				psk := vpn.Str(key)
				for name, o := range out {
					if !o.Secret && strings.Contains(mockengine.Format(o.Value), psk) {
						t.Errorf("plain output %s contains %s", name, key)
					}
				}
			}
		}
	})
}

// TestPlanOfTheDevStack keeps the offline plan as a golden file, so a pull
// request shows how the plan changed, and checks that it leaks no key.
func TestPlanOfTheDevStack(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := plan.Main(program, []string{"-stack", "dev"}, &stdout, &stderr); code != 0 {
		t.Fatalf("plan exited %d: %s", code, stderr.String())
	}
	text := stdout.String()
	golden.Assert(t, "plan-dev.golden", text)

	e, err := runStack(t, devConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, vpn := range e.OfType(vpnType) {
		for _, key := range []string{"tunnel1PresharedKey", "tunnel2PresharedKey"} {
			if psk := vpn.Str(key); psk == "" || strings.Contains(text, psk) {
				t.Errorf("the plan prints %s (or it is empty)", key)
			}
		}
	}
	for _, want := range []string{"libreswanSecrets = " + plan.Masked, "== rendered file: libreswanConf", "== rendered file: haproxyConfig"} {
		if !strings.Contains(text, want) {
			t.Errorf("plan lacks %q", want)
		}
	}
	customs := 0
	for _, r := range e.Resources() {
		if r.Custom {
			customs++
			if !strings.Contains(text, " "+r.Name+"  ") {
				t.Errorf("plan does not list %s", r)
			}
		}
	}
	if customs < 80 {
		t.Errorf("only %d resources in the dev stack; the plan should cover every component", customs)
	}
}

func recordNamed(t *testing.T, e *mockengine.Engine, name, setID string) *mockengine.Resource {
	t.Helper()
	for _, r := range e.OfType(recordType) {
		if r.Str("name") == name && r.Str("setIdentifier") == setID {
			return r
		}
	}
	t.Fatalf("no record %s (set id %q)", name, setID)
	return nil
}

func byID(e *mockengine.Engine, typ, id string) *mockengine.Resource {
	for _, r := range e.OfType(typ) {
		if r.ID == id {
			return r
		}
	}
	return nil
}

func byInput(e *mockengine.Engine, typ, path, value string) *mockengine.Resource {
	for _, r := range e.OfType(typ) {
		if r.Str(path) == value {
			return r
		}
	}
	return nil
}

func byOutput(e *mockengine.Engine, typ, key, value string) *mockengine.Resource {
	for _, r := range e.OfType(typ) {
		if v := r.Outputs[resource.PropertyKey(key)]; v.IsString() && v.StringValue() == value {
			return r
		}
	}
	return nil
}

func values(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// TestReadmeDocumentsEveryStackOutput keeps the README's outputs table, the
// operators' interface, in step with what the program exports.
func TestReadmeDocumentsEveryStackOutput(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Stack outputs\n")
	if !ok {
		t.Fatal("README has no '## Stack outputs' section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	documented := map[string]bool{} // name -> secret
	name := regexp.MustCompile("`([A-Za-z0-9]+)`")
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 5 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		secret := strings.Contains(cells[3], "yes")
		for _, m := range name.FindAllStringSubmatch(cells[1], -1) {
			documented[m[1]] = secret
		}
	}
	e, err := runStack(t, devConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	outputs := e.Outputs()
	for n, o := range outputs {
		secret, ok := documented[n]
		switch {
		case !ok:
			t.Errorf("output %s is not in the README's table", n)
		case secret != o.Secret:
			t.Errorf("output %s: README says secret=%v, the program exports secret=%v", n, secret, o.Secret)
		}
	}
	for n := range documented {
		if _, ok := outputs[n]; !ok {
			t.Errorf("the README documents %s, which the program does not export", n)
		}
	}
}
