// Command hybrid-cloud is the Pulumi program for the hybrid, multi-cloud lab:
// a site-to-site VPN from AWS Seoul to OpenStack, web nodes in four clouds,
// an HAProxy pair and Route 53 failover between ALBs in Seoul and Tokyo.
//
// `pulumi up` runs it for real; `go run . plan` runs it offline against a
// mock engine and prints what it would build.
package main

import (
	"fmt"
	"os"

	"github.com/hybridlab/hybrid-cloud/gslb"
	"github.com/hybridlab/hybrid-cloud/haproxy"
	"github.com/hybridlab/hybrid-cloud/internal/plan"
	"github.com/hybridlab/hybrid-cloud/internal/stackconfig"
	"github.com/hybridlab/hybrid-cloud/network"
	"github.com/hybridlab/hybrid-cloud/vpn"
	"github.com/hybridlab/hybrid-cloud/webnodes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "plan" {
		os.Exit(plan.Main(program, os.Args[2:], os.Stdout, os.Stderr))
	}
	probeWebNodes = true
	pulumi.Run(program)
}

// probeWebNodes is set for a run by the Pulumi CLI: only then does a rollout
// probe the web nodes over HTTP (never in the offline plan or in tests,
// whose addresses are made up).
var probeWebNodes bool

// program reads config, builds providers, composes the components and exports
// the operators' outputs.
func program(ctx *pulumi.Context) error {
	cfg, err := stackconfig.Load(ctx)
	if err != nil {
		return err
	}
	p, err := newProviders(ctx, cfg.Clouds)
	if err != nil {
		return err
	}
	c := cfg.Clouds

	vpc, err := network.NewVpc(ctx, "my-vpc", &network.VpcArgs{
		Config: cfg.Network, Region: c.AwsPrimaryRegion, Provider: p.seoul, Protect: cfg.Protect,
	})
	if err != nil {
		return err
	}
	site, err := vpn.NewSiteToSite(ctx, "vpn", &vpn.SiteToSiteArgs{
		Config:            cfg.VPN,
		VpcID:             vpc.VpcID,
		VpcCidr:           vpc.Cidr,
		RouteTableIDs:     vpc.RouteTableIDs,
		AWSProvider:       p.seoul,
		OpenStackProvider: p.openstack,
		Protect:           cfg.Protect,
		TunnelLogs:        &vpn.TunnelLogs{RetentionDays: cfg.Monitoring.LogRetention()},
	})
	if err != nil {
		return err
	}

	nodes, err := newWebNodes(ctx, cfg, p, vpc.Public())
	if err != nil {
		return err
	}
	backends := make([]haproxy.Backend, len(nodes))
	wwwNodes := make([]gslb.WebNode, len(nodes))
	nodeIPMap := pulumi.StringMap{}
	serverNames := cfg.HAProxy.ServerNames.InOrder()
	for i, n := range nodes {
		backends[i] = haproxy.Backend{Name: serverNames[i], Address: n.PublicIP, Port: n.Port}
		wwwNodes[i] = gslb.WebNode{Key: n.Key, Label: n.Label, Address: n.PublicIP, Port: n.Port}
		nodeIPMap[n.Label] = n.PublicIP
	}

	tokyoNet, err := network.LookupDefault(ctx, p.tokyo, c.AwsSecondaryZones)
	if err != nil {
		return fmt.Errorf("%s: %w", c.AwsSecondaryRegion, err)
	}
	// The ALBs and their target groups come first: each region's HAProxy
	// group registers its instance in its target group.
	failover, err := gslb.NewFailover(ctx, "gslb", &gslb.FailoverArgs{
		Config: cfg.GSLB,
		Primary: gslb.Site{
			Region: c.AwsPrimaryRegion, Placement: vpc.Public(), Provider: p.seoul,
			LivenessPath: haproxy.LivenessPath, ReadinessPath: haproxy.ReadinessPath,
		},
		Secondary: gslb.Site{
			Region: c.AwsSecondaryRegion, Placement: tokyoNet, Provider: p.tokyo,
			LivenessPath: haproxy.LivenessPath, ReadinessPath: haproxy.ReadinessPath,
		},
		WebNodes: wwwNodes,
		Protect:  cfg.Protect,
	})
	if err != nil {
		return err
	}
	pair, err := haproxy.NewPair(ctx, "haproxy", &haproxy.PairArgs{
		Config:   cfg.HAProxy,
		Backends: backends,
		Seoul:    haproxySite(c.AwsPrimaryRegion, vpc.Public(), p.seoul, failover.PrimaryBackend),
		Tokyo:    haproxySite(c.AwsSecondaryRegion, tokyoNet, p.tokyo, failover.SecondaryBackend),
	})
	if err != nil {
		return err
	}
	alarms, err := newMonitoring(ctx, cfg, p, site, failover)
	if err != nil {
		return err
	}

	ctx.Export("vpcId", vpc.VpcID)
	ctx.Export("vpnConnectionId", site.ConnectionID)
	ctx.Export("vpnTunnel1Address", site.Tunnel1Address)
	ctx.Export("vpnTunnel2Address", site.Tunnel2Address)
	ctx.Export("libreswanConf", site.LibreswanConf)
	ctx.Export("libreswanSecrets", pulumi.ToSecret(site.LibreswanSecrets))
	ctx.Export("libreswanSysctl", site.Sysctl)
	ctx.Export("libreswanTunnelScript", site.TunnelScript)
	ctx.Export("libreswanTunnelService", site.TunnelService)
	ctx.Export("vpnGatewayIp", site.GatewayIP)
	ctx.Export("webNodeIps", nodeIPMap)
	ctx.Export("webNodes", webnodes.Summary(nodes))
	ctx.Export("haproxySeoulGroup", pair.Seoul.Name)
	ctx.Export("haproxyTokyoGroup", pair.Tokyo.Name)
	ctx.Export("haproxyConfig", pair.Config)
	ctx.Export("seoulAlbDnsName", failover.PrimaryAlbDNSName)
	ctx.Export("tokyoAlbDnsName", failover.SecondaryAlbDNSName)
	ctx.Export("gslbFqdn", failover.FQDN)
	ctx.Export("activeHealthCheckId", failover.PrimaryHealthCheckID)
	ctx.Export("passiveHealthCheckId", failover.SecondaryHealthCheckID)
	ctx.Export("certificateArns", failover.CertificateArns)
	ctx.Export("failoverWorstCaseSeconds", pulumi.Int(failover.WorstCaseFailoverSeconds))
	ctx.Export("dashboardUrl", alarms.DashboardURL)
	ctx.Export("alarmTopicArns", alarms.TopicArns)
	return nil
}

