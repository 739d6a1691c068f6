package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
)

// edit changes one value of the dev stack: path is inside the config object
// hybrid-cloud:<section>, dotted, with [i] for list items; remove deletes it.
type edit struct {
	section, path string
	value         any
}

// remove as an edit's value deletes the key.
var remove = &struct{}{}

func set(section, path string, value any) edit { return edit{section, path, value} }

// TestEveryConfigRule is the one list of what config validation refuses:
// each row is a mistake a cloud or tool would refuse later (or never), the
// key the error must name and what it must say is allowed. The whole
// program runs, and must fail before it registers anything. Component
// packages test their own rules further; a rule that spans components, or
// that a cloud checks only after other resources exist, belongs here.
func TestEveryConfigRule(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		edits []edit
		want  []string
	}{
		// --- clouds: regions and zones the providers would refuse late.
		{"unknown AWS region", []edit{set("clouds", "awsSecondaryRegion", "ap-northeast-9")},
			[]string{"hybrid-cloud:clouds.awsSecondaryRegion", `"ap-northeast-9" is not allowed`, "ap-northeast-1"}},
		{"Azure location given as its display name", []edit{set("clouds", "azureLocation", "UK South")},
			[]string{"hybrid-cloud:clouds.azureLocation", "uksouth"}},
		// Tokyo has no 1b for accounts opened in the last decade.
		{"Tokyo zone letter the region does not have", []edit{set("clouds", "awsSecondaryZones[1]", "ap-northeast-1b")},
			[]string{"hybrid-cloud:clouds.awsSecondaryZones[1]", "ap-northeast-1a, ap-northeast-1c, ap-northeast-1d"}},
		// Two lookups of one zone, and an ALB refuses two subnets in a zone.
		{"Tokyo zone given twice", []edit{set("clouds", "awsSecondaryZones", []any{"ap-northeast-1a", "ap-northeast-1a"})},
			[]string{"hybrid-cloud:clouds.awsSecondaryZones[1]", "also awsSecondaryZones[0]", "one subnet per availability zone"}},
		{"GCP project ID with capitals", []edit{set("clouds", "gcpProject", "Hybrid-Lab")},
			[]string{"hybrid-cloud:clouds.gcpProject", "6-30 lower-case letters"}},

		// --- network: MY-VPC as AWS takes it.
		{"malformed VPC CIDR", []edit{set("network", "vpcCidr", "10.26.0.0/33")},
			[]string{"hybrid-cloud:network.vpcCidr", "not an IPv4 CIDR"}},
		// A VPC in a public or shared range hides those hosts from it.
		{"VPC outside RFC 1918", []edit{set("network", "vpcCidr", "100.64.0.0/16")},
			[]string{"hybrid-cloud:network.vpcCidr", "RFC 1918"}},
		{"Seoul zone letter the region does not have", []edit{set("network", "publicSubnets[1].zone", "ap-northeast-2e")},
			[]string{"hybrid-cloud:network.publicSubnets[1].zone", "ap-northeast-2a, ap-northeast-2b, ap-northeast-2c, ap-northeast-2d"}},
		// Subnets are named after their zone: two in one zone would be two
		// resources with one URN (the real engine stops half-way).
		{"two public subnets in one zone", []edit{set("network", "publicSubnets[1].zone", "ap-northeast-2a")},
			[]string{"hybrid-cloud:network.publicSubnets[1].zone", "also publicSubnets[0].zone", "its own availability zone"}},
		{"two private subnets in one zone", []edit{set("network", "privateSubnets[1].zone", "ap-northeast-2a")},
			[]string{"hybrid-cloud:network.privateSubnets[1].zone", "also privateSubnets[0].zone"}},
		{"subnet smaller than AWS takes", []edit{set("network", "publicSubnets[0].cidr", "10.26.0.0/29")},
			[]string{"hybrid-cloud:network.publicSubnets[0].cidr", "/16 to /28"}},
		// An adopted VPC: the ALB takes a subnet once, the VPN a table once.
		{"adopted VPC with a subnet and a route table twice", []edit{set("network", "existing", map[string]any{
			"vpcId": "vpc-0a1b2c3d4e5f67890", "publicSubnetIds": []any{"subnet-0a1b2c3d", "subnet-0a1b2c3d"},
			"routeTableIds": []any{"rtb-0a1b2c3d", "rtb-0a1b2c3d"},
		})}, []string{"hybrid-cloud:network.existing.publicSubnetIds[1]", "hybrid-cloud:network.existing.routeTableIds[1]", "list each table once"}},

		// --- vpn: what AWS refuses for the customer gateway, and the on-prem side.
		{"on-prem CIDR with host bits", []edit{set("vpn", "onPremCidr", "192.168.1.0/20")},
			[]string{"hybrid-cloud:vpn.onPremCidr", "host bits"}},
		{"on-prem range that is public", []edit{set("vpn", "onPremCidr", "64.0.0.0/2")},
			[]string{"hybrid-cloud:vpn.onPremCidr", "64.0.0.0/2 is not allowed", "RFC 1918"}},
		{"on-prem range overlapping the VPC", []edit{set("vpn", "onPremCidr", "10.26.128.0/20")},
			[]string{"hybrid-cloud:vpn.onPremCidr", "overlaps", "hybrid-cloud:network.vpcCidr"}},
		{"customer gateway in a private range", []edit{set("vpn", "customerGatewayIp", "10.0.0.1")},
			[]string{"hybrid-cloud:vpn.customerGatewayIp", "not a public IPv4", "RFC 1918"}},
		{"customer gateway in shared address space", []edit{set("vpn", "customerGatewayIp", "100.64.1.1")},
			[]string{"hybrid-cloud:vpn.customerGatewayIp", "shared address space"}},
		{"customer gateway in a documentation range", []edit{set("vpn", "customerGatewayIp", "203.0.113.10")},
			[]string{"hybrid-cloud:vpn.customerGatewayIp", "documentation 203.0.113.0/24"}},
		{"customer gateway in 0.0.0.0/8", []edit{set("vpn", "customerGatewayIp", "0.1.2.3")},
			[]string{"hybrid-cloud:vpn.customerGatewayIp", `"this network"`}},
		{"customer gateway in 240.0.0.0/4", []edit{set("vpn", "customerGatewayIp", "240.0.0.1")},
			[]string{"hybrid-cloud:vpn.customerGatewayIp", "reserved 240.0.0.0/4"}},
		{"customer gateway in the benchmarking range", []edit{set("vpn", "customerGatewayIp", "198.18.0.1")},
			[]string{"hybrid-cloud:vpn.customerGatewayIp", "benchmarking"}},
		{"customer gateway on loopback", []edit{set("vpn", "customerGatewayIp", "127.0.0.1")},
			[]string{"hybrid-cloud:vpn.customerGatewayIp", "loopback"}},
		{"ASN AWS reserves (us-east-1)", []edit{set("vpn", "customerGatewayBgpAsn", 7224)},
			[]string{"hybrid-cloud:vpn.customerGatewayBgpAsn", "7224 is not allowed", "64512-65534"}},
		{"ASN AWS reserves (ap-northeast-1)", []edit{set("vpn", "customerGatewayBgpAsn", 10124)},
			[]string{"hybrid-cloud:vpn.customerGatewayBgpAsn", "reserves it in ap-northeast-1"}},
		{"ASN AWS reserves (eu-west-1)", []edit{set("vpn", "customerGatewayBgpAsn", 9059)},
			[]string{"hybrid-cloud:vpn.customerGatewayBgpAsn", "reserves it in eu-west-1"}},
		{"ASN AWS reserves (ap-southeast-1)", []edit{set("vpn", "customerGatewayBgpAsn", 17943)},
			[]string{"hybrid-cloud:vpn.customerGatewayBgpAsn", "reserves it in ap-southeast-1"}},
		{"ASN beyond bgpAsn's range", []edit{set("vpn", "customerGatewayBgpAsn", 2147483648)},
			[]string{"hybrid-cloud:vpn.customerGatewayBgpAsn", "1 to 2147483647"}},
		{"gateway at the on-prem network address", []edit{set("vpn", "openstack.gatewayIp", "192.168.0.0")},
			[]string{"hybrid-cloud:vpn.openstack.gatewayIp", "network address of 192.168.0.0/20"}},
		{"gateway at the on-prem broadcast address", []edit{set("vpn", "openstack.gatewayIp", "192.168.15.255")},
			[]string{"hybrid-cloud:vpn.openstack.gatewayIp", "broadcast address of 192.168.0.0/20"}},
		// The gateway VM's name is its host name.
		{"gateway VM name that is no host name", []edit{
			set("vpn", "openstack.gatewayIp", remove),
			set("vpn", "gatewayVm", map[string]any{"enabled": true, "name": "libre_swan", "imageName": "rocky-9", "flavorName": "m1.small", "networkId": "net-1"}),
		}, []string{"hybrid-cloud:vpn.gatewayVm.name", "host name"}},
		{"misspelt field", []edit{set("vpn", "localCidr", "192.168.0.0/20")},
			[]string{"hybrid-cloud:vpn", `unknown field "localCidr"`}},

		// Libreswan rekeys the first Child SA with the IKE SA's group: AWS
		// must take it in phase 2, or the tunnel drops an hour after go-live.
		{"phase 2 DH groups without the rekey group", []edit{set("vpn", "crypto", map[string]any{
			"phase1": map[string]any{"dhGroups": []any{20, 14}}, "phase2": map[string]any{"dhGroups": []any{14}},
		})}, []string{"hybrid-cloud:vpn.crypto.phase2.dhGroups", "phase1.dhGroups' first group, 20"}},

		// AWS's rule for a tunnel's inside CIDR, where one is set (unset,
		// AWS picks it).
		{"inside CIDR AWS reserves", []edit{set("vpn", "crypto", map[string]any{"tunnel1InsideCidr": "169.254.169.252/30"})},
			[]string{"hybrid-cloud:vpn.crypto.tunnel1InsideCidr", "reserved by AWS"}},
		{"inside CIDR not a /30", []edit{set("vpn", "crypto", map[string]any{"tunnel2InsideCidr": "169.254.22.0/29"})},
			[]string{"hybrid-cloud:vpn.crypto.tunnel2InsideCidr", "must be a /30 in 169.254.0.0/16"}},
		{"both inside CIDRs the same", []edit{set("vpn", "crypto", map[string]any{"tunnel1InsideCidr": "169.254.22.0/30", "tunnel2InsideCidr": "169.254.22.0/30"})},
			[]string{"hybrid-cloud:vpn.crypto.tunnel2InsideCidr", "is also tunnel1InsideCidr"}},

		// The note's names, by the receiving tool's rules.
		{"Libreswan conn name with a space", []edit{set("vpn", "connNames", []any{"Tunnel 1", "Tunnel2"})},
			[]string{"hybrid-cloud:vpn.connNames[0]", `"Tunnel 1" is not allowed`}},
		// RFC 6265 allows '#' in a cookie name; haproxy.cfg reads it as a comment.
		{"sticky cookie name with a #", []edit{set("haproxy", "cookieName", "SV#ID")},
			[]string{"hybrid-cloud:haproxy.cookieName", "'#' as a comment"}},
		{"HAProxy backend name with a space", []edit{set("haproxy", "backendName", "backend servers")},
			[]string{"hybrid-cloud:haproxy.backendName", "HAProxy takes letters, digits"}},

		// --- webNodes: what each cloud takes.
		{"field in the wrong case", []edit{set("webNodes", "seoul.instanceType", remove), set("webNodes", "seoul.instancetype", "t3.micro")},
			[]string{"hybrid-cloud:webNodes.seoul.instancetype", `did you mean "instanceType"`}},
		// haproxy.serverNames name the servers, so a label may hold a space;
		// it still goes into HTML and a shell script.
		{"label with markup", []edit{set("webNodes", "hongkong.label", "<b>HK</b>")},
			[]string{"hybrid-cloud:webNodes.hongkong.label", "letters, digits, spaces"}},
		{"HAProxy server name HAProxy refuses", []edit{set("haproxy", "serverNames.hongkong", "hong kong")},
			[]string{"hybrid-cloud:haproxy.serverNames.hongkong", "HAProxy takes letters, digits"}},
		{"SSH open to half the internet", []edit{set("webNodes", "london.adminCidr", "0.0.0.0/1")},
			[]string{"hybrid-cloud:webNodes.london.adminCidr", "broader than a /16"}},
		{"SSH from a private range", []edit{set("webNodes", "london.adminCidr", "10.0.0.0/24")},
			[]string{"hybrid-cloud:webNodes.london.adminCidr", "not a public range"}},
		{"GCP zone letter the region does not have", []edit{set("webNodes", "oregon.zone", "us-west1-d")},
			[]string{"hybrid-cloud:webNodes.oregon.zone", "us-west1-a, us-west1-b, us-west1-c"}},
		{"Alibaba zone letter the region does not have", []edit{set("webNodes", "hongkong.zone", "cn-hongkong-a")},
			[]string{"hybrid-cloud:webNodes.hongkong.zone", "cn-hongkong-b, cn-hongkong-c, cn-hongkong-d"}},
		// The VM and its public IP are zonal.
		{"Azure zone in a location without zones", []edit{set("clouds", "azureLocation", "ukwest")},
			[]string{"hybrid-cloud:webNodes.london.zone", "ukwest has no availability zones"}},
		{"EC2 type not of the form family.size", []edit{set("webNodes", "seoul.instanceType", "t3micro")},
			[]string{"hybrid-cloud:webNodes.seoul.instanceType", "family.size"}},
		// The Seoul node's image lookup asks for x86_64.
		{"Graviton type for the x86_64 node", []edit{set("webNodes", "seoul.instanceType", "t4g.micro")},
			[]string{"hybrid-cloud:webNodes.seoul.instanceType", "Arm (Graviton)"}},
		{"Azure size without Standard_", []edit{set("webNodes", "london.vmSize", "B1s")},
			[]string{"hybrid-cloud:webNodes.london.vmSize", "Standard_"}},
		{"GCP machine type with an underscore", []edit{set("webNodes", "oregon.machineType", "e2_micro")},
			[]string{"hybrid-cloud:webNodes.oregon.machineType", "e2-micro"}},
		{"GCP Arm machine type for x86-64 images", []edit{set("webNodes", "oregon.machineType", "t2a-standard-1")},
			[]string{"hybrid-cloud:webNodes.oregon.machineType", "Arm series"}},
		{"ECS type without ecs.", []edit{set("webNodes", "hongkong.instanceType", "t5-lc1m1.small")},
			[]string{"hybrid-cloud:webNodes.hongkong.instanceType", "ecs.<family>.<size>"}},
		// The ECS instance name is also its Linux host name.
		{"ECS host name with an underscore", []edit{set("webNodes", "hongkong.name", "hong_kong")},
			[]string{"hybrid-cloud:webNodes.hongkong.name", "ECS host name"}},
		{"Azure host name of digits only", []edit{set("webNodes", "london.name", "12345")},
			[]string{"hybrid-cloud:webNodes.london.name", "only digits"}},
		{"GCP instance name in capitals", []edit{set("webNodes", "oregon.name", "Oregon")},
			[]string{"hybrid-cloud:webNodes.oregon.name", "lower-case letters"}},
		// The Seoul node's name is also in its security group's description.
		{"EC2 name with characters an EC2 description refuses", []edit{set("webNodes", "seoul.name", "Seoul <1>")},
			[]string{"hybrid-cloud:webNodes.seoul.name", "EC2 descriptions"}},
		{"Azure reserved admin name", []edit{set("webNodes", "london.adminUsername", "admin")},
			[]string{"hybrid-cloud:webNodes.london.adminUsername", "Azure reserves it"}},
		{"Azure resource group ending with a dot", []edit{set("webNodes", "london.resourceGroup", "RG-TEST.")},
			[]string{"hybrid-cloud:webNodes.london.resourceGroup", "not ending with '.'"}},
		{"Azure VNet outside RFC 1918", []edit{set("webNodes", "london.vnetCidr", "8.8.0.0/16"), set("webNodes", "london.subnetCidr", "8.8.1.0/24")},
			[]string{"hybrid-cloud:webNodes.london.vnetCidr", "RFC 1918"}},
		{"GCP subnet smaller than GCP takes", []edit{set("webNodes", "oregon.subnetCidr", "10.50.1.0/30")},
			[]string{"hybrid-cloud:webNodes.oregon.subnetCidr", "/8 to /29"}},
		{"GCP subnet in shared address space", []edit{set("webNodes", "oregon.subnetCidr", "100.64.0.0/24")},
			[]string{"hybrid-cloud:webNodes.oregon.subnetCidr", "RFC 1918"}},
		// Stacks from before the node's own network carry `network: default`.
		{"GCP node in the default network", []edit{set("webNodes", "oregon.network", "default")},
			[]string{"hybrid-cloud:webNodes", `unknown field "network"`}},
		{"Alibaba VPC outside RFC 1918", []edit{set("webNodes", "hongkong.vpcCidr", "100.64.0.0/16"), set("webNodes", "hongkong.vswitchCidr", "100.64.1.0/24")},
			[]string{"hybrid-cloud:webNodes.hongkong.vpcCidr", "RFC 1918"}},
		{"Elastic IP without bandwidth", []edit{set("webNodes", "hongkong.bandwidthMbps", 0)},
			[]string{"hybrid-cloud:webNodes.hongkong.bandwidthMbps", "1 to 100"}},

		// --- haproxy
		{"HAProxy SSH from everywhere", []edit{set("haproxy", "adminCidr", "0.0.0.0/0")},
			[]string{"hybrid-cloud:haproxy.adminCidr", "broader than a /16"}},
		{"HAProxy SSH from a /8", []edit{set("haproxy", "adminCidr", "123.0.0.0/8")},
			[]string{"hybrid-cloud:haproxy.adminCidr", "broader than a /16"}},
		{"HAProxy SSH from a private range", []edit{set("haproxy", "adminCidr", "192.168.0.0/24")},
			[]string{"hybrid-cloud:haproxy.adminCidr", "not a public range", "RFC 1918"}},
		{"HAProxy SSH from shared address space", []edit{set("haproxy", "adminCidr", "100.64.0.0/16")},
			[]string{"hybrid-cloud:haproxy.adminCidr", "shared address space"}},
		{"HAProxy SSH from link-local", []edit{set("haproxy", "adminCidr", "169.254.0.0/16")},
			[]string{"hybrid-cloud:haproxy.adminCidr", "link-local"}},
		{"HAProxy SSH from multicast", []edit{set("haproxy", "adminCidr", "224.1.0.0/16")},
			[]string{"hybrid-cloud:haproxy.adminCidr", "multicast"}},
		{"HAProxy type not of the form family.size", []edit{set("haproxy", "instanceType", "micro")},
			[]string{"hybrid-cloud:haproxy.instanceType", "family.size"}},
		{"HAProxy name an EC2 description refuses", []edit{set("haproxy", "tokyoName", "HA-東京")},
			[]string{"hybrid-cloud:haproxy.tokyoName", "EC2 descriptions"}},
		{"AMI name EC2 refuses", []edit{set("haproxy", "tokyoFromAmi", true), set("haproxy", "amiName", "MY")},
			[]string{"hybrid-cloud:haproxy.amiName", "3-106"}},
		// Images are named exactly, so that a vendor's next image changes nothing.
		{"HAProxy image as a pattern", []edit{set("haproxy", "image", "al2023-ami-2023.*-x86_64")},
			[]string{"hybrid-cloud:haproxy.image", "no wildcards"}},
		{"HAProxy image of the wrong architecture", []edit{set("haproxy", "instanceType", "t4g.micro")},
			[]string{"hybrid-cloud:haproxy.image", "needs arm64"}},
		{"Seoul web node image as a pattern", []edit{set("webNodes", "seoul.imageName", "al2023-ami-2023.*")},
			[]string{"hybrid-cloud:webNodes.seoul.imageName", "no wildcards"}},
		{"rollout that gives a node no time to boot", []edit{set("webNodes", "rollout.healthTimeoutSeconds", 10)},
			[]string{"hybrid-cloud:webNodes.rollout.healthTimeoutSeconds", "60 to 360", "0 to check nothing"}},
		{"rollout whose checks would outlast the deploy job", []edit{set("webNodes", "rollout.healthTimeoutSeconds", 900)},
			[]string{"hybrid-cloud:webNodes.rollout.healthTimeoutSeconds", "60 to 360", "deploy job's 60 minutes"}},
		{"London image version latest", []edit{set("webNodes", "london.imageVersion", "latest")},
			[]string{"hybrid-cloud:webNodes.london.imageVersion", "not latest"}},
		{"Oregon image as its family", []edit{set("webNodes", "oregon.imageName", "rocky-linux-9")},
			[]string{"hybrid-cloud:webNodes.oregon.imageName", "no family"}},
		{"Hong Kong image as a regular expression", []edit{set("webNodes", "hongkong.imageName", `^aliyun_3_x64_20G_alibase_.*\.vhd$`)},
			[]string{"hybrid-cloud:webNodes.hongkong.imageName", "no wildcards"}},

		// --- monitoring, and the www record's routing.
		{"log retention CloudWatch refuses", []edit{set("monitoring", "logRetentionDays", 45)},
			[]string{"hybrid-cloud:monitoring.logRetentionDays", "45", "1, 3, 5, 7, 14, 30, 60"}},
		{"alert address without @", []edit{set("monitoring", "alertEmails", []any{"ops.example.com"})},
			[]string{"hybrid-cloud:monitoring.alertEmails[0]", "email address"}},
		{"unknown www routing", []edit{set("gslb", "simpleRecordRouting", "weighted")},
			[]string{"hybrid-cloud:gslb.simpleRecordRouting", "simple, multivalue"}},
		{"missing monitoring section", []edit{set("monitoring", "", remove)},
			[]string{"hybrid-cloud:monitoring: is required"}},

		// --- exactNamesStack: which stack keeps the names as written.
		{"exactNamesStack missing", []edit{set("exactNamesStack", "", remove)},
			[]string{"hybrid-cloud:exactNamesStack: is required in every stack file", "e.g. dev"}},
		{"exactNamesStack not a stack name", []edit{set("exactNamesStack", "", "dev lab")},
			[]string{"hybrid-cloud:exactNamesStack", `"dev lab" is not a stack name`}},
		// Outside the exact stack every name carries the suffix: a name that
		// fits as written may not fit with it, and the error says so.
		{"a name too long once suffixed", []edit{
			set("exactNamesStack", "", "prod"), set("gslb", "simpleRecord", strings.Repeat("w", 61)),
		}, []string{"hybrid-cloud:gslb.simpleRecord", "one lower-case DNS label", `carries the suffix "-dev"`}},

		// --- protect: every stack file says whether its state is guarded.
		{"protect missing", []edit{set("protect", "", remove)},
			[]string{"hybrid-cloud:protect: is required in every stack file", "true or false"}},
		{"protect not a bool", []edit{set("protect", "", "yes")},
			[]string{"hybrid-cloud:protect", `"yes" is not allowed`}},

		// --- gslb
		{"section missing", []edit{set("gslb", "", remove)},
			[]string{"hybrid-cloud:gslb: is required"}},
		{"health-check interval Route 53 refuses", []edit{set("gslb", "healthCheck.intervalSeconds", 20)},
			[]string{"hybrid-cloud:gslb.healthCheck.intervalSeconds", "20", "10 or 30"}},
		{"health-check threshold Route 53 refuses", []edit{set("gslb", "healthCheck.failureThreshold", 0)},
			[]string{"hybrid-cloud:gslb.healthCheck.failureThreshold", "1 to 10"}},
		{"one set ID for both failover records", []edit{set("gslb", "tokyoSetId", "Seoul-Active")},
			[]string{"hybrid-cloud:gslb.tokyoSetId", "need different set IDs"}},
		{"one record name twice", []edit{set("gslb", "failoverRecord", "seoul")},
			[]string{"hybrid-cloud:gslb.failoverRecord", "each record needs a name of its own"}},
	}
	dev := devConfig(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e, err := runStack(t, apply(t, dev, tc.edits...))
			mockengine.AssertErrorMentions(t, err, tc.want...)
			if rs := e.Resources(); len(rs) != 0 {
				t.Errorf("%d resources registered before the config error, want 0 (first: %s %s)", len(rs), rs[0].Type, rs[0].Name)
			}
		})
	}
}

