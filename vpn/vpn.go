// Package vpn declares the site-to-site VPN between the AWS VPC and the
// OpenStack site, and renders the on-prem Libreswan files from its outputs.
package vpn

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// SiteToSiteType is the type token of the SiteToSite component.
const SiteToSiteType = "hybrid:vpn:SiteToSite"

// SiteToSiteArgs configures NewSiteToSite.
type SiteToSiteArgs struct {
	Config Config
	// VpcID and VpcCidr are the AWS side (MY-VPC).
	VpcID   pulumi.StringInput
	VpcCidr string
	// RouteTableIDs each get a route to OnPremCidr via the VGW.
	RouteTableIDs []pulumi.StringOutput
	// AWSProvider is the VPC's region; OpenStackProvider the on-prem cloud.
	AWSProvider       pulumi.ProviderResource
	OpenStackProvider pulumi.ProviderResource
}

// SiteToSite is the VPN and what the on-prem gateway needs to join it.
type SiteToSite struct {
	pulumi.ResourceState

	ConnectionID   pulumi.StringOutput
	Tunnel1Address pulumi.StringOutput
	Tunnel2Address pulumi.StringOutput
	// LibreswanConf is /etc/ipsec.d/aws.conf; LibreswanSecrets (secret) is
	// /etc/ipsec.d/aws.secrets; Sysctl is the gateway's sysctl drop-in.
	LibreswanConf    pulumi.StringOutput
	LibreswanSecrets pulumi.StringOutput
	Sysctl           pulumi.StringOutput
}

func (a *SiteToSiteArgs) validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	var errs []error
	if a.AWSProvider == nil || a.OpenStackProvider == nil {
		errs = append(errs, errors.New("both the AWS and the OpenStack provider are required"))
	}
	if a.VpcID == nil || len(a.RouteTableIDs) == 0 {
		errs = append(errs, errors.New("the VPC and at least one route table are required"))
	}
	errs = append(errs, a.Config.Validate(a.VpcCidr))
	return errors.Join(errs...)
}

// NewSiteToSite declares the VPN. TODO(vpn issue): declare the resources.
func NewSiteToSite(ctx *pulumi.Context, name string, args *SiteToSiteArgs, opts ...pulumi.ResourceOption) (*SiteToSite, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("vpn %s: %w", name, err)
	}
	s := &SiteToSite{}
	if err := ctx.RegisterComponentResource(SiteToSiteType, name, s, opts...); err != nil {
		return nil, err
	}
	empty := pulumi.String("").ToStringOutput()
	s.ConnectionID, s.Tunnel1Address, s.Tunnel2Address = empty, empty, empty
	s.LibreswanConf, s.LibreswanSecrets, s.Sysctl = empty, pulumi.ToSecret(empty).(pulumi.StringOutput), empty
	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{}); err != nil {
		return nil, fmt.Errorf("vpn %s: outputs: %w", name, err)
	}
	return s, nil
}

func parseRemote(cidr string) (netip.Prefix, error) {
	return netip.ParsePrefix(cidr)
}
