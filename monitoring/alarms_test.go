package monitoring

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	alarmType     = "aws:cloudwatch/metricAlarm:MetricAlarm"
	topicType     = "aws:sns/topic:Topic"
	subType       = "aws:sns/topicSubscription:TopicSubscription"
	dashboardType = "aws:cloudwatch/dashboard:Dashboard"

	seoul, tokyo, virginia = "ap-northeast-2", "ap-northeast-1", "us-east-1"
)

// argsFor builds the component's arguments from devDashboard's values, as
// main.go hands over the VPN's and gslb's outputs; regions maps each
// region to its provider.
func argsFor(ctx *pulumi.Context, c Config, regions map[string]pulumi.ProviderResource) *AlarmsArgs {
	d := devDashboard()
	str := func(s string) pulumi.StringOutput { return mockengine.Resolved(ctx, s) }
	a := &AlarmsArgs{
		Config: c, DashboardRegion: seoul,
		VPN: VPN{
			Region: d.VPN.Region, Name: d.VPN.Name, ConnectionID: str(d.VPN.ConnectionID),
			Tunnel1Address: str(d.VPN.Tunnel1Address), Tunnel2Address: str(d.VPN.Tunnel2Address), LogGroupName: str(d.VPN.LogGroup),
		},
	}
	for _, r := range []string{seoul, tokyo, virginia} {
		if p, ok := regions[r]; ok {
			a.Regions = append(a.Regions, Region{Name: r, Provider: p})
		}
	}
	for _, s := range d.Sites {
		a.Sites = append(a.Sites, Site{
			Key: s.Key, Region: s.Region, AlbName: s.AlbName, AlbArnSuffix: str(s.AlbArnSuffix),
			TargetGroupName: s.TargetGroupName, TargetGroupArnSuffix: str(s.TargetGroupArnSuffix),
			OnNoHealthyTarget: "Route 53 answers with the other region",
		})
	}
	for _, h := range d.HealthChecks {
		a.HealthChecks = append(a.HealthChecks, HealthCheck{
			Key: healthKey(h.Name), Name: h.Name, Target: "somewhere", OnFailure: "something happened", ID: str(h.ID),
		})
	}
	return a
}

// healthKey is the key gslb gives the check of this name.
func healthKey(name string) string {
	switch name {
	case "active":
		return "seoul"
	case "passive":
		return "tokyo"
	}
	return strings.ToLower(name)
}

// alarmsProgram declares the three regions' providers and the component,
// after change has edited its arguments, and exports its outputs.
func alarmsProgram(c Config, change func(a *AlarmsArgs)) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		regions := map[string]pulumi.ProviderResource{}
		for _, r := range []string{seoul, tokyo, virginia} {
			p, err := aws.NewProvider(ctx, "aws-"+r, &aws.ProviderArgs{Region: pulumi.String(r)})
			if err != nil {
				return err
			}
			regions[r] = p
		}
		args := argsFor(ctx, c, regions)
		if change != nil {
			change(args)
		}
		m, err := NewAlarms(ctx, "monitoring", args)
		if err != nil {
			return err
		}
		ctx.Export("dashboardUrl", m.DashboardURL)
		ctx.Export("alarmTopicArns", m.TopicArns)
		return nil
	}
}

func runAlarms(t *testing.T, c Config, change func(a *AlarmsArgs)) (*mockengine.Engine, error) {
	t.Helper()
	e := mockengine.New("hybrid-cloud", "dev")
	return e, e.Run(alarmsProgram(c, change), mockengine.Config{})
}

func mustRunAlarms(t *testing.T, c Config) *mockengine.Engine {
	t.Helper()
	e, err := runAlarms(t, c, nil)
	if err != nil {
		t.Fatalf("NewAlarms: %v", err)
	}
	return e
}