// newWebNodes declares the four web nodes, in the order HAProxy lists them
// (haproxy.ServerNames.InOrder), which is the order they roll in.
func newWebNodes(ctx *pulumi.Context, cfg *stackconfig.Stack, p *providers, seoulNet network.Placement) ([]*webnodes.Node, error) {
	c, w := cfg.Clouds, cfg.WebNodes
	var check webnodes.Check
	if probeWebNodes {
		check = w.Rollout.Check()
	}
	return webnodes.NewNodes(ctx, &webnodes.NodesArgs{
		Seoul: webnodes.AwsNodeArgs{
			Config: w.Seoul, Region: c.AwsPrimaryRegion, Placement: seoulNet, Provider: p.seoul, Protect: cfg.Protect,
		},
		London:   webnodes.AzureNodeArgs{Config: w.London, Location: c.AzureLocation, Provider: p.azure, Protect: cfg.Protect},
		Oregon:   webnodes.GcpNodeArgs{Config: w.Oregon, Region: c.GcpRegion, Provider: p.gcp, Protect: cfg.Protect},
		HongKong: webnodes.AlicloudNodeArgs{Config: w.HongKong, Region: c.AlicloudRegion, Provider: p.alicloud, Protect: cfg.Protect},
		Check:    check,
	})
}

// haproxySite is one region's place for HAProxy, behind that region's ALB.
func haproxySite(region string, placement network.Placement, provider pulumi.ProviderResource, b gslb.Backend) haproxy.Site {
	return haproxy.Site{
		Region: region, Placement: placement, Provider: provider,
		TargetGroupArn: b.TargetGroupArn, Listener: b.Listener, AlbSecurityGroupID: b.SecurityGroupID,
		IngressAliases: []pulumi.Alias{b.IngressAlias}, EgressAliases: []pulumi.Alias{b.EgressAlias},
	}
}
