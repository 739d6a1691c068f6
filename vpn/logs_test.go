package vpn

import (
	"slices"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
)

const typeLogGroup = "aws:cloudwatch/logGroup:LogGroup"

func TestBothTunnelsLogAsJSONToTheComponentsLogGroup(t *testing.T) {
	t.Parallel()
	for _, days := range []int{30, 1, 3653} {
		r, err := runWith(t, noteConfig(), &TunnelLogs{RetentionDays: days})
		if err != nil {
			t.Fatal(err)
		}
		group := r.one(t, typeLogGroup)
		conn := r.one(t, typeConnection)
		component := r.one(t, SiteToSiteType)
		if group.Name != "vpn-tunnel-logs" || group.Str("name") != "/hybrid-cloud/dev/vpn" {
			t.Errorf("log group %s named %q, want vpn-tunnel-logs named /hybrid-cloud/dev/vpn", group.Name, group.Str("name"))
		}
		if got := group.Value("retentionInDays"); got != float64(days) {
			t.Errorf("retentionInDays = %v, want %d", got, days)
		}
		if r.Region(group) != seoul || r.ParentOf(group).URN != component.URN {
			t.Errorf("log group in %q under %v, want the VPN's region under the component", r.Region(group), r.ParentOf(group))
		}
		arn := mockengine.Text(group.Outputs, "arn")
		for _, tunnel := range []string{"tunnel1", "tunnel2"} {
			opts := tunnel + "LogOptions.cloudwatchLogOptions."
			for path, want := range map[string]string{"logEnabled": "true", "logGroupArn": arn, "logOutputFormat": "json"} {
				if got := conn.Text(opts + path); got != want {
					t.Errorf("%s%s = %q, want %q", opts, path, got, want)
				}
			}
			if !slices.Contains(conn.PropertyDependencies[tunnel+"LogOptions"], group.URN) {
				t.Errorf("%s log options do not wait for the log group", tunnel)
			}
		}
		if got, _ := r.Outputs()["logGroup"].Value.(string); got != "/hybrid-cloud/dev/vpn" {
			t.Errorf("TunnelLogGroupName = %q", got)
		}
	}
}

func TestWithoutTunnelLogsNothingLogs(t *testing.T) {
	t.Parallel()
	r := mustRun(t, noteConfig())
	if n := len(r.OfType(typeLogGroup)); n != 0 {
		t.Errorf("%d log groups without TunnelLogs", n)
	}
	conn := r.one(t, typeConnection)
	for _, k := range []string{"tunnel1LogOptions", "tunnel2LogOptions"} {
		if got := conn.Text(k); got != "<unset>" {
			t.Errorf("%s = %s without TunnelLogs", k, got)
		}
	}
}

func TestTunnelLogRetentionCloudWatchRefusesFailsFirst(t *testing.T) {
	t.Parallel()
	for _, days := range []int{0, 2, 31, 3654} {
		r, err := runWith(t, noteConfig(), &TunnelLogs{RetentionDays: days})
		mockengine.AssertErrorMentions(t, err, "tunnel logs", "not one CloudWatch Logs accepts", "1, 3, 5, 7, 14, 30")
		r.AssertOnlyProviders(t)
	}
}
