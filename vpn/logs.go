package vpn

import (
	"fmt"

	"github.com/hybridlab/hybrid-cloud/internal/validate"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TunnelLogs sends both tunnels' IKE and IPsec logs (tunnel up/down, DPD,
// negotiation errors) to a CloudWatch Logs group of the component's own.
type TunnelLogs struct {
	// RetentionDays is how long CloudWatch Logs keeps them: one of
	// validate.LogRetentionDays (hybrid-cloud:monitoring.logRetentionDays).
	RetentionDays int
}

// tunnelLogFormat is JSON, so that Logs Insights can filter on the fields
// (tunnel address, event) instead of parsing text.
const tunnelLogFormat = "json"

func (l *TunnelLogs) validate() error {
	if l != nil && !validate.ValidLogRetention(l.RetentionDays) {
		return fmt.Errorf("tunnel logs: retention %d days is not one CloudWatch Logs accepts (%s)", l.RetentionDays, validate.LogRetentionList())
	}
	return nil
}

// tunnelLogGroupName is stable for the life of the stack: it depends on
// neither the connection's Name tag nor anything else a user edits, so no
// config change replaces the group (and drops its logs).
func tunnelLogGroupName(ctx *pulumi.Context, name string) string {
	return "/" + ctx.Project() + "/" + ctx.Stack() + "/" + name
}

// newTunnelLogs declares the log group and points both tunnels' log options
// at it. Setting the options on an existing connection modifies each tunnel
// in place, which renegotiates it (see docs/vpn.md, day two).
func (s *SiteToSite) newTunnelLogs(ctx *pulumi.Context, name string, l *TunnelLogs, connArgs *ec2.VpnConnectionArgs,
	opts []pulumi.ResourceOption) error {
	if l == nil {
		s.TunnelLogGroupName = pulumi.String("").ToStringOutput()
		return nil
	}
	group, err := cloudwatch.NewLogGroup(ctx, name+"-tunnel-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(tunnelLogGroupName(ctx, name)),
		RetentionInDays: pulumi.Int(l.RetentionDays),
	}, opts...)
	if err != nil {
		return fmt.Errorf("vpn %s: tunnel log group: %w", name, err)
	}
	connArgs.Tunnel1LogOptions = &ec2.VpnConnectionTunnel1LogOptionsArgs{
		CloudwatchLogOptions: &ec2.VpnConnectionTunnel1LogOptionsCloudwatchLogOptionsArgs{
			LogEnabled:      pulumi.Bool(true),
			LogGroupArn:     group.Arn,
			LogOutputFormat: pulumi.String(tunnelLogFormat),
		},
	}
	connArgs.Tunnel2LogOptions = &ec2.VpnConnectionTunnel2LogOptionsArgs{
		CloudwatchLogOptions: &ec2.VpnConnectionTunnel2LogOptionsCloudwatchLogOptionsArgs{
			LogEnabled:      pulumi.Bool(true),
			LogGroupArn:     group.Arn,
			LogOutputFormat: pulumi.String(tunnelLogFormat),
		},
	}
	s.TunnelLogGroupName = group.Name
	return nil
}
