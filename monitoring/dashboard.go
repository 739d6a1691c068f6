package monitoring

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Dashboard is everything the dashboard shows, as plain values.
type Dashboard struct {
	// Name is the dashboard's name, also its header.
	Name string
	// Region is the dashboard's home; every widget names its own region.
	Region string
	// AlarmRegions get a link to their alarm list in the header.
	AlarmRegions []string
	VPN          DashboardVPN
	Sites        []DashboardSite
	HealthChecks []DashboardHealthCheck
}

// DashboardVPN is the VPN connection and its tunnels.
type DashboardVPN struct {
	Region, Name, ConnectionID     string
	Tunnel1Address, Tunnel2Address string
	LogGroup                       string
}

// DashboardSite is one region's ALB and target group.
type DashboardSite struct {
	Key, Region                           string
	AlbName, AlbArnSuffix                 string
	TargetGroupName, TargetGroupArnSuffix string
}

// DashboardHealthCheck is one Route 53 health check.
type DashboardHealthCheck struct {
	Name, ID string
}

// Layout: the console's grid is 24 units wide.
const (
	gridWidth    = 24
	halfWidth    = gridWidth / 2
	headerHeight = 3
	graphHeight  = 6
	// graphPeriod is the graphs' resolution: one point a minute, the
	// finest ALB and Route 53 metrics have.
	graphPeriod = 60
	// logLines is how many of the newest tunnel log events the log widget lists.
	logLines = 50
)

type widget struct {
	Type       string `json:"type"`
	X          int    `json:"x"`
	Y          int    `json:"y"`
	Width      int    `json:"width"`
	Height     int    `json:"height"`
	Properties any    `json:"properties"`
}

type textProperties struct {
	Markdown string `json:"markdown"`
}

type metricProperties struct {
	Title   string  `json:"title"`
	Region  string  `json:"region"`
	View    string  `json:"view"`
	Stacked bool    `json:"stacked"`
	Period  int     `json:"period"`
	Stat    string  `json:"stat"`
	Metrics [][]any `json:"metrics"`
	YAxis   *yAxis  `json:"yAxis,omitempty"`
}

type yAxis struct {
	Left axisRange `json:"left"`
}

type axisRange struct {
	Min float64 `json:"min"`
	Max float64 `json:"max,omitempty"`
}

type logProperties struct {
	Title  string `json:"title"`
	Region string `json:"region"`
	Query  string `json:"query"`
	View   string `json:"view"`
}

// metricOptions are one line's label, region and statistic: lines of one
// graph may come from different regions.
type metricOptions struct {
	Label  string `json:"label"`
	Region string `json:"region"`
	Stat   string `json:"stat,omitempty"`
}

// line is a widget's metric array: namespace, name, dimension pairs, options.
func line(namespace, name string, o metricOptions, dims ...string) []any {
	out := []any{namespace, name}
	for _, d := range dims {
		out = append(out, d)
	}
	return append(out, o)
}

