package monitoring

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hybridlab/hybrid-cloud/internal/validate"
)

// Config is the `hybrid-cloud:monitoring` config object.
type Config struct {
	// AlertEmails get every alarm's mail, from each region's topic. May be
	// empty: the topics and alarms exist anyway, and anyone can subscribe
	// later. AWS mails each address a confirmation per topic (one per
	// region) and sends nothing until it is confirmed.
	AlertEmails []string `json:"alertEmails,omitempty"`
	// LogRetentionDays is how long CloudWatch Logs keeps the VPN tunnel
	// logs; one of the values CloudWatch Logs accepts. Default 30.
	LogRetentionDays *int `json:"logRetentionDays,omitempty"`
}

// DefaultLogRetentionDays keeps a month of tunnel logs: enough to compare
// an incident with the weeks before it, little enough to cost nothing to
// speak of (a quiet tunnel logs a few KB a day).
const DefaultLogRetentionDays = 30

// LogRetention is LogRetentionDays with its default applied.
func (c Config) LogRetention() int {
	if c.LogRetentionDays == nil {
		return DefaultLogRetentionDays
	}
	return *c.LogRetentionDays
}

// emailPattern is deliberately loose (SNS checks deliverability by sending
// the confirmation); it catches a missing @, spaces and lists pasted into
// one entry.
var emailPattern = regexp.MustCompile(`^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$`)

// Validate checks the section.
func (c Config) Validate() error {
	p := validate.Section("monitoring")
	seen := map[string]int{}
	for i, e := range c.AlertEmails {
		field := fmt.Sprintf("alertEmails[%d]", i)
		if !p.Match(field, e, emailPattern, "one email address, e.g. ops@example.com") {
			continue
		}
		if j, dup := seen[strings.ToLower(e)]; dup {
			p.Addf(field, "%q is also alertEmails[%d]; list each address once", e, j)
			continue
		}
		seen[strings.ToLower(e)] = i
	}
	if d := c.LogRetention(); !validate.ValidLogRetention(d) {
		p.Addf("logRetentionDays", "%d is not allowed (CloudWatch Logs keeps logs for %s days; leave it out for %d)",
			d, validate.LogRetentionList(), DefaultLogRetentionDays)
	}
	return p.Err()
}
