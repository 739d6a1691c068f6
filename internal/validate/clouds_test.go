package validate

import (
	"net/netip"
	"strings"
	"testing"
)

// The cloud checkers accept every form the clouds use (a refusal of a real
// size or zone would block a valid stack) and refuse the rest; the refusals
// as a user meets them are in the root package's TestEveryConfigRule.
func TestCloudCheckersAcceptTheCloudsFormsAndRefuseOthers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		check func(p *Problems, v string) bool
		good  []string
		bad   []string
	}{
		{func(p *Problems, v string) bool { return p.EC2InstanceType("t", v, true) },
			[]string{"t3.micro", "m7i-flex.large", "c6in.32xlarge", "u-6tb1.112xlarge", "mac2-m2pro.metal", "r7iz.metal-16xl", "p6-b200.48xlarge", "g4dn.xlarge", "gr6.4xlarge", "trn1n.32xlarge"},
			[]string{"", "t3", "T3.micro", "t3.Micro", "t3.huge", ".micro", "t3..micro", "t4g.micro", "c7gn.large", "im4gn.xlarge", "a1.medium", "m8g.metal-24xl"}},
		{func(p *Problems, v string) bool { return p.EC2InstanceType("t", v, false) },
			[]string{"t4g.micro", "c7gn.large", "t3.micro"}, []string{"t4g"}},
		{func(p *Problems, v string) bool { return p.AzureVMSize("s", v) },
			[]string{"Standard_B1s", "Standard_D2s_v5", "Standard_E4-2s_v3", "Standard_NC24ads_A100_v4", "Standard_M416-208s_v2", "Standard_B2ats_v2"},
			[]string{"", "B1s", "standard_b1s", "Standard_", "Standard B1s", "Basic_A0"}},
		{func(p *Problems, v string) bool { return p.GCPMachineType("m", v) },
			[]string{"e2-micro", "f1-micro", "n1-standard-1", "n2d-highmem-4", "c3-standard-4-lssd", "a2-highgpu-1g", "custom-2-4096", "e2-custom-2-4096", "n2-custom-2-4096-ext", "c3-standard-192-metal"},
			[]string{"", "e2_micro", "E2-micro", "micro", "t2a-standard-1", "c4a-standard-4"}},
		{func(p *Problems, v string) bool { return p.ECSInstanceType("i", v) },
			[]string{"ecs.t5-lc1m1.small", "ecs.g7.large", "ecs.c6.2xlarge", "ecs.e-c1m1.large", "ecs.gn6i-c4g1.xlarge", "ecs.g6.13xlarge"},
			[]string{"", "t5-lc1m1.small", "ecs.g7", "ECS.g7.large", "ecs.g7.large.extra"}},
		{func(p *Problems, v string) bool { return p.Zone("z", v, "ap-northeast-2", AWSZones) },
			[]string{"ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c", "ap-northeast-2d"},
			[]string{"", "ap-northeast-2e", "ap-northeast-2", "ap-northeast-2-a", "ap-northeast-1a", "ap-northeast-2A"}},
		{func(p *Problems, v string) bool { return p.Zone("z", v, "ap-northeast-1", AWSZones) },
			[]string{"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"}, []string{"ap-northeast-1b"}},
		// A region without a zone list: the form only.
		{func(p *Problems, v string) bool { return p.Zone("z", v, "us-east-1", AWSZones) },
			[]string{"us-east-1a", "us-east-1f"}, []string{"us-east-1", "us-east-2a"}},
		{func(p *Problems, v string) bool { return p.Zone("z", v, "us-west1", GCPZones) },
			[]string{"us-west1-a", "us-west1-b", "us-west1-c"}, []string{"us-west1-d", "us-west1b", "us-west1"}},
		{func(p *Problems, v string) bool { return p.Zone("z", v, "cn-hongkong", AlicloudZones) },
			[]string{"cn-hongkong-b", "cn-hongkong-c", "cn-hongkong-d"}, []string{"cn-hongkong-a", "cn-hongkong-e"}},
		{func(p *Problems, v string) bool { return p.Zone("z", v, "ap-southeast-1", AlicloudZones) },
			[]string{"ap-southeast-1a", "ap-southeast-1-a"}, []string{"ap-southeast-1"}},
		{func(p *Problems, v string) bool { _, ok := p.AdminCIDR("a", v); return ok },
			[]string{"123.142.252.25/32", "123.142.0.0/16", "8.8.8.0/24"},
			[]string{"0.0.0.0/0", "0.0.0.0/1", "123.0.0.0/15", "10.0.0.0/24", "172.16.5.0/24", "192.168.0.0/16", "100.64.0.0/16",
				"127.0.0.1/32", "169.254.0.0/16", "192.0.2.0/24", "198.51.100.7/32", "203.0.113.0/24", "198.18.0.0/16",
				"224.0.0.0/16", "240.0.0.0/16", "255.255.255.255/32", "0.0.0.0/16", "192.0.0.0/24", "192.88.99.0/24", "123.142.252.25/16"}},
		{func(p *Problems, v string) bool { _, ok := p.PublicIPv4("ip", v); return ok },
			[]string{"123.142.252.25", "8.8.8.8", "100.63.255.255", "100.128.0.0", "198.17.255.255", "198.20.0.0", "223.255.255.255"},
			[]string{"100.64.0.0", "100.127.255.255", "198.18.0.0", "198.19.255.255", "0.0.0.0", "255.255.255.255", "192.0.0.9", "192.88.99.1"}},
		{func(p *Problems, v string) bool { return p.PrivateNetwork("n", netip.MustParsePrefix(v)) },
			[]string{"10.0.0.0/8", "10.26.0.0/16", "172.16.0.0/12", "172.31.255.0/24", "192.168.0.0/16"},
			[]string{"172.32.0.0/16", "192.169.0.0/16", "100.64.0.0/10", "8.0.0.0/8", "0.0.0.0/0", "10.0.0.0/7"}},
		{func(p *Problems, v string) bool { return p.EC2Name("n", v, "x") },
			[]string{"HA-seoul", "Seoul", "web node (1) #2: a/b"},
			[]string{"", "HA-東京", "a<b>", `quote"d`, "percent%", strings.Repeat("a", 129)}},
	}
	for _, tc := range cases {
		for _, v := range tc.good {
			if p := Section("sec"); !tc.check(p, v) || p.Err() != nil {
				t.Errorf("%q refused: %v", v, p.Err())
			}
		}
		for _, v := range tc.bad {
			if p := Section("sec"); tc.check(p, v) || p.Err() == nil || !strings.Contains(p.Err().Error(), "hybrid-cloud:sec.") {
				t.Errorf("%q accepted (or refused without its key): %v", v, p.Err())
			}
		}
	}
}

