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
	Zone     string
	Port     int
	PublicIP pulumi.StringOutput
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
}

// AzureNodeArgs configures NewAzureNode.
type AzureNodeArgs struct {
	Config   AzureConfig
	Location string
	Provider pulumi.ProviderResource
	// Protect sets Protect on the node's public address (and Azure's
	// resource group), which HAProxy and DNS point at.
	Protect bool
}

// GcpNodeArgs configures NewGcpNode.
type GcpNodeArgs struct {
	Config   GcpConfig
	Region   string
	Provider pulumi.ProviderResource
	// Protect sets Protect on the node's public address (and Azure's
	// resource group), which HAProxy and DNS point at.
	Protect bool
}

// AlicloudNodeArgs configures NewAlicloudNode.
type AlicloudNodeArgs struct {
	Config   AlicloudConfig
	Region   string
	Provider pulumi.ProviderResource
	// Protect sets Protect on the node's public address (and Azure's
	// resource group), which HAProxy and DNS point at.
	Protect bool
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

// finish registers the node's outputs.
func (n *Node) finish(ctx *pulumi.Context, name string) error {
	if err := ctx.RegisterResourceOutputs(n, pulumi.Map{
		"label":    pulumi.String(n.Label),
		"region":   pulumi.String(n.Region),
		"zone":     pulumi.String(n.Zone),
		"port":     pulumi.Int(n.Port),
		"publicIp": n.PublicIP,
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
	return RenderUserData(UserData{Label: c.Label, Port: c.Port, PackageManager: pm})
}
