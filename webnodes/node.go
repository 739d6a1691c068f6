// Package webnodes declares the four regional web servers (AWS, Azure, GCP,
// Alibaba Cloud), each serving <h1>LABEL</h1> with Apache httpd from user
// data rendered by one function (RenderUserData).
package webnodes

import (
	"errors"
	"fmt"

	"github.com/hybridlab/hybrid-cloud/internal/validate"
	"github.com/hybridlab/hybrid-cloud/network"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Type tokens of the node components, one per cloud.
const (
	AwsNodeType      = "hybrid:webnodes:AwsNode"
	AzureNodeType    = "hybrid:webnodes:AzureNode"
	GcpNodeType      = "hybrid:webnodes:GcpNode"
	AlicloudNodeType = "hybrid:webnodes:AlicloudNode"
)

// Node is one web server; every cloud's component returns it.
type Node struct {
	pulumi.ResourceState

	// Key is the node's component name (seoul, london, oregon, hongkong):
	// what other components name its resources after, so that a new label
	// replaces nothing.
	Key string
	// Label is the text of the page's <h1> and the node's key in the outputs.
	Label string
	// Region is where it runs (an AWS region, Azure location, ...).
	Region string
	// Zone is the availability zone (for the AWS node, its subnet's; "" when
	// the subnet was adopted by ID).
	Zone string
	Port int
	// PublicIP is the address from the resource that holds it (an Elastic
	// IP, a public IP resource, a reserved address), not from the machine:
	// HAProxy and DNS take it, and must not wait for the rollout.
	PublicIP pulumi.StringOutput
	// Ready resolves, to the resources through which the node serves, once
	// the node answers its health check at PublicIP after this update's
	// steps (at once when nothing probes). The next node's disruptive step
	// waits for it (Rollout.After).
	Ready pulumi.ResourceArrayOutput
}

// AwsNodeArgs configures NewAwsNode.
type AwsNodeArgs struct {
	Config    AwsConfig
	Region    string
	Placement network.Placement
	Provider  pulumi.ProviderResource
	// Protect sets Protect on the node's public address (and Azure's
	// resource group), which HAProxy and DNS point at.
	Protect bool
	// Rollout is the node's place in the rollout (NewNodes sets it).
	Rollout Rollout
}

// AzureNodeArgs configures NewAzureNode.
type AzureNodeArgs struct {
	Config   AzureConfig
	Location string
	Provider pulumi.ProviderResource
	// Protect sets Protect on the node's public address (and Azure's
	// resource group), which HAProxy and DNS point at.
	Protect bool
	// Rollout is the node's place in the rollout (NewNodes sets it).
	Rollout Rollout
}

// GcpNodeArgs configures NewGcpNode.
type GcpNodeArgs struct {
	Config   GcpConfig
	Region   string
	Provider pulumi.ProviderResource
	// Protect sets Protect on the node's public address (and Azure's
	// resource group), which HAProxy and DNS point at.
	Protect bool
	// Rollout is the node's place in the rollout (NewNodes sets it).
	Rollout Rollout
}

// AlicloudNodeArgs configures NewAlicloudNode.
type AlicloudNodeArgs struct {
	Config   AlicloudConfig
	Region   string
	Provider pulumi.ProviderResource
	// Protect sets Protect on the node's public address (and Azure's
	// resource group), which HAProxy and DNS point at.
	Protect bool
	// Rollout is the node's place in the rollout (NewNodes sets it).
	Rollout Rollout
}

// NodesArgs configures NewNodes: the four nodes' args (NewNodes sets their
// Rollout) and the rollout's health check.
type NodesArgs struct {
	Seoul    AwsNodeArgs
	London   AzureNodeArgs
	Oregon   GcpNodeArgs
	HongKong AlicloudNodeArgs
	// Check probes each node as the rollout goes; nil probes nothing.
	Check Check
}

// NewNodes declares the four nodes in rollout order (seoul, london, oregon,
// hongkong: the order HAProxy lists them), each node's disruptive step after
// the previous node's Ready, so that one update never has more than one
// node out of rotation. Every node's args are validated first: a bad one
// registers nothing.
func NewNodes(ctx *pulumi.Context, args *NodesArgs) ([]*Node, error) {
	if args == nil {
		return nil, errors.New("webnodes: args are required")
	}
	if err := errors.Join(args.Seoul.Validate(), args.London.Validate(), args.Oregon.Validate(), args.HongKong.Validate()); err != nil {
		return nil, fmt.Errorf("webnodes: %w", err)
	}
	declare := []func(Rollout) (*Node, error){
		func(r Rollout) (*Node, error) { a := args.Seoul; a.Rollout = r; return NewAwsNode(ctx, "seoul", &a) },
		func(r Rollout) (*Node, error) {
			a := args.London
			a.Rollout = r
			return NewAzureNode(ctx, "london", &a)
		},
		func(r Rollout) (*Node, error) { a := args.Oregon; a.Rollout = r; return NewGcpNode(ctx, "oregon", &a) },
		func(r Rollout) (*Node, error) {
			a := args.HongKong
			a.Rollout = r
			return NewAlicloudNode(ctx, "hongkong", &a)
		},
	}
	nodes := make([]*Node, 0, len(declare))
	r := Rollout{Check: args.Check}
	for _, d := range declare {
		n, err := d(r)
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
		r.After = n.Ready
	}
	return nodes, nil
}

// Validate checks the args: the node's config (with its full config keys),
// the region and the provider.
func (a *AwsNodeArgs) Validate() error {
	p := validate.Section("webNodes")
	a.Config.check(p)
	if len(a.Placement.SubnetIDs) == 0 {
		p.Addf("seoul", "the placement has no public subnet to put the instance in")
	}
	return argsErr(p, a.Region, a.Provider)
}

// Validate checks the args.
func (a *AzureNodeArgs) Validate() error {
	p := validate.Section("webNodes")
	a.Config.check(p, a.Location)
	return argsErr(p, a.Location, a.Provider)
}

// Validate checks the args.
func (a *GcpNodeArgs) Validate() error {
	p := validate.Section("webNodes")
	a.Config.check(p, a.Region)
	return argsErr(p, a.Region, a.Provider)
}

// Validate checks the args.
func (a *AlicloudNodeArgs) Validate() error {
	p := validate.Section("webNodes")
	a.Config.check(p, a.Region)
	return argsErr(p, a.Region, a.Provider)
}

func argsErr(p *validate.Problems, region string, provider pulumi.ProviderResource) error {
	var errs []error
	if region == "" {
		errs = append(errs, errors.New("the region is required"))
	}
	if provider == nil {
		errs = append(errs, errors.New("the region's provider is required"))
	}
	return errors.Join(append(errs, p.Err())...)
}

// register validates, then registers the component; nothing is registered
// when validation fails.
func register(ctx *pulumi.Context, typ, name string, n *Node, validate func() error, opts []pulumi.ResourceOption) error {
	if err := validate(); err != nil {
		return fmt.Errorf("webnode %s: %w", name, err)
	}
	if err := ctx.RegisterComponentResource(typ, name, n, opts...); err != nil {
		return fmt.Errorf("webnode %s: %w", name, err)
	}
	return nil
}

// finish registers the node's outputs. "serving" waits for Ready, so that
// the update waits for every node's check (the last node's Ready has no
// next node to wait for it) and fails if one never answers.
func (n *Node) finish(ctx *pulumi.Context, name string) error {
	if err := ctx.RegisterResourceOutputs(n, pulumi.Map{
		"label":    pulumi.String(n.Label),
		"region":   pulumi.String(n.Region),
		"zone":     pulumi.String(n.Zone),
		"port":     pulumi.Int(n.Port),
		"publicIp": n.PublicIP,
		"serving":  n.Ready.ApplyT(func(via []pulumi.Resource) bool { return len(via) > 0 }),
	}); err != nil {
		return fmt.Errorf("webnode %s: outputs: %w", name, err)
	}
	return nil
}

// Summary lists the nodes for operators and for the components that consume
// them: label, region, zone, port and public IP of each, in order.
func Summary(nodes []*Node) pulumi.MapArray {
	out := make(pulumi.MapArray, len(nodes))
	for i, n := range nodes {
		out[i] = pulumi.Map{
			"label":    pulumi.String(n.Label),
			"region":   pulumi.String(n.Region),
			"zone":     pulumi.String(n.Zone),
			"port":     pulumi.Int(n.Port),
			"publicIp": n.PublicIP,
		}
	}
	return out
}

// userData renders the boot script of a node.
func userData(c Common, pm PackageManager) (string, error) {
	return render(UserData{Label: c.Label, Port: c.Port, PackageManager: pm})
}

// render is the renderer every node uses; a test swaps it for one with a
// change, as a change to RenderUserData would be.
var render = RenderUserData
