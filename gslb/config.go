package gslb

import (
	"regexp"
	"strings"
	"unicode/utf8"

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
	// SimpleRecordRouting is how SimpleRecord answers: "simple" (the note's
	// one record with every node, dead or alive; the default) or
	// "multivalue" (one record per node, each answered only while that
	// node's health check passes).
	SimpleRecordRouting string `json:"simpleRecordRouting,omitempty"`
	// The note's ALB, target group and security group names, as the Name
	// tags of provider-named resources (see newALB).
	SeoulAlbName         string      `json:"seoulAlbName"`
	TokyoAlbName         string      `json:"tokyoAlbName"`
	SeoulTargetGroupName string      `json:"seoulTargetGroupName"`
	TokyoTargetGroupName string      `json:"tokyoTargetGroupName"`
	SecurityGroupName    string      `json:"securityGroupName"`
	HealthCheck          HealthCheck `json:"healthCheck"`
	// SeoulHealthCheckName and TokyoHealthCheckName are the health checks'
	// Name tags, which the Route 53 console lists (the note's active and
	// passive).
	SeoulHealthCheckName string `json:"seoulHealthCheckName"`
	TokyoHealthCheckName string `json:"tokyoHealthCheckName"`
	// SeoulSetID and TokyoSetID are the failover records' set identifiers
	// (the note's record IDs; its Seoul-Actice is a typo, see
	// docs/lecture-note.md).
	SeoulSetID string `json:"seoulSetId"`
	TokyoSetID string `json:"tokyoSetId"`
	// NameSuffix ends the names this package derives rather than reads (the
	// web node checks' Name tags): the stack's suffix, which the config's
	// own names already carry ("" in the stack hybrid-cloud:exactNamesStack
	// names; see internal/stackconfig).
	NameSuffix string `json:"-"`
}

// HealthCheck is the Route 53 health checks' timing.
type HealthCheck struct {
	// IntervalSeconds is 10 (fast) or 30 (standard); Route 53 takes nothing else.
	IntervalSeconds int `json:"intervalSeconds"`
	// FailureThreshold is 1 to 10 consecutive failures.
	FailureThreshold int `json:"failureThreshold"`
}

// SimpleRecord routing policies.
const (
	RoutingSimple     = "simple"
	RoutingMultivalue = "multivalue"
)

// simpleRouting is SimpleRecordRouting with its default applied.
func (c Config) simpleRouting() string {
	if c.SimpleRecordRouting == "" {
		return RoutingSimple
	}
	return c.SimpleRecordRouting
}

// Fully qualified names of the records, "<record>.<zone>".
func (c Config) seoulFQDN() string    { return c.SeoulRecord + "." + c.ZoneName }
func (c Config) tokyoFQDN() string    { return c.TokyoRecord + "." + c.ZoneName }
func (c Config) failoverFQDN() string { return c.FailoverRecord + "." + c.ZoneName }
func (c Config) simpleFQDN() string   { return c.SimpleRecord + "." + c.ZoneName }

