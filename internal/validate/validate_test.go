package validate

import (
	"errors"
	"net/netip"
	"regexp"
	"strings"
	"testing"
)

func TestCheckersNameTheKeyAndWhatIsAllowed(t *testing.T) {
	t.Parallel()
	cidr := func(p *Problems, v string) bool { _, ok := p.CIDR("cidr", v); return ok }
	ipv4 := func(p *Problems, v string) bool { _, ok := p.IPv4("ip", v); return ok }
	public := func(p *Problems, v string) bool { _, ok := p.PublicIPv4("ip", v); return ok }
	name := regexp.MustCompile(`^[a-z]+$`)
	cases := []struct {
		name  string
		check func(p *Problems) bool // the checker's verdict
		want  []string               // substrings of the joined error; none means no error
	}{
		{"good CIDR", func(p *Problems) bool { return cidr(p, "10.26.0.0/16") }, nil},
		{"empty CIDR", func(p *Problems) bool { return cidr(p, "") }, []string{"hybrid-cloud:sec.cidr: is required"}},
		{"bad CIDR", func(p *Problems) bool { return cidr(p, "10.26.0.0/33") }, []string{"hybrid-cloud:sec.cidr:", `"10.26.0.0/33" is not an IPv4 CIDR`}},
		{"IPv6 CIDR", func(p *Problems) bool { return cidr(p, "2001:db8::/32") }, []string{"not an IPv4 CIDR"}},
		{"host bits", func(p *Problems) bool { return cidr(p, "192.168.1.0/20") }, []string{"host bits set", "did you mean 192.168.0.0/20?"}},
		{"good address", func(p *Problems) bool { return ipv4(p, "192.168.0.10") }, nil},
		{"bad address", func(p *Problems) bool { return ipv4(p, "192.168.0") }, []string{"hybrid-cloud:sec.ip:", "not an IPv4 address"}},
		{"IPv6 address", func(p *Problems) bool { return ipv4(p, "2001:db8::1") }, []string{"not an IPv4 address"}},
		{"public address", func(p *Problems) bool { return public(p, "123.142.252.25") }, nil},
		{"private as public", func(p *Problems) bool { return public(p, "10.1.2.3") }, []string{"not a public IPv4 address"}},
		{"loopback as public", func(p *Problems) bool { return public(p, "127.0.0.1") }, []string{"not a public IPv4 address"}},
		{"link-local as public", func(p *Problems) bool { return public(p, "169.254.169.254") }, []string{"not a public IPv4 address"}},
		{"garbage as public", func(p *Problems) bool { return public(p, "x") }, []string{"not an IPv4 address"}},
		{"in range", func(p *Problems) bool { return p.IntRange("n", 10, 1, 10) }, nil},
		{"below range", func(p *Problems) bool { return p.IntRange("n", 0, 1, 10) }, []string{"hybrid-cloud:sec.n: 0 is out of range (allowed 1 to 10)"}},
		{"above range", func(p *Problems) bool { return p.IntRange("n", 11, 1, 10) }, []string{"hybrid-cloud:sec.n: 11 is out of range (allowed 1 to 10)"}},
		{"port", func(p *Problems) bool { return p.Port("port", 0) }, []string{"0 is out of range (allowed 1 to 65535)"}},
		{"good port", func(p *Problems) bool { return p.Port("port", 65535) }, nil},
		{"one of", func(p *Problems) bool { return p.OneOf("region", "mars-1", "ap-northeast-1", "ap-northeast-2") },
			[]string{`hybrid-cloud:sec.region: "mars-1" is not allowed (allowed: ap-northeast-1, ap-northeast-2)`}},
		{"one of, allowed", func(p *Problems) bool { return p.OneOf("region", "ap-northeast-2", "ap-northeast-1", "ap-northeast-2") }, nil},
		{"match", func(p *Problems) bool { return p.Match("label", "abc", name, "lower-case letters") }, nil},
		{"no match", func(p *Problems) bool { return p.Match("label", "A b", name, "lower-case letters") },
			[]string{`hybrid-cloud:sec.label: "A b" is not allowed (lower-case letters)`}},
		{"required", func(p *Problems) bool { return p.Required("name", "  ", "e.g. MY-VPC") }, []string{"hybrid-cloud:sec.name: is required (e.g. MY-VPC)"}},
		{"section key", func(p *Problems) bool { p.Addf("", "is wrong"); return false }, []string{"hybrid-cloud:sec: is wrong"}},
		{"merged", func(p *Problems) bool {
			p.Merge(nil)
			p.Merge(errors.New("hybrid-cloud:other.x: bad"))
			return false
		}, []string{"hybrid-cloud:other.x: bad"}},
		{"every problem kept", func(p *Problems) bool {
			a := cidr(p, "x")
			b := p.Port("b", 70000)
			return a || b
		}, []string{"hybrid-cloud:sec.cidr:", "hybrid-cloud:sec.b:"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := Section("sec")
			ok := tc.check(p)
			err := p.Err()
			if ok != (len(tc.want) == 0) {
				t.Errorf("checker returned %v with error %v", ok, err)
			}
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error; want one mentioning %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestCheckersReturnWhatTheyParsed(t *testing.T) {
	t.Parallel()
	p := Section("sec")
	if got, _ := p.CIDR("a", "10.26.0.0/16"); got != netip.MustParsePrefix("10.26.0.0/16") {
		t.Errorf("CIDR = %v", got)
	}
	if got, _ := p.PublicIPv4("b", "123.142.252.25"); got != netip.MustParseAddr("123.142.252.25") {
		t.Errorf("PublicIPv4 = %v", got)
	}
	if got, _ := p.PublicIPv4("c", "10.0.0.1"); got.IsValid() {
		t.Errorf("PublicIPv4 of a private address = %v, want none", got)
	}
	if !Overlaps(netip.MustParsePrefix("10.26.0.0/23"), netip.MustParsePrefix("10.26.1.0/24")) ||
		Overlaps(netip.MustParsePrefix("10.26.0.0/24"), netip.MustParsePrefix("10.26.1.0/24")) ||
		Overlaps(netip.Prefix{}, netip.MustParsePrefix("10.26.1.0/24")) {
		t.Error("Overlaps is wrong for adjacent, nested or invalid prefixes")
	}
}
