// Package gslb declares global failover: an ALB in each AWS region in front
// of its HAProxy, ACM certificates, Route 53 health checks and failover records.
package gslb

import (
	"errors"
	"fmt"

	"github.com/hybridlab/hybrid-cloud/network"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// FailoverType is the type token of the Failover component.
const FailoverType = "hybrid:gslb:Failover"

// Site is one region's ALB placement and what its targets answer.
type Site struct {
	Region    string
	Placement network.Placement
	Provider  pulumi.ProviderResource
	// LivenessPath is what the target group checks on each HAProxy (and so
	// what decides whether its Auto Scaling group replaces it): answered
	// while HAProxy runs. ReadinessPath is what the site's Route 53 check
	// fetches through the ALB: it fails while the site has no web node to
	// send clients to. Both are HAProxy's (haproxy.LivenessPath,
	// haproxy.ReadinessPath).
	LivenessPath, ReadinessPath string
}

// Backend is what the tier behind one ALB needs: the target group its Auto
// Scaling group registers in, the listener that forwards to it, and the
// ALB's security group, which that tier lets in to its own. The tier
// declares the two rules between the groups; IngressAlias and EgressAlias
// are the identities they had when this component declared them, so that a
// stack updated across that change moves the rules instead of recreating
// them.
type Backend struct {
	TargetGroupArn pulumi.StringOutput
	// Listener is the HTTPS listener, the only one that forwards to the
	// target group. The target group checks no target until a listener
	// forwards to it, and the listener exists only once ACM has issued the
	// certificate: whoever waits for a healthy target must wait for this.
	Listener        pulumi.Resource
	SecurityGroupID pulumi.StringOutput
	IngressAlias    pulumi.Alias
	EgressAlias     pulumi.Alias
}

// FailoverArgs configures NewFailover.
type FailoverArgs struct {
	Config Config
	// Primary is Seoul (seoul-alb, health check active); Secondary is Tokyo.
	// Route 53 is global and is reached through the primary's provider.
	Primary   Site
	Secondary Site
	// WebNodes are the simple record's nodes; each also gets a health check.
	WebNodes []WebNode
	// Protect sets Protect on what holds state or an address others use:
	// the certificates and every Route 53 record and health check.
	Protect bool
}

// Failover is the ALBs, certificates, health checks and records.
type Failover struct {
	pulumi.ResourceState

	PrimaryAlbDNSName      pulumi.StringOutput
	SecondaryAlbDNSName    pulumi.StringOutput
	FQDN                   pulumi.StringOutput
	PrimaryHealthCheckID   pulumi.StringOutput
	SecondaryHealthCheckID pulumi.StringOutput
	// CertificateArns are the primary's and the secondary's certificates,
	// known once ACM has issued them.
	CertificateArns pulumi.StringArrayOutput
	// WorstCaseFailoverSeconds is detection time plus the alias TTL; see
	// WorstCaseFailover for the parts.
	WorstCaseFailoverSeconds int
	// PrimaryBackend and SecondaryBackend are what each region's HAProxy
	// tier serves behind.
	PrimaryBackend, SecondaryBackend Backend

	// Sites are the primary's and the secondary's load balancer, for the
	// alarms and the dashboard.
	Sites []SiteRef
	// HealthChecks are every health check declared here: Seoul's (active),
	// Tokyo's (passive), then one per web node in WebNodes' order.
	HealthChecks []HealthCheckRef
}

// readinessTarget says, for the alarm's text, what a site's check probes and
// when it fails.
func readinessTarget(fqdn, path, albName string) string {
	return fmt.Sprintf("https://%s%s, HAProxy's readiness through %s: fails when the ALB or HAProxy does not answer, or HAProxy has no web node in rotation", fqdn, path, albName)
}

// SiteRef is one region's load balancer and target group as CloudWatch
// names them.
type SiteRef struct {
	// Key is seoul or tokyo.
	Key    string
	Region string
	// The ARN suffixes are CloudWatch's LoadBalancer and TargetGroup dimensions.
	AlbName              string
	AlbArnSuffix         pulumi.StringOutput
	TargetGroupName      string
	TargetGroupArnSuffix pulumi.StringOutput
	// OnNoHealthyTarget says what Route 53 has already done when the
	// target group has no healthy target, for the alarm's text.
	OnNoHealthyTarget string
}

// NewFailover declares, per region, an ACM certificate and an ALB in front of
// that region's HAProxy, and in Route 53 the validation records, an alias
// name and a health check per ALB, the failover pair and the simple record.
func NewFailover(ctx *pulumi.Context, name string, args *FailoverArgs, opts ...pulumi.ResourceOption) (*Failover, error) {
	if err := errors.Join(args.validate(), checkAutoNames(name, "seoul", "tokyo")); err != nil {
		return nil, fmt.Errorf("gslb %s: %w", name, err)
	}
	c := args.Config
	f := &Failover{}
	if err := ctx.RegisterComponentResource(FailoverType, name, f, opts...); err != nil {
		return nil, err
	}

	zone, err := lookupZone(ctx, f, c.ZoneName, args.Primary.Provider)
	if err != nil {
		return nil, fmt.Errorf("gslb %s: hosted zone %s: %w", name, c.ZoneName, err)
	}
	zone.protect = args.Protect

	specs := []certSpec{
		{role: "seoul", site: args.Primary, domains: []string{c.seoulFQDN(), c.failoverFQDN()}},
		{role: "tokyo", site: args.Secondary, domains: []string{c.tokyoFQDN(), c.failoverFQDN()}},
	}
	validations, err := newCertificates(ctx, f, name, zone, specs)
	if err != nil {
		return nil, fmt.Errorf("gslb %s: %w", name, err)
	}

	seoulALB, err := newALB(ctx, f, name, albArgs{
		role: "seoul", site: args.Primary, albName: c.SeoulAlbName, targetGroup: c.SeoulTargetGroupName,
		securityGroup: c.SecurityGroupName, certificateArn: validations[0].CertificateArn,
	})
	if err != nil {
		return nil, fmt.Errorf("gslb %s: %s: %w", name, args.Primary.Region, err)
	}
	tokyoALB, err := newALB(ctx, f, name, albArgs{
		role: "tokyo", site: args.Secondary, albName: c.TokyoAlbName, targetGroup: c.TokyoTargetGroupName,
		securityGroup: c.SecurityGroupName, certificateArn: validations[1].CertificateArn,
	})
	if err != nil {
		return nil, fmt.Errorf("gslb %s: %s: %w", name, args.Secondary.Region, err)
	}

	active, primary, err := newSiteDNS(ctx, f, name, zone, c, args.Primary.ReadinessPath, dnsSite{
		role: "seoul", fqdn: c.seoulFQDN(), alb: seoulALB,
		checkName: c.SeoulHealthCheckName, setID: c.SeoulSetID, failover: "PRIMARY",
	})
	if err != nil {
		return nil, fmt.Errorf("gslb %s: %w", name, err)
	}
	passive, _, err := newSiteDNS(ctx, f, name, zone, c, args.Secondary.ReadinessPath, dnsSite{
		role: "tokyo", fqdn: c.tokyoFQDN(), alb: tokyoALB,
		checkName: c.TokyoHealthCheckName, setID: c.TokyoSetID, failover: "SECONDARY",
	})
	if err != nil {
		return nil, fmt.Errorf("gslb %s: %w", name, err)
	}
	nodeChecks, err := newWebNodeChecks(ctx, f, name, zone, c, args.WebNodes)
	if err != nil {
		return nil, fmt.Errorf("gslb %s: %w", name, err)
	}
	simpleFQDN, err := newWWW(ctx, f, name, zone, c, args.WebNodes, nodeChecks)
	if err != nil {
		return nil, fmt.Errorf("gslb %s: %w", name, err)
	}

	f.PrimaryAlbDNSName = seoulALB.lb.DnsName
	f.SecondaryAlbDNSName = tokyoALB.lb.DnsName
	f.FQDN = primary.Fqdn
	f.PrimaryHealthCheckID = active.ID().ToStringOutput()
	f.SecondaryHealthCheckID = passive.ID().ToStringOutput()
	f.CertificateArns = pulumi.StringArray{validations[0].CertificateArn, validations[1].CertificateArn}.ToStringArrayOutput()
	f.WorstCaseFailoverSeconds = WorstCaseFailover(c.HealthCheck).Total
	f.PrimaryBackend = seoulALB.backend(f, name, "seoul")
	f.SecondaryBackend = tokyoALB.backend(f, name, "tokyo")
	// The failover records evaluate target health: an empty target group
	// takes its region out of the answer without waiting for the checks.
	f.Sites = []SiteRef{{
		Key: "seoul", Region: args.Primary.Region,
		AlbName: c.SeoulAlbName, AlbArnSuffix: seoulALB.lb.ArnSuffix,
		TargetGroupName: c.SeoulTargetGroupName, TargetGroupArnSuffix: seoulALB.targetGroup.ArnSuffix,
		OnNoHealthyTarget: fmt.Sprintf("%s evaluates target health, so Route 53 already answers with Tokyo (the SECONDARY)", c.failoverFQDN()),
	}, {
		Key: "tokyo", Region: args.Secondary.Region,
		AlbName: c.TokyoAlbName, AlbArnSuffix: tokyoALB.lb.ArnSuffix,
		TargetGroupName: c.TokyoTargetGroupName, TargetGroupArnSuffix: tokyoALB.targetGroup.ArnSuffix,
		OnNoHealthyTarget: fmt.Sprintf("nothing changes for clients while Seoul is healthy, but %s has no SECONDARY left to fail over to", c.failoverFQDN()),
	}}
	f.HealthChecks = []HealthCheckRef{{
		Key: "seoul", Name: c.SeoulHealthCheckName, Target: readinessTarget(c.seoulFQDN(), args.Primary.ReadinessPath, c.SeoulAlbName),
		OnFailure: fmt.Sprintf("%s (PRIMARY, %s) fails over: clients resolve Tokyo within %d s", c.failoverFQDN(), c.SeoulSetID, f.WorstCaseFailoverSeconds),
		ID:        f.PrimaryHealthCheckID,
	}, {
		Key: "tokyo", Name: c.TokyoHealthCheckName, Target: readinessTarget(c.tokyoFQDN(), args.Secondary.ReadinessPath, c.TokyoAlbName),
		OnFailure: fmt.Sprintf("%s has no working SECONDARY (%s): should Seoul fail too, Route 53 keeps answering with Seoul", c.failoverFQDN(), c.TokyoSetID),
		ID:        f.SecondaryHealthCheckID,
	}}
	for i, n := range args.WebNodes {
		f.HealthChecks = append(f.HealthChecks, HealthCheckRef{
			Key: "web-" + n.Key, Name: c.webCheckName(n.Label),
			Target:    fmt.Sprintf("web node %s: %s on its public address, port %d, path %s", n.Label, webCheckType, n.Port, webCheckPath),
			OnFailure: c.webNodeOnFailure(n.Label),
			ID:        nodeChecks[i].ID().ToStringOutput(),
		})
	}
	if err := ctx.RegisterResourceOutputs(f, pulumi.Map{
		"primaryAlbDnsName":        f.PrimaryAlbDNSName,
		"secondaryAlbDnsName":      f.SecondaryAlbDNSName,
		"fqdn":                     f.FQDN,
		"simpleFqdn":               simpleFQDN,
		"primaryHealthCheckId":     f.PrimaryHealthCheckID,
		"secondaryHealthCheckId":   f.SecondaryHealthCheckID,
		"certificateArns":          f.CertificateArns,
		"worstCaseFailoverSeconds": pulumi.Int(f.WorstCaseFailoverSeconds),
		"primaryTargetGroupArn":    f.PrimaryBackend.TargetGroupArn,
		"secondaryTargetGroupArn":  f.SecondaryBackend.TargetGroupArn,
	}); err != nil {
		return nil, fmt.Errorf("gslb %s: outputs: %w", name, err)
	}
	return f, nil
}
