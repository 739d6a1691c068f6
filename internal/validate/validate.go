// Package validate collects configuration problems so that a stack with bad
// config reports all of them at once, each naming its config key, before any
// resource is registered.
package validate

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
)

// Project is the Pulumi project name; config keys are "<Project>:<section>.<field>".
const Project = "hybrid-cloud"

// Problems collects the problems of one config section.
type Problems struct {
	section string
	errs    []error
}

// Section starts collecting problems for the config key "<Project>:<section>".
func Section(section string) *Problems {
	return &Problems{section: section}
}

// Key is the full config key of a field of this section, as a user would type
// it with `pulumi config`.
func (p *Problems) Key(field string) string {
	if field == "" {
		return Project + ":" + p.section
	}
	return Project + ":" + p.section + "." + field
}

// Addf records a problem with field.
func (p *Problems) Addf(field, format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("%s: %s", p.Key(field), fmt.Sprintf(format, args...)))
}

// Merge records errors found elsewhere (for example by a nested section).
func (p *Problems) Merge(err error) {
	if err != nil {
		p.errs = append(p.errs, err)
	}
}

// Err returns every recorded problem joined, or nil.
func (p *Problems) Err() error {
	return errors.Join(p.errs...)
}

// Required records a problem when value is empty.
func (p *Problems) Required(field, value, what string) bool {
	if strings.TrimSpace(value) == "" {
		p.Addf(field, "is required (%s)", what)
		return false
	}
	return true
}

// CIDR parses an IPv4 CIDR in canonical form (no host bits set).
func (p *Problems) CIDR(field, value string) (netip.Prefix, bool) {
	prefix, err := netip.ParsePrefix(value)
	switch {
	case value == "":
		p.Addf(field, "is required (an IPv4 CIDR such as 10.26.0.0/16)")
	case err != nil || !prefix.Addr().Is4():
		p.Addf(field, "%q is not an IPv4 CIDR (want e.g. 10.26.0.0/16)", value)
	case prefix.Masked() != prefix:
		p.Addf(field, "%q has host bits set (did you mean %s?)", value, prefix.Masked())
	default:
		return prefix, true
	}
	return netip.Prefix{}, false
}

// IPv4 parses a single IPv4 address.
func (p *Problems) IPv4(field, value string) (netip.Addr, bool) {
	addr, err := netip.ParseAddr(value)
	if err != nil || !addr.Is4() {
		p.Addf(field, "%q is not an IPv4 address (want e.g. 123.142.252.25)", value)
		return netip.Addr{}, false
	}
	return addr, true
}

// PublicIPv4 parses an IPv4 address that is routable on the internet: none
// of the special-purpose blocks (private, shared, documentation, reserved...).
func (p *Problems) PublicIPv4(field, value string) (netip.Addr, bool) {
	addr, ok := p.IPv4(field, value)
	if !ok {
		return netip.Addr{}, false
	}
	if what := NotPublic(netip.PrefixFrom(addr, 32)); what != "" {
		p.Addf(field, "%s is not a public IPv4 address: it is in %s (AWS must reach it over the internet)", value, what)
		return netip.Addr{}, false
	}
	return addr, true
}

// IntRange records a problem when value is outside [lo, hi].
func (p *Problems) IntRange(field string, value, lo, hi int) bool {
	if value < lo || value > hi {
		p.Addf(field, "%d is out of range (allowed %d to %d)", value, lo, hi)
		return false
	}
	return true
}

// OneOf records a problem when value is not one of allowed.
func (p *Problems) OneOf(field, value string, allowed ...string) bool {
	if !slices.Contains(allowed, value) {
		p.Addf(field, "%q is not allowed (allowed: %s)", value, strings.Join(allowed, ", "))
		return false
	}
	return true
}

// Match records a problem when value does not match re; what says what is allowed.
func (p *Problems) Match(field, value string, re *regexp.Regexp, what string) bool {
	if !re.MatchString(value) {
		p.Addf(field, "%q is not allowed (%s)", value, what)
		return false
	}
	return true
}

// Port records a problem when value is not a TCP/UDP port.
func (p *Problems) Port(field string, value int) bool {
	return p.IntRange(field, value, 1, 65535)
}

// Overlaps reports whether two prefixes share any address.
func Overlaps(a, b netip.Prefix) bool {
	return a.IsValid() && b.IsValid() && a.Overlaps(b)
}
