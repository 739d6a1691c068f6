package monitoring

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// CloudWatch's names for what is watched.
const (
	nsVPN             = "AWS/VPN"
	metricTunnelState = "TunnelState"
	dimVpnID          = "VpnId"
	dimTunnelIP       = "TunnelIpAddress"

	nsALB              = "AWS/ApplicationELB"
	metricHealthyHosts = "HealthyHostCount"
	metricELB5xx       = "HTTPCode_ELB_5XX_Count"
	metricRequests     = "RequestCount"
	dimTargetGroup     = "TargetGroup"
	dimLoadBalancer    = "LoadBalancer"

	nsRoute53               = "AWS/Route53"
	metricHealthCheckStatus = "HealthCheckStatus"
	dimHealthCheckID        = "HealthCheckId"
)

// Statistics, comparisons and missing-data treatments CloudWatch takes.
const (
	statMaximum = "Maximum"
	statMinimum = "Minimum"
	statSum     = "Sum"

	lessThan           = "LessThanThreshold"
	greaterThanOrEqual = "GreaterThanOrEqualToThreshold"

	// missingBreaching: a metric that stops arriving is treated as failing.
	// For a tunnel, a target group or a health check, silence means the
	// thing watched is gone or no longer reports, which an operator must hear about.
	missingBreaching = "breaching"
	// missingNotBreaching: ALBs publish no 5xx count in a minute without 5xx.
	missingNotBreaching = "notBreaching"
)

// Thresholds and periods. Each alarm is for a person: the stack's own
// failover has usually acted already, so the alarms wait long enough to
// ride out what heals itself and no longer.
const (
	// tunnelUp is TunnelState's value for an UP tunnel of a static VPN (0 is DOWN).
	tunnelUp = 1
	// vpnPeriod is 5 minutes: AWS/VPN metrics are coarse, and with missing
	// data breaching a shorter period could see an empty one as DOWN.
	// Maximum over it is below 1 only when the tunnel was down the whole
	// period, so a renegotiation (seconds, DPD restarts it) does not page.
	vpnPeriod            = 300
	vpnEvaluationPeriods = 1

	// minHealthyTargets: a target group with fewer than one healthy
	// HAProxy serves nothing.
	minHealthyTargets = 1
	// targetPeriod x targetEvaluationPeriods is 3 minutes without a healthy
	// HAProxy: the target group needs 20 s (2 x 10 s checks) to see a dead
	// one and Route 53 has failed over by then; 3 minutes lets an HAProxy
	// restart or an instance replacement finish before anyone is paged.
	targetPeriod            = 60
	targetEvaluationPeriods = 3

	// elb5xxThreshold is 10 ALB-generated 5xx a minute. Route 53's checkers
	// alone send the HTTPS listener about 30 requests a minute, so a dead
	// target group shows far more; a few 502s while HAProxy reloads stay
	// below it. 3 of 5 minutes ignores one bad minute.
	elb5xxThreshold         = 10
	elb5xxPeriod            = 60
	elb5xxEvaluationPeriods = 5
	elb5xxDatapointsToAlarm = 3

	// healthCheckHealthy is HealthCheckStatus for a healthy check (0 unhealthy).
	healthCheckHealthy = 1
	// healthCheckPeriod x healthCheckEvaluationPeriods is 2 minutes
	// unhealthy: Route 53 has acted on its own verdict already (failover,
	// multivalue answers); one more minute filters a checker-round blip.
	healthCheckPeriod            = 60
	healthCheckEvaluationPeriods = 2
)

// dim is one metric dimension.
type dim struct {
	name  string
	value pulumi.StringOutput
}

// metric is one CloudWatch metric and how to aggregate it.
type metric struct {
	namespace, name, stat string
	period                int
	dims                  []dim
}

// alarmSpec is one alarm: a single metric, or an expression over the
// metrics in inputs (keyed by the expression's ids).
type alarmSpec struct {
	key, region string
	// name is the CloudWatch alarm's name; description its text.
	name        string
	description pulumi.StringOutput

	metric     metric
	expression string
	inputs     []namedMetric

	comparison                           string
	threshold                            float64
	evaluationPeriods, datapointsToAlarm int
	treatMissingData                     string
}

type namedMetric struct {
	id     string
	metric metric
}

func tunnelState(v VPN, address pulumi.StringOutput) metric {
	return metric{namespace: nsVPN, name: metricTunnelState, stat: statMaximum, period: vpnPeriod,
		dims: []dim{{dimVpnID, v.ConnectionID}, {dimTunnelIP, address}}}
}

