package ipsecvm

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/ikehandshake"
)

// TestRenderSwanctlRekeyFuzz: the AWS side's rand_time follows the fuzz the
// program recorded, 0 % included; only an unset fuzz is AWS's 100 %.
func TestRenderSwanctlRekeyFuzz(t *testing.T) {
	zero, half := 0, 50
	for _, c := range []struct {
		name string
		fuzz *int
		want string
	}{
		{"unset", nil, "rand_time = 540s"},
		{"0 %", &zero, "rand_time = 0s"},
		{"50 %", &half, "rand_time = 270s"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := RenderSwanctl(Endpoint{
				Name: "tunnel1", Local: netip.MustParseAddr("192.0.2.1"), Peer: netip.MustParseAddr("192.0.2.2"), PeerID: "192.0.2.2",
				Options: ikehandshake.TunnelOptions{
					PresharedKey: "k", IkeVersions: []string{"ikev2"},
					Phase1Encryption: []string{"AES256-GCM-16"}, Phase1Integrity: []string{"SHA2-256"}, Phase1DHGroups: []int{20},
					Phase2Encryption: []string{"AES256-GCM-16"}, Phase2Integrity: []string{"SHA2-256"}, Phase2DHGroups: []int{20},
					Phase1Lifetime: 28800, Phase2Lifetime: 3600, RekeyFuzz: c.fuzz,
					DPDAction: "restart", StartupAction: "add",
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(out, c.want); n != 2 {
				t.Fatalf("want %q in the IKE and the Child SA sections, found %d times:\n%s", c.want, n, out)
			}
		})
	}
}
