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

// NewPair declares both instances. TODO(haproxy issue): declare the resources.
func NewPair(ctx *pulumi.Context, name string, args *PairArgs, opts ...pulumi.ResourceOption) (*Pair, error) {
	if err := args.Config.Validate(); err != nil {
		return nil, fmt.Errorf("haproxy %s: %w", name, err)
	}
	p := &Pair{HealthPath: "/healthz"}
	if err := ctx.RegisterComponentResource(PairType, name, p, opts...); err != nil {
		return nil, err
	}
	empty := pulumi.String("").ToStringOutput()
	p.Seoul = Instance{empty, empty, empty, empty}
	p.Tokyo = p.Seoul
	p.Config = empty
	if err := ctx.RegisterResourceOutputs(p, pulumi.Map{}); err != nil {
		return nil, fmt.Errorf("haproxy %s: outputs: %w", name, err)
	}
	return p, nil
}
