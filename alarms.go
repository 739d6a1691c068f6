package main

import (
	"github.com/hybridlab/hybrid-cloud/gslb"
	"github.com/hybridlab/hybrid-cloud/internal/stackconfig"
	"github.com/hybridlab/hybrid-cloud/monitoring"
	"github.com/hybridlab/hybrid-cloud/vpn"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// newMonitoring hands the monitoring component what the VPN and gslb built:
// the tunnels, both sites' load balancers and every Route 53 health check.
func newMonitoring(ctx *pulumi.Context, cfg *stackconfig.Stack, p *providers, site *vpn.SiteToSite,
	failover *gslb.Failover) (*monitoring.Alarms, error) {
	c := cfg.Clouds
	regions := []monitoring.Region{{Name: c.AwsPrimaryRegion, Provider: p.seoul}, {Name: c.AwsSecondaryRegion, Provider: p.tokyo}}
	if p.usEast1 != p.seoul && p.usEast1 != p.tokyo {
		regions = append(regions, monitoring.Region{Name: monitoring.Route53MetricsRegion, Provider: p.usEast1})
	}
	args := &monitoring.AlarmsArgs{
		Config:          cfg.Monitoring,
		Regions:         regions,
		DashboardRegion: c.AwsPrimaryRegion,
		Protect:         cfg.Protect,
		Sites:           failover.Sites,
		HealthChecks:    failover.HealthChecks,
		VPN: monitoring.VPN{
			Region: c.AwsPrimaryRegion, Name: cfg.VPN.ConnectionName, ConnectionID: site.ConnectionID,
			Tunnel1Address: site.Tunnel1Address, Tunnel2Address: site.Tunnel2Address, LogGroupName: site.TunnelLogGroupName,
		},
	}
	return monitoring.NewAlarms(ctx, "monitoring", args)
}
