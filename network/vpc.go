package network

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// VpcType is the type token of the Vpc component.
const VpcType = "hybrid:network:Vpc"

// Placement is where a regional component puts its resources: a VPC and its
// public subnets, one per availability zone, in zone order.
type Placement struct {
	VpcID     pulumi.StringOutput
	SubnetIDs []pulumi.StringOutput
	// Zones are the subnets' availability zones, when known (not for an
	// adopted VPC, whose subnets are given by ID only).
	Zones []string
}

// VpcArgs configures NewVpc.
type VpcArgs struct {
	Config Config
	// Region is the region of Provider; zones are checked against it.
	Region   string
	Provider pulumi.ProviderResource
	// Protect sets Protect on the VPC: replacing or deleting it takes every
	// subnet, route table, instance and the VPN attachment in it along.
	Protect bool
}

// Vpc is MY-VPC: created with its subnets, internet gateway and route tables,
// or adopted by ID.
type Vpc struct {
	pulumi.ResourceState

	VpcID            pulumi.StringOutput
	Cidr             string
	PublicSubnetIDs  []pulumi.StringOutput
	PrivateSubnetIDs []pulumi.StringOutput
	// RouteTableIDs are every route table that must carry the on-prem route.
	RouteTableIDs []pulumi.StringOutput

	publicZones []string
}

// Public is the VPC's public placement (the ALB, HAProxy and web node go there).
func (v *Vpc) Public() Placement {
	return Placement{VpcID: v.VpcID, SubnetIDs: v.PublicSubnetIDs, Zones: v.publicZones}
}

// NewVpc declares the VPC or adopts the existing one named in args.Config.Existing.
func NewVpc(ctx *pulumi.Context, name string, args *VpcArgs, opts ...pulumi.ResourceOption) (*Vpc, error) {
	if args == nil || args.Provider == nil {
		return nil, fmt.Errorf("network %s: args with a provider are required", name)
	}
	if err := args.Config.Validate(args.Region); err != nil {
		return nil, err
	}
	v := &Vpc{Cidr: args.Config.VpcCidr}
	if err := ctx.RegisterComponentResource(VpcType, name, v, opts...); err != nil {
		return nil, err
	}
	if e := args.Config.Existing; e != nil {
		v.VpcID = pulumi.String(e.VpcID).ToStringOutput()
		v.PublicSubnetIDs = stringOutputs(e.PublicSubnetIDs)
		v.RouteTableIDs = stringOutputs(e.RouteTableIDs)
	} else {
		if err := v.create(ctx, name, args); err != nil {
			return nil, err
		}
		for _, s := range args.Config.PublicSubnets {
			v.publicZones = append(v.publicZones, s.Zone)
		}
	}
	outputs := pulumi.Map{
		"vpcId":            v.VpcID,
		"publicSubnetIds":  pulumi.ToStringArrayOutput(v.PublicSubnetIDs),
		"privateSubnetIds": pulumi.ToStringArrayOutput(v.PrivateSubnetIDs),
		"routeTableIds":    pulumi.ToStringArrayOutput(v.RouteTableIDs),
	}
	if err := ctx.RegisterResourceOutputs(v, outputs); err != nil {
		return nil, fmt.Errorf("network %s: outputs: %w", name, err)
	}
	return v, nil
}

func (v *Vpc) create(ctx *pulumi.Context, name string, args *VpcArgs) error {
	cfg := args.Config
	child := []pulumi.ResourceOption{pulumi.Parent(v), pulumi.Provider(args.Provider)}
	vpc, err := ec2.NewVpc(ctx, name, &ec2.VpcArgs{
		CidrBlock:          pulumi.String(cfg.VpcCidr),
		EnableDnsSupport:   pulumi.Bool(true),
		EnableDnsHostnames: pulumi.Bool(true),
		Tags:               nameTag(cfg.VpcName),
	}, append(child, pulumi.Protect(args.Protect))...)
	if err != nil {
		return fmt.Errorf("network %s: vpc: %w", name, err)
	}
	v.VpcID = vpc.ID().ToStringOutput()

	igw, err := ec2.NewInternetGateway(ctx, name+"-igw", &ec2.InternetGatewayArgs{
		VpcId: vpc.ID(),
		Tags:  nameTag(cfg.VpcName + "-IGW"),
	}, child...)
	if err != nil {
		return fmt.Errorf("network %s: internet gateway: %w", name, err)
	}

	// Routes are separate resources, never inline on the table: the VPN adds
	// its own route to these tables, and inline routes would remove it.
	public, err := ec2.NewRouteTable(ctx, name+"-public-rtb", &ec2.RouteTableArgs{
		VpcId: vpc.ID(),
		Tags:  nameTag(cfg.PublicRouteTableName),
	}, child...)
	if err != nil {
		return fmt.Errorf("network %s: public route table: %w", name, err)
	}
	if _, err := ec2.NewRoute(ctx, name+"-public-default", &ec2.RouteArgs{
		RouteTableId:         public.ID(),
		DestinationCidrBlock: pulumi.String("0.0.0.0/0"),
		GatewayId:            igw.ID(),
	}, child...); err != nil {
		return fmt.Errorf("network %s: default route: %w", name, err)
	}
	v.RouteTableIDs = append(v.RouteTableIDs, public.ID().ToStringOutput())
	v.PublicSubnetIDs, err = subnets(ctx, name+"-public", cfg.VpcName+"-public", vpc, public, cfg.PublicSubnets, true, child)
	if err != nil {
		return fmt.Errorf("network %s: %w", name, err)
	}

	if len(cfg.PrivateSubnets) == 0 {
		return nil
	}
	private, err := ec2.NewRouteTable(ctx, name+"-private-rtb", &ec2.RouteTableArgs{
		VpcId: vpc.ID(),
		Tags:  nameTag(cfg.PrivateRouteTableName),
	}, child...)
	if err != nil {
		return fmt.Errorf("network %s: private route table: %w", name, err)
	}
	v.RouteTableIDs = append(v.RouteTableIDs, private.ID().ToStringOutput())
	v.PrivateSubnetIDs, err = subnets(ctx, name+"-private", cfg.VpcName+"-private", vpc, private, cfg.PrivateSubnets, false, child)
	if err != nil {
		return fmt.Errorf("network %s: %w", name, err)
	}
	return nil
}

