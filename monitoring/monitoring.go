// Package monitoring tells operators when a failover point fires: the VPN
// tunnels, each region's ALB and target group, and every Route 53 health
// check get a CloudWatch alarm in the region where its metric lives, which
// notifies that region's SNS topic; one dashboard in the primary region
// shows all of them side by side.
//
// The dashboard body is rendered by a pure function (RenderDashboard) of
// plain values; the alarms are listed by alarmSpecs before any is declared.
package monitoring

import (
	"errors"
	"fmt"
	"regexp"
	"slices"

	"github.com/hybridlab/hybrid-cloud/gslb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AlarmsType is the type token of the Alarms component.
const AlarmsType = "hybrid:monitoring:Alarms"

// Route53MetricsRegion is the only region where Route 53 publishes health
// check metrics, so the only one whose alarms can watch them.
const Route53MetricsRegion = "us-east-1"

// Region is an AWS region and the provider that reaches it.
type Region struct {
	Name     string
	Provider pulumi.ProviderResource
}

// VPN is the site-to-site VPN to watch.
type VPN struct {
	Region string
	// Name is the connection's Name tag (MY-VPN), for people.
	Name         string
	ConnectionID pulumi.StringOutput
	// Tunnel1Address and Tunnel2Address are the tunnels' AWS outside
	// addresses; both tunnels are up, tunnel 1 preferred while it answers.
	Tunnel1Address pulumi.StringOutput
	Tunnel2Address pulumi.StringOutput
	// LogGroupName is where both tunnels log.
	LogGroupName pulumi.StringOutput
}

// Site is one region's ALB and the target group behind it, as gslb
// declares them (CloudWatch's dimensions are the ARN suffixes).
type Site = gslb.SiteRef

// HealthCheck is one Route 53 health check gslb declares.
type HealthCheck = gslb.HealthCheckRef

// AlarmsArgs configures NewAlarms.
type AlarmsArgs struct {
	Config Config
	// Regions are the AWS regions with something to watch, each once, and
	// Route53MetricsRegion; each gets an alarm topic.
	Regions []Region
	// DashboardRegion is the dashboard's home (the primary region).
	DashboardRegion string
	VPN             VPN
	Sites           []Site
	HealthChecks    []HealthCheck
	// Protect sets Protect on the topics: a replaced topic loses every
	// confirmed subscription, and nobody is paged until each address
	// confirms again.
	Protect bool
}

// Alarms is the topics, alarms and dashboard.
type Alarms struct {
	pulumi.ResourceState

	// DashboardURL opens the dashboard in the AWS console.
	DashboardURL pulumi.StringOutput
	// TopicArns maps each region to its alarm topic's ARN.
	TopicArns pulumi.StringMapOutput
}

var keyPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// validate checks the programmer's contract, before anything is registered.
func (a *AlarmsArgs) validate() error {
	if a == nil {
		return errors.New("no arguments")
	}
	errs := []error{a.Config.Validate()}
	regions := map[string]bool{}
	for _, r := range a.Regions {
		switch {
		case r.Name == "" || r.Provider == nil:
			errs = append(errs, fmt.Errorf("region %q: a name and a provider are required", r.Name))
		case regions[r.Name]:
			errs = append(errs, fmt.Errorf("region %s is listed twice (one provider and one topic per region)", r.Name))
		}
		regions[r.Name] = true
	}
	need := func(region, what string) {
		if !regions[region] {
			errs = append(errs, fmt.Errorf("%s is in %q, which has no provider in Regions", what, region))
		}
	}
	need(a.DashboardRegion, "the dashboard")
	need(a.VPN.Region, "the VPN")
	if a.VPN.Name == "" {
		errs = append(errs, errors.New("the VPN has no name"))
	}
	var keys []string
	for _, s := range a.Sites {
		need(s.Region, "site "+s.Key)
		keys = append(keys, s.Key)
		if s.AlbName == "" || s.TargetGroupName == "" {
			errs = append(errs, fmt.Errorf("site %q: the ALB's and the target group's names are required", s.Key))
		}
	}
	if len(a.HealthChecks) > 0 {
		need(Route53MetricsRegion, "Route 53's health check metrics")
	}
	for _, h := range a.HealthChecks {
		keys = append(keys, "health-"+h.Key)
		if h.Name == "" {
			errs = append(errs, fmt.Errorf("health check %q has no name", h.Key))
		}
	}
	for i, k := range keys {
		switch {
		case !keyPattern.MatchString(k):
			errs = append(errs, fmt.Errorf("key %q is not lower-case letters and digits joined by hyphens", k))
		case slices.Contains(keys[:i], k):
			errs = append(errs, fmt.Errorf("key %q is used twice; alarm names would collide", k))
		}
	}
	return errors.Join(errs...)
}

// NewAlarms declares, per region, an SNS topic (with an email subscription
// per alertEmails address), the alarms whose metrics live in that region,
// and in DashboardRegion the dashboard.
func NewAlarms(ctx *pulumi.Context, name string, args *AlarmsArgs, opts ...pulumi.ResourceOption) (*Alarms, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("monitoring %s: %w", name, err)
	}
	m := &Alarms{}
	if err := ctx.RegisterComponentResource(AlarmsType, name, m, opts...); err != nil {
		return nil, err
	}
	prefix := NamePrefix(ctx.Project(), ctx.Stack())
	providers := map[string]pulumi.ProviderResource{}
	for _, r := range args.Regions {
		providers[r.Name] = r.Provider
	}

	topics, err := newTopics(ctx, m, name, prefix, args.Regions, args.Config.AlertEmails, args.Protect)
	if err != nil {
		return nil, fmt.Errorf("monitoring %s: %w", name, err)
	}
	for _, spec := range alarmSpecs(prefix, args) {
		if err := newAlarm(ctx, m, name, spec, topics[spec.region], providers[spec.region]); err != nil {
			return nil, fmt.Errorf("monitoring %s: %w", name, err)
		}
	}
	dashboard, err := newDashboard(ctx, m, name, prefix, args, providers[args.DashboardRegion])
	if err != nil {
		return nil, fmt.Errorf("monitoring %s: %w", name, err)
	}

	arns := pulumi.StringMap{}
	for region, t := range topics {
		arns[region] = t.Arn
	}
	m.TopicArns = arns.ToStringMapOutput()
	m.DashboardURL = dashboard.DashboardName.ApplyT(func(n string) string {
		return DashboardURL(args.DashboardRegion, n)
	}).(pulumi.StringOutput)
	if err := ctx.RegisterResourceOutputs(m, pulumi.Map{
		"dashboardUrl":   m.DashboardURL,
		"alarmTopicArns": m.TopicArns,
	}); err != nil {
		return nil, fmt.Errorf("monitoring %s: outputs: %w", name, err)
	}
	return m, nil
}

var notNameChar = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// NamePrefix starts every topic, alarm and dashboard name, so that two
// stacks in one account never share one: "<project>-<stack>", with what
// dashboard and topic names refuse (e.g. a "." in a stack name) as "-".
func NamePrefix(project, stack string) string {
	return notNameChar.ReplaceAllString(project+"-"+stack, "-")
}

// DashboardURL is where the console shows the dashboard.
func DashboardURL(region, dashboard string) string {
	return fmt.Sprintf("https://%s.console.aws.amazon.com/cloudwatch/home?region=%s#dashboards/dashboard/%s", region, region, dashboard)
}

// alarmsURL is where the console lists a region's alarms.
func alarmsURL(region string) string {
	return fmt.Sprintf("https://%s.console.aws.amazon.com/cloudwatch/home?region=%s#alarmsV2:", region, region)
}
