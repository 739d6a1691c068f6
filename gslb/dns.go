package gslb

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// simpleTTL is the simple record's TTL: a web node that goes away stays in
// resolvers' caches for at most this long.
const simpleTTL = 60

// zoneRef is the hosted zone and the provider that reaches Route 53 (a
// global service, so any region's provider; the primary's is used).
type zoneRef struct {
	id       pulumi.StringInput
	name     string
	provider pulumi.ProviderResource
	// protect guards every record and health check: deleting or replacing
	// one takes a name or a failover path away from clients.
	protect bool
}

func (z zoneRef) opts(parent pulumi.Resource, more ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append([]pulumi.ResourceOption{pulumi.Parent(parent), pulumi.Provider(z.provider), pulumi.Protect(z.protect)}, more...)
}

// lookupZone finds the public hosted zone by name.
func lookupZone(ctx *pulumi.Context, parent pulumi.Resource, name string, provider pulumi.ProviderResource) (zoneRef, error) {
	zone, err := route53.LookupZone(ctx, &route53.LookupZoneArgs{
		Name:        pulumi.StringRef(name),
		PrivateZone: pulumi.BoolRef(false),
	}, pulumi.Parent(parent), pulumi.Provider(provider))
	if err != nil {
		return zoneRef{}, err
	}
	return zoneRef{id: pulumi.String(zone.ZoneId), name: name, provider: provider}, nil
}

// aliasTo is an alias target on a load balancer.
func aliasTo(b *alb, evaluateTargetHealth bool) route53.RecordAliasArray {
	return route53.RecordAliasArray{&route53.RecordAliasArgs{
		Name:                 b.lb.DnsName,
		ZoneId:               b.lb.ZoneId,
		EvaluateTargetHealth: pulumi.Bool(evaluateTargetHealth),
	}}
}

// dnsSite is one region's DNS: its own name, health check and failover record.
type dnsSite struct {
	role      string
	fqdn      string
	alb       *alb
	checkName string
	setID     string
	failover  string
}

// newSiteDNS declares the site's alias record (seoul.<zone> -> its ALB), the
// health check that probes that name over HTTPS, and the site's half of the
// failover pair on the failover name. It returns the health check.
func newSiteDNS(ctx *pulumi.Context, parent pulumi.Resource, name string, zone zoneRef, c Config,
	healthPath string, s dnsSite) (*route53.HealthCheck, *route53.Record, error) {
	name = name + "-" + s.role
	// The health check, not this record, judges the site: evaluating target
	// health here would only hide the ALB when the checkers should see it fail.
	alias, err := route53.NewRecord(ctx, name+"-alias", &route53.RecordArgs{
		ZoneId:  zone.id,
		Name:    pulumi.String(s.fqdn),
		Type:    pulumi.String("A"),
		Aliases: aliasTo(s.alb, false),
	}, zone.opts(parent)...)
	if err != nil {
		return nil, nil, fmt.Errorf("alias record %s: %w", s.fqdn, err)
	}

	// Probing starts once the name resolves and the listener answers, so
	// that a fresh stack does not begin with a failing check.
	check, err := route53.NewHealthCheck(ctx, name+"-health", &route53.HealthCheckArgs{
		Type:             pulumi.String("HTTPS"),
		Fqdn:             pulumi.String(s.fqdn),
		Port:             pulumi.Int(httpsPort),
		ResourcePath:     pulumi.String(healthPath),
		RequestInterval:  pulumi.Int(c.HealthCheck.IntervalSeconds),
		FailureThreshold: pulumi.Int(c.HealthCheck.FailureThreshold),
		EnableSni:        pulumi.Bool(true),
		Tags:             pulumi.StringMap{"Name": pulumi.String(s.checkName)},
	}, zone.opts(parent, pulumi.DependsOn([]pulumi.Resource{alias, s.alb.https}))...)
	if err != nil {
		return nil, nil, fmt.Errorf("health check %s: %w", s.checkName, err)
	}

	record, err := route53.NewRecord(ctx, name+"-failover", &route53.RecordArgs{
		ZoneId:        zone.id,
		Name:          pulumi.String(c.failoverFQDN()),
		Type:          pulumi.String("A"),
		SetIdentifier: pulumi.String(s.setID),
		FailoverRoutingPolicies: route53.RecordFailoverRoutingPolicyArray{&route53.RecordFailoverRoutingPolicyArgs{
			Type: pulumi.String(s.failover),
		}},
		HealthCheckId: check.ID(),
		// Also fail over when the ALB has no healthy HAProxy behind it.
		Aliases: aliasTo(s.alb, true),
	}, zone.opts(parent)...)
	if err != nil {
		return nil, nil, fmt.Errorf("failover record %s %s: %w", c.failoverFQDN(), s.setID, err)
	}
	return check, record, nil
}

// newSimpleRecord declares the note's simple-routing A record: every web
// node's address, which resolvers hand out in turn.
func newSimpleRecord(ctx *pulumi.Context, parent pulumi.Resource, name string, zone zoneRef, fqdn string,
	ips []pulumi.StringOutput) (*route53.Record, error) {
	records := pulumi.StringArray{}
	for _, ip := range ips {
		records = append(records, ip)
	}
	rec, err := route53.NewRecord(ctx, name+"-simple", &route53.RecordArgs{
		ZoneId:  zone.id,
		Name:    pulumi.String(fqdn),
		Type:    pulumi.String("A"),
		Ttl:     pulumi.Int(simpleTTL),
		Records: records,
	}, zone.opts(parent)...)
	if err != nil {
		return nil, fmt.Errorf("simple record %s: %w", fqdn, err)
	}
	return rec, nil
}