var (
	zoneNamePattern = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	// A record name is one DNS label inside the zone (ACM also needs it to
	// be a valid host name, so no underscores or wildcards).
	labelPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	// ALB and target group names: at most 32 alphanumerics or hyphens, not
	// beginning or ending with a hyphen (Elastic Load Balancing's rule).
	elbNamePattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?$`)
	// EC2's characters for a VPC security group name, up to 255 of them.
	sgNamePattern = regexp.MustCompile(`^[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]{1,255}$`)
)

var (
	// tagValuePattern is the AWS tag value rule Route 53 applies to a health
	// check's Name tag: Unicode letters, digits, white space and _ . : / = + - @.
	tagValuePattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
)

// Route 53's limits on the names the note gives.
const (
	// maxTagValue is the longest tag value (API_Tag: Value, 256).
	maxTagValue = 256
	// maxSetID is the longest set identifier (API_ResourceRecordSet:
	// SetIdentifier, 1 to 128 characters).
	maxSetID = 128
)

// maxFQDN is the longest domain name in text form (RFC 1035's 255 octets on
// the wire, less the length octets).
const maxFQDN = 253

// Validate checks the section.
func (c Config) Validate() error {
	p := validate.Section("gslb")
	zoneOK := p.Required("zoneName", c.ZoneName, "the Route 53 public hosted zone, e.g. seojun.shop") &&
		p.Match("zoneName", c.ZoneName, zoneNamePattern, "a DNS zone such as seojun.shop, lower case, no trailing dot")

	records := []struct{ field, value string }{
		{"seoulRecord", c.SeoulRecord}, {"tokyoRecord", c.TokyoRecord},
		{"failoverRecord", c.FailoverRecord}, {"simpleRecord", c.SimpleRecord},
	}
	seen := map[string]string{}
	for _, r := range records {
		if !p.Required(r.field, r.value, "a record name inside the zone, e.g. gslb") ||
			!p.Match(r.field, r.value, labelPattern, "one lower-case DNS label inside the zone: a-z, 0-9 and inner hyphens, at most 63 characters") {
			continue
		}
		// Each name carries different records (aliases, a failover pair, a
		// plain A set); Route 53 refuses to mix them under one name.
		if other, dup := seen[r.value]; dup {
			p.Addf(r.field, "%q is also %s; each record needs a name of its own", r.value, p.Key(other))
			continue
		}
		seen[r.value] = r.field
		if zoneOK && len(r.value)+1+len(c.ZoneName) > maxFQDN {
			p.Addf(r.field, "%s.%s is longer than %d characters", r.value, c.ZoneName, maxFQDN)
		}
	}

	for _, n := range []struct{ field, value, what string }{
		{"seoulAlbName", c.SeoulAlbName, "load balancer"}, {"tokyoAlbName", c.TokyoAlbName, "load balancer"},
		{"seoulTargetGroupName", c.SeoulTargetGroupName, "target group"}, {"tokyoTargetGroupName", c.TokyoTargetGroupName, "target group"},
	} {
		if !p.Required(n.field, n.value, "the "+n.what+"'s name, e.g. seoul-alb") ||
			!p.Match(n.field, n.value, elbNamePattern, "an Elastic Load Balancing name: 1 to 32 letters, digits or hyphens, not beginning or ending with a hyphen") {
			continue
		}
		if n.what == "load balancer" && strings.HasPrefix(n.value, "internal-") {
			p.Addf(n.field, "%q is not allowed (a load balancer name must not begin with internal-)", n.value)
		}
	}

	if p.Required("securityGroupName", c.SecurityGroupName, "the ALBs' security group name, e.g. SG-ALB") &&
		p.Match("securityGroupName", c.SecurityGroupName, sgNamePattern, "up to 255 letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*") &&
		strings.HasPrefix(c.SecurityGroupName, "sg-") {
		p.Addf("securityGroupName", "%q is not allowed (EC2 reserves names beginning with sg-; SG-ALB is fine)", c.SecurityGroupName)
	}

	c.checkNoteNames(p)

	if c.HealthCheck.IntervalSeconds != 10 && c.HealthCheck.IntervalSeconds != 30 {
		p.Addf("healthCheck.intervalSeconds", "%d is not allowed (Route 53 takes 10 or 30)", c.HealthCheck.IntervalSeconds)
	}
	p.IntRange("healthCheck.failureThreshold", c.HealthCheck.FailureThreshold, 1, 10)
	p.OneOf("simpleRecordRouting", c.simpleRouting(), RoutingSimple, RoutingMultivalue)
	return p.Err()
}

// checkNoteNames validates the health check names and the failover set IDs
// by Route 53's rules, before anything is registered.
func (c Config) checkNoteNames(p *validate.Problems) {
	for _, n := range []struct{ field, value string }{
		{"seoulHealthCheckName", c.SeoulHealthCheckName}, {"tokyoHealthCheckName", c.TokyoHealthCheckName},
	} {
		switch {
		case !p.Required(n.field, n.value, "the health check's Name tag, e.g. active"):
		case utf8.RuneCountInString(n.value) > maxTagValue:
			p.Addf(n.field, "is %d characters long (a Route 53 tag value takes at most %d)", utf8.RuneCountInString(n.value), maxTagValue)
		case !tagValuePattern.MatchString(n.value):
			p.Addf(n.field, "%q is not allowed (a Route 53 tag value holds letters, digits, spaces and _ . : / = + - @)", n.value)
		case strings.HasPrefix(strings.ToLower(n.value), "aws:"):
			p.Addf(n.field, "%q is not allowed (AWS reserves tag values beginning with aws:)", n.value)
		}
	}
	for _, n := range []struct{ field, value string }{
		{"seoulSetId", c.SeoulSetID}, {"tokyoSetId", c.TokyoSetID},
	} {
		if p.Required(n.field, n.value, "the failover record's set identifier, e.g. Seoul-Active") && utf8.RuneCountInString(n.value) > maxSetID {
			p.Addf(n.field, "is %d characters long (Route 53 takes 1 to %d)", utf8.RuneCountInString(n.value), maxSetID)
		}
	}
	// Both records share a name and type; the set ID is what tells them apart.
	if c.SeoulSetID != "" && c.SeoulSetID == c.TokyoSetID {
		p.Addf("tokyoSetId", "%q is also %s: the two failover records of %s need different set IDs", c.TokyoSetID, p.Key("seoulSetId"), c.FailoverRecord)
	}
}