func healthyHosts(s Site) metric {
	return metric{namespace: nsALB, name: metricHealthyHosts, stat: statMinimum, period: targetPeriod,
		dims: []dim{{dimTargetGroup, s.TargetGroupArnSuffix}, {dimLoadBalancer, s.AlbArnSuffix}}}
}

func elb5xx(s Site) metric {
	return metric{namespace: nsALB, name: metricELB5xx, stat: statSum, period: elb5xxPeriod,
		dims: []dim{{dimLoadBalancer, s.AlbArnSuffix}}}
}

func healthCheckStatus(h HealthCheck) metric {
	return metric{namespace: nsRoute53, name: metricHealthCheckStatus, stat: statMinimum, period: healthCheckPeriod,
		dims: []dim{{dimHealthCheckID, h.ID}}}
}

// runbook points every alarm's text at the page with what to do next.
const runbook = " Runbook: docs/monitoring.md."

// alarmSpecs lists every alarm: the VPN's three (each tunnel, both), two
// per site, one per health check.
func alarmSpecs(prefix string, a *AlarmsArgs) []alarmSpec {
	v := a.VPN
	addresses := [2]pulumi.StringOutput{v.Tunnel1Address, v.Tunnel2Address}
	states := [2]metric{tunnelState(v, addresses[0]), tunnelState(v, addresses[1])}
	var specs []alarmSpec
	// Both tunnels are up and carry traffic (route-based, docs/vpn.md), so
	// each has its own alarm: one down is lost redundancy, not an outage.
	for i, state := range states {
		n, other := i+1, 2-i
		specs = append(specs, alarmSpec{
			key: fmt.Sprintf("vpn-tunnel%d", n), region: v.Region, name: fmt.Sprintf("%s-vpn-tunnel%d-down", prefix, n),
			description: pulumi.Sprintf("%s tunnel %d (%s, ipsec%d on the gateway) has been DOWN for %d minutes: the VPN has lost its redundancy, not the link. "+
				"Traffic is on tunnel %d: the gateway's health check moved the VPC route by itself and AWS sends over the tunnel that is up. "+
				"AWS maintenance replaces tunnel endpoints one at a time, so one tunnel down for a while is expected then; if it lasts, or %s-vpn-no-tunnel-up fires too (link down), look at the gateway. "+
				"Next: '/etc/ipsec.d/aws-tunnels status' and 'ipsec trafficstatus' on the gateway; the tunnel logs are in %s."+runbook,
				v.Name, n, addresses[i], n, vpnPeriod*vpnEvaluationPeriods/60, other, prefix, v.LogGroupName),
			metric:     state,
			comparison: lessThan, threshold: tunnelUp,
			evaluationPeriods: vpnEvaluationPeriods, datapointsToAlarm: vpnEvaluationPeriods, treatMissingData: missingBreaching,
		})
	}
	specs = append(specs, alarmSpec{
		key: "vpn-no-tunnel", region: v.Region, name: prefix + "-vpn-no-tunnel-up",
		description: pulumi.Sprintf("Neither tunnel of %s (%s, %s) has been UP for %d minutes: the link is down, on-prem and the VPC cannot reach each other "+
			"(the gateway keeps the VPC range unreachable rather than send it in clear text). "+
			"Next: on the gateway, 'ipsec trafficstatus', '/etc/ipsec.d/aws-tunnels status' and 'journalctl -u ipsec'; the tunnel logs are in %s."+runbook,
			v.Name, addresses[0], addresses[1], vpnPeriod*vpnEvaluationPeriods/60, v.LogGroupName),
		expression: "MAX([tunnel1, tunnel2])",
		inputs:     []namedMetric{{"tunnel1", states[0]}, {"tunnel2", states[1]}},
		comparison: lessThan, threshold: tunnelUp,
		evaluationPeriods: vpnEvaluationPeriods, datapointsToAlarm: vpnEvaluationPeriods, treatMissingData: missingBreaching,
	})
	for _, s := range a.Sites {
		specs = append(specs, alarmSpec{
			key: s.Key + "-healthy-hosts", region: s.Region, name: prefix + "-" + s.Key + "-no-healthy-haproxy",
			description: pulumi.Sprintf("%s (behind %s) has had no healthy HAProxy for %d minutes. Already done: %s. "+
				"The target group checks HAProxy's liveness URI, which fails only when HAProxy itself does not answer (an outage of the web nodes shows in the Route 53 check and web node alarms instead). "+
				"Next: the HAProxy instance in %s (down, still booting, or unreachable from the ALB); its Auto Scaling group replaces an unhealthy one."+runbook,
				s.TargetGroupName, s.AlbName, targetPeriod*targetEvaluationPeriods/60, s.OnNoHealthyTarget, s.Region),
			metric:     healthyHosts(s),
			comparison: lessThan, threshold: minHealthyTargets,
			evaluationPeriods: targetEvaluationPeriods, datapointsToAlarm: targetEvaluationPeriods, treatMissingData: missingBreaching,
		}, alarmSpec{
			key: s.Key + "-elb-5xx", region: s.Region, name: prefix + "-" + s.Key + "-alb-5xx",
			description: pulumi.Sprintf("%s itself answered at least %d 5xx a minute in %d of %d minutes (502/503/504: no healthy target, or HAProxy failed the request). "+
				"Next: compare with %s-%s-no-healthy-haproxy and the ALB's target health."+runbook,
				s.AlbName, elb5xxThreshold, elb5xxDatapointsToAlarm, elb5xxEvaluationPeriods, prefix, s.Key),
			metric:     elb5xx(s),
			comparison: greaterThanOrEqual, threshold: elb5xxThreshold,
			evaluationPeriods: elb5xxEvaluationPeriods, datapointsToAlarm: elb5xxDatapointsToAlarm, treatMissingData: missingNotBreaching,
		})
	}
	for _, h := range a.HealthChecks {
		specs = append(specs, alarmSpec{
			key: "health-" + h.Key, region: Route53MetricsRegion, name: prefix + "-health-" + h.Key + "-unhealthy",
			description: pulumi.Sprintf("Route 53 health check %s (%s, id %s) has been unhealthy for %d minutes. Already done: %s. "+
				"Next: 'aws route53 get-health-check-status --health-check-id %s' shows what each checker saw."+runbook,
				h.Name, h.Target, h.ID, healthCheckPeriod*healthCheckEvaluationPeriods/60, h.OnFailure, h.ID),
			metric:     healthCheckStatus(h),
			comparison: lessThan, threshold: healthCheckHealthy,
			evaluationPeriods: healthCheckEvaluationPeriods, datapointsToAlarm: healthCheckEvaluationPeriods, treatMissingData: missingBreaching,
		})
	}
	return specs
}