// RenderDashboard renders the dashboard body (CloudWatch's JSON): a header
// with links to each region's alarms, both tunnels' state beside the
// newest tunnel log events, each target group's healthy HAProxy count, each
// ALB's requests and 5xx, and every Route 53 health check's status.
func RenderDashboard(d Dashboard) (string, error) {
	if d.Name == "" || d.Region == "" || d.VPN.ConnectionID == "" {
		return "", errors.New("dashboard: name, region and VPN connection are required")
	}
	var links []string
	for _, r := range d.AlarmRegions {
		links = append(links, fmt.Sprintf("[%s](%s)", r, alarmsURL(r)))
	}
	header := fmt.Sprintf("# %s\n"+
		"Alarms notify the SNS topic `%s-alarms` of their own region: %s. "+
		"What each alarm means and what to do next: `docs/monitoring.md` in the repository.\n\n"+
		"%s: both tunnels are UP in normal operation and the gateway sends over tunnel 1 while it answers. "+
		"One tunnel DOWN is lost redundancy (AWS maintenance replaces endpoints one at a time; traffic is on the other); both DOWN is the link down.",
		d.Name, d.Name, strings.Join(links, " · "), d.VPN.Name)

	y := 0
	widgets := []widget{{Type: "text", X: 0, Y: y, Width: gridWidth, Height: headerHeight, Properties: textProperties{Markdown: header}}}
	y += headerHeight

	v := d.VPN
	tunnels := [][]any{
		line(nsVPN, metricTunnelState, metricOptions{Label: "Tunnel1 (preferred) " + v.Tunnel1Address, Region: v.Region},
			dimVpnID, v.ConnectionID, dimTunnelIP, v.Tunnel1Address),
		line(nsVPN, metricTunnelState, metricOptions{Label: "Tunnel2 " + v.Tunnel2Address, Region: v.Region},
			dimVpnID, v.ConnectionID, dimTunnelIP, v.Tunnel2Address),
	}
	widgets = append(widgets, widget{Type: "metric", X: 0, Y: y, Width: halfWidth, Height: graphHeight, Properties: metricProperties{
		Title: v.Name + " tunnel state (1 = UP)", Region: v.Region, View: "timeSeries", Period: vpnPeriod, Stat: statMaximum,
		Metrics: tunnels, YAxis: &yAxis{Left: axisRange{Min: 0, Max: 1}},
	}})
	if v.LogGroup != "" {
		widgets = append(widgets, widget{Type: "log", X: halfWidth, Y: y, Width: halfWidth, Height: graphHeight, Properties: logProperties{
			Title:  v.Name + " tunnel log, newest first",
			Region: v.Region,
			Query:  fmt.Sprintf("SOURCE '%s' | fields @timestamp, @message | sort @timestamp desc | limit %d", v.LogGroup, logLines),
			View:   "table",
		}})
	}
	y += graphHeight

	var healthy, traffic [][]any
	for _, s := range d.Sites {
		healthy = append(healthy, line(nsALB, metricHealthyHosts,
			metricOptions{Label: s.TargetGroupName + " (" + s.Region + ")", Region: s.Region, Stat: statMinimum},
			dimTargetGroup, s.TargetGroupArnSuffix, dimLoadBalancer, s.AlbArnSuffix))
		traffic = append(traffic,
			line(nsALB, metricRequests, metricOptions{Label: s.AlbName + " requests", Region: s.Region, Stat: statSum},
				dimLoadBalancer, s.AlbArnSuffix),
			line(nsALB, metricELB5xx, metricOptions{Label: s.AlbName + " ELB 5xx", Region: s.Region, Stat: statSum},
				dimLoadBalancer, s.AlbArnSuffix))
	}
	if len(d.Sites) > 0 {
		widgets = append(widgets,
			widget{Type: "metric", X: 0, Y: y, Width: halfWidth, Height: graphHeight, Properties: metricProperties{
				Title: "Healthy HAProxy per target group", Region: d.Region, View: "timeSeries", Period: graphPeriod, Stat: statMinimum,
				Metrics: healthy, YAxis: &yAxis{Left: axisRange{Min: 0}},
			}},
			widget{Type: "metric", X: halfWidth, Y: y, Width: halfWidth, Height: graphHeight, Properties: metricProperties{
				Title: "ALB requests and ELB-generated 5xx", Region: d.Region, View: "timeSeries", Period: graphPeriod, Stat: statSum,
				Metrics: traffic, YAxis: &yAxis{Left: axisRange{Min: 0}},
			}})
		y += graphHeight
	}

	if len(d.HealthChecks) > 0 {
		var checks [][]any
		for _, h := range d.HealthChecks {
			checks = append(checks, line(nsRoute53, metricHealthCheckStatus,
				metricOptions{Label: h.Name, Region: Route53MetricsRegion}, dimHealthCheckID, h.ID))
		}
		widgets = append(widgets, widget{Type: "metric", X: 0, Y: y, Width: gridWidth, Height: graphHeight, Properties: metricProperties{
			Title: "Route 53 health checks (1 = healthy)", Region: Route53MetricsRegion, View: "timeSeries", Period: graphPeriod, Stat: statMinimum,
			Metrics: checks, YAxis: &yAxis{Left: axisRange{Min: 0, Max: 1}},
		}})
	}

	body, err := json.MarshalIndent(struct {
		Widgets []widget `json:"widgets"`
	}{widgets}, "", "  ")
	if err != nil {
		return "", fmt.Errorf("dashboard: %w", err)
	}
	return string(body) + "\n", nil
}

// DashboardMetric is one metric a dashboard body graphs.
type DashboardMetric struct {
	Widget     string
	Namespace  string
	Name       string
	Dimensions map[string]string
	// Region is the line's own region, else its widget's.
	Region string
}

