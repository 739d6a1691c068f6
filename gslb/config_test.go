package gslb

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
)

func TestDevStackConfigIsTheNotesAndValid(t *testing.T) {
	t.Parallel()
	_, cfg, err := mockengine.LoadStackConfig("..", "dev")
	if err != nil {
		t.Fatal(err)
	}
	var c Config
	dec := json.NewDecoder(strings.NewReader(cfg.Values["hybrid-cloud:gslb"]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		t.Fatal(err)
	}
	if c != devConfig() {
		t.Errorf("Pulumi.dev.yaml gslb = %+v\nwant the note's %+v", c, devConfig())
	}
	if err := c.Validate(); err != nil {
		t.Error(err)
	}
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	err := Config{HealthCheck: HealthCheck{IntervalSeconds: 20}}.Validate()
	if err == nil {
		t.Fatal("empty config is valid")
	}
	for _, key := range []string{
		"zoneName", "seoulRecord", "tokyoRecord", "failoverRecord", "simpleRecord",
		"seoulAlbName", "tokyoAlbName", "seoulTargetGroupName", "tokyoTargetGroupName",
		"securityGroupName", "healthCheck.intervalSeconds", "healthCheck.failureThreshold",
		"seoulHealthCheckName", "tokyoHealthCheckName", "seoulSetId", "tokyoSetId",
	} {
		if !strings.Contains(err.Error(), "hybrid-cloud:gslb."+key+":") {
			t.Errorf("error does not name hybrid-cloud:gslb.%s:\n%v", key, err)
		}
	}
}

func TestValidateAcceptsWhatAWSAllows(t *testing.T) {
	t.Parallel()
	cases := map[string]func(c *Config){
		"fast checks, threshold 10": func(c *Config) { c.HealthCheck = HealthCheck{IntervalSeconds: 10, FailureThreshold: 10} },
		"32-character ALB name":     func(c *Config) { c.SeoulAlbName = strings.Repeat("a", 32) },
		"single-character names":    func(c *Config) { c.TokyoTargetGroupName, c.SimpleRecord = "t", "w" },
		"sub-zone":                  func(c *Config) { c.ZoneName = "lab.seojun.shop" },
		"63-character label":        func(c *Config) { c.FailoverRecord = strings.Repeat("g", 63) },
		"security group with space": func(c *Config) { c.SecurityGroupName = "SG ALB (web)" },
		"the note's own spelling":   func(c *Config) { c.SeoulSetID = "Seoul-Actice" },
		"128-character set ID":      func(c *Config) { c.TokyoSetID = strings.Repeat("t", 128) },
		"health check name symbols": func(c *Config) { c.SeoulHealthCheckName = "seoul active_1.:/=+-@" },
		"Korean health check name":  func(c *Config) { c.TokyoHealthCheckName = "도쿄 대기" },
	}
	for name, change := range cases {
		c := devConfig()
		change(&c)
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestValidateRefusesNamesTooLongForDNS(t *testing.T) {
	t.Parallel()
	c := devConfig()
	// 4 labels of 62 + dots = 251 characters: a valid zone, but
	// seoul.<zone> has 257.
	c.ZoneName = strings.Join([]string{strings.Repeat("a", 62), strings.Repeat("b", 62), strings.Repeat("c", 62), strings.Repeat("d", 62)}, ".")
	if err := (Config{ZoneName: c.ZoneName}).Validate(); err != nil && strings.Contains(err.Error(), "gslb.zoneName") {
		t.Fatalf("the zone alone should be valid: %v", err)
	}
	err := c.Validate()
	if err == nil || !strings.Contains(err.Error(), "hybrid-cloud:gslb.seoulRecord") || !strings.Contains(err.Error(), "253") {
		t.Errorf("want seoulRecord too long, got %v", err)
	}
}

// TestValidateRefusesNamesRoute53Refuses covers the health check names (a
// Name tag) and the failover set IDs by Route 53's rules.
func TestValidateRefusesNamesRoute53Refuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(c *Config)
		want   string
	}{
		{"no health check name", func(c *Config) { c.SeoulHealthCheckName = "" }, "hybrid-cloud:gslb.seoulHealthCheckName: is required"},
		{"tag value with a quote", func(c *Config) { c.TokyoHealthCheckName = `pass"ive` }, `hybrid-cloud:gslb.tokyoHealthCheckName: "pass\"ive" is not allowed`},
		{"tag value too long", func(c *Config) { c.SeoulHealthCheckName = strings.Repeat("a", 257) }, "hybrid-cloud:gslb.seoulHealthCheckName: is 257 characters long"},
		{"reserved aws: prefix", func(c *Config) { c.SeoulHealthCheckName = "AWS:active" }, "hybrid-cloud:gslb.seoulHealthCheckName: \"AWS:active\" is not allowed (AWS reserves"},
		{"no set ID", func(c *Config) { c.TokyoSetID = "" }, "hybrid-cloud:gslb.tokyoSetId: is required"},
		{"set ID too long", func(c *Config) { c.SeoulSetID = strings.Repeat("s", 129) }, "hybrid-cloud:gslb.seoulSetId: is 129 characters long (Route 53 takes 1 to 128)"},
		{"same set IDs", func(c *Config) { c.TokyoSetID = c.SeoulSetID }, `hybrid-cloud:gslb.tokyoSetId: "Seoul-Active" is also hybrid-cloud:gslb.seoulSetId`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := devConfig()
			tc.change(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}
