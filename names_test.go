package main

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
)

// notNames are input keys that end in "name" but name nothing of the
// stack's own, so two stacks may share them.
var notNames = map[string]string{
	"metricName": "the CloudWatch metric an alarm watches (the alarm's own name is alarmName)",
	"imageName":  "an existing OpenStack image the gateway VM boots",
	"flavorName": "an existing OpenStack flavor",
}

// identities are the resources a cloud knows by something other than a
// name: the inputs that together are the resource, so that a second stack
// registering the same ones would own (and on destroy delete) the first
// stack's. A route is its table and destination (EC2 allows one route per
// destination in a table; CreateRoute on a taken one fails, and a stack that
// adopts it deletes it on destroy); a VPN static route its connection and
// destination; an OpenStack router route its router, destination and next
// hop (openstack_networking_router_route_v2's ID is all three); a Route 53
// record its zone, name, type and set identifier (what
// ChangeResourceRecordSets keys a record set by); a customer gateway its
// address, ASN, type and device name (EC2 answers a second request for the
// same ones with the existing gateway). IDs of resources a stack makes
// differ per stack (the URN holds the stack); IDs from config (an existing
// route table, the OpenStack router) or a lookup (the hosted zone) are
// shared, and that is what the comparison catches.
var identities = map[string][]string{
	"aws:ec2/route:Route":                           {"routeTableId", "destinationCidrBlock"},
	"aws:ec2/vpnConnectionRoute:VpnConnectionRoute": {"vpnConnectionId", "destinationCidrBlock"},
	"openstack:networking/routerRoute:RouterRoute":  {"routerId", "destinationCidr", "nextHop"},
	recordType: {"zoneId", "name", "type", "setIdentifier"},
	"aws:ec2/customerGateway:CustomerGateway": {"ipAddress", "bgpAsn", "type", "deviceName"},
}

// cloudNames is every name one run registers in a cloud, each as
// "cloud/region type key=value": every top-level input whose key ends in
// "name" (name, vmName, resourceGroupName, hostName, alarmName, ...), the
// GCP service account ID, the Name tag, and the identity of each resource
// the cloud knows by its inputs instead (identities). Names nested in a
// resource (a NIC's IP configuration, an NSG's rules) are scoped by that
// resource, whose own name is compared. Resources that set no name get a
// provider-made one with a random suffix (pulumi-aws auto-naming), which
// cannot collide. The values are mapped to the resource that registered
// them.
func cloudNames(e *mockengine.Engine) map[string]string {
	out := map[string]string{}
	add := func(r *mockengine.Resource, key, value string) {
		if value == "" {
			return
		}
		cloud, _, _ := strings.Cut(r.Type, ":")
		out[fmt.Sprintf("%s/%s %s %s=%s", cloud, e.Region(r), r.Type, key, value)] = r.Type + " " + r.Name
	}
	for _, r := range e.Resources() {
		if !r.Custom || r.IsProvider() {
			continue
		}
		for k := range r.Inputs {
			key := string(k)
			if _, skip := notNames[key]; !skip && (strings.HasSuffix(strings.ToLower(key), "name") || key == "accountId") {
				add(r, key, r.Str(key))
			}
		}
		add(r, "tags.Name", r.Str("tags.Name"))
		if keys, ok := identities[r.Type]; ok {
			var parts []string
			for _, k := range keys {
				parts = append(parts, r.Str(k))
			}
			add(r, "identity", strings.Join(parts, "/"))
		}
	}
	return out
}

