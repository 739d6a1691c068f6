// Package network declares MY-VPC in the primary AWS region (or adopts an
// existing one) and looks up default VPCs, so that the VPN, the web node, the
// HAProxy pair and the ALBs all place themselves in the same network.
package network

import (
	"fmt"
	"net/netip"
	"regexp"

	"github.com/hybridlab/hybrid-cloud/internal/validate"
)

// Config is the `hybrid-cloud:network` config object.
type Config struct {
	// VpcName is the Name tag of the VPC (the note's MY-VPC).
	VpcName string `json:"vpcName"`
	// VpcCidr is the VPC's address range; the VPN's remote CIDR.
	VpcCidr string `json:"vpcCidr"`
	// PublicSubnets get a route to the internet gateway; the ALB needs two zones.
	PublicSubnets []Subnet `json:"publicSubnets"`
	// PrivateSubnets have no internet route; they reach on-prem through the VGW.
	PrivateSubnets []Subnet `json:"privateSubnets"`
	// PublicRouteTableName and PrivateRouteTableName are the route tables' Name tags.
	PublicRouteTableName  string `json:"publicRouteTableName"`
	PrivateRouteTableName string `json:"privateRouteTableName"`
	// Existing adopts a VPC made elsewhere instead of creating one.
	Existing *Existing `json:"existing,omitempty"`
}

// Subnet is one subnet in one availability zone.
type Subnet struct {
	Zone string `json:"zone"`
	Cidr string `json:"cidr"`
}

// Existing names a VPC, its public subnets and its route tables by ID.
type Existing struct {
	VpcID           string   `json:"vpcId"`
	PublicSubnetIDs []string `json:"publicSubnetIds"`
	RouteTableIDs   []string `json:"routeTableIds"`
}

var (
	vpcIDPattern        = regexp.MustCompile(`^vpc-[0-9a-f]{8,17}$`)
	subnetIDPattern     = regexp.MustCompile(`^subnet-[0-9a-f]{8,17}$`)
	routeTableIDPattern = regexp.MustCompile(`^rtb-[0-9a-f]{8,17}$`)
)

// Validate checks the section; region is the AWS region the VPC lives in.
func (c Config) Validate(region string) error {
	p := validate.Section("network")
	vpc, vpcOK := p.CIDR("vpcCidr", c.VpcCidr)
	if vpcOK && (vpc.Bits() < 16 || vpc.Bits() > 28) {
		p.Addf("vpcCidr", "%s: AWS allows VPC netmasks /16 to /28", c.VpcCidr)
	}
	if vpcOK {
		p.PrivateNetwork("vpcCidr", vpc)
	}
	if c.Existing != nil {
		e := c.Existing
		p.Match("existing.vpcId", e.VpcID, vpcIDPattern, "a VPC ID such as vpc-0a1b2c3d4e5f67890")
		if len(e.PublicSubnetIDs) < 2 {
			p.Addf("existing.publicSubnetIds", "needs at least two subnets in different zones (the ALB requires two)")
		}
		for _, id := range e.PublicSubnetIDs {
			p.Match("existing.publicSubnetIds", id, subnetIDPattern, "subnet IDs such as subnet-0a1b2c3d")
		}
		// The ALB refuses a subnet twice (two in one zone).
		p.Distinct("existing.publicSubnetIds", e.PublicSubnetIDs, "an ALB takes each subnet once, one per availability zone")
		if len(e.RouteTableIDs) == 0 {
			p.Addf("existing.routeTableIds", "needs at least one route table to carry the on-prem route")
		}
		for _, id := range e.RouteTableIDs {
			p.Match("existing.routeTableIds", id, routeTableIDPattern, "route table IDs such as rtb-0a1b2c3d")
		}
		// The VPN adds the on-prem route to each table: twice would be a
		// route AWS already has (RouteAlreadyExists).
		p.Distinct("existing.routeTableIds", e.RouteTableIDs, "the VPN adds one on-prem route per table; list each table once")
		return p.Err()
	}
	p.Required("vpcName", c.VpcName, "the VPC's Name tag, e.g. MY-VPC")
	p.Required("publicRouteTableName", c.PublicRouteTableName, "e.g. MY-PUBLIC-SUBNET-RTB")
	if len(c.PrivateSubnets) > 0 {
		p.Required("privateRouteTableName", c.PrivateRouteTableName, "e.g. MY-PRIVATE-SUBNET-RTB")
	}
	publicZones := map[string]bool{}
	var seen []netip.Prefix
	checkSubnets := func(field string, subnets []Subnet, zones map[string]bool) {
		inZone := map[string]int{}
		for i, s := range subnets {
			f := fmt.Sprintf("%s[%d]", field, i)
			if p.Zone(f+".zone", s.Zone, region, validate.AWSZones) {
				// Subnets are named after their zone (my-vpc-public-<zone>):
				// a second one in a zone is a duplicate resource, and an ALB
				// takes one subnet per zone.
				if j, dup := inZone[s.Zone]; dup {
					p.Addf(f+".zone", "%q is also %s[%d].zone: give each subnet of %s its own availability zone", s.Zone, field, j, field)
				} else {
					inZone[s.Zone] = i
				}
				if zones != nil {
					zones[s.Zone] = true
				}
			}
			sub, ok := p.CIDR(f+".cidr", s.Cidr)
			if ok && (sub.Bits() < 16 || sub.Bits() > 28) {
				p.Addf(f+".cidr", "%s: AWS allows subnet netmasks /16 to /28", s.Cidr)
			}
			if !ok || !vpcOK {
				continue
			}
			if !vpc.Contains(sub.Addr()) || sub.Bits() < vpc.Bits() {
				p.Addf(f+".cidr", "%s is not inside vpcCidr %s", s.Cidr, c.VpcCidr)
			}
			for _, other := range seen {
				if sub.Overlaps(other) {
					p.Addf(f+".cidr", "%s overlaps another subnet (%s)", s.Cidr, other)
				}
			}
			seen = append(seen, sub)
		}
	}
	checkSubnets("publicSubnets", c.PublicSubnets, publicZones)
	checkSubnets("privateSubnets", c.PrivateSubnets, nil)
	if len(publicZones) < 2 {
		p.Addf("publicSubnets", "needs subnets in at least two availability zones (the ALB requires two)")
	}
	return p.Err()
}
