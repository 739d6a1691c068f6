package haproxy

import (
	"errors"
	"fmt"
)

// validate checks everything NewPair needs before it registers anything.
func (a *PairArgs) validate() error {
	if a == nil {
		return errors.New("no arguments")
	}
	errs := []error{a.Config.Validate()}
	if len(a.Backends) == 0 {
		errs = append(errs, errors.New("no back ends to balance"))
	}
	seen := map[string]bool{}
	for i, b := range a.Backends {
		if !namePattern.MatchString(b.Name) {
			errs = append(errs, fmt.Errorf("back end %d: name %q: use letters, digits, '_', '.', '-'", i, b.Name))
		}
		if seen[b.Name] {
			errs = append(errs, fmt.Errorf("back end name %q used twice", b.Name))
		}
		seen[b.Name] = true
		if b.Port < 1 || b.Port > 65535 {
			errs = append(errs, fmt.Errorf("back end %s: port %d not in 1-65535", b.Name, b.Port))
		}
	}
	for _, s := range []struct {
		what string
		site Site
	}{{"Seoul", a.Seoul}, {"Tokyo", a.Tokyo}} {
		if s.site.Region == "" {
			errs = append(errs, fmt.Errorf("%s site: no region", s.what))
		}
		if s.site.Provider == nil {
			errs = append(errs, fmt.Errorf("%s site: no provider", s.what))
		}
		if len(s.site.Placement.SubnetIDs) == 0 {
			errs = append(errs, fmt.Errorf("%s site: no subnet to place the instance in", s.what))
		}
		if s.site.TargetGroupArn.OutputState == nil || s.site.AlbSecurityGroupID.OutputState == nil {
			errs = append(errs, fmt.Errorf("%s site: no ALB target group and security group to serve behind", s.what))
		}
		if s.site.Listener == nil {
			errs = append(errs, fmt.Errorf("%s site: no ALB listener forwarding to the target group (the group waits for it)", s.what))
		}
	}
	if a.Config.TokyoFromAmi && a.Seoul.Region == a.Tokyo.Region && a.Seoul.Region != "" {
		errs = append(errs, fmt.Errorf("tokyoFromAmi copies the image between regions, but both sites are in %s", a.Seoul.Region))
	}
	return errors.Join(errs...)
}
