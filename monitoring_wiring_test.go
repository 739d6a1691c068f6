package main

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
	"github.com/hybridlab/hybrid-cloud/monitoring"
)

const (
	alarmType     = "aws:cloudwatch/metricAlarm:MetricAlarm"
	topicType     = "aws:sns/topic:Topic"
	subType       = "aws:sns/topicSubscription:TopicSubscription"
	dashboardType = "aws:cloudwatch/dashboard:Dashboard"
	logGroupType  = "aws:cloudwatch/logGroup:LogGroup"
	listenerType  = "aws:lb/listener:Listener"
)

// declared indexes what the stack declares by the values CloudWatch names
// it with, so that a metric can be traced to the resource it watches.
type declared struct {
	e          *mockengine.Engine
	vpns       map[string]*mockengine.Resource // connection ID
	albs       map[string]*mockengine.Resource // ARN suffix
	tgs        map[string]*mockengine.Resource // ARN suffix
	checks     map[string]*mockengine.Resource // health check ID
	watched    map[string]bool                 // URN (plus tunnel address) -> seen in a metric
	forwarding map[[2]string]bool              // (ALB ARN, target group ARN) of each listener that forwards
}

func index(e *mockengine.Engine) *declared {
	d := &declared{e: e, vpns: map[string]*mockengine.Resource{}, albs: map[string]*mockengine.Resource{},
		tgs: map[string]*mockengine.Resource{}, checks: map[string]*mockengine.Resource{},
		watched: map[string]bool{}, forwarding: map[[2]string]bool{}}
	for _, r := range e.OfType(vpnType) {
		d.vpns[r.ID] = r
	}
	for _, r := range e.OfType(albType) {
		d.albs[mockengine.Text(r.Outputs, "arnSuffix")] = r
	}
	for _, r := range e.OfType(targetType) {
		d.tgs[mockengine.Text(r.Outputs, "arnSuffix")] = r
	}
	for _, r := range e.OfType(healthType) {
		d.checks[r.ID] = r
	}
	for _, l := range e.OfType(listenerType) {
		if l.Text("defaultActions.0.type") == "forward" {
			d.forwarding[[2]string{l.Text("loadBalancerArn"), l.Text("defaultActions.0.targetGroupArn")}] = true
		}
	}
	return d
}

// check says why a metric read in region does not watch a declared
// resource of that region, or "" when it does.
func (d *declared) check(namespace, name string, dims map[string]string, region string) string {
	e := d.e
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range dims {
			if !yield(k) {
				return
			}
		}
	})
	switch namespace {
	case "AWS/VPN":
		conn := d.vpns[dims["VpnId"]]
		if conn == nil || !slices.Equal(keys, []string{"TunnelIpAddress", "VpnId"}) {
			return fmt.Sprintf("dimensions %v name no VPN connection and tunnel", dims)
		}
		addr := dims["TunnelIpAddress"]
		if addr != mockengine.Text(conn.Outputs, "tunnel1Address") && addr != mockengine.Text(conn.Outputs, "tunnel2Address") {
			return fmt.Sprintf("%s is no tunnel of %s", addr, conn.ID)
		}
		if e.Region(conn) != region {
			return fmt.Sprintf("read in %s, the VPN is in %s", region, e.Region(conn))
		}
		d.watched[conn.URN+" "+addr] = true
	case "AWS/ApplicationELB":
		lb := d.albs[dims["LoadBalancer"]]
		if lb == nil {
			return fmt.Sprintf("LoadBalancer %q is no ALB of the stack", dims["LoadBalancer"])
		}
		if e.Region(lb) != region {
			return fmt.Sprintf("read in %s, %s is in %s", region, lb.Str("name"), e.Region(lb))
		}
		d.watched[lb.URN+" "+name] = true
		if tgDim, ok := dims["TargetGroup"]; ok {
			tg := d.tgs[tgDim]
			if tg == nil || !slices.Equal(keys, []string{"LoadBalancer", "TargetGroup"}) {
				return fmt.Sprintf("TargetGroup %q is no target group of the stack", tgDim)
			}
			if !d.forwarding[[2]string{mockengine.Text(lb.Outputs, "arn"), mockengine.Text(tg.Outputs, "arn")}] {
				return fmt.Sprintf("%s does not forward to %s", lb.Str("name"), tg.Str("name"))
			}
			d.watched[tg.URN] = true
		} else if len(keys) != 1 {
			return fmt.Sprintf("dimensions %v, want the load balancer only", dims)
		}
	case "AWS/Route53":
		hc := d.checks[dims["HealthCheckId"]]
		if hc == nil || len(keys) != 1 {
			return fmt.Sprintf("dimensions %v name no health check of the stack", dims)
		}
		if region != monitoring.Route53MetricsRegion {
			return fmt.Sprintf("read in %s; Route 53 publishes health check metrics only in us-east-1", region)
		}
		d.watched[hc.URN] = true
	default:
		return "unexpected namespace " + namespace
	}
	return ""
}