func TestHostAddressRefusesOnlyNetworkAndBroadcast(t *testing.T) {
	t.Parallel()
	cases := []struct {
		prefix, addr string
		want         string // "" when the address is a host's
	}{
		{"192.168.0.0/20", "192.168.0.10", ""},
		{"192.168.0.0/20", "192.168.0.0", "network address of 192.168.0.0/20"},
		{"192.168.0.0/20", "192.168.15.255", "broadcast address of 192.168.0.0/20"},
		{"192.168.0.0/20", "192.168.15.254", ""},
		{"10.0.0.0/30", "10.0.0.3", "broadcast address"},
		{"10.0.0.0/30", "10.0.0.1", ""},
		// /31 and /32 have no network or broadcast address (RFC 3021).
		{"10.0.0.0/31", "10.0.0.0", ""},
		{"10.0.0.5/32", "10.0.0.5", ""},
	}
	for _, tc := range cases {
		p := Section("sec")
		ok := p.HostAddress("gw", netip.MustParseAddr(tc.addr), netip.MustParsePrefix(tc.prefix), "the range")
		switch err := p.Err(); {
		case tc.want == "" && (!ok || err != nil):
			t.Errorf("%s in %s refused: %v", tc.addr, tc.prefix, err)
		case tc.want != "" && (ok || err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s in %s: %v, want %q", tc.addr, tc.prefix, err, tc.want)
		}
	}
}

func TestDistinctNamesEverySecondUse(t *testing.T) {
	t.Parallel()
	p := Section("sec")
	if p.Distinct("zones", []string{"a", "b", "a", "a"}, "once each") {
		t.Error("duplicates accepted")
	}
	err := p.Err().Error()
	for _, want := range []string{`hybrid-cloud:sec.zones[2]: "a" is also zones[0]`, `hybrid-cloud:sec.zones[3]: "a" is also zones[0]`} {
		if !strings.Contains(err, want) {
			t.Errorf("error lacks %q:\n%s", want, err)
		}
	}
	if strings.Contains(err, "zones[1]") {
		t.Errorf("a distinct value was named:\n%s", err)
	}
	if q := Section("sec"); !q.Distinct("zones", []string{"a", "b"}, "") || q.Err() != nil {
		t.Errorf("distinct values refused: %v", q.Err())
	}
}
