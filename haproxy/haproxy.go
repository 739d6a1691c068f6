// Package haproxy declares the HAProxy tier (HA-seoul, HA-tokyo): in each
// region an Auto Scaling group of one instance that balances across the web
// nodes with a config rendered from their addresses, registered in the
// region's ALB target group, replaced when it fails, and rolled (new
// instance first) whenever its launch template changes.
package haproxy

import (
	"fmt"

	"github.com/hybridlab/hybrid-cloud/network"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// PairType is the type token of the Pair component.
const PairType = "hybrid:haproxy:Pair"

// Backend is one web node behind HAProxy.
type Backend struct {
	Name    string
	Address pulumi.StringOutput
	Port    int
}

// Site is one region's place for an HAProxy group and the load balancer in
// front of it.
type Site struct {
	Region    string
	Placement network.Placement
	Provider  pulumi.ProviderResource
	// TargetGroupArn is the ALB target group the group registers its
	// instance in; AlbSecurityGroupID is the ALB's security group, which
	// this tier lets in on port 80 and allows out to HAProxy.
	TargetGroupArn     pulumi.StringOutput
	AlbSecurityGroupID pulumi.StringOutput
	// Listener is the ALB listener that forwards to TargetGroupArn; the
	// group is created after it (see newGroup).
	Listener pulumi.Resource
	// IngressAliases and EgressAliases are the earlier identities of those
	// two rules (gslb declared them while HAProxy ran on plain instances), so
	// that the engine moves them instead of replacing them; AWS would refuse
	// a second copy of an existing rule.
	IngressAliases, EgressAliases []pulumi.Alias
}

// PairArgs configures NewPair.
type PairArgs struct {
	Config   Config
	Backends []Backend
	Seoul    Site
	Tokyo    Site
}

// Group is one region's HAProxy Auto Scaling group.
type Group struct {
	// Name is the Auto Scaling group's name, for the console and the CLI
	// (`aws autoscaling describe-instance-refreshes --auto-scaling-group-name`).
	Name pulumi.StringOutput
	// LaunchTemplateID is what its instances launch from.
	LaunchTemplateID pulumi.StringOutput
	// SecurityGroupID is its instances' group.
	SecurityGroupID pulumi.StringOutput
	// ImageID is the image its instances launch.
	ImageID pulumi.StringOutput
}

// Pair is the HAProxy groups of Seoul and Tokyo.
type Pair struct {
	pulumi.ResourceState
	Seoul  Group
	Tokyo  Group
	Config pulumi.StringOutput
}

// NewPair declares HA-seoul's and HA-tokyo's groups, both serving the config
// rendered from the back ends' addresses. Tokyo launches its own lookup of
// the configured image unless Config.TokyoFromAmi asks for the note's path:
// a copy, named MY-AMI, of the image Seoul launches.
func NewPair(ctx *pulumi.Context, name string, args *PairArgs, opts ...pulumi.ResourceOption) (*Pair, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("haproxy %s: %w", name, err)
	}
	p := &Pair{}
	if err := ctx.RegisterComponentResource(PairType, name, p, opts...); err != nil {
		return nil, fmt.Errorf("haproxy %s: %w", name, err)
	}
	c := args.Config

	p.Config = renderConfig(args.Backends, c.renderOptions())
	userData := p.Config.ApplyT(UserData).(pulumi.StringOutput)
	ports := backendPorts(args.Backends)

	seoulImage, err := lookupImage(ctx, p, c.Image, args.Seoul)
	if err != nil {
		return nil, fmt.Errorf("haproxy %s: %w", name, err)
	}
	tokyoImage := seoulImage
	if c.TokyoFromAmi {
		tokyoImage, err = copyImage(ctx, p, name, c.AmiName, seoulImage, args.Seoul, args.Tokyo)
	} else {
		tokyoImage, err = lookupImage(ctx, p, c.Image, args.Tokyo)
	}
	if err != nil {
		return nil, fmt.Errorf("haproxy %s: %w", name, err)
	}

	for _, s := range []struct {
		role  string
		tag   string
		site  Site
		image image
		into  *Group
	}{
		{"seoul", c.SeoulName, args.Seoul, seoulImage, &p.Seoul},
		{"tokyo", c.TokyoName, args.Tokyo, tokyoImage, &p.Tokyo},
	} {
		g, err := newGroup(ctx, p, name+"-"+s.role, groupArgs{
			site: s.site, tag: s.tag, instanceType: c.InstanceType, image: s.image,
			adminCidr: c.AdminCidr, userData: userData, backendPorts: ports,
		})
		if err != nil {
			return nil, fmt.Errorf("haproxy %s: %s: %w", name, s.tag, err)
		}
		*s.into = *g
	}

	if err := ctx.RegisterResourceOutputs(p, pulumi.Map{
		"seoulGroupName": p.Seoul.Name,
		"tokyoGroupName": p.Tokyo.Name,
		"seoulImageId":   p.Seoul.ImageID,
		"tokyoImageId":   p.Tokyo.ImageID,
		"config":         p.Config,
		"livenessPath":   pulumi.String(LivenessPath),
		"readinessPath":  pulumi.String(ReadinessPath),
	}); err != nil {
		return nil, fmt.Errorf("haproxy %s: outputs: %w", name, err)
	}
	return p, nil
}

// renderConfig renders haproxy.cfg once every back end's address is known.
func renderConfig(backends []Backend, o Options) pulumi.StringOutput {
	addrs := make([]any, len(backends))
	for i, b := range backends {
		addrs[i] = b.Address
	}
	return pulumi.All(addrs...).ApplyT(func(vs []any) (string, error) {
		servers := make([]Server, len(backends))
		for i, b := range backends {
			servers[i] = Server{Name: b.Name, Address: vs[i].(string), Port: b.Port}
		}
		return Render(servers, o)
	}).(pulumi.StringOutput)
}

// backendPorts are the distinct ports of the web nodes, in order of first use.
func backendPorts(backends []Backend) []int {
	var ports []int
	seen := map[int]bool{}
	for _, b := range backends {
		if !seen[b.Port] {
			seen[b.Port] = true
			ports = append(ports, b.Port)
		}
	}
	return ports
}
