package validate

import (
	"net/netip"
)

// special is one IPv4 special-purpose block that is not routable on the
// internet, from IANA's special-purpose address registry (RFC 6890 and its
// updates). Blocks the registry marks globally reachable (AS112, AMT) are
// left out: they are public.
type special struct {
	prefix netip.Prefix
	what   string
}

var notPublic = []special{
	{netip.MustParsePrefix("0.0.0.0/8"), `"this network" 0.0.0.0/8`},
	{netip.MustParsePrefix("10.0.0.0/8"), "private 10.0.0.0/8 (RFC 1918)"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared address space 100.64.0.0/10 (carrier-grade NAT, RFC 6598)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback 127.0.0.0/8"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local 169.254.0.0/16"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private 172.16.0.0/12 (RFC 1918)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments 192.0.0.0/24"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation 192.0.2.0/24 (TEST-NET-1, RFC 5737)"},
	{netip.MustParsePrefix("192.88.99.0/24"), "deprecated 6to4 relay anycast 192.88.99.0/24 (RFC 7526)"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private 192.168.0.0/16 (RFC 1918)"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking 198.18.0.0/15 (RFC 2544)"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation 198.51.100.0/24 (TEST-NET-2, RFC 5737)"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation 203.0.113.0/24 (TEST-NET-3, RFC 5737)"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast 224.0.0.0/4"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved 240.0.0.0/4 (with the broadcast address)"},
}

// NotPublic names the first special-purpose block that prefix shares an
// address with, or returns "" when every address of prefix is public.
func NotPublic(prefix netip.Prefix) string {
	for _, s := range notPublic {
		if prefix.Overlaps(s.prefix) {
			return s.what
		}
	}
	return ""
}

// rfc1918 are the private ranges every cloud network of the stack must lie in.
var rfc1918 = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
}

// RFC1918 is the rule for the address range of a cloud network.
const RFC1918 = "a private range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918)"

// IsRFC1918 reports whether prefix lies inside one of the RFC 1918 ranges.
func IsRFC1918(prefix netip.Prefix) bool {
	for _, r := range rfc1918 {
		if prefix.Bits() >= r.Bits() && r.Contains(prefix.Addr()) {
			return true
		}
	}
	return false
}

// PrivateNetwork records a problem when a cloud network's range is not
// inside RFC 1918. Clouds accept more (public ranges, 100.64.0.0/10), but a
// network that claims a public range hides those internet hosts from its
// instances, package mirrors included.
func (p *Problems) PrivateNetwork(field string, prefix netip.Prefix) bool {
	if !IsRFC1918(prefix) {
		p.Addf(field, "%s is not allowed (want %s, so that no internet address is hidden from the instances)", prefix, RFC1918)
		return false
	}
	return true
}

// MaxAdminBits is the broadest admin range allowed: a /16.
const MaxAdminBits = 16

// AdminCIDR parses a range that may reach an admin port (SSH) from the
// internet: a public range no broader than a /16. A private or reserved
// range cannot be the source of internet traffic, so it only widens the
// opening for whoever shares that range (or is a typo).
func (p *Problems) AdminCIDR(field, value string) (netip.Prefix, bool) {
	prefix, ok := p.CIDR(field, value)
	if !ok {
		return netip.Prefix{}, false
	}
	if prefix.Bits() < MaxAdminBits {
		p.Addf(field, "%s is broader than a /%d: name your admin network (a public range of /%d or narrower, e.g. 123.142.252.25/32), or leave it out to keep SSH closed", prefix, MaxAdminBits, MaxAdminBits)
		return netip.Prefix{}, false
	}
	if what := NotPublic(prefix); what != "" {
		p.Addf(field, "%s is not a public range (it is in %s): SSH arrives from the internet, so name your admin network's public address, e.g. 123.142.252.25/32", prefix, what)
		return netip.Prefix{}, false
	}
	return prefix, true
}

// HostAddress records a problem when addr is the network or the broadcast
// address of prefix (for ranges that have them, /30 and broader): neither
// can be a host's address.
func (p *Problems) HostAddress(field string, addr netip.Addr, prefix netip.Prefix, rangeKey string) bool {
	if prefix.Bits() > 30 || !prefix.Contains(addr) {
		return true
	}
	if addr == prefix.Masked().Addr() {
		p.Addf(field, "%s is the network address of %s (%s), not a host's", addr, prefix, rangeKey)
		return false
	}
	if addr == lastAddr(prefix) {
		p.Addf(field, "%s is the broadcast address of %s (%s), not a host's", addr, prefix, rangeKey)
		return false
	}
	return true
}

// lastAddr is the highest address of an IPv4 prefix.
func lastAddr(prefix netip.Prefix) netip.Addr {
	a := prefix.Masked().Addr().As4()
	host := uint32(1)<<(32-prefix.Bits()) - 1
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v |= host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
