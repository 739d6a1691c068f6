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
		VPN: monitoring.VPN{
			Region: c.AwsPrimaryRegion, Name: cfg.VPN.ConnectionName, ConnectionID: site.ConnectionID,
			Tunnel1Address: site.Tunnel1Address, Tunnel2Address: site.Tunnel2Address, LogGroupName: site.TunnelLogGroupName,
		},
	}
	for _, s := range failover.Sites {
		args.Sites = append(args.Sites, monitoring.Site{
			Key: s.Key, Region: s.Region,
			AlbName: s.AlbName, AlbArnSuffix: s.AlbArnSuffix,
			TargetGroupName: s.TargetGroupName, TargetGroupArnSuffix: s.TargetGroupArnSuffix,
			OnNoHealthyTarget: s.OnNoHealthyTarget,
		})
	}
	for _, h := range failover.HealthChecks {
		args.HealthChecks = append(args.HealthChecks, monitoring.HealthCheck{
			Key: h.Key, Name: h.Name, Target: h.Target, OnFailure: h.OnFailure, ID: h.ID,
		})
	}
	return monitoring.NewAlarms(ctx, "monitoring", args)
}
