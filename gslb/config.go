package gslb

import (
	"regexp"

	"github.com/hybridlab/hybrid-cloud/internal/validate"
)

// Config is the `hybrid-cloud:gslb` config object.
type Config struct {
	// ZoneName is the Route 53 public hosted zone, looked up by name.
	ZoneName string `json:"zoneName"`
	// SeoulRecord, TokyoRecord and FailoverRecord are record names inside the zone.
	SeoulRecord    string `json:"seoulRecord"`
	TokyoRecord    string `json:"tokyoRecord"`
	FailoverRecord string `json:"failoverRecord"`
	// SimpleRecord holds the four web nodes' IPs (simple routing).
	SimpleRecord string `json:"simpleRecord"`
	// ALB, target group and security group names (the note's).
	SeoulAlbName         string      `json:"seoulAlbName"`
	TokyoAlbName         string      `json:"tokyoAlbName"`
	SeoulTargetGroupName string      `json:"seoulTargetGroupName"`
	TokyoTargetGroupName string      `json:"tokyoTargetGroupName"`
	SecurityGroupName    string      `json:"securityGroupName"`
	HealthCheck          HealthCheck `json:"healthCheck"`
}

// HealthCheck is the Route 53 health checks' timing.
type HealthCheck struct {
	// IntervalSeconds is 10 (fast) or 30 (standard); Route 53 takes nothing else.
	IntervalSeconds int `json:"intervalSeconds"`
	// FailureThreshold is 1 to 10 consecutive failures.
	FailureThreshold int `json:"failureThreshold"`
}

var zoneNamePattern = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

// Validate checks the section.
func (c Config) Validate() error {
	p := validate.Section("gslb")
	p.Match("zoneName", c.ZoneName, zoneNamePattern, "a DNS zone such as seojun.shop, lower case, no trailing dot")
	for field, v := range map[string]string{
		"seoulRecord": c.SeoulRecord, "tokyoRecord": c.TokyoRecord,
		"failoverRecord": c.FailoverRecord, "simpleRecord": c.SimpleRecord,
		"seoulAlbName": c.SeoulAlbName, "tokyoAlbName": c.TokyoAlbName,
		"seoulTargetGroupName": c.SeoulTargetGroupName, "tokyoTargetGroupName": c.TokyoTargetGroupName,
		"securityGroupName": c.SecurityGroupName,
	} {
		p.Required(field, v, "see the README's configuration table")
	}
	if c.HealthCheck.IntervalSeconds != 10 && c.HealthCheck.IntervalSeconds != 30 {
		p.Addf("healthCheck.intervalSeconds", "%d is not allowed (Route 53 takes 10 or 30)", c.HealthCheck.IntervalSeconds)
	}
	p.IntRange("healthCheck.failureThreshold", c.HealthCheck.FailureThreshold, 1, 10)
	return p.Err()
}