// TestEveryAlarmAndDashboardMetricWatchesADeclaredResource traces every
// alarm's and every dashboard line's metric to the resource it watches, in
// the region the resource is in, and every failover point to an alarm and
// a line.
func TestEveryAlarmAndDashboardMetricWatchesADeclaredResource(t *testing.T) {
	t.Parallel()
	e, err := runStack(t, devConfig(t))
	if err != nil {
		t.Fatalf("stack failed: %v", err)
	}
	everything := func(d *declared) []string {
		var want []string
		for _, conn := range d.vpns {
			want = append(want, conn.URN+" "+mockengine.Text(conn.Outputs, "tunnel1Address"), conn.URN+" "+mockengine.Text(conn.Outputs, "tunnel2Address"))
		}
		for _, r := range d.albs {
			want = append(want, r.URN+" HTTPCode_ELB_5XX_Count")
		}
		for _, r := range d.tgs {
			want = append(want, r.URN)
		}
		for _, r := range d.checks {
			want = append(want, r.URN)
		}
		return want
	}

	t.Run("alarms", func(t *testing.T) {
		d := index(e)
		alarms := e.OfType(alarmType)
		for _, a := range alarms {
			region := e.Region(a)
			var metrics []string // paths of each metric's namespace
			if a.Text("namespace") != "<unset>" {
				metrics = append(metrics, "")
			}
			for i := 0; a.Text(fmt.Sprintf("metricQueries.%d", i)) != "<unset>"; i++ {
				if q := fmt.Sprintf("metricQueries.%d.metric.", i); a.Text(q+"namespace") != "<unset>" {
					metrics = append(metrics, q)
				}
			}
			if len(metrics) == 0 {
				t.Errorf("%s watches no metric", a.Name)
			}
			for _, p := range metrics {
				name := a.Text(p + "metricName")
				dims := map[string]string{}
				for k, v := range a.Value(p + "dimensions").(map[string]any) {
					dims[k] = fmt.Sprint(v)
				}
				if why := d.check(a.Text(p+"namespace"), name, dims, region); why != "" {
					t.Errorf("alarm %s, %s: %s", a.Name, name, why)
				}
			}
			// Notifies its own region's topic, when it fires and when it clears.
			for _, actions := range []string{"alarmActions", "okActions"} {
				arns := a.Strs(actions)
				if len(arns) != 1 || byOutput(e, topicType, "arn", arns[0]) == nil || e.Region(byOutput(e, topicType, "arn", arns[0])) != region {
					t.Errorf("alarm %s in %s: %s %v, want its region's topic", a.Name, region, actions, arns)
				}
			}
		}
		for _, w := range everything(d) {
			if !d.watched[w] {
				t.Errorf("no alarm watches %s", w)
			}
		}
	})

	t.Run("dashboard", func(t *testing.T) {
		d := index(e)
		dashboards := e.OfType(dashboardType)
		if len(dashboards) != 1 {
			t.Fatalf("%d dashboards, want 1", len(dashboards))
		}
		dash := dashboards[0]
		if e.Region(dash) != "ap-northeast-2" {
			t.Errorf("dashboard in %s, want the primary region", e.Region(dash))
		}
		metrics, logs, err := monitoring.ParseDashboard(dash.Str("dashboardBody"))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range metrics {
			if why := d.check(m.Namespace, m.Name, m.Dimensions, m.Region); why != "" {
				t.Errorf("dashboard widget %q, %s: %s", m.Widget, m.Name, why)
			}
		}
		for _, w := range everything(d) {
			if !d.watched[w] {
				t.Errorf("the dashboard does not show %s", w)
			}
		}
		groups := e.OfType(logGroupType)
		if len(logs) != 1 || len(groups) != 1 || !strings.Contains(logs[0].Query, "'"+groups[0].Str("name")+"'") || logs[0].Region != e.Region(groups[0]) {
			t.Errorf("log widgets %+v, want one on the tunnel log group", logs)
		}
		if got := e.Outputs()["dashboardUrl"].Value; got != monitoring.DashboardURL("ap-northeast-2", dash.Str("dashboardName")) {
			t.Errorf("dashboardUrl = %v", got)
		}
	})

	t.Run("tunnel logs", func(t *testing.T) {
		groups := e.OfType(logGroupType)
		if len(groups) != 1 {
			t.Fatalf("%d log groups, want the VPN's", len(groups))
		}
		g, conn := groups[0], e.OfType(vpnType)[0]
		if g.Value("retentionInDays") != 30.0 || e.Region(g) != e.Region(conn) {
			t.Errorf("log group retention %v in %s, want monitoring.logRetentionDays (30) in the VPN's region", g.Value("retentionInDays"), e.Region(g))
		}
		for _, tunnel := range []string{"tunnel1", "tunnel2"} {
			o := tunnel + "LogOptions.cloudwatchLogOptions."
			if conn.Text(o+"logGroupArn") != mockengine.Text(g.Outputs, "arn") || conn.Text(o+"logOutputFormat") != "json" || conn.Text(o+"logEnabled") != "true" {
				t.Errorf("%s logs to %s as %s, want %s as json", tunnel, conn.Text(o+"logGroupArn"), conn.Text(o+"logOutputFormat"), mockengine.Text(g.Outputs, "arn"))
			}
		}
	})

	t.Run("topics", func(t *testing.T) {
		arns, _ := e.Outputs()["alarmTopicArns"].Value.(map[string]string)
		want := []string{"ap-northeast-1", "ap-northeast-2", "us-east-1"}
		if got := slices.Sorted(func(yield func(string) bool) {
			for k := range arns {
				if !yield(k) {
					return
				}
			}
		}); !slices.Equal(got, want) {
			t.Errorf("alarmTopicArns regions %v, want %v", got, want)
		}
		for region, arn := range arns {
			if topic := byOutput(e, topicType, "arn", arn); topic == nil || e.Region(topic) != region {
				t.Errorf("alarmTopicArns[%s] = %s is no topic of that region", region, arn)
			}
		}
		// Pulumi.dev.yaml names no address: no subscription, no mail.
		if n := len(e.OfType(subType)); n != 0 {
			t.Errorf("%d subscriptions with no alertEmails", n)
		}
	})
}

