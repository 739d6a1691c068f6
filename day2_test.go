package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/haproxy"
	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
)

// stackConfig is a stack file as the engine would hand it to the program.
func stackConfig(t *testing.T, stack string) mockengine.Config {
	t.Helper()
	_, cfg, err := mockengine.LoadStackConfig(".", stack)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// dayTwo is one change an operator makes to a live stack: to the config, or
// to the world the program looks at (the mock cloud).
type dayTwo struct {
	name   string
	config func(t *testing.T, c mockengine.Config) mockengine.Config
	world  func(e *mockengine.Engine)
	// want is every change the next `pulumi up` would make, one line each as
	// mockengine.Change prints it ("update TYPE NAME inputs[...]").
	want []string
	// refused are the protected resources ("TYPE NAME") the change would
	// replace or delete: with hybrid-cloud:protect on, `pulumi up` refuses
	// it until the switch is lifted (README, "Protecting the stack's state").
	refused []string
	// stack is the stack file the change is made to; "" is dev.
	stack string
}

// setting is a day-two change of one config field.
func setting(key, path string, value any) func(*testing.T, mockengine.Config) mockengine.Config {
	return func(t *testing.T, c mockengine.Config) mockengine.Config { return setField(t, c, key, path, value) }
}

// setField sets key.path (dotted) in an object config value.
func setField(t *testing.T, c mockengine.Config, key, path string, value any) mockengine.Config {
	t.Helper()
	obj := c.Object(t, key)
	m := obj
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		m = m[p].(map[string]any)
	}
	m[parts[len(parts)-1]] = value
	return c.Set(key, obj)
}

// protectedByTheSwitch is every resource hybrid-cloud:protect guards in the
// dev/prod stack: what holds state (the VPN's keys and tunnels, the VPC) or
// an address or name that others depend on.
var protectedByTheSwitch = []string{
	"aws:ec2/vpc:Vpc my-vpc",
	"aws:ec2/customerGateway:CustomerGateway vpn-cgw",
	"aws:ec2/vpnGateway:VpnGateway vpn-vgw",
	"aws:ec2/vpnGatewayAttachment:VpnGatewayAttachment vpn-vgw-attachment",
	"aws:ec2/vpnConnection:VpnConnection vpn-connection",
	"random:index/randomPassword:RandomPassword vpn-tunnel1-psk",
	"random:index/randomPassword:RandomPassword vpn-tunnel2-psk",
	"aws:cloudwatch/logGroup:LogGroup vpn-tunnel-logs",
	"aws:ec2/eip:Eip seoul-eip",
	"azure-native:resources:ResourceGroup london-rg",
	"azure-native:network:PublicIPAddress london-ip",
	"gcp:compute/address:Address oregon-ip",
	"alicloud:ecs/eipAddress:EipAddress hongkong-eip",
	"aws:acm/certificate:Certificate gslb-seoul-cert",
	"aws:acm/certificate:Certificate gslb-tokyo-cert",
	recordType + " gslb-validation-seoul",
	recordType + " gslb-validation-tokyo",
	recordType + " gslb-validation-gslb",
	recordType + " gslb-seoul-alias",
	recordType + " gslb-tokyo-alias",
	recordType + " gslb-seoul-failover",
	recordType + " gslb-tokyo-failover",
	"aws:route53/healthCheck:HealthCheck gslb-seoul-health",
	"aws:route53/healthCheck:HealthCheck gslb-tokyo-health",
	"aws:route53/healthCheck:HealthCheck gslb-web-seoul-health",
	"aws:route53/healthCheck:HealthCheck gslb-web-london-health",
	"aws:route53/healthCheck:HealthCheck gslb-web-oregon-health",
	"aws:route53/healthCheck:HealthCheck gslb-web-hongkong-health",
	"aws:sns/topic:Topic monitoring-topic-ap-northeast-2",
	"aws:sns/topic:Topic monitoring-topic-ap-northeast-1",
	"aws:sns/topic:Topic monitoring-topic-us-east-1",
}

