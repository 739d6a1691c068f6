package monitoring

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/golden"
)

// devDashboard is the dev stack's dashboard with the mock engine's kind of
// values: what the golden file shows.
func devDashboard() Dashboard {
	return Dashboard{
		Name: "hybrid-cloud-dev", Region: "ap-northeast-2",
		AlarmRegions: []string{"ap-northeast-2", "ap-northeast-1", "us-east-1"},
		VPN: DashboardVPN{
			Region: "ap-northeast-2", Name: "MY-VPN", ConnectionID: "vpn-0123456789abcdef0",
			Tunnel1Address: "203.0.113.10", Tunnel2Address: "198.51.100.20", LogGroup: "/hybrid-cloud/dev/vpn",
		},
		Sites: []DashboardSite{
			{Key: "seoul", Region: "ap-northeast-2", AlbName: "seoul-alb", AlbArnSuffix: "app/seoul-alb/50dc6c495c0c9188",
				TargetGroupName: "TG-Seoul", TargetGroupArnSuffix: "targetgroup/TG-Seoul/6d0ecf831eec9f09"},
			{Key: "tokyo", Region: "ap-northeast-1", AlbName: "tokyo-alb", AlbArnSuffix: "app/tokyo-alb/1f8b7b1b0e4a0c2d",
				TargetGroupName: "TG-TOKYO", TargetGroupArnSuffix: "targetgroup/TG-TOKYO/73e2d6bc24d8a067"},
		},
		HealthChecks: []DashboardHealthCheck{
			{Name: "active", ID: "abcdef11-2222-3333-4444-555555555501"},
			{Name: "passive", ID: "abcdef11-2222-3333-4444-555555555502"},
			{Name: "web-SEOUL", ID: "abcdef11-2222-3333-4444-555555555503"},
			{Name: "web-LONDON", ID: "abcdef11-2222-3333-4444-555555555504"},
		},
	}
}

func TestDashboardBodyGolden(t *testing.T) {
	t.Parallel()
	body, err := RenderDashboard(devDashboard())
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "dashboard-dev.json", body)
	if !json.Valid([]byte(body)) {
		t.Error("the body is not JSON")
	}
}