// The table's edits reach what they mean to: an edit that restores the dev
// value plans, so a failing row fails for its value, not for its path.
func TestConfigRuleEditsKeepTheRestOfTheStack(t *testing.T) {
	t.Parallel()
	dev := devConfig(t)
	cfg := apply(t, dev,
		set("network", "publicSubnets[1].zone", "ap-northeast-2c"),
		set("webNodes", "oregon.zone", "us-west1-b"),
		set("clouds", "awsSecondaryZones[1]", "ap-northeast-1c"),
	)
	if _, err := runStack(t, cfg); err != nil {
		t.Fatalf("the dev stack with its own values set again failed: %v", err)
	}
}

var indexed = regexp.MustCompile(`^(\w+)\[(\d+)\]$`)

// apply returns cfg with the edits made.
func apply(t *testing.T, cfg mockengine.Config, edits ...edit) mockengine.Config {
	t.Helper()
	for _, e := range edits {
		key := "hybrid-cloud:" + e.section
		switch {
		case e.path == "" && e.value == remove:
			cfg = cfg.Without(key)
			continue
		case e.path == "":
			cfg = cfg.Set(key, e.value)
			continue
		}
		obj := cfg.Object(t, key)
		if err := setPath(obj, strings.Split(e.path, "."), e.value); err != nil {
			t.Fatalf("%s.%s: %v", key, e.path, err)
		}
		cfg = cfg.Set(key, obj)
	}
	return cfg
}

// setPath sets (or, with remove, deletes) the value at path inside obj.
func setPath(obj map[string]any, path []string, value any) error {
	key, i := path[0], -1
	if m := indexed.FindStringSubmatch(key); m != nil {
		key, i = m[1], atoi(m[2])
	}
	last := len(path) == 1
	if i < 0 {
		if last {
			if value == remove {
				delete(obj, key)
			} else {
				obj[key] = value
			}
			return nil
		}
		next, ok := obj[key].(map[string]any)
		if !ok {
			return fmt.Errorf("%s is not an object", key)
		}
		return setPath(next, path[1:], value)
	}
	list, ok := obj[key].([]any)
	if !ok || i >= len(list) {
		return fmt.Errorf("%s has no item %d", key, i)
	}
	if last {
		list[i] = value
		return nil
	}
	next, ok := list[i].(map[string]any)
	if !ok {
		return fmt.Errorf("%s[%d] is not an object", key, i)
	}
	return setPath(next, path[1:], value)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