// topicIn is the one topic registered with region's provider.
func topicIn(t *testing.T, e *mockengine.Engine, region string) *mockengine.Resource {
	t.Helper()
	var found []*mockengine.Resource
	for _, r := range e.OfType(topicType) {
		if e.Region(r) == region {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d topics in %s, want 1", len(found), region)
	}
	return found[0]
}

// wantAlarm is everything a user would check on an alarm.
type wantAlarm struct {
	resource, region, name               string
	namespace, metric, stat              string
	dims                                 map[string]string
	period                               int
	threshold                            float64
	comparison                           string
	evaluationPeriods, datapointsToAlarm int
	treatMissingData                     string
	descriptionMentions                  []string
}

func TestEveryAlarmWatchesItsMetricInItsRegionAndNotifiesThatRegionsTopic(t *testing.T) {
	t.Parallel()
	e := mustRunAlarms(t, Config{})
	d := devDashboard()
	component := e.Find(AlarmsType, "monitoring")
	if component == nil {
		t.Fatal("no Alarms component")
	}
	// Both tunnels carry traffic: each down alone is lost redundancy.
	var cases []wantAlarm
	for i, addr := range []string{d.VPN.Tunnel1Address, d.VPN.Tunnel2Address} {
		n, other := i+1, 2-i
		cases = append(cases, wantAlarm{
			resource: fmt.Sprintf("monitoring-vpn-tunnel%d", n), region: seoul, name: fmt.Sprintf("hybrid-cloud-dev-vpn-tunnel%d-down", n),
			namespace: "AWS/VPN", metric: "TunnelState", stat: "Maximum", period: 300,
			dims:      map[string]string{"VpnId": d.VPN.ConnectionID, "TunnelIpAddress": addr},
			threshold: 1, comparison: "LessThanThreshold", evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: "breaching",
			descriptionMentions: []string{fmt.Sprintf("tunnel %d (%s", n, addr), "lost its redundancy", fmt.Sprintf("Traffic is on tunnel %d", other),
				"AWS maintenance replaces tunnel endpoints one at a time", "hybrid-cloud-dev-vpn-no-tunnel-up", "link down",
				"aws-tunnels status", d.VPN.LogGroup, "docs/monitoring.md"},
		})
	}
	for _, s := range d.Sites {
		region := map[string]string{"seoul": seoul, "tokyo": tokyo}[s.Key]
		cases = append(cases, wantAlarm{
			resource: "monitoring-" + s.Key + "-healthy-hosts", region: region, name: "hybrid-cloud-dev-" + s.Key + "-no-healthy-haproxy",
			namespace: "AWS/ApplicationELB", metric: "HealthyHostCount", stat: "Minimum", period: 60,
			dims:      map[string]string{"TargetGroup": s.TargetGroupArnSuffix, "LoadBalancer": s.AlbArnSuffix},
			threshold: 1, comparison: "LessThanThreshold", evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: "breaching",
			descriptionMentions: []string{s.TargetGroupName, s.AlbName, "Route 53 answers with the other region"},
		}, wantAlarm{
			resource: "monitoring-" + s.Key + "-elb-5xx", region: region, name: "hybrid-cloud-dev-" + s.Key + "-alb-5xx",
			namespace: "AWS/ApplicationELB", metric: "HTTPCode_ELB_5XX_Count", stat: "Sum", period: 60,
			dims:      map[string]string{"LoadBalancer": s.AlbArnSuffix},
			threshold: 10, comparison: "GreaterThanOrEqualToThreshold", evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: "notBreaching",
			descriptionMentions: []string{s.AlbName, "5xx"},
		})
	}
	for _, h := range d.HealthChecks {
		key := healthKey(h.Name)
		cases = append(cases, wantAlarm{
			resource: "monitoring-health-" + key, region: virginia, name: "hybrid-cloud-dev-health-" + key + "-unhealthy",
			namespace: "AWS/Route53", metric: "HealthCheckStatus", stat: "Minimum", period: 60,
			dims:      map[string]string{"HealthCheckId": h.ID},
			threshold: 1, comparison: "LessThanThreshold", evaluationPeriods: 2, datapointsToAlarm: 2, treatMissingData: "breaching",
			descriptionMentions: []string{h.Name, h.ID, "something happened", "get-health-check-status"},
		})
	}
	for _, w := range cases {
		a := e.Find(alarmType, w.resource)
		if a == nil {
			t.Errorf("no alarm %s", w.resource)
			continue
		}
		checkAlarm(t, e, a, w)
		if p := e.ParentOf(a); p == nil || p.URN != component.URN {
			t.Errorf("%s: parent is not the component", a.Name)
		}
		if a.Text("metricQueries") != "<unset>" {
			t.Errorf("%s: has metric queries besides its metric", a.Name)
		}
	}
	// The link's alarm: an expression over both tunnels.
	noTunnel := e.Find(alarmType, "monitoring-vpn-no-tunnel")
	if noTunnel == nil {
		t.Fatal("no alarm monitoring-vpn-no-tunnel")
	}
	checkNoTunnelAlarm(t, e, noTunnel, d)
	// Nothing more than the table: an alarm nobody checked is an alarm nobody knows.
	if got, want := len(e.OfType(alarmType)), len(cases)+1; got != want {
		t.Errorf("%d alarms registered, the table lists %d", got, want)
	}
}

func checkAlarm(t *testing.T, e *mockengine.Engine, a *mockengine.Resource, w wantAlarm) {
	t.Helper()
	topic := topicIn(t, e, w.region)
	fields := map[string]string{
		"name":               w.name,
		"namespace":          w.namespace,
		"metricName":         w.metric,
		"statistic":          w.stat,
		"period":             fmt.Sprint(w.period),
		"threshold":          fmt.Sprint(w.threshold),
		"comparisonOperator": w.comparison,
		"evaluationPeriods":  fmt.Sprint(w.evaluationPeriods),
		"datapointsToAlarm":  fmt.Sprint(w.datapointsToAlarm),
		"treatMissingData":   w.treatMissingData,
		"alarmActions":       "[" + mockengine.Text(topic.Outputs, "arn") + "]",
		"okActions":          "[" + mockengine.Text(topic.Outputs, "arn") + "]",
		"extendedStatistic":  "<unset>",
	}
	mockengine.AssertInputs(t, a, fields)
	checkDims(t, a, "dimensions", w.dims)
	if got := e.Region(a); got != w.region {
		t.Errorf("%s: region %s, want %s (its metric's)", a.Name, got, w.region)
	}
	if e.ProviderOf(a) == nil || e.ProviderOf(a).URN != e.ProviderOf(topic).URN {
		t.Errorf("%s: provider is not its topic's", a.Name)
	}
	if !strings.Contains(mockengine.Text(topic.Outputs, "arn"), ":"+w.region+":") {
		t.Errorf("%s notifies %s, not a topic of %s", a.Name, mockengine.Text(topic.Outputs, "arn"), w.region)
	}
	for _, m := range w.descriptionMentions {
		if !strings.Contains(a.Str("alarmDescription"), m) {
			t.Errorf("%s: description does not mention %q:\n%s", a.Name, m, a.Str("alarmDescription"))
		}
	}
	if n := len(a.Str("alarmDescription")); n > 1024 {
		t.Errorf("%s: description is %d characters; CloudWatch takes 1024", a.Name, n)
	}
}

// checkDims compares the dimension map at path with want, exactly.
func checkDims(t *testing.T, a *mockengine.Resource, path string, want map[string]string) {
	t.Helper()
	got, _ := a.Value(path).(map[string]any)
	if len(got) != len(want) {
		t.Errorf("%s: %s = %v, want %v", a.Name, path, got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s.%s = %v, want %s", a.Name, path, k, got[k], v)
		}
	}
}

// The link is down when neither tunnel is UP: the alarm is the maximum of
// both tunnels' states below 1.
func checkNoTunnelAlarm(t *testing.T, e *mockengine.Engine, a *mockengine.Resource, d Dashboard) {
	t.Helper()
	topic := topicIn(t, e, seoul)
	mockengine.AssertInputs(t, a, map[string]string{
		"name": "hybrid-cloud-dev-vpn-no-tunnel-up", "threshold": "1", "comparisonOperator": "LessThanThreshold",
		"evaluationPeriods": "1", "datapointsToAlarm": "1", "treatMissingData": "breaching",
		"alarmActions": "[" + mockengine.Text(topic.Outputs, "arn") + "]", "okActions": "[" + mockengine.Text(topic.Outputs, "arn") + "]",
		// A metric alarm has either one metric or queries, never both.
		"namespace": "<unset>", "metricName": "<unset>", "statistic": "<unset>", "period": "<unset>", "dimensions": "<unset>",
		"metricQueries.0.id": "tunnel1", "metricQueries.1.id": "tunnel2",
		"metricQueries.2.id": "result", "metricQueries.2.expression": "MAX([tunnel1, tunnel2])", "metricQueries.2.returnData": "true",
		"metricQueries.3": "<unset>",
	})
	for i, addr := range []string{d.VPN.Tunnel1Address, d.VPN.Tunnel2Address} {
		q := fmt.Sprintf("metricQueries.%d.", i)
		for k, want := range map[string]string{
			"returnData": "false", "metric.namespace": "AWS/VPN", "metric.metricName": "TunnelState",
			"metric.stat": "Maximum", "metric.period": "300",
		} {
			if got := a.Text(q + k); got != want {
				t.Errorf("%s: %s%s = %q, want %q", a.Name, q, k, got, want)
			}
		}
		checkDims(t, a, q+"metric.dimensions", map[string]string{"VpnId": d.VPN.ConnectionID, "TunnelIpAddress": addr})
	}
	if e.Region(a) != seoul {
		t.Errorf("%s: region %s, want the VPN's %s", a.Name, e.Region(a), seoul)
	}
	for _, m := range []string{"Neither tunnel", d.VPN.Tunnel1Address, d.VPN.Tunnel2Address, "the link is down", "docs/monitoring.md"} {
		if !strings.Contains(a.Str("alarmDescription"), m) {
			t.Errorf("%s: description does not say %q", a.Name, m)
		}
	}
	for _, m := range []string{"standby", "DOWN in normal operation"} {
		if strings.Contains(a.Str("alarmDescription"), m) {
			t.Errorf("%s: description still says %q (both tunnels are up)", a.Name, m)
		}
	}
}

func TestTopicsPerRegionAndSubscriptionsOnlyForGivenAddresses(t *testing.T) {
	t.Parallel()
	for _, emails := range [][]string{nil, {"ops@example.com"}, {"ops@example.com", "On-Call@Example.org"}} {
		e := mustRunAlarms(t, Config{AlertEmails: emails})
		subs := e.OfType(subType)
		if len(subs) != 3*len(emails) {
			t.Errorf("%d addresses: %d subscriptions, want one per address and region (%d)", len(emails), len(subs), 3*len(emails))
		}
		out := e.Outputs()
		arns, _ := out["alarmTopicArns"].Value.(map[string]string)
		for _, region := range []string{seoul, tokyo, virginia} {
			topic := topicIn(t, e, region)
			if topic.Str("name") != "hybrid-cloud-dev-alarms" {
				t.Errorf("topic in %s named %q", region, topic.Str("name"))
			}
			if arns[region] != mockengine.Text(topic.Outputs, "arn") {
				t.Errorf("alarmTopicArns[%s] = %q, want %s", region, arns[region], mockengine.Text(topic.Outputs, "arn"))
			}
			var endpoints []string
			for _, s := range subs {
				if s.Text("topic") != mockengine.Text(topic.Outputs, "arn") {
					continue
				}
				if e.Region(s) != region || s.Text("protocol") != "email" {
					t.Errorf("%s: region %s protocol %s, want %s email", s.Name, e.Region(s), s.Text("protocol"), region)
				}
				if strings.Contains(s.Name, "@") {
					t.Errorf("%s: an address in a resource name", s.Name)
				}
				endpoints = append(endpoints, s.Text("endpoint"))
			}
			if slices.Sort(endpoints); !slices.Equal(endpoints, slices.Sorted(slices.Values(emails))) {
				t.Errorf("topic in %s: subscribed %v, want %v", region, endpoints, emails)
			}
		}
		if len(arns) != 3 {
			t.Errorf("alarmTopicArns = %v, want three regions", arns)
		}
	}
}

// Removing one address must leave the others' confirmed subscriptions.
func TestSubscriptionNamesDoNotDependOnTheAddressesOrder(t *testing.T) {
	t.Parallel()
	names := func(emails ...string) map[string]string {
		e := mustRunAlarms(t, Config{AlertEmails: emails})
		out := map[string]string{}
		for _, s := range e.OfType(subType) {
			out[s.Name] = s.Text("endpoint")
		}
		return out
	}
	both, second := names("a@example.com", "b@example.com"), names("b@example.com")
	for name, endpoint := range second {
		if both[name] != endpoint {
			t.Errorf("subscription %s (%s) is renamed when a@example.com is removed", name, endpoint)
		}
	}
}

func TestDashboardIsRenderedFromTheResourcesOutputsInThePrimaryRegion(t *testing.T) {
	t.Parallel()
	e := mustRunAlarms(t, Config{})
	dashboards := e.OfType(dashboardType)
	if len(dashboards) != 1 {
		t.Fatalf("%d dashboards, want 1", len(dashboards))
	}
	dash := dashboards[0]
	if e.Region(dash) != seoul || dash.Str("dashboardName") != "hybrid-cloud-dev" {
		t.Errorf("dashboard %q in %s, want hybrid-cloud-dev in %s", dash.Str("dashboardName"), e.Region(dash), seoul)
	}
	// The component feeds the renderer exactly what the golden test renders.
	want, err := RenderDashboard(devDashboard())
	if err != nil {
		t.Fatal(err)
	}
	if got := dash.Str("dashboardBody"); got != want {
		t.Errorf("dashboard body differs from RenderDashboard(devDashboard()):\n%s", got)
	}
	if got := e.Outputs()["dashboardUrl"].Value; got != DashboardURL(seoul, "hybrid-cloud-dev") ||
		!strings.HasPrefix(fmt.Sprint(got), "https://ap-northeast-2.console.aws.amazon.com/cloudwatch/") {
		t.Errorf("dashboardUrl = %v", got)
	}
}

func TestBadArgumentsFailBeforeAnythingIsRegistered(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		c      Config
		change func(a *AlarmsArgs)
		want   []string
	}{
		{"bad address", Config{AlertEmails: []string{"ops"}}, nil,
			[]string{"hybrid-cloud:monitoring.alertEmails[0]"}},
		{"bad retention", Config{LogRetentionDays: intp(10)}, nil,
			[]string{"hybrid-cloud:monitoring.logRetentionDays"}},
		{"no provider for us-east-1", Config{}, func(a *AlarmsArgs) { a.Regions = a.Regions[:2] },
			[]string{`"us-east-1"`, "no provider"}},
		{"a region twice", Config{}, func(a *AlarmsArgs) { a.Regions = append(a.Regions, a.Regions[0]) },
			[]string{"ap-northeast-2 is listed twice"}},
		{"site in an unknown region", Config{}, func(a *AlarmsArgs) { a.Sites[1].Region = "eu-west-1" },
			[]string{"site tokyo", `"eu-west-1"`}},
		{"two health checks, one key", Config{}, func(a *AlarmsArgs) { a.HealthChecks[3].Key = a.HealthChecks[2].Key },
			[]string{"health-web-seoul", "used twice"}},
		{"key with capitals", Config{}, func(a *AlarmsArgs) { a.Sites[0].Key = "Seoul" },
			[]string{`"Seoul"`}},
		{"no VPN name", Config{}, func(a *AlarmsArgs) { a.VPN.Name = "" },
			[]string{"VPN has no name"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e, err := runAlarms(t, tc.c, tc.change)
			mockengine.AssertErrorMentions(t, err, tc.want...)
			e.AssertOnlyProviders(t)
		})
	}
}
