package validate

import (
	"strings"
	"testing"
)

func TestCheckersNameTheKeyAndWhatIsAllowed(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		check func(p *Problems)
		want  []string // substrings of the joined error; none means no error
	}{
		{"good CIDR", func(p *Problems) { p.CIDR("cidr", "10.26.0.0/16") }, nil},
		{"empty CIDR", func(p *Problems) { p.CIDR("cidr", "") }, []string{"hybrid-cloud:sec.cidr: is required"}},
		{"bad CIDR", func(p *Problems) { p.CIDR("cidr", "10.26.0.0/33") }, []string{"hybrid-cloud:sec.cidr:", `"10.26.0.0/33" is not an IPv4 CIDR`}},
		{"IPv6 CIDR", func(p *Problems) { p.CIDR("cidr", "2001:db8::/32") }, []string{"not an IPv4 CIDR"}},
		{"host bits", func(p *Problems) { p.CIDR("cidr", "192.168.1.0/20") }, []string{"host bits set", "did you mean 192.168.0.0/20?"}},
		{"good address", func(p *Problems) { p.IPv4("ip", "192.168.0.10") }, nil},
		{"bad address", func(p *Problems) { p.IPv4("ip", "192.168.0") }, []string{"hybrid-cloud:sec.ip:", "not an IPv4 address"}},
		{"public address", func(p *Problems) { p.PublicIPv4("ip", "123.142.252.25") }, nil},
		{"private as public", func(p *Problems) { p.PublicIPv4("ip", "10.1.2.3") }, []string{"not a public IPv4 address"}},
		{"loopback as public", func(p *Problems) { p.PublicIPv4("ip", "127.0.0.1") }, []string{"not a public IPv4 address"}},
		{"in range", func(p *Problems) { p.IntRange("n", 10, 1, 10) }, nil},
		{"out of range", func(p *Problems) { p.IntRange("n", 11, 1, 10) }, []string{"hybrid-cloud:sec.n: 11 is out of range (allowed 1 to 10)"}},
		{"port", func(p *Problems) { p.Port("port", 0) }, []string{"0 is out of range (allowed 1 to 65535)"}},
		{"one of", func(p *Problems) { p.OneOf("region", "mars-1", "ap-northeast-1", "ap-northeast-2") },
			[]string{`hybrid-cloud:sec.region: "mars-1" is not allowed (allowed: ap-northeast-1, ap-northeast-2)`}},
		{"required", func(p *Problems) { p.Required("name", "  ", "e.g. MY-VPC") }, []string{"hybrid-cloud:sec.name: is required (e.g. MY-VPC)"}},
		{"section key", func(p *Problems) { p.Addf("", "is wrong") }, []string{"hybrid-cloud:sec: is wrong"}},
		{"every problem kept", func(p *Problems) {
			p.CIDR("a", "x")
			p.Port("b", 70000)
		}, []string{"hybrid-cloud:sec.a:", "hybrid-cloud:sec.b:"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := Section("sec")
			tc.check(p)
			err := p.Err()
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
