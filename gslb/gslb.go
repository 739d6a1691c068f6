// Package gslb declares global failover: an ALB in each AWS region in front
// of its HAProxy, ACM certificates, Route 53 health checks and failover records.
package gslb

import (
	"fmt"

	"github.com/hybridlab/hybrid-cloud/network"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// FailoverType is the type token of the Failover component.
const FailoverType = "hybrid:gslb:Failover"

// Site is one region's ALB placement and the HAProxy behind it.
type Site struct {
	Region    string
	Placement network.Placement
	Provider  pulumi.ProviderResource
	// TargetInstanceID is the HAProxy instance; TargetSecurityGroupID its
	// group, which gets port 80 from the ALB's group.
	TargetInstanceID      pulumi.StringOutput
	TargetSecurityGroupID pulumi.StringOutput
	// HealthPath is HAProxy's health URI.
	HealthPath string
}

// FailoverArgs configures NewFailover.
type FailoverArgs struct {
	Config     Config
	Primary    Site
	Secondary  Site
	WebNodeIPs []pulumi.StringOutput
}

// Failover is the ALBs, certificates, health checks and records.
type Failover struct {
	pulumi.ResourceState

	PrimaryAlbDNSName      pulumi.StringOutput
	SecondaryAlbDNSName    pulumi.StringOutput
	FQDN                   pulumi.StringOutput
	PrimaryHealthCheckID   pulumi.StringOutput
	SecondaryHealthCheckID pulumi.StringOutput
	CertificateArns        pulumi.StringArrayOutput
	// WorstCaseFailoverSeconds is detection time plus the alias TTL.
	WorstCaseFailoverSeconds int
}

// NewFailover declares global failover. TODO(gslb issue): declare the resources.
func NewFailover(ctx *pulumi.Context, name string, args *FailoverArgs, opts ...pulumi.ResourceOption) (*Failover, error) {
	if err := args.Config.Validate(); err != nil {
		return nil, fmt.Errorf("gslb %s: %w", name, err)
	}
	f := &Failover{}
	if err := ctx.RegisterComponentResource(FailoverType, name, f, opts...); err != nil {
		return nil, err
	}
	empty := pulumi.String("").ToStringOutput()
	f.PrimaryAlbDNSName, f.SecondaryAlbDNSName, f.FQDN = empty, empty, empty
	f.PrimaryHealthCheckID, f.SecondaryHealthCheckID = empty, empty
	f.CertificateArns = pulumi.StringArray{}.ToStringArrayOutput()
	if err := ctx.RegisterResourceOutputs(f, pulumi.Map{}); err != nil {
		return nil, fmt.Errorf("gslb %s: outputs: %w", name, err)
	}
	return f, nil
}
