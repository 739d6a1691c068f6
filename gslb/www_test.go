package gslb

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
)

func TestEachWebNodeHasAnHTTPHealthCheckOnItsAddressAndPort(t *testing.T) {
	t.Parallel()
	for _, hc := range []HealthCheck{{30, 1}, {10, 3}} {
		c := devConfig()
		c.HealthCheck = hc
		e, err := runFailover(t, c)
		if err != nil {
			t.Fatal(err)
		}
		for i, label := range webLabels {
			mockengine.AssertInputs(t, must(t, e, healthType, "gslb-web-"+strings.ToLower(label)+"-health"), want{
				"type":             "HTTP",
				"ipAddress":        webIPs[i],
				"port":             "80",
				"resourcePath":     "/",
				"requestInterval":  fmt.Sprint(hc.IntervalSeconds),
				"failureThreshold": fmt.Sprint(hc.FailureThreshold),
				"tags.Name":        "web-" + label,
				"fqdn":             "<unset>",
				"enableSni":        "<unset>",
			})
		}
	}
}

// byName maps the resources of one type to their names.
func byName(e *mockengine.Engine, typ string) map[string]*mockengine.Resource {
	out := map[string]*mockengine.Resource{}
	for _, r := range e.OfType(typ) {
		out[r.Name] = r
	}
	return out
}

func TestMultivalueRoutingGivesEachNodeARecordTiedToItsCheck(t *testing.T) {
	t.Parallel()
	c := devConfig()
	c.SimpleRecordRouting = RoutingMultivalue
	e, err := runFailover(t, c)
	if err != nil {
		t.Fatal(err)
	}
	component := must(t, e, FailoverType, "gslb")
	records := byName(e, recordType)
	if _, ok := records["gslb-simple"]; ok {
		t.Error("multivalue routing still declares the simple record (Route 53 refuses both under one name)")
	}
	for i, label := range webLabels {
		key := strings.ToLower(label)
		rec := records["gslb-www-"+key]
		if rec == nil {
			t.Fatalf("no multivalue record for %s (have %v)", label, slices.Sorted(mapKeys(records)))
		}
		healthCheck := must(t, e, healthType, "gslb-web-"+key+"-health")
		mockengine.AssertInputs(t, rec, want{
			"name": "www.seojun.shop", "type": "A", "ttl": "60",
			"records":                       "[" + webIPs[i] + "]",
			"setIdentifier":                 label,
			"multivalueAnswerRoutingPolicy": "true",
			"healthCheckId":                 healthCheck.ID,
			"aliases":                       "<unset>",
			"failoverRoutingPolicies":       "<unset>",
		})
		// The record and its check watch the same node.
		if healthCheck.Text("ipAddress") != rec.Text("records.0") {
			t.Errorf("%s: record answers %s, its check probes %s", label, rec.Text("records.0"), healthCheck.Text("ipAddress"))
		}
		if !slices.Contains(rec.PropertyDependencies["healthCheckId"], healthCheck.URN) {
			t.Errorf("%s: record does not wait for its health check", rec.Name)
		}
		if e.Region(rec) != seoulRegion || e.ParentOf(rec).URN != component.URN {
			t.Errorf("%s: region %s, parent %v; want the primary's provider under the component", rec.Name, e.Region(rec), e.ParentOf(rec))
		}
	}
	// Four records replace one: the simple routing table plus three.
	simple, err := runFailover(t, devConfig())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(e.OfType(recordType)), len(simple.OfType(recordType))+len(webLabels)-1; got != want {
		t.Errorf("%d records with multivalue routing, want %d", got, want)
	}
}