// TestDayTwoChanges runs the dev stack twice, the second time with one thing
// changed, and pins everything the second `pulumi up` would change. Whether
// a change replaces a resource is the provider's call (docs/*.md say which);
// what must not appear here is a change to anything not listed.
func TestDayTwoChanges(t *testing.T) {
	t.Parallel()
	updated := func(typ, name string, inputs ...string) string {
		return mockengine.Change{Kind: mockengine.Update, Type: typ, Name: name, Inputs: inputs}.String()
	}
	replaced := func(typ, name string, inputs ...string) string {
		return mockengine.Change{Kind: mockengine.Replace, Type: typ, Name: name, Inputs: inputs}.String()
	}
	// replacedDeleteFirst is a replacement that deletes the old resource
	// before it creates the new one (deleteBeforeReplace, or a name the
	// program sets, which the new resource would collide on).
	replacedDeleteFirst := func(typ, name string, inputs ...string) string {
		return mockengine.Change{Kind: mockengine.Replace, Type: typ, Name: name, Inputs: inputs, DeleteFirst: true}.String()
	}
	// Every template update writes a new template version; each group then
	// moves to it, which starts its instance refresh.
	bothTemplates := func(inputs ...string) []string {
		return []string{
			updated(launchTemplateType, "haproxy-seoul-lt", inputs...), updated(launchTemplateType, "haproxy-tokyo-lt", inputs...),
			updated("aws:autoscaling/group:Group", "haproxy-seoul-asg", "launchTemplate"), updated("aws:autoscaling/group:Group", "haproxy-tokyo-asg", "launchTemplate"),
		}
	}
	var protectFlips []string
	for _, r := range protectedIn("dev") {
		typ, name, _ := strings.Cut(r, " ")
		protectFlips = append(protectFlips, mockengine.Change{Kind: mockengine.Update, Type: typ, Name: name, Options: []string{"protect"}}.String())
	}
	cases := []dayTwo{
		{
			// Every image is named exactly (Seoul's AMI, London's Marketplace
			// version, Oregon's GCP image, Hong Kong's public image, HAProxy's
			// AMI): a newer vendor image exists, and nothing follows it.
			name:  "a newer vendor image exists: nothing changes",
			world: func(e *mockengine.Engine) { e.PublishNewerImages() },
		},
		{
			// The groups roll to the new template versions (instance refresh);
			// no instance, group, target group, ALB or failover record changes.
			name:  "a web node's address changes",
			world: func(e *mockengine.Engine) { e.MoveAddress("london-ip") },
			want: append(bothTemplates("userData"), updated(recordType, "gslb-simple", "records"),
				// The node's own health check follows it in place (UpdateHealthCheck).
				updated("aws:route53/healthCheck:HealthCheck", "gslb-web-london-health", "ipAddress")),
		},
		{
			name:   "the sticky cookie is turned on",
			config: setting("hybrid-cloud:haproxy", "stickyCookie", true),
			want:   bothTemplates("userData"),
		},
		{
			name:   "a web node moves to port 8080",
			config: setting("hybrid-cloud:webNodes", "oregon.port", 8080),
			want: append(bothTemplates("userData"),
				// HAProxy may now reach 8080; the node's own firewall and page move with it.
				"create aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule haproxy-seoul-egress-8080",
				"create aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule haproxy-tokyo-egress-8080",
				updated("gcp:compute/firewall:Firewall", "oregon-fw", "allows"),
				// The startup script changed: a new VM, which runs it. The
				// program deletes the old one first (its name is taken).
				replacedDeleteFirst("gcp:compute/instance:Instance", "oregon-instance", "metadataStartupScript"),
				updated("aws:route53/healthCheck:HealthCheck", "gslb-web-oregon-health", "port"),
				updated("aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-health-web-oregon", "alarmDescription"),
			),
		},
		{
			name:   "HAProxy rolls to a newer image",
			config: setting("hybrid-cloud:haproxy", "image", "al2023-ami-2023.9.20260105.0-kernel-6.1-x86_64"),
			want:   bothTemplates("imageId"),
		},
		{
			// The instance is replaced; its Elastic IP, which HAProxy and DNS
			// use, stays: a new association (instance_id is ForceNew) moves
			// it to the new instance, made first (allowReassociation).
			name:   "the Seoul web node rolls to a newer image",
			config: setting("hybrid-cloud:webNodes", "seoul.imageName", "al2023-ami-2023.9.20260105.0-kernel-6.1-x86_64"),
			want: []string{
				replaced("aws:ec2/instance:Instance", "seoul-instance", "ami"),
				replaced("aws:ec2/eipAssociation:EipAssociation", "seoul-eip-association", "instanceId"),
			},
		},
		{
			// ECS changes the type of a stopped instance, in place
			// (ModifyInstanceSpec between StopInstance and StartInstance):
			// the node is out meanwhile, in its turn of the rollout. The
			// Elastic IP and its association stay.
			name:   "the Hong Kong node gets a new instance type",
			config: setting("hybrid-cloud:webNodes", "hongkong.instanceType", "ecs.t6-c1m1.large"),
			want:   []string{updated("alicloud:ecs/instance:Instance", "hongkong-instance", "instanceType")},
		},
		{
			// The page is in the user data (replaceOnChanges): a new
			// instance; the EIP's association names the instance
			// (instance_id is ForceNew), so it is replaced too, after the old
			// one is deleted. The EIP and its address stay.
			name:   "the Hong Kong node's label changes",
			config: setting("hybrid-cloud:webNodes", "hongkong.label", "HK"),
			want: []string{
				replaced("alicloud:ecs/instance:Instance", "hongkong-instance", "userData"),
				replacedDeleteFirst("alicloud:ecs/eipAssociation:EipAssociation", "hongkong-eip-association", "instanceId"),
				updated("aws:route53/healthCheck:HealthCheck", "gslb-web-hongkong-health", "tags"),
				updated("aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-health-web-hongkong", "alarmDescription"),
				updated("aws:cloudwatch/dashboard:Dashboard", "monitoring-dashboard", "dashboardBody"),
			},
		},
		{
			// The connection does not change: route-based tunnels select
			// 0.0.0.0/0 whatever the ranges (same tunnels, keys and SAs).
			// What names the range is replaced: the static route, the VPC
			// routes to the VGW and the on-prem router's route (its next
			// hop, the gateway, moves into the new range). Nothing protected
			// is replaced.
			name: "the on-prem range changes",
			config: func(t *testing.T, c mockengine.Config) mockengine.Config {
				c = setField(t, c, "hybrid-cloud:vpn", "onPremCidr", "192.168.16.0/20")
				return setField(t, c, "hybrid-cloud:vpn", "openstack.gatewayIp", "192.168.16.10")
			},
			want: []string{
				replaced("aws:ec2/vpnConnectionRoute:VpnConnectionRoute", "vpn-static-route", "destinationCidrBlock"),
				replaced("aws:ec2/route:Route", "vpn-onprem-route-0", "destinationCidrBlock"),
				replaced("aws:ec2/route:Route", "vpn-onprem-route-1", "destinationCidrBlock"),
				replaced("openstack:networking/routerRoute:RouterRoute", "vpn-router-route", "nextHop"),
			},
		},
		{
			// dev leaves the inside CIDRs to AWS; setting one is ForceNew
			// (tunnel1_inside_cidr, vpnsite_connection.go): a new
			// connection with new outside addresses (docs/vpn.md, day two).
			name:   "an inside CIDR is set",
			config: setting("hybrid-cloud:vpn", "crypto", map[string]any{"tunnel1InsideCidr": "169.254.21.0/30"}),
			want: []string{
				replaced("aws:ec2/vpnConnection:VpnConnection", "vpn-connection", "tunnel1InsideCidr"),
				replaced("aws:ec2/vpnConnectionRoute:VpnConnectionRoute", "vpn-static-route", "vpnConnectionId"),
				// The new connection's ID and outside addresses.
				updated("aws:cloudwatch/dashboard:Dashboard", "monitoring-dashboard", "dashboardBody"),
				updated("aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-vpn-no-tunnel", "alarmDescription,metricQueries"),
				updated("aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-vpn-tunnel1", "alarmDescription,dimensions"),
				updated("aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-vpn-tunnel2", "alarmDescription,dimensions"),
			},
			refused: []string{"aws:ec2/vpnConnection:VpnConnection vpn-connection"},
		},
		{
			// A new customer gateway (ipAddress is ForceNew), made before the
			// old one is deleted; the connection moves to it in place.
			name:    "the customer gateway's address changes",
			config:  setting("hybrid-cloud:vpn", "customerGatewayIp", "123.142.252.26"),
			want:    []string{replaced("aws:ec2/customerGateway:CustomerGateway", "vpn-cgw", "ipAddress"), updated("aws:ec2/vpnConnection:VpnConnection", "vpn-connection", "customerGatewayId")},
			refused: []string{"aws:ec2/customerGateway:CustomerGateway vpn-cgw"},
		},
		{
			// The page's text is in the user data: a new VM. The node's
			// check and alarm are named by key, so they only change text.
			name:   "a web node's label changes",
			config: setting("hybrid-cloud:webNodes", "london.label", "LONDRES"),
			want: []string{
				// osProfile.customData (replaceOnChanges) changed; the program
				// deletes the VM first.
				replacedDeleteFirst("azure-native:compute:VirtualMachine", "london-vm", "osProfile"),
				updated("aws:route53/healthCheck:HealthCheck", "gslb-web-london-health", "tags"),
				updated("aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-health-web-london", "alarmDescription"),
				updated("aws:cloudwatch/dashboard:Dashboard", "monitoring-dashboard", "dashboardBody"),
			},
		},
		{
			// Azure refuses to change a VM's SSH keys: a new VM on purpose
			// (delete-first, in London's turn; docs/webnodes.md). Nothing
			// else of the stack changes.
			name: "London's SSH key is rotated",
			config: setting("hybrid-cloud:webNodes", "london.adminSshPublicKey",
				"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH0rotatedKeyForTheTestOnlyNotARealKeyAtAllxx operator@new"),
			want: []string{replacedDeleteFirst("azure-native:compute:VirtualMachine", "london-vm", "osProfile")},
		},
		{
			// The VM cannot move zones (replaceOnChanges: a new VM, delete
			// first). azure-native replaces the public IP for neither
			// forceNewMap nor x-ms-mutability on zones, so it sends the
			// new zone as an update, which Azure refuses (docs/webnodes.md):
			// the update fails there, and nothing protected is replaced.
			name:   "London moves to another zone",
			config: setting("hybrid-cloud:webNodes", "london.zone", "2"),
			want: []string{
				replacedDeleteFirst("azure-native:compute:VirtualMachine", "london-vm", "zones"),
				updated("azure-native:network:PublicIPAddress", "london-ip", "zones"),
			},
		},
		{
			// Route 53 cannot change a check's interval: every check is
			// replaced, and what names a check follows its new ID: the
			// failover records, each check's alarm (its HealthCheckId
			// dimension and text) and the dashboard. Nothing is lost, but a
			// protected stack refuses it: lift protect first.
			name:   "the health checks' interval changes",
			config: setting("hybrid-cloud:gslb", "healthCheck.intervalSeconds", 10),
			want: []string{
				replaced("aws:route53/healthCheck:HealthCheck", "gslb-seoul-health", "requestInterval"),
				replaced("aws:route53/healthCheck:HealthCheck", "gslb-tokyo-health", "requestInterval"),
				replaced("aws:route53/healthCheck:HealthCheck", "gslb-web-seoul-health", "requestInterval"),
				replaced("aws:route53/healthCheck:HealthCheck", "gslb-web-london-health", "requestInterval"),
				replaced("aws:route53/healthCheck:HealthCheck", "gslb-web-oregon-health", "requestInterval"),
				replaced("aws:route53/healthCheck:HealthCheck", "gslb-web-hongkong-health", "requestInterval"),
				updated(recordType, "gslb-seoul-failover", "healthCheckId"),
				updated(recordType, "gslb-tokyo-failover", "healthCheckId"),
				updated("aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-health-seoul", "alarmDescription", "dimensions"),
				updated("aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-health-tokyo", "alarmDescription", "dimensions"),
				updated("aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-health-web-seoul", "alarmDescription", "dimensions"),
				updated("aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-health-web-london", "alarmDescription", "dimensions"),
				updated("aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-health-web-oregon", "alarmDescription", "dimensions"),
				updated("aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-health-web-hongkong", "alarmDescription", "dimensions"),
				updated("aws:cloudwatch/dashboard:Dashboard", "monitoring-dashboard", "dashboardBody"),
			},
			refused: []string{
				"aws:route53/healthCheck:HealthCheck gslb-seoul-health", "aws:route53/healthCheck:HealthCheck gslb-tokyo-health",
				"aws:route53/healthCheck:HealthCheck gslb-web-seoul-health", "aws:route53/healthCheck:HealthCheck gslb-web-london-health",
				"aws:route53/healthCheck:HealthCheck gslb-web-oregon-health", "aws:route53/healthCheck:HealthCheck gslb-web-hongkong-health",
			},
		},
		{
			// The ALBs' group is provider-named: the note's SG-ALB is its
			// Name tag, so a rename retags both regions' groups in place
			// and nothing is replaced (the description names no config).
			name:   "the ALBs' security group is renamed",
			config: setting("hybrid-cloud:gslb", "securityGroupName", "SG-FRONT"),
			want: []string{
				updated("aws:ec2/securityGroup:SecurityGroup", "gslb-seoul-sg", "tags"),
				updated("aws:ec2/securityGroup:SecurityGroup", "gslb-tokyo-sg", "tags"),
			},
		},
		{
			// Provider-named too: a new Name tag, and the texts that quote it.
			name:   "an ALB is renamed",
			config: setting("hybrid-cloud:gslb", "seoulAlbName", "seoul-front"),
			want: []string{
				updated(albType, "gslb-seoul-alb", "tags"),
				updated("aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-health-seoul", "alarmDescription"),
				updated("aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-seoul-elb-5xx", "alarmDescription"),
				updated("aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-seoul-healthy-hosts", "alarmDescription"),
				updated("aws:cloudwatch/dashboard:Dashboard", "monitoring-dashboard", "dashboardBody"),
			},
		},
		{
			name:   "a target group is renamed",
			config: setting("hybrid-cloud:gslb", "tokyoTargetGroupName", "TG-Tokyo-2"),
			want: []string{
				updated(targetType, "gslb-tokyo-tg", "tags"),
				updated("aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-tokyo-healthy-hosts", "alarmDescription"),
				updated("aws:cloudwatch/dashboard:Dashboard", "monitoring-dashboard", "dashboardBody"),
			},
		},
		{
			// Outside the exact-names stack the customer gateway carries a
			// device name (EC2 would otherwise hand prod dev's gateway of the
			// same address, ASN and type), and device_name is ForceNew: it
			// names the stack, so a rename is still only a Name tag.
			name:   "prod's customer gateway is renamed",
			stack:  "prod",
			config: setting("hybrid-cloud:vpn", "customerGatewayName", "ONPREM-CGW"),
			want:   []string{updated("aws:ec2/customerGateway:CustomerGateway", "vpn-cgw", "tags")},
		},
		{
			name: "protect is turned on",
			config: func(t *testing.T, c mockengine.Config) mockengine.Config {
				return c.Set("hybrid-cloud:protect", true)
			},
			want: protectFlips,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			stack := tc.stack
			if stack == "" {
				stack = "dev"
			}
			protected := protectedIn(stack)
			cfg := stackConfig(t, stack)
			before := mockengine.New("hybrid-cloud", stack)
			if err := before.Run(program, cfg); err != nil {
				t.Fatalf("first run: %v", err)
			}
			if tc.config != nil {
				cfg = tc.config(t, cfg)
			}
			after := mockengine.New("hybrid-cloud", stack)
			after.Follow(before)
			if tc.world != nil {
				tc.world(after)
			}
			if err := after.Run(program, cfg); err != nil {
				t.Fatalf("second run: %v", err)
			}
			var got, refused []string
			for _, c := range mockengine.Diff(before, after) {
				got = append(got, c.String())
				if (c.Kind == mockengine.Replace || c.Kind == mockengine.Delete) && slices.Contains(protected, c.Type+" "+c.Name) {
					refused = append(refused, c.Type+" "+c.Name)
				}
			}
			slices.Sort(refused)
			wantRefused := slices.Clone(tc.refused)
			slices.Sort(wantRefused)
			if !slices.Equal(refused, wantRefused) {
				t.Errorf("on a protected stack this change would replace or delete %v, want %v", refused, wantRefused)
			}
			want := slices.Clone(tc.want)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("the second run changes\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
		})
	}
}