func TestAlertEmailsSubscribeInEveryRegion(t *testing.T) {
	t.Parallel()
	dev := devConfig(t)
	mon := dev.Object(t, "hybrid-cloud:monitoring")
	mon["alertEmails"] = []any{"ops@example.com"}
	e, err := runStack(t, dev.Set("hybrid-cloud:monitoring", mon))
	if err != nil {
		t.Fatal(err)
	}
	regions := map[string]bool{}
	for _, s := range e.OfType(subType) {
		topic := byOutput(e, topicType, "arn", s.Str("topic"))
		if topic == nil || e.Region(topic) != e.Region(s) || s.Str("endpoint") != "ops@example.com" || s.Str("protocol") != "email" {
			t.Errorf("%s: %v", s.Name, s.Inputs)
			continue
		}
		regions[e.Region(s)] = true
	}
	if len(regions) != 3 || len(e.OfType(subType)) != 3 {
		t.Errorf("subscriptions in %v, want one in each of the three regions", regions)
	}
}

// With multivalue routing each web node's record answers only while that
// node's own health check passes.
func TestMultivalueWWWTiesEachNodesAddressToItsOwnCheck(t *testing.T) {
	t.Parallel()
	dev := devConfig(t)
	g := dev.Object(t, "hybrid-cloud:gslb")
	g["simpleRecordRouting"] = "multivalue"
	e, err := runStack(t, dev.Set("hybrid-cloud:gslb", g))
	if err != nil {
		t.Fatal(err)
	}
	ips, _ := e.Outputs()["webNodeIps"].Value.(map[string]string)
	nodes := e.Outputs()["webNodes"].Value
	seen := map[string]bool{}
	for _, rec := range e.OfType(recordType) {
		if rec.Str("name") != "www.seojun.shop" {
			continue
		}
		if rec.Text("multivalueAnswerRoutingPolicy") != "true" {
			t.Errorf("%s: www record without multivalue routing", rec.Name)
			continue
		}
		label, ip := rec.Str("setIdentifier"), rec.Text("records.0")
		if ips[label] != ip || len(rec.Strs("records")) != 1 {
			t.Errorf("%s answers %v for %s, want only %s", rec.Name, rec.Strs("records"), label, ips[label])
		}
		check := byID(e, healthType, rec.Str("healthCheckId"))
		if check == nil || check.Str("ipAddress") != ip || check.Text("port") != "80" || check.Str("type") != "HTTP" {
			t.Errorf("%s (%s): health check %v does not probe %s:80", rec.Name, label, check, ip)
		}
		seen[label] = true
	}
	if len(seen) != len(ips) || len(ips) != 4 {
		t.Errorf("multivalue records for %v, want every node of %v", seen, nodes)
	}
}