func (d metric) dimensionMap() pulumi.StringMap {
	m := pulumi.StringMap{}
	for _, x := range d.dims {
		m[x.name] = x.value
	}
	return m
}

// newAlarm declares one alarm, notifying its region's topic when it fires
// and when it clears (so nobody has to look whether it is still on).
func newAlarm(ctx *pulumi.Context, parent pulumi.Resource, name string, s alarmSpec, topic *sns.Topic,
	provider pulumi.ProviderResource) error {
	args := &cloudwatch.MetricAlarmArgs{
		Name:               pulumi.String(s.name),
		AlarmDescription:   s.description,
		ComparisonOperator: pulumi.String(s.comparison),
		Threshold:          pulumi.Float64(s.threshold),
		EvaluationPeriods:  pulumi.Int(s.evaluationPeriods),
		DatapointsToAlarm:  pulumi.Int(s.datapointsToAlarm),
		TreatMissingData:   pulumi.String(s.treatMissingData),
		AlarmActions:       pulumi.Array{topic.Arn},
		OkActions:          pulumi.Array{topic.Arn},
	}
	if s.expression == "" {
		args.Namespace = pulumi.String(s.metric.namespace)
		args.MetricName = pulumi.String(s.metric.name)
		args.Statistic = pulumi.String(s.metric.stat)
		args.Period = pulumi.Int(s.metric.period)
		args.Dimensions = s.metric.dimensionMap()
	} else {
		queries := cloudwatch.MetricAlarmMetricQueryArray{}
		for _, in := range s.inputs {
			queries = append(queries, &cloudwatch.MetricAlarmMetricQueryArgs{
				Id: pulumi.String(in.id),
				Metric: &cloudwatch.MetricAlarmMetricQueryMetricArgs{
					Namespace:  pulumi.String(in.metric.namespace),
					MetricName: pulumi.String(in.metric.name),
					Stat:       pulumi.String(in.metric.stat),
					Period:     pulumi.Int(in.metric.period),
					Dimensions: in.metric.dimensionMap(),
				},
				ReturnData: pulumi.Bool(false),
			})
		}
		queries = append(queries, &cloudwatch.MetricAlarmMetricQueryArgs{
			Id:         pulumi.String("result"),
			Expression: pulumi.String(s.expression),
			ReturnData: pulumi.Bool(true),
		})
		args.MetricQueries = queries
	}
	if _, err := cloudwatch.NewMetricAlarm(ctx, name+"-"+s.key, args, pulumi.Parent(parent), pulumi.Provider(provider)); err != nil {
		return fmt.Errorf("alarm %s: %w", s.name, err)
	}
	return nil
}