// wwwRecords are the www records of each routing: one simple record, or
// one multivalue record per web node. All are protected like the others.
var wwwRecords = map[string][]string{
	"simple": {recordType + " gslb-simple"},
	"multivalue": {
		recordType + " gslb-www-seoul", recordType + " gslb-www-london",
		recordType + " gslb-www-oregon", recordType + " gslb-www-hongkong",
	},
}

// protectedIn is what hybrid-cloud:protect guards in the stack as its file
// ships (dev's www is one simple record, prod's one per node), whether or
// not the file turns the switch on.
func protectedIn(stack string) []string {
	if stack == "dev" {
		return append(slices.Clone(protectedByTheSwitch), wwwRecords["simple"]...)
	}
	var out []string
	for _, r := range append(slices.Clone(protectedByTheSwitch), wwwRecords["multivalue"]...) {
		// A validation record is named by its domain's label, which in
		// prod carries the stack's suffix (seoul-prod.<zone>).
		if strings.Contains(r, " gslb-validation-") {
			r += "-" + stack
		}
		out = append(out, r)
	}
	return out
}

// TestProtectSwitch: with protect on, exactly the stateful resources are
// protected; with it off, none is (the lab can be destroyed).
func TestProtectSwitch(t *testing.T) {
	t.Parallel()
	for stack, want := range map[string][]string{"dev": nil, "prod": protectedIn("prod")} {
		e := mockengine.New("hybrid-cloud", stack)
		if err := e.Run(program, stackConfig(t, stack)); err != nil {
			t.Fatalf("%s: %v", stack, err)
		}
		var got []string
		for _, r := range e.Resources() {
			if r.Options.Protect {
				got = append(got, r.Type+" "+r.Name)
			}
		}
		slices.Sort(got)
		want = slices.Clone(want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: protected\n  %s\nwant\n  %s", stack, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
		}
	}
}

