// Package webnodes declares the four regional web servers (AWS, Azure, GCP,
// Alibaba Cloud), each serving <h1>LABEL</h1> with Apache httpd.
package webnodes

import (
	"fmt"

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

	// Label is the node's name in HAProxy and in the page's <h1>.
	Label string
	// Region is where it runs (an AWS region, Azure location, ...).
	Region   string
	Port     int
	PublicIP pulumi.StringOutput
}

// AwsNodeArgs configures NewAwsNode.
type AwsNodeArgs struct {
	Config    AwsConfig
	Region    string
	Placement network.Placement
	Provider  pulumi.ProviderResource
}

// AzureNodeArgs configures NewAzureNode.
type AzureNodeArgs struct {
	Config   AzureConfig
	Location string
	Provider pulumi.ProviderResource
}

// GcpNodeArgs configures NewGcpNode.
type GcpNodeArgs struct {
	Config   GcpConfig
	Region   string
	Provider pulumi.ProviderResource
}

// AlicloudNodeArgs configures NewAlicloudNode.
type AlicloudNodeArgs struct {
	Config   AlicloudConfig
	Region   string
	Provider pulumi.ProviderResource
}

// TODO(webnodes issue): one file per cloud declaring the real resources.
func newNode(ctx *pulumi.Context, typ, name string, c Common, region string, opts []pulumi.ResourceOption) (*Node, error) {
	n := &Node{Label: c.Label, Region: region, Port: c.Port, PublicIP: pulumi.String("").ToStringOutput()}
	if err := ctx.RegisterComponentResource(typ, name, n, opts...); err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(n, pulumi.Map{"publicIp": n.PublicIP}); err != nil {
		return nil, fmt.Errorf("webnode %s: outputs: %w", name, err)
	}
	return n, nil
}

// NewAwsNode declares the Seoul node.
func NewAwsNode(ctx *pulumi.Context, name string, args *AwsNodeArgs, opts ...pulumi.ResourceOption) (*Node, error) {
	return newNode(ctx, AwsNodeType, name, args.Config.Common, args.Region, opts)
}

// NewAzureNode declares the london node.
func NewAzureNode(ctx *pulumi.Context, name string, args *AzureNodeArgs, opts ...pulumi.ResourceOption) (*Node, error) {
	return newNode(ctx, AzureNodeType, name, args.Config.Common, args.Location, opts)
}

// NewGcpNode declares the oregon node.
func NewGcpNode(ctx *pulumi.Context, name string, args *GcpNodeArgs, opts ...pulumi.ResourceOption) (*Node, error) {
	return newNode(ctx, GcpNodeType, name, args.Config.Common, args.Region, opts)
}

// NewAlicloudNode declares the hongkong node.
func NewAlicloudNode(ctx *pulumi.Context, name string, args *AlicloudNodeArgs, opts ...pulumi.ResourceOption) (*Node, error) {
	return newNode(ctx, AlicloudNodeType, name, args.Config.Common, args.Region, opts)
}