// TestRunbookHasALinePerAlarm keeps docs/monitoring.md, what on-call reads
// when a mail arrives, in step with the alarms the dev stack declares.
func TestRunbookHasALinePerAlarm(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("docs/monitoring.md")
	if err != nil {
		t.Fatal(err)
	}
	e, err := runStack(t, devConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	alarms := e.OfType(alarmType)
	if len(alarms) == 0 {
		t.Fatal("no alarms")
	}
	for _, a := range alarms {
		row := "| `" + a.Str("name") + "` |"
		if !strings.Contains(string(doc), row) {
			t.Errorf("docs/monitoring.md has no runbook row %s", row)
		}
	}
}

// When Tokyo's place is taken by us-east-1, its provider also watches
// Route 53: no third provider, no second topic in one region.
func TestUsEast1AsARegionOfTheStackReusesItsProvider(t *testing.T) {
	t.Parallel()
	dev := devConfig(t)
	clouds := dev.Object(t, "hybrid-cloud:clouds")
	clouds["awsSecondaryRegion"] = "us-east-1"
	clouds["awsSecondaryZones"] = []any{"us-east-1a", "us-east-1b"}
	e, err := runStack(t, dev.Set("hybrid-cloud:clouds", clouds))
	if err != nil {
		t.Fatal(err)
	}
	var awsProviders []string
	for _, r := range e.Resources() {
		if r.Type == "pulumi:providers:aws" {
			awsProviders = append(awsProviders, r.Name)
		}
	}
	if slices.Sort(awsProviders); !slices.Equal(awsProviders, []string{"aws-ap-northeast-2", "aws-us-east-1"}) {
		t.Errorf("AWS providers %v, want Seoul's and us-east-1's only", awsProviders)
	}
	if n := len(e.OfType(topicType)); n != 2 {
		t.Errorf("%d topics, want one per region (2)", n)
	}
	for _, a := range e.OfType(alarmType) {
		if a.Text("namespace") == "AWS/Route53" && e.Region(a) != "us-east-1" {
			t.Errorf("%s in %s", a.Name, e.Region(a))
		}
	}
}
