// Package haproxy declares the HAProxy pair (HA-seoul, HA-tokyo) that
// balances across the web nodes, with a config rendered from their addresses.
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

// Site is one region's place for an HAProxy instance.
type Site struct {
	Region    string
	Placement network.Placement
	Provider  pulumi.ProviderResource
}

// PairArgs configures NewPair.
type PairArgs struct {
	Config   Config
	Backends []Backend
	Seoul    Site
	Tokyo    Site
}

// Instance is one HAProxy server.
type Instance struct {
	InstanceID pulumi.StringOutput
	PublicIP   pulumi.StringOutput
	PrivateIP  pulumi.StringOutput
	// SecurityGroupID is the instance's group; the ALB's group is let in on port 80 by gslb.
	SecurityGroupID pulumi.StringOutput
}

// Pair is HA-seoul and HA-tokyo.
type Pair struct {
	pulumi.ResourceState

	Seoul  Instance
	Tokyo  Instance
	Config pulumi.StringOutput
	// HealthPath is the URI the ALB target groups check.
	HealthPath string
}

// NewPair declares HA-seoul and HA-tokyo, both serving the config rendered
// from the back ends' addresses. Tokyo gets the same user data as Seoul
// unless Config.TokyoFromAmi asks for the note's image-copy path.
func NewPair(ctx *pulumi.Context, name string, args *PairArgs, opts ...pulumi.ResourceOption) (*Pair, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("haproxy %s: %w", name, err)
	}
	p := &Pair{HealthPath: HealthPath}
	if err := ctx.RegisterComponentResource(PairType, name, p, opts...); err != nil {
		return nil, fmt.Errorf("haproxy %s: %w", name, err)
	}
	c := args.Config

	p.Config = renderConfig(args.Backends, c.renderOptions())
	userData := p.Config.ApplyT(UserData).(pulumi.StringOutput)

	seoul, err := newSite(ctx, p, name+"-seoul", siteArgs{
		site: args.Seoul, tag: c.SeoulName, instanceType: c.InstanceType,
		adminCidr: c.AdminCidr, userData: userData,
	})
	if err != nil {
		return nil, fmt.Errorf("haproxy %s: %s: %w", name, c.SeoulName, err)
	}
	p.Seoul = seoul.Instance

	tokyoArgs := siteArgs{
		site: args.Tokyo, tag: c.TokyoName, instanceType: c.InstanceType,
		adminCidr: c.AdminCidr, userData: userData,
	}
	if c.TokyoFromAmi {
		// The note's path. The image is taken as soon as HA-seoul is running,
		// possibly before its first boot finished, so Tokyo still runs the
		// (idempotent) user data on its own first boot.
		tokyoArgs.ami, err = copyImage(ctx, p, name, c.AmiName, seoul.resource.ID(), args.Seoul, args.Tokyo)
		if err != nil {
			return nil, fmt.Errorf("haproxy %s: %w", name, err)
		}
	}
	tokyo, err := newSite(ctx, p, name+"-tokyo", tokyoArgs)
	if err != nil {
		return nil, fmt.Errorf("haproxy %s: %s: %w", name, c.TokyoName, err)
	}
	p.Tokyo = tokyo.Instance

	if err := ctx.RegisterResourceOutputs(p, pulumi.Map{
		"seoulInstanceId": p.Seoul.InstanceID,
		"seoulPublicIp":   p.Seoul.PublicIP,
		"tokyoInstanceId": p.Tokyo.InstanceID,
		"tokyoPublicIp":   p.Tokyo.PublicIP,
		"config":          p.Config,
		"healthPath":      pulumi.String(p.HealthPath),
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