func TestSimpleRoutingIsTheDefault(t *testing.T) {
	t.Parallel()
	c := devConfig()
	c.SimpleRecordRouting = ""
	e, err := runFailover(t, c)
	if err != nil {
		t.Fatal(err)
	}
	records := byName(e, recordType)
	if records["gslb-simple"] == nil {
		t.Error("no simple record without simpleRecordRouting")
	}
	for name := range records {
		if strings.HasPrefix(name, "gslb-www-") {
			t.Errorf("simple routing declares multivalue record %s", name)
		}
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// The monitoring component names CloudWatch dimensions from these refs; a
// wrong suffix or ID would be an alarm on nothing.
func TestRefsForMonitoringNameTheDeclaredResources(t *testing.T) {
	t.Parallel()
	e := mustRun(t)
	out := e.Outputs()
	checks, _ := out["healthChecks"].Value.(map[string]string)
	wantChecks := map[string]string{
		"seoul":        "active|" + must(t, e, healthType, "gslb-seoul-health").ID + "|https://seoul.seojun.shop" + readinessPath + ", HAProxy's readiness through seoul-alb: fails when the ALB or HAProxy does not answer, or HAProxy has no web node in rotation",
		"tokyo":        "passive|" + must(t, e, healthType, "gslb-tokyo-health").ID + "|https://tokyo.seojun.shop" + readinessPath + ", HAProxy's readiness through tokyo-alb: fails when the ALB or HAProxy does not answer, or HAProxy has no web node in rotation",
		"web-seoul":    "web-SEOUL|" + must(t, e, healthType, "gslb-web-seoul-health").ID + "|",
		"web-london":   "web-LONDON|" + must(t, e, healthType, "gslb-web-london-health").ID + "|",
		"web-oregon":   "web-OREGON|" + must(t, e, healthType, "gslb-web-oregon-health").ID + "|",
		"web-hongkong": "web-HONGKONG|" + must(t, e, healthType, "gslb-web-hongkong-health").ID + "|",
	}
	if len(checks) != len(wantChecks) {
		t.Errorf("%d health check refs, want %d: %v", len(checks), len(wantChecks), checks)
	}
	for key, w := range wantChecks {
		if got := checks[key]; !strings.HasPrefix(got, w) {
			t.Errorf("health check ref %s = %q, want it to start %q", key, got, w)
		}
	}
	sites, _ := out["sites"].Value.(map[string]string)
	for role, region := range map[string]string{"seoul": seoulRegion, "tokyo": tokyoRegion} {
		alb, tg := must(t, e, albType, "gslb-"+role+"-alb"), must(t, e, tgType, "gslb-"+role+"-tg")
		w := strings.Join([]string{region, alb.Text("tags.Name"), mockengine.Text(alb.Outputs, "arnSuffix"),
			tg.Text("tags.Name"), mockengine.Text(tg.Outputs, "arnSuffix")}, "|")
		if got := sites[role]; got != w || strings.Contains(got, "<unset>") {
			t.Errorf("site ref %s = %q, want %q", role, got, w)
		}
	}
}

func TestWebNodeOnFailureSaysWhatTheRoutingDoes(t *testing.T) {
	t.Parallel()
	c := devConfig()
	if got := c.webNodeOnFailure("LONDON"); !strings.Contains(got, "still lists") || !strings.Contains(got, "www.seojun.shop") {
		t.Errorf("simple routing: %q", got)
	}
	c.SimpleRecordRouting = RoutingMultivalue
	if got := c.webNodeOnFailure("LONDON"); !strings.Contains(got, "stops listing") {
		t.Errorf("multivalue routing: %q", got)
	}
}

func TestBadRoutingOrLabelsFailBeforeAnythingIsRegistered(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(c *Config)
		labels []string
		want   []string
	}{
		{"unknown routing", func(c *Config) { c.SimpleRecordRouting = "weighted" }, webLabels,
			[]string{"hybrid-cloud:gslb.simpleRecordRouting", `"weighted"`, "simple, multivalue"}},
		{"routing in capitals", func(c *Config) { c.SimpleRecordRouting = "Multivalue" }, webLabels,
			[]string{"hybrid-cloud:gslb.simpleRecordRouting"}},
		{"a label used twice", func(c *Config) {}, []string{"SEOUL", "SEOUL", "OREGON", "HONGKONG"},
			[]string{`label "SEOUL" is empty or used twice`}},
		{"an empty label", func(c *Config) {}, []string{"SEOUL", "", "OREGON", "HONGKONG"},
			[]string{`label "" is empty or used twice`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := devConfig()
			tc.change(&c)
			e := mockengine.New("hybrid-cloud", "dev")
			err := e.Run(failoverProgramWith(c, tc.labels, false), mockengine.Config{})
			mockengine.AssertErrorMentions(t, err, tc.want...)
			e.AssertOnlyProviders(t)
		})
	}
}

// TestANewLabelReplacesNothing: the node checks and multivalue records are
// named by the node's key, so a new label updates their tag and set
// identifier in place; a replacement would be refused on a protected stack.
func TestANewLabelReplacesNothing(t *testing.T) {
	t.Parallel()
	c := devConfig()
	c.SimpleRecordRouting = RoutingMultivalue
	runs := [2]*mockengine.Engine{mockengine.New("hybrid-cloud", "dev"), mockengine.New("hybrid-cloud", "dev")}
	for i, labels := range [][]string{webLabels, {"SEOUL", "LONDRES", "OREGON", "HONGKONG"}} {
		if err := runs[i].Run(failoverProgramWith(c, labels, true), mockengine.Config{}); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, ch := range mockengine.Diff(runs[0], runs[1]) {
		got = append(got, ch.String())
	}
	want := []string{
		"update aws:route53/healthCheck:HealthCheck gslb-web-london-health inputs[tags]",
		"update aws:route53/record:Record gslb-www-london inputs[setIdentifier]",
	}
	if !slices.Equal(got, want) {
		t.Errorf("a new label changes\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
