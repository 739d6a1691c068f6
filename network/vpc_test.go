package network

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const seoul = "ap-northeast-2"

func noteConfig() Config {
	return Config{
		VpcName: "MY-VPC",
		VpcCidr: "10.26.0.0/16",
		PublicSubnets: []Subnet{
			{Zone: "ap-northeast-2a", Cidr: "10.26.0.0/24"},
			{Zone: "ap-northeast-2c", Cidr: "10.26.1.0/24"},
		},
		PrivateSubnets: []Subnet{
			{Zone: "ap-northeast-2a", Cidr: "10.26.10.0/24"},
			{Zone: "ap-northeast-2c", Cidr: "10.26.11.0/24"},
		},
		PublicRouteTableName:  "MY-PUBLIC-SUBNET-RTB",
		PrivateRouteTableName: "MY-PRIVATE-SUBNET-RTB",
	}
}

type result struct {
	*mockengine.Engine
	vpcID               string
	publicIDs, tableIDs []string
	defaultSubnets      []string
	defaultVpc          string
	publicZones         []string
	defaultZones        []string
}

// run declares the VPC (and looks up Tokyo's default VPC) with providers of
// its own, as main.go does.
func run(t *testing.T, cfg Config) (*result, error) {
	t.Helper()
	res := &result{Engine: mockengine.New("hybrid-cloud", "dev")}
	err := res.Run(func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "aws-"+seoul, &aws.ProviderArgs{Region: pulumi.String(seoul)})
		if err != nil {
			return err
		}
		vpc, err := NewVpc(ctx, "my-vpc", &VpcArgs{Config: cfg, Region: seoul, Provider: p})
		if err != nil {
			return err
		}
		tokyo, err := aws.NewProvider(ctx, "aws-tokyo", &aws.ProviderArgs{Region: pulumi.String("ap-northeast-1")})
		if err != nil {
			return err
		}
		def, err := LookupDefault(ctx, tokyo, []string{"ap-northeast-1a", "ap-northeast-1c"})
		if err != nil {
			return err
		}
		res.publicZones, res.defaultZones = vpc.Public().Zones, def.Zones
		ctx.Export("vpcId", vpc.VpcID)
		ctx.Export("publicSubnetIds", pulumi.ToStringArrayOutput(vpc.PublicSubnetIDs))
		ctx.Export("routeTableIds", pulumi.ToStringArrayOutput(vpc.RouteTableIDs))
		ctx.Export("defaultVpc", def.VpcID)
		ctx.Export("defaultSubnets", pulumi.ToStringArrayOutput(def.SubnetIDs))
		return nil
	}, mockengine.Config{})
	if err != nil {
		return res, err
	}
	out := res.Outputs()
	res.vpcID, _ = out["vpcId"].Value.(string)
	res.defaultVpc, _ = out["defaultVpc"].Value.(string)
	res.publicIDs, _ = out["publicSubnetIds"].Value.([]string)
	res.tableIDs, _ = out["routeTableIds"].Value.([]string)
	res.defaultSubnets, _ = out["defaultSubnets"].Value.([]string)
	return res, nil
}