// subnets declares one subnet per entry, each associated with table. Each
// is named prefix-zone, and tagged tagPrefix-zone: the VPC's name, so two
// stacks' subnets in one account are told apart in the console.
func subnets(ctx *pulumi.Context, prefix, tagPrefix string, vpc *ec2.Vpc, table *ec2.RouteTable,
	specs []Subnet, public bool, opts []pulumi.ResourceOption,
) ([]pulumi.StringOutput, error) {
	ids := make([]pulumi.StringOutput, 0, len(specs))
	for _, s := range specs {
		sn, err := ec2.NewSubnet(ctx, prefix+"-"+s.Zone, &ec2.SubnetArgs{
			VpcId:               vpc.ID(),
			CidrBlock:           pulumi.String(s.Cidr),
			AvailabilityZone:    pulumi.String(s.Zone),
			MapPublicIpOnLaunch: pulumi.Bool(public),
			Tags:                nameTag(tagPrefix + "-" + s.Zone),
		}, opts...)
		if err != nil {
			return nil, fmt.Errorf("subnet %s: %w", s.Zone, err)
		}
		if _, err := ec2.NewRouteTableAssociation(ctx, prefix+"-"+s.Zone, &ec2.RouteTableAssociationArgs{
			SubnetId:     sn.ID(),
			RouteTableId: table.ID(),
		}, opts...); err != nil {
			return nil, fmt.Errorf("route table association %s: %w", s.Zone, err)
		}
		ids = append(ids, sn.ID().ToStringOutput())
	}
	return ids, nil
}

// LookupDefault finds the region's default VPC and its default subnet in each
// of zones (the note puts tokyo-alb there).
func LookupDefault(ctx *pulumi.Context, provider pulumi.ProviderResource, zones []string) (Placement, error) {
	vpc, err := ec2.LookupVpc(ctx, &ec2.LookupVpcArgs{Default: pulumi.BoolRef(true)}, pulumi.Provider(provider))
	if err != nil {
		return Placement{}, fmt.Errorf("default vpc: %w", err)
	}
	placement := Placement{VpcID: pulumi.String(vpc.Id).ToStringOutput()}
	for _, zone := range zones {
		found, err := ec2.GetSubnets(ctx, &ec2.GetSubnetsArgs{Filters: []ec2.GetSubnetsFilter{
			{Name: "vpc-id", Values: []string{vpc.Id}},
			{Name: "availability-zone", Values: []string{zone}},
			{Name: "default-for-az", Values: []string{"true"}},
		}}, pulumi.Provider(provider))
		if err != nil {
			return Placement{}, fmt.Errorf("default subnet in %s: %w", zone, err)
		}
		if len(found.Ids) == 0 {
			return Placement{}, fmt.Errorf("default vpc %s has no default subnet in %s", vpc.Id, zone)
		}
		placement.SubnetIDs = append(placement.SubnetIDs, pulumi.String(found.Ids[0]).ToStringOutput())
		placement.Zones = append(placement.Zones, zone)
	}
	return placement, nil
}

func nameTag(name string) pulumi.StringMap {
	return pulumi.StringMap{"Name": pulumi.String(name)}
}

func stringOutputs(values []string) []pulumi.StringOutput {
	out := make([]pulumi.StringOutput, len(values))
	for i, s := range values {
		out[i] = pulumi.String(s).ToStringOutput()
	}
	return out
}