// TestProdStackIsDevWithItsStateGuarded keeps the production example honest:
// the same stack as dev, field by field, in the same account, subscription,
// project and zone, but for what a production stack changes: its state is
// protected, www skips dead nodes, someone is paged, and its VPC has its
// own range (the one on-prem router routes both). What must differ, every
// name, is not typed twice: both files name dev the exact-names stack, so
// prod's names carry -prod (TestStacksShareNoCloudName plans both and
// compares every name and identity).
func TestProdStackIsDevWithItsStateGuarded(t *testing.T) {
	t.Parallel()
	dev, prod := flatConfig(t, stackConfig(t, "dev")), flatConfig(t, stackConfig(t, "prod"))
	if exact := prod["hybrid-cloud:exactNamesStack"]; exact != `"dev"` || dev["hybrid-cloud:exactNamesStack"] != exact {
		t.Errorf("exactNamesStack: dev %s, prod %s; want dev in both, so that only dev keeps the names as written",
			dev["hybrid-cloud:exactNamesStack"], exact)
	}
	differs := map[string]string{
		// Its own VPC range: the on-prem router routes each range to the
		// gateway, and one route per stack (TestStacksShareNoCloudName).
		"hybrid-cloud:network.vpcCidr":             `"10.27.0.0/16"`,
		"hybrid-cloud:network.publicSubnets":       `[{"cidr":"10.27.0.0/24","zone":"ap-northeast-2a"},{"cidr":"10.27.1.0/24","zone":"ap-northeast-2c"}]`,
		"hybrid-cloud:network.privateSubnets":      `[{"cidr":"10.27.10.0/24","zone":"ap-northeast-2a"},{"cidr":"10.27.11.0/24","zone":"ap-northeast-2c"}]`,
		"hybrid-cloud:protect":                     "true",
		"hybrid-cloud:gslb.simpleRecordRouting":    `"multivalue"`,
		"hybrid-cloud:monitoring.alertEmails":      `["oncall@example.com"]`,
		"hybrid-cloud:monitoring.logRetentionDays": "365",
	}
	for path, v := range prod {
		if want, ok := differs[path]; ok {
			if v != want {
				t.Errorf("prod %s = %s, want %s", path, v, want)
			}
			continue
		}
		if dev[path] != v {
			t.Errorf("prod %s differs from dev:\n  dev:  %s\n  prod: %s", path, dev[path], v)
		}
	}
	for path := range dev {
		if _, ok := prod[path]; !ok {
			t.Errorf("prod does not set %s", path)
		}
	}
}