// vpcRanges plans a stack with cfg and returns its VPCs' ranges.
func vpcRanges(t *testing.T, stack string, cfg mockengine.Config) []netip.Prefix {
	t.Helper()
	e := mockengine.New("hybrid-cloud", stack)
	if err := e.Run(program, cfg); err != nil {
		t.Fatalf("%s: %v", stack, err)
	}
	var out []netip.Prefix
	for _, vpc := range e.OfType("aws:ec2/vpc:Vpc") {
		p, err := netip.ParsePrefix(vpc.Str("cidrBlock"))
		if err != nil {
			t.Fatalf("%s %s: %v", stack, vpc.Name, err)
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		t.Fatalf("%s registers no VPC", stack)
	}
	return out
}

// planNames plans a stack with cfg and returns its cloud names.
func planNames(t *testing.T, stack string, cfg mockengine.Config) map[string]string {
	t.Helper()
	e := mockengine.New("hybrid-cloud", stack)
	if err := e.Run(program, cfg); err != nil {
		t.Fatalf("%s: %v", stack, err)
	}
	return cloudNames(e)
}

// assertRegisters fails t unless the stack's names include want.
func assertRegisters(t *testing.T, stack string, names map[string]string, want string) {
	t.Helper()
	if _, ok := names[want]; !ok {
		t.Errorf("stack %s registers no %s", stack, want)
	}
}

// shared lists the names two runs both register.
func shared(a, b map[string]string) []string {
	var both []string
	for id, r := range a {
		if other, ok := b[id]; ok {
			both = append(both, fmt.Sprintf("%s (%s; %s)", id, r, other))
		}
	}
	slices.Sort(both)
	return both
}

// TestStacksShareNoCloudName plans dev and prod as they ship: one AWS
// account and its regions, one Azure subscription, one GCP project and one
// hosted zone (prod's clouds and zone are dev's, TestProdStackIsDevWithItsStateGuarded),
// and compares every name each registers in each cloud and region. dev keeps
// the note's names; prod's carry -prod.
func TestStacksShareNoCloudName(t *testing.T) {
	t.Parallel()
	dev := planNames(t, "dev", stackConfig(t, "dev"))
	prod := planNames(t, "prod", stackConfig(t, "prod"))
	if both := shared(dev, prod); len(both) > 0 {
		t.Errorf("dev and prod both register %d names:\n  %s", len(both), strings.Join(both, "\n  "))
	}
	// What the comparison covers: a name of each kind the issue lists.
	for _, want := range []string{
		"azure-native/uksouth azure-native:resources:ResourceGroup resourceGroupName=RG-TEST",
		"azure-native/uksouth azure-native:compute:VirtualMachine vmName=london",
		"gcp/us-west1 gcp:serviceaccount/account:Account accountId=oregon-web",
		"gcp/us-west1 gcp:compute/network:Network name=oregon-vpc",
		"alicloud/cn-hongkong alicloud:ecs/instance:Instance hostName=hongkong",
		"aws/ap-northeast-2 aws:route53/record:Record name=gslb.seojun.shop",
		"aws/ap-northeast-2 aws:route53/healthCheck:HealthCheck tags.Name=active",
		"aws/ap-northeast-2 aws:route53/healthCheck:HealthCheck tags.Name=web-SEOUL",
		"aws/ap-northeast-2 aws:lb/loadBalancer:LoadBalancer tags.Name=seoul-alb",
		"aws/ap-northeast-1 aws:lb/targetGroup:TargetGroup tags.Name=TG-TOKYO",
		"aws/ap-northeast-1 aws:ec2/securityGroup:SecurityGroup tags.Name=SG-ALB",
		"aws/ap-northeast-2 aws:cloudwatch/logGroup:LogGroup name=/hybrid-cloud/dev/vpn",
		"aws/ap-northeast-2 aws:sns/topic:Topic name=hybrid-cloud-dev-alarms",
		"aws/ap-northeast-2 aws:cloudwatch/dashboard:Dashboard dashboardName=hybrid-cloud-dev",
		"aws/ap-northeast-2 aws:ec2/customerGateway:CustomerGateway identity=123.142.252.25/65000/ipsec.1/",
	} {
		assertRegisters(t, "dev", dev, want)
	}
	for _, want := range []string{
		"azure-native/uksouth azure-native:resources:ResourceGroup resourceGroupName=RG-TEST-prod",
		"gcp/us-west1 gcp:serviceaccount/account:Account accountId=oregon-prod-web",
		"aws/ap-northeast-2 aws:route53/record:Record name=gslb-prod.seojun.shop",
		"aws/ap-northeast-2 aws:route53/healthCheck:HealthCheck tags.Name=web-SEOUL-prod",
		// The device name is the stack's, never the Name tag (a rename
		// would replace the gateway: device_name is ForceNew).
		"aws/ap-northeast-2 aws:ec2/customerGateway:CustomerGateway identity=123.142.252.25/65000/ipsec.1/hybrid-cloud-prod",
		// Prod's own VPC range: its own route on dev's on-prem router.
		"openstack/ openstack:networking/routerRoute:RouterRoute identity=8f2c1a3e-5b7d-4c9e-a1f0-2d3b4c5e6f70/10.27.0.0/16/192.168.0.10",
	} {
		assertRegisters(t, "prod", prod, want)
	}
	assertRegisters(t, "dev", dev, "openstack/ openstack:networking/routerRoute:RouterRoute identity=8f2c1a3e-5b7d-4c9e-a1f0-2d3b4c5e6f70/10.26.0.0/16/192.168.0.10")
	for _, stack := range []map[string]string{dev, prod} {
		for _, typ := range []string{"aws:ec2/route:Route", "aws:ec2/vpnConnectionRoute:VpnConnectionRoute", recordType} {
			if !slices.ContainsFunc(slices.Collect(maps.Keys(stack)), func(id string) bool { return strings.Contains(id, " "+typ+" identity=") }) {
				t.Errorf("no %s identity compared", typ)
			}
		}
	}

	// Not a name, and not one resource: two VPCs of overlapping ranges
	// cannot both be routed from the one on-prem site (README, "Two
	// stacks in one account").
	for _, d := range vpcRanges(t, "dev", stackConfig(t, "dev")) {
		for _, p := range vpcRanges(t, "prod", stackConfig(t, "prod")) {
			if d.Overlaps(p) {
				t.Errorf("dev's VPC %s overlaps prod's %s", d, p)
			}
		}
	}

	// The check finds the collisions the stacks had when prod used the
	// names as written: a third stack that claims the exact names.
	t.Run("a stack that keeps the names as written collides with dev", func(t *testing.T) {
		t.Parallel()
		cfg := stackConfig(t, "prod").Set("hybrid-cloud:exactNamesStack", "prod")
		both := shared(dev, planNames(t, "prod", cfg))
		for _, want := range []string{"resourceGroupName=RG-TEST ", "accountId=oregon-web ", "name=www.seojun.shop ", "tags.Name=SG-ALB "} {
			if !slices.ContainsFunc(both, func(s string) bool { return strings.Contains(s, want) }) {
				t.Errorf("no collision on %s among\n  %s", want, strings.Join(both, "\n  "))
			}
		}
	})
}

// TestNameSuffixFitsEveryCloud: a stack name's capitals and dots become a
// suffix that DNS labels, GCP names and service account IDs take.
func TestNameSuffixFitsEveryCloud(t *testing.T) {
	t.Parallel()
	names := planNames(t, "Prod.EU", stackConfig(t, "prod"))
	for _, want := range []string{
		"azure-native/uksouth azure-native:resources:ResourceGroup resourceGroupName=RG-TEST-prod-eu",
		"gcp/us-west1 gcp:serviceaccount/account:Account accountId=oregon-prod-eu-web",
		"aws/ap-northeast-2 aws:route53/record:Record name=www-prod-eu.seojun.shop",
	} {
		assertRegisters(t, "Prod.EU", names, want)
	}
}

// TestFrontDoorReplacesCreateFirst runs dev once and checks what makes the
// ALBs, target groups and their security groups safe to rename and replace.
func TestFrontDoorReplacesCreateFirst(t *testing.T) {
	t.Parallel()
	e, err := runStack(t, devConfig(t))
	if err != nil {
		t.Fatal(err)
	}

	// The ALBs, their target groups and security groups, and HAProxy's
	// launch templates, groups and security groups set no name of their own.
	// The Terraform bridge replaces a resource whose auto-nameable name the
	// program set delete-first (pulumi-terraform-bridge, pkg/tfbridge/schema.go,
	// nameRequiresDeleteBeforeReplace); a target group or security group in
	// use cannot be deleted, and a deleted ALB darkens its region.
	// Provider-named, each is replaced create-first, and the config's names
	// are Name tags: a rename retags in place (TestDayTwoChanges).
	t.Run("provider-named", func(t *testing.T) {
		for _, typ := range []string{albType, targetType, "aws:ec2/securityGroup:SecurityGroup", launchTemplateType, groupType} {
			rs := e.OfType(typ)
			if len(rs) < 2 {
				t.Errorf("%d %s, want one per region", len(rs), typ)
			}
			for _, r := range rs {
				for _, k := range []string{"name", "namePrefix"} {
					if v := r.Str(k); v != "" {
						t.Errorf("%s %s sets %s %q: a replacement would delete it first", typ, r.Name, k, v)
					}
				}
				// The provider's name is the resource's plus "-" and 7
				// characters; Elastic Load Balancing takes 32.
				if name := r.Outputs["name"]; (typ == albType || typ == targetType) && (!name.IsString() || len(name.StringValue()) > 32) {
					t.Errorf("%s %s: provider-made name %v, want at most 32 characters", typ, r.Name, name)
				}
			}
		}
	})

	// A new ALB group gets new rules to and from HAProxy's group beside the
	// old ones (the old ones go at the end of the update), so the old ALB
	// reaches HAProxy until it is gone.
	t.Run("the rules between the ALB and HAProxy are replaced, not changed", func(t *testing.T) {
		for _, role := range []string{"seoul", "tokyo"} {
			for _, rule := range []*mockengine.Resource{
				e.Find("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "haproxy-"+role+"-from-alb"),
				e.Find("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "haproxy-"+role+"-alb-egress"),
			} {
				if rule == nil {
					t.Fatalf("%s: a rule between the ALB and HAProxy is missing", role)
				}
				if !slices.Contains(rule.Options.ReplaceOnChanges, "referencedSecurityGroupId") {
					t.Errorf("%s: replaceOnChanges %v, want referencedSecurityGroupId", rule.Name, rule.Options.ReplaceOnChanges)
				}
			}
		}
	})

	// Each certificate validation record is this stack's alone. With
	// allowOverwrite, a stack would adopt another's record of the same name
	// and delete it on destroy, while that certificate still renews with it.
	t.Run("validation records are never taken over", func(t *testing.T) {
		n := 0
		for _, r := range e.OfType(recordType) {
			if !strings.HasPrefix(r.Name, "gslb-validation-") {
				continue
			}
			n++
			if r.Text("allowOverwrite") != "false" {
				t.Errorf("%s: allowOverwrite = %q, want false", r.Name, r.Text("allowOverwrite"))
			}
		}
		if n != 3 {
			t.Errorf("%d validation records, want 3 (seoul, tokyo, gslb)", n)
		}
	})
}
