package gslb

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// WebNode is one web server behind the simple record.
type WebNode struct {
	// Key names the node's resources here (seoul, london, ...): it never
	// changes, so a new label updates the check's tag and the record's set
	// identifier in place instead of replacing them (which a protected
	// stack would refuse).
	Key string
	// Label is the node's <h1> text (SEOUL, ...): the check's Name tag and
	// the multivalue record's set identifier.
	Label   string
	Address pulumi.StringOutput
	Port    int
}

// HealthCheckRef is one Route 53 health check gslb declares, for the
// alarms and the dashboard.
type HealthCheckRef struct {
	// Key is unique and safe in resource names: seoul, tokyo, web-seoul, ...
	Key string
	// Name is the check's Name tag in the console: active, passive, web-SEOUL.
	Name string
	// Target says, for people, what it probes.
	Target string
	// OnFailure says what the stack has already done (or cannot do) when
	// the check fails, for the alarm's text.
	OnFailure string
	ID        pulumi.StringOutput
}

// Web node health checks probe what clients of the simple record reach:
// the node's own address and port, over plain HTTP, the page at "/".
const (
	webCheckType = "HTTP"
	webCheckPath = "/"
)

// webNodeOnFailure is what a failing web node check means for clients.
func (c Config) webNodeOnFailure(label string) string {
	if c.simpleRouting() == RoutingMultivalue {
		return fmt.Sprintf("%s stops listing %s's address (multivalue routing); HAProxy has already taken it out of both pools", c.simpleFQDN(), label)
	}
	return fmt.Sprintf("HAProxy has already taken %s out of both pools, but %s still lists its address (simple routing): clients that pick it get no page", label, c.simpleFQDN())
}

// webCheckName is a node check's Name tag: web-<label>, and the stack's
// name suffix (Config.NameSuffix), so two stacks' checks differ.
func (c Config) webCheckName(label string) string { return "web-" + label + c.NameSuffix }

// newWebNodeChecks declares one Route 53 HTTP health check per web node on
// its public address and port: the one checker that sees all four clouds
// from outside, and what a multivalue record needs to skip a dead node.
func newWebNodeChecks(ctx *pulumi.Context, parent pulumi.Resource, name string, zone zoneRef, c Config,
	nodes []WebNode) ([]*route53.HealthCheck, error) {
	checks := make([]*route53.HealthCheck, len(nodes))
	for i, n := range nodes {
		check, err := route53.NewHealthCheck(ctx, fmt.Sprintf("%s-web-%s-health", name, n.Key), &route53.HealthCheckArgs{
			Type:             pulumi.String(webCheckType),
			IpAddress:        n.Address,
			Port:             pulumi.Int(n.Port),
			ResourcePath:     pulumi.String(webCheckPath),
			RequestInterval:  pulumi.Int(c.HealthCheck.IntervalSeconds),
			FailureThreshold: pulumi.Int(c.HealthCheck.FailureThreshold),
			Tags:             pulumi.StringMap{"Name": pulumi.String(c.webCheckName(n.Label))},
		}, zone.opts(parent)...)
		if err != nil {
			return nil, fmt.Errorf("health check %s: %w", c.webCheckName(n.Label), err)
		}
		checks[i] = check
	}
	return checks, nil
}

// newWWW declares the simple record's name: the note's one A record with
// every node ("simple"), or one multivalue-answer record per node tied to
// that node's health check ("multivalue"), so that Route 53 stops handing
// out a dead node's address. It returns the record set's FQDN.
func newWWW(ctx *pulumi.Context, parent pulumi.Resource, name string, zone zoneRef, c Config,
	nodes []WebNode, checks []*route53.HealthCheck) (pulumi.StringOutput, error) {
	fqdn := c.simpleFQDN()
	if c.simpleRouting() == RoutingSimple {
		ips := make([]pulumi.StringOutput, len(nodes))
		for i, n := range nodes {
			ips[i] = n.Address
		}
		rec, err := newSimpleRecord(ctx, parent, name, zone, fqdn, ips)
		if err != nil {
			return pulumi.StringOutput{}, err
		}
		return rec.Fqdn, nil
	}
	var out pulumi.StringOutput
	for i, n := range nodes {
		rec, err := route53.NewRecord(ctx, fmt.Sprintf("%s-www-%s", name, n.Key), &route53.RecordArgs{
			ZoneId:                        zone.id,
			Name:                          pulumi.String(fqdn),
			Type:                          pulumi.String("A"),
			Ttl:                           pulumi.Int(simpleTTL),
			Records:                       pulumi.StringArray{n.Address},
			SetIdentifier:                 pulumi.String(n.Label),
			MultivalueAnswerRoutingPolicy: pulumi.Bool(true),
			HealthCheckId:                 checks[i].ID(),
		}, zone.opts(parent)...)
		if err != nil {
			return pulumi.StringOutput{}, fmt.Errorf("multivalue record %s %s: %w", fqdn, n.Label, err)
		}
		out = rec.Fqdn
	}
	return out, nil
}