// flatConfig is a stack's config as "key.field.field" -> JSON of the value,
// one entry per object field (lists whole).
func flatConfig(t *testing.T, c mockengine.Config) map[string]string {
	t.Helper()
	out := map[string]string{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		if m, ok := v.(map[string]any); ok {
			for k, x := range m {
				walk(path+"."+k, x)
			}
			return
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out[path] = string(b)
	}
	for key, raw := range c.Values {
		var v any
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			v = raw // a plain string value
		}
		walk(key, v)
	}
	return out
}

// The target groups' path is what decides, through ELB health, whether an
// Auto Scaling group replaces its HAProxy; Route 53's is what moves clients.
// With every web node down the first must still pass and the second fail
// (haproxy's health tests run the real HAProxy on that config).
func TestDayTwoEveryWebNodeDownReplacesNoHAProxy(t *testing.T) {
	t.Parallel()
	e, err := runStack(t, devConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, role := range []string{"seoul", "tokyo"} {
		tg := e.Find(targetType, "gslb-"+role+"-tg")
		if got := tg.Str("healthCheck.path"); got != haproxy.LivenessPath {
			t.Errorf("%s checks %q, want HAProxy's liveness path %q", tg.Name, got, haproxy.LivenessPath)
		}
		if g := e.Find(groupType, "haproxy-"+role+"-asg"); g.Str("healthCheckType") != "ELB" {
			t.Errorf("%s health check type %q: the liveness path is what keeps it from replacing HAProxy", g.Name, g.Str("healthCheckType"))
		}
		check := e.Find(healthType, "gslb-"+role+"-health")
		if got := check.Str("resourcePath"); got != haproxy.ReadinessPath {
			t.Errorf("%s fetches %q, want HAProxy's readiness path %q", check.Name, got, haproxy.ReadinessPath)
		}
	}
	mockengine.AssertInputs(t, e.Find(healthType, "gslb-seoul-health"), map[string]string{"fqdn": "seoul.seojun.shop", "type": "HTTPS"})
}

// everySwitchOn is a stack's config with each switch that adds resources
// turned on: the gateway VM (instead of a gateway address), Tokyo from the
// copied AMI, the sticky cookie, SSH admin ranges, alert mail, and, with
// existingVpc, an adopted VPC instead of MY-VPC.
func everySwitchOn(t *testing.T, stack string, existingVpc bool) mockengine.Config {
	t.Helper()
	c := stackConfig(t, stack)
	vpn := c.Object(t, "hybrid-cloud:vpn")
	delete(vpn["openstack"].(map[string]any), "gatewayIp")
	vpn["gatewayVm"] = map[string]any{"enabled": true, "name": "libreswan", "imageName": "rocky-9", "flavorName": "m1.small", "networkId": "net-1"}
	c = c.Set("hybrid-cloud:vpn", vpn)
	c = setField(t, c, "hybrid-cloud:haproxy", "tokyoFromAmi", true)
	c = setField(t, c, "hybrid-cloud:haproxy", "stickyCookie", true)
	c = setField(t, c, "hybrid-cloud:haproxy", "adminCidr", "123.142.0.0/16")
	c = setField(t, c, "hybrid-cloud:webNodes", "london.adminCidr", "123.142.0.0/16")
	c = setField(t, c, "hybrid-cloud:monitoring", "alertEmails", []any{"ops@example.com"})
	if existingVpc {
		c = setField(t, c, "hybrid-cloud:network", "existing", map[string]any{
			"vpcId": "vpc-0a1b2c3d4e5f67890", "publicSubnetIds": []any{"subnet-0a1b2c3d", "subnet-1a1b2c3d"}, "routeTableIds": []any{"rtb-0a1b2c3d"},
		})
	}
	return c
}

// sourceRef is a reference a reader can check out: a full commit, or a
// release tag. Anything more ("v1 (not read: ...)", "X and the parse at Y")
// says the facts were not read at it.
var sourceRef = regexp.MustCompile(`^([0-9a-f]{40}|v[0-9]+\.[0-9]+\.[0-9]+)$`)

// unread are words that mark a source as not (fully) read.
var unread = []string{"not opened", "not read", "unread", "unknown", "todo", "tbd", "placeholder", "?"}

// provenanceProblems says what is missing from where a type's facts were read.
func provenanceProblems(f mockengine.ReplaceFacts) []string {
	var out []string
	src := f.Source
	if src.Repository == "" || src.File == "" {
		out = append(out, "no repository or file")
	}
	if !sourceRef.MatchString(src.Ref) {
		out = append(out, fmt.Sprintf("ref %q is not a full commit or a release tag", src.Ref))
	}
	if src.Method != "parsed" && src.Method != "read by hand" {
		out = append(out, fmt.Sprintf("method %q, want parsed or read by hand", src.Method))
	}
	for _, field := range []string{src.Repository, src.Ref, src.File, src.Method} {
		for _, w := range unread {
			if strings.Contains(strings.ToLower(field), w) {
				out = append(out, fmt.Sprintf("%q says %q", field, w))
			}
		}
	}
	return out
}

func TestProvenanceProblemsRejectsWhatWasNotRead(t *testing.T) {
	t.Parallel()
	good := mockengine.ReplaceFacts{}
	good.Source.Repository, good.Source.File, good.Source.Method = "hashicorp/terraform-provider-aws", "internal/service/ec2/vpc_.go", "parsed"
	good.Source.Ref = "1a5174b137bbdefdebd6e5c2fc033f829057e283"
	if p := provenanceProblems(good); len(p) > 0 {
		t.Errorf("a full source: %v", p)
	}
	for name, edit := range map[string]func(f *mockengine.ReplaceFacts){
		"a tag with a caveat": func(f *mockengine.ReplaceFacts) { f.Source.Ref = "v2.90.0 (not read: six stored versions)" },
		"two refs":            func(f *mockengine.ReplaceFacts) { f.Source.Ref = f.Source.Ref + " and the parse at readRef" },
		"a short commit":      func(f *mockengine.ReplaceFacts) { f.Source.Ref = "1a5174b1" },
		"a file not opened":   func(f *mockengine.ReplaceFacts) { f.Source.File = "resources.json (not opened)" },
		"no method":           func(f *mockengine.ReplaceFacts) { f.Source.Method = "" },
		"no file":             func(f *mockengine.ReplaceFacts) { f.Source.File = "" },
	} {
		f := good
		edit(&f)
		if len(provenanceProblems(f)) == 0 {
			t.Errorf("%s: accepted %+v", name, f.Source)
		}
	}
}

// TestEveryRegisteredTypeHasReplaceFacts: the offline engine can only say
// what `pulumi up` replaces for types whose provider facts it has
// (internal/mockengine/replace_facts.json, made by cmd/replacefacts from the
// pinned providers' sources). A new resource type needs its facts first.
func TestEveryRegisteredTypeHasReplaceFacts(t *testing.T) {
	t.Parallel()
	seen := map[string]string{}
	for _, stack := range []string{"dev", "prod"} {
		for _, existing := range []bool{false, true} {
			for _, cfg := range []mockengine.Config{stackConfig(t, stack), everySwitchOn(t, stack, existing)} {
				e := mockengine.New("hybrid-cloud", stack)
				if err := e.Run(program, cfg); err != nil {
					t.Fatalf("%s (existing VPC %v): %v", stack, existing, err)
				}
				for _, r := range e.Resources() {
					if r.Custom && !strings.HasPrefix(r.Type, "pulumi:providers:") {
						seen[r.Type] = r.Name
					}
				}
			}
		}
	}
	for typ, name := range seen {
		f, ok := mockengine.FactsOf(typ)
		switch {
		case !ok:
			t.Errorf("%s (e.g. %s) has no replace facts: add its Terraform source (or azure-native metadata) to internal/mockengine/cmd/replacefacts/manifest.go and regenerate", typ, name)
		default:
			for _, problem := range provenanceProblems(f) {
				t.Errorf("%s: replace facts without provenance: %s (%+v)", typ, problem, f.Source)
			}
		}
	}
	if len(seen) < 50 {
		t.Errorf("only %d custom types registered: the switches did not turn on", len(seen))
	}
}
