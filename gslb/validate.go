package gslb

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// validate checks the arguments that come from other components rather than
// from config: the programmer's contract, checked before anything is
// registered like the config is.
func (a *FailoverArgs) validate() error {
	if a == nil {
		return errors.New("no arguments")
	}
	errs := []error{a.Config.Validate()}
	for _, s := range []struct {
		role string
		site Site
	}{{"primary", a.Primary}, {"secondary", a.Secondary}} {
		errs = append(errs, s.site.validate(s.role))
	}
	if a.Primary.Region != "" && a.Primary.Region == a.Secondary.Region {
		errs = append(errs, fmt.Errorf("primary and secondary are both in %s; failover needs two regions", a.Primary.Region))
	}
	if len(a.WebNodes) == 0 {
		errs = append(errs, errors.New("no web nodes for the simple record"))
	}
	// Node keys name resources, labels set identifiers: neither may repeat.
	keys, labels := map[string]bool{}, map[string]bool{}
	for i, n := range a.WebNodes {
		switch {
		case !nodeKey.MatchString(n.Key):
			errs = append(errs, fmt.Errorf("web node %d: key %q is not a lower-case name", i, n.Key))
		case keys[n.Key]:
			errs = append(errs, fmt.Errorf("web node key %q used twice", n.Key))
		}
		keys[n.Key] = true
		if n.Label == "" || labels[n.Label] {
			errs = append(errs, fmt.Errorf("web node %q: label %q is empty or used twice", n.Key, n.Label))
		}
		labels[n.Label] = true
		if n.Port < 1 || n.Port > 65535 {
			errs = append(errs, fmt.Errorf("web node %q: port %d is not a TCP port", n.Label, n.Port))
		}
	}
	return errors.Join(errs...)
}

// nodeKey is a web node's key: a lower-case name, safe in resource names.
var nodeKey = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}$`)

func (s Site) validate(role string) error {
	var errs []error
	if s.Region == "" {
		errs = append(errs, fmt.Errorf("%s site: no region", role))
	}
	if s.Provider == nil {
		errs = append(errs, fmt.Errorf("%s site: no provider", role))
	}
	// An ALB needs subnets in at least two availability zones.
	if n := len(s.Placement.SubnetIDs); n < 2 {
		errs = append(errs, fmt.Errorf("%s site: %d subnets, an ALB needs at least 2 in different zones", role, n))
	}
	for _, p := range []struct{ what, path string }{{"liveness", s.LivenessPath}, {"readiness", s.ReadinessPath}} {
		if !strings.HasPrefix(p.path, "/") {
			errs = append(errs, fmt.Errorf("%s site: %s path %q does not begin with /", role, p.what, p.path))
		}
	}
	if s.LivenessPath == s.ReadinessPath {
		errs = append(errs, fmt.Errorf("%s site: liveness and readiness share the path %q; the target group would replace HAProxy for the web nodes' outage", role, s.LivenessPath))
	}
	return errors.Join(errs...)
}