func TestNewVpcDeclaresTheNotesNetwork(t *testing.T) {
	t.Parallel()
	e, err := run(t, noteConfig())
	if err != nil {
		t.Fatal(err)
	}
	vpc := e.Find("aws:ec2/vpc:Vpc", "my-vpc")
	if vpc == nil {
		t.Fatal("no VPC")
	}
	if vpc.Str("cidrBlock") != "10.26.0.0/16" || vpc.Str("tags.Name") != "MY-VPC" ||
		!vpc.Input("enableDnsHostnames").BoolValue() || !vpc.Input("enableDnsSupport").BoolValue() {
		t.Errorf("vpc inputs: %v", vpc.Inputs)
	}
	if e.vpcID != vpc.ID {
		t.Errorf("VpcID output %q, want %q", e.vpcID, vpc.ID)
	}

	tables := map[string]*mockengine.Resource{}
	for _, rt := range e.OfType("aws:ec2/routeTable:RouteTable") {
		tables[rt.Str("tags.Name")] = rt
		if rt.Str("vpcId") != vpc.ID {
			t.Errorf("%s in VPC %q", rt, rt.Str("vpcId"))
		}
		// Inline routes would delete the VPN's route to the VGW on every update.
		if _, inline := rt.Inputs["routes"]; inline {
			t.Errorf("%s declares inline routes", rt)
		}
	}
	public, private := tables["MY-PUBLIC-SUBNET-RTB"], tables["MY-PRIVATE-SUBNET-RTB"]
	if public == nil || private == nil {
		t.Fatalf("route tables by name: %v", tables)
	}
	if len(e.tableIDs) != 2 || e.tableIDs[0] != public.ID || e.tableIDs[1] != private.ID {
		t.Errorf("RouteTableIDs = %v, want [%s %s]", e.tableIDs, public.ID, private.ID)
	}

	igw := e.Find("aws:ec2/internetGateway:InternetGateway", "my-vpc-igw")
	routes := e.OfType("aws:ec2/route:Route")
	if igw == nil || igw.Str("vpcId") != vpc.ID || len(routes) != 1 {
		t.Fatalf("want one internet gateway in the VPC and one route, got %v and %d routes", igw, len(routes))
	}
	if r := routes[0]; r.Str("routeTableId") != public.ID || r.Str("destinationCidrBlock") != "0.0.0.0/0" || r.Str("gatewayId") != igw.ID {
		t.Errorf("default route %v, want 0.0.0.0/0 -> %s in the public table", r.Inputs, igw.ID)
	}

	subnets := map[string]*mockengine.Resource{}
	for _, s := range e.OfType("aws:ec2/subnet:Subnet") {
		subnets[s.Str("cidrBlock")] = s
	}
	for _, tc := range []struct {
		cidr, zone string
		public     bool
		table      *mockengine.Resource
	}{
		{"10.26.0.0/24", "ap-northeast-2a", true, public},
		{"10.26.1.0/24", "ap-northeast-2c", true, public},
		{"10.26.10.0/24", "ap-northeast-2a", false, private},
		{"10.26.11.0/24", "ap-northeast-2c", false, private},
	} {
		s := subnets[tc.cidr]
		if s == nil {
			t.Errorf("no subnet %s", tc.cidr)
			continue
		}
		if s.Str("availabilityZone") != tc.zone || s.Input("mapPublicIpOnLaunch").BoolValue() != tc.public || s.Str("vpcId") != vpc.ID {
			t.Errorf("subnet %s: %v", tc.cidr, s.Inputs)
		}
		associated := false
		for _, a := range e.OfType("aws:ec2/routeTableAssociation:RouteTableAssociation") {
			if a.Str("subnetId") == s.ID {
				associated = a.Str("routeTableId") == tc.table.ID
			}
		}
		if !associated {
			t.Errorf("subnet %s is not associated with %s", tc.cidr, tc.table.Str("tags.Name"))
		}
	}
	if strings.Join(e.publicZones, ",") != "ap-northeast-2a,ap-northeast-2c" {
		t.Errorf("Public().Zones = %v, want the public subnets' zones in order", e.publicZones)
	}
	if len(e.publicIDs) != 2 || e.publicIDs[0] != subnets["10.26.0.0/24"].ID || e.publicIDs[1] != subnets["10.26.1.0/24"].ID {
		t.Errorf("PublicSubnetIDs = %v, want the 2a then the 2c public subnet", e.publicIDs)
	}

	for _, r := range e.Resources() {
		if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue
		}
		if p := e.ParentOf(r); p == nil || p.Type != VpcType {
			t.Errorf("%s is not a child of the %s component", r, VpcType)
		}
		if p := e.ProviderOf(r); p == nil || p.Name != "aws-"+seoul || e.Region(r) != seoul {
			t.Errorf("%s is on provider %v in %q, want the given provider aws-%s", r, p, e.Region(r), seoul)
		}
	}
}