// DashboardLog is one log widget's source.
type DashboardLog struct {
	Widget, Region, Query string
}

// ParseDashboard lists the metrics and log queries of a dashboard body, so
// that a test can hold each against the resources the stack declares.
func ParseDashboard(body string) ([]DashboardMetric, []DashboardLog, error) {
	var doc struct {
		Widgets []struct {
			Type       string `json:"type"`
			Properties struct {
				Title   string  `json:"title"`
				Region  string  `json:"region"`
				Query   string  `json:"query"`
				Metrics [][]any `json:"metrics"`
			} `json:"properties"`
		} `json:"widgets"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		return nil, nil, fmt.Errorf("dashboard body: %w", err)
	}
	var metrics []DashboardMetric
	var logs []DashboardLog
	for _, w := range doc.Widgets {
		p := w.Properties
		switch w.Type {
		case "log":
			logs = append(logs, DashboardLog{Widget: p.Title, Region: p.Region, Query: p.Query})
		case "metric":
			for _, m := range p.Metrics {
				dm := DashboardMetric{Widget: p.Title, Region: p.Region, Dimensions: map[string]string{}}
				var strs []string
				for _, el := range m {
					switch x := el.(type) {
					case string:
						strs = append(strs, x)
					case map[string]any:
						if r, ok := x["region"].(string); ok {
							dm.Region = r
						}
					}
				}
				if len(strs) < 2 || len(strs)%2 != 0 {
					return nil, nil, fmt.Errorf("dashboard widget %q: metric %v is not namespace, name and dimension pairs", p.Title, m)
				}
				dm.Namespace, dm.Name = strs[0], strs[1]
				for i := 2; i < len(strs); i += 2 {
					dm.Dimensions[strs[i]] = strs[i+1]
				}
				metrics = append(metrics, dm)
			}
		}
	}
	return metrics, logs, nil
}

// newDashboard declares the dashboard in its region, its body rendered
// once every ID and address it names is known.
func newDashboard(ctx *pulumi.Context, parent pulumi.Resource, name, prefix string, a *AlarmsArgs,
	provider pulumi.ProviderResource) (*cloudwatch.Dashboard, error) {
	// Everything unknown goes into one list, in a fixed order, read back
	// by position below.
	inputs := []any{a.VPN.ConnectionID, a.VPN.Tunnel1Address, a.VPN.Tunnel2Address, a.VPN.LogGroupName}
	for _, s := range a.Sites {
		inputs = append(inputs, s.AlbArnSuffix, s.TargetGroupArnSuffix)
	}
	for _, h := range a.HealthChecks {
		inputs = append(inputs, h.ID)
	}
	var regions []string
	for _, r := range a.Regions {
		regions = append(regions, r.Name)
	}
	body := pulumi.All(inputs...).ApplyT(func(v []any) (string, error) {
		str := func(i int) string { return v[i].(string) }
		d := Dashboard{
			Name: prefix, Region: a.DashboardRegion, AlarmRegions: regions,
			VPN: DashboardVPN{
				Region: a.VPN.Region, Name: a.VPN.Name, ConnectionID: str(0),
				Tunnel1Address: str(1), Tunnel2Address: str(2), LogGroup: str(3),
			},
		}
		i := 4
		for _, s := range a.Sites {
			d.Sites = append(d.Sites, DashboardSite{
				Key: s.Key, Region: s.Region, AlbName: s.AlbName, AlbArnSuffix: str(i),
				TargetGroupName: s.TargetGroupName, TargetGroupArnSuffix: str(i + 1),
			})
			i += 2
		}
		for _, h := range a.HealthChecks {
			d.HealthChecks = append(d.HealthChecks, DashboardHealthCheck{Name: h.Name, ID: str(i)})
			i++
		}
		return RenderDashboard(d)
	}).(pulumi.StringOutput)
	dash, err := cloudwatch.NewDashboard(ctx, name+"-dashboard", &cloudwatch.DashboardArgs{
		DashboardName: pulumi.String(prefix),
		DashboardBody: body,
	}, pulumi.Parent(parent), pulumi.Provider(provider))
	if err != nil {
		return nil, fmt.Errorf("dashboard %s: %w", prefix, err)
	}
	return dash, nil
}
