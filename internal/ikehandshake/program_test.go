package ikehandshake

import (
	"strings"
	"testing"
)

// TestProgramGivesBothSidesWhatTheyNeed checks, without root, what the
// handshake test builds on: the program sets every tunnel option explicitly,
// the stand-in can be rendered from them, and the on-prem files hold the
// addresses the lab swaps.
func TestProgramGivesBothSidesWhatTheyNeed(t *testing.T) {
	t.Parallel()
	d := ProgramDeployment(t, "../..")
	for i, o := range d.Connection.Tunnels {
		if !strings.Contains(d.Secrets, o.PresharedKey) {
			t.Errorf("tunnel %d: the on-prem secrets file does not hold the PSK set on the VPN connection", i+1)
		}
		t.Logf("tunnel %d as AWS will run it: IKE %v; phase 1 %v / %v / DH %v / %d s; phase 2 %v / %v / DH %v / %d s; DPD %d s then %s",
			i+1, o.IkeVersions, o.Phase1Encryption, o.Phase1Integrity, o.Phase1DHGroups, o.Phase1Lifetime,
			o.Phase2Encryption, o.Phase2Integrity, o.Phase2DHGroups, o.Phase2Lifetime, o.DPDTimeout, o.DPDAction)
	}
	var tunnels []ResponderTunnel
	swap := Swap{d.CustomerGatewayIP: OnPremOutside.String()}
	for i, o := range d.Connection.Tunnels {
		swap[o.Outside] = AWSOutside[i].String()
		tunnels = append(tunnels, ResponderTunnel{Name: TunnelName(i), Options: o, Local: AWSOutside[i], Peer: OnPremOutside})
	}
	if _, _, err := RenderResponder(tunnels); err != nil {
		t.Errorf("AWS stand-in from the program's tunnel options: %v", err)
	}
	if _, err := swap.Apply("aws.conf", d.Conf); err != nil {
		t.Error(err)
	}
	if _, err := swap.Apply("aws.secrets", d.Secrets); err != nil {
		t.Error(err)
	}
}