func TestNewVpcAdoptsAnExistingVpc(t *testing.T) {
	t.Parallel()
	cfg := Config{VpcCidr: "10.26.0.0/16", Existing: &Existing{
		VpcID:           "vpc-0a1b2c3d4e5f67890",
		PublicSubnetIDs: []string{"subnet-0a1b2c3d", "subnet-1a2b3c4d"},
		RouteTableIDs:   []string{"rtb-0a1b2c3d", "rtb-1a2b3c4d"},
	}}
	e, err := run(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range e.Resources() {
		if strings.HasPrefix(r.Type, "aws:") {
			t.Errorf("adopting declared %s", r)
		}
	}
	if e.vpcID != cfg.Existing.VpcID || strings.Join(e.publicIDs, ",") != "subnet-0a1b2c3d,subnet-1a2b3c4d" ||
		strings.Join(e.tableIDs, ",") != "rtb-0a1b2c3d,rtb-1a2b3c4d" {
		t.Errorf("outputs %s %v %v, want the configured IDs", e.vpcID, e.publicIDs, e.tableIDs)
	}
	if len(e.publicZones) != 0 {
		t.Errorf("adopted subnets have zones %v; they are unknown", e.publicZones)
	}
}

func TestLookupDefaultAsksTheGivenRegionForEachZone(t *testing.T) {
	t.Parallel()
	e, err := run(t, noteConfig())
	if err != nil {
		t.Fatal(err)
	}
	if e.defaultVpc != "vpc-default-ap-northeast-1" {
		t.Errorf("default VPC %q, want Tokyo's", e.defaultVpc)
	}
	if strings.Join(e.defaultSubnets, ",") != "subnet-default-ap-northeast-1a,subnet-default-ap-northeast-1c" {
		t.Errorf("default subnets %v, want one per zone in zone order", e.defaultSubnets)
	}
	if strings.Join(e.defaultZones, ",") != "ap-northeast-1a,ap-northeast-1c" {
		t.Errorf("default placement zones %v", e.defaultZones)
	}
	var zones []string
	for _, inv := range e.Invokes() {
		if p := e.ByURN(inv.Provider); p == nil || p.Name != "aws-tokyo" {
			t.Errorf("%s went through %v, want the Tokyo provider", inv.Token, inv.Provider)
		}
		if inv.Token == "aws:ec2/getVpc:getVpc" && !mockengine.Lookup(inv.Args, "default").BoolValue() {
			t.Errorf("getVpc without default=true: %v", inv.Args)
		}
		if inv.Token != "aws:ec2/getSubnets:getSubnets" {
			continue
		}
		filters := map[string]string{}
		for i := 0; ; i++ {
			name := mockengine.Lookup(inv.Args, fmt.Sprintf("filters[%d].name", i))
			if !name.IsString() {
				break
			}
			filters[name.StringValue()] = mockengine.Lookup(inv.Args, fmt.Sprintf("filters[%d].values[0]", i)).StringValue()
		}
		if filters["vpc-id"] != "vpc-default-ap-northeast-1" || filters["default-for-az"] != "true" {
			t.Errorf("getSubnets filters %v", filters)
		}
		zones = append(zones, filters["availability-zone"])
	}
	if strings.Join(zones, ",") != "ap-northeast-1a,ap-northeast-1c" {
		t.Errorf("subnet lookups for zones %v, want one per zone in order", zones)
	}
}

func TestBadNetworkConfigFailsNamingTheKey(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(c *Config)
		want   []string
	}{
		{"subnet outside the VPC", func(c *Config) { c.PublicSubnets[1].Cidr = "10.27.1.0/24" },
			[]string{"hybrid-cloud:network.publicSubnets[1].cidr", "not inside vpcCidr"}},
		{"overlapping subnets", func(c *Config) { c.PrivateSubnets[0].Cidr = "10.26.0.0/23" },
			[]string{"hybrid-cloud:network.privateSubnets[0].cidr", "overlaps"}},
		{"zone of another region", func(c *Config) { c.PublicSubnets[0].Zone = "ap-northeast-1a" },
			[]string{"hybrid-cloud:network.publicSubnets[0].zone", "not a zone of ap-northeast-2"}},
		{"one zone only", func(c *Config) { c.PublicSubnets[1].Zone = "ap-northeast-2a" },
			[]string{"hybrid-cloud:network.publicSubnets", "two availability zones"}},
		{"VPC netmask AWS refuses", func(c *Config) { c.VpcCidr = "10.0.0.0/8" },
			[]string{"hybrid-cloud:network.vpcCidr", "/16 to /28"}},
		{"bad existing IDs", func(c *Config) {
			c.Existing = &Existing{VpcID: "vpc-xyz", PublicSubnetIDs: []string{"subnet-0a1b2c3d"}}
		}, []string{"hybrid-cloud:network.existing.vpcId", "hybrid-cloud:network.existing.publicSubnetIds", "hybrid-cloud:network.existing.routeTableIds"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := noteConfig()
			tc.change(&cfg)
			e, err := run(t, cfg)
			mockengine.AssertErrorMentions(t, err, tc.want...)
			e.AssertOnlyProviders(t)
		})
	}
}