// TestDashboardShowsEveryFailoverPointInItsRegion reads the rendered body
// back and holds each graphed metric against the input it came from.
func TestDashboardShowsEveryFailoverPointInItsRegion(t *testing.T) {
	t.Parallel()
	d := devDashboard()
	body, err := RenderDashboard(d)
	if err != nil {
		t.Fatal(err)
	}
	metrics, logs, err := ParseDashboard(body)
	if err != nil {
		t.Fatal(err)
	}
	type seen struct{ namespace, name, key string }
	got := map[seen]string{} // -> region
	for _, m := range metrics {
		var key string
		switch m.Namespace + " " + m.Name {
		case nsVPN + " " + metricTunnelState:
			if m.Dimensions[dimVpnID] != d.VPN.ConnectionID || len(m.Dimensions) != 2 {
				t.Errorf("%s: dimensions %v, want VpnId %s and a tunnel", m.Widget, m.Dimensions, d.VPN.ConnectionID)
			}
			key = m.Dimensions[dimTunnelIP]
		case nsALB + " " + metricHealthyHosts:
			key = m.Dimensions[dimTargetGroup] + " " + m.Dimensions[dimLoadBalancer]
		case nsALB + " " + metricRequests, nsALB + " " + metricELB5xx:
			key = m.Dimensions[dimLoadBalancer]
			if len(m.Dimensions) != 1 {
				t.Errorf("%s %s: dimensions %v, want the load balancer only", m.Widget, m.Name, m.Dimensions)
			}
		case nsRoute53 + " " + metricHealthCheckStatus:
			key = m.Dimensions[dimHealthCheckID]
		default:
			t.Errorf("%s: unexpected metric %s %s", m.Widget, m.Namespace, m.Name)
		}
		got[seen{m.Namespace, m.Name, key}] = m.Region
	}
	want := map[seen]string{
		{nsVPN, metricTunnelState, d.VPN.Tunnel1Address}: d.VPN.Region,
		{nsVPN, metricTunnelState, d.VPN.Tunnel2Address}: d.VPN.Region,
	}
	for _, s := range d.Sites {
		want[seen{nsALB, metricHealthyHosts, s.TargetGroupArnSuffix + " " + s.AlbArnSuffix}] = s.Region
		want[seen{nsALB, metricRequests, s.AlbArnSuffix}] = s.Region
		want[seen{nsALB, metricELB5xx, s.AlbArnSuffix}] = s.Region
	}
	for _, h := range d.HealthChecks {
		want[seen{nsRoute53, metricHealthCheckStatus, h.ID}] = "us-east-1"
	}
	for k, region := range want {
		switch r, ok := got[k]; {
		case !ok:
			t.Errorf("the dashboard does not graph %s %s for %s", k.namespace, k.name, k.key)
		case r != region:
			t.Errorf("%s %s for %s is read in %s, want %s", k.namespace, k.name, k.key, r, region)
		}
	}
	if len(got) != len(want) {
		t.Errorf("the dashboard graphs %d metrics, want %d", len(got), len(want))
	}
	if len(logs) != 1 || logs[0].Region != d.VPN.Region || !strings.Contains(logs[0].Query, "SOURCE '"+d.VPN.LogGroup+"'") {
		t.Errorf("log widgets %+v, want one on %s in %s", logs, d.VPN.LogGroup, d.VPN.Region)
	}
	for _, r := range d.AlarmRegions {
		if !strings.Contains(body, alarmsURL(r)) {
			t.Errorf("the header does not link %s's alarms", r)
		}
	}
}

func TestDashboardWithoutTunnelLogsHasNoLogWidget(t *testing.T) {
	t.Parallel()
	d := devDashboard()
	d.VPN.LogGroup = ""
	body, err := RenderDashboard(d)
	if err != nil {
		t.Fatal(err)
	}
	if _, logs, err := ParseDashboard(body); err != nil || len(logs) != 0 {
		t.Errorf("logs %v, err %v; want no log widget", logs, err)
	}
}

func TestRenderDashboardRefusesAnEmptyDashboard(t *testing.T) {
	t.Parallel()
	for name, change := range map[string]func(d *Dashboard){
		"no name":   func(d *Dashboard) { d.Name = "" },
		"no region": func(d *Dashboard) { d.Region = "" },
		"no VPN":    func(d *Dashboard) { d.VPN.ConnectionID = "" },
	} {
		d := devDashboard()
		change(&d)
		if _, err := RenderDashboard(d); err == nil {
			t.Errorf("%s: rendered", name)
		}
	}
}

func TestParseDashboardRefusesAMalformedMetric(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"widgets":[{"type":"metric","properties":{"metrics":[["AWS/VPN"]]}}]}`,
		`{"widgets":[{"type":"metric","properties":{"metrics":[["AWS/VPN","TunnelState","VpnId"]]}}]}`,
		`not json`,
	} {
		if _, _, err := ParseDashboard(body); err == nil {
			t.Errorf("ParseDashboard(%s) accepted it", body)
		}
	}
}

func TestNamePrefixIsSafeInDashboardAndTopicNames(t *testing.T) {
	t.Parallel()
	for in, want := range map[[2]string]string{
		{"hybrid-cloud", "dev"}:     "hybrid-cloud-dev",
		{"hybrid-cloud", "prod.eu"}: "hybrid-cloud-prod-eu",
		{"hybrid_cloud", "a b"}:     "hybrid_cloud-a-b",
	} {
		if got := NamePrefix(in[0], in[1]); got != want {
			t.Errorf("NamePrefix(%q, %q) = %q, want %q", in[0], in[1], got, want)
		}
	}
}
