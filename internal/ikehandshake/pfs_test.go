package ikehandshake

import (
	"slices"
	"strings"
	"testing"
)

// Lines as pluto 4.10 logged them in the handshake test.
const (
	chosenIKE     = `"Tunnel1"[1] 198.18.0.1 #1: proposal 2:IKE=AES_CBC_256-HMAC_SHA2_256-HMAC_SHA2_256_128-ECP_256 chosen from remote proposals 1:IKE:ENCR=AES_GCM_C_256;PRF=HMAC_SHA2_256;DH=MODP2048;DH=ECP_256;DH=ECP_384 2:IKE:ENCR=AES_CBC_256;PRF=HMAC_SHA2_256;INTEG=HMAC_SHA2_256_128;DH=MODP2048;DH=ECP_256;DH=ECP_384[first-match]`
	chosenAuth    = `"Tunnel1"[1] 198.18.0.1 #2: proposal 1:ESP=AES_GCM_C_256-ENABLED SPI=9a0f3e84 chosen from remote proposals 1:ESP:ENCR=AES_GCM_C_256;ESN=ENABLED;ESN=DISABLED[first-match] 2:ESP:ENCR=AES_CBC_256;INTEG=HMAC_SHA2_256_128;ESN=ENABLED;ESN=DISABLED`
	chosenChild   = `"Tunnel1"[1] 198.18.0.1 #3: proposal 1:ESP=AES_GCM_C_256-MODP2048-ENABLED SPI=476471fd chosen from remote proposals 1:ESP:ENCR=AES_GCM_C_256;DH=MODP2048;DH=ECP_256;DH=ECP_384;ESN=ENABLED;ESN=DISABLED[first-match] 2:ESP:ENCR=AES_CBC_256;INTEG=HMAC_SHA2_256_128;DH=MODP2048;DH=ECP_256;DH=ECP_384;ESN=ENABLED;ESN=DISABLED`
	chosenCBC     = `"Tunnel1" #4: proposal 1:ESP=AES_CBC_256-HMAC_SHA2_256_128-ECP_521-ENABLED SPI=560e1c59 chosen from remote proposals 1:ESP:ENCR=AES_CBC_256;INTEG=HMAC_SHA2_256_128;DH=ECP_521;ESN=ENABLED;ESN=DISABLED[first-match]`
	noMatchNoPFS  = `"Tunnel1"[1] 198.18.0.1 #3: no local proposal matches remote proposals 1:ESP:ENCR=AES_GCM_C_256;ESN=ENABLED;ESN=DISABLED 2:ESP:ENCR=AES_CBC_256;INTEG=HMAC_SHA2_256_128;ESN=ENABLED;ESN=DISABLED`
	noMatchGroups = `"Tunnel1" #4: no local proposal matches remote proposals 1:ESP:ENCR=AES_GCM_C_256;DH=MODP3072;DH=ECP_521;ESN=ENABLED;ESN=DISABLED`
)

func TestChosenDH(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		line string
		want int
	}{
		{chosenIKE, 19},
		{chosenAuth, 0}, // the Child SA made in IKE_AUTH has no DH
		{chosenChild, 14},
		{chosenCBC, 21},
	} {
		if got, err := ChosenDH(tc.line); err != nil || got != tc.want {
			t.Errorf("ChosenDH(%.60q...) = %d, %v; want %d", tc.line, got, err, tc.want)
		}
	}
	for _, bad := range []string{
		noMatchGroups, // no chosen proposal
		`"T" #3: proposal 1:ESP=AES_GCM_C_256-CURVE25519-ENABLED SPI=1 chosen from remote proposals`, // a group AWS lacks
	} {
		if g, err := ChosenDH(bad); err == nil {
			t.Errorf("ChosenDH(%q) = %d, want an error", bad, g)
		}
	}
}

func TestRemoteAndOwnDH(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		line string
		want []int
	}{
		{chosenChild, []int{14, 19, 20}},
		{noMatchNoPFS, nil},
		{noMatchGroups, []int{15, 21}},
	} {
		if got, err := RemoteDH(tc.line); err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("RemoteDH(%.60q...) = %v, %v; want %v", tc.line, got, err, tc.want)
		}
	}
	own := []string{
		`Dec  2 02:50:34.036922: "Tunnel1"[1] 198.18.0.1 #3:   1:ESP=AES_GCM_C_256-NONE-MODP2048+ECP_256+ECP_384-ENABLED+DISABLED`,
		`Dec  2 02:50:34.036927: "Tunnel1"[1] 198.18.0.1 #3:   2:ESP=AES_CBC_256-HMAC_SHA2_256_128-MODP2048+ECP_384-ENABLED+DISABLED`,
	}
	if got, err := OwnDH(own); err != nil || !slices.Equal(got, []int{14, 19, 20}) {
		t.Errorf("OwnDH = %v, %v", got, err)
	}
	// pfs=no: pluto drops the groups from its own proposals.
	if got, err := OwnDH([]string{`"Tunnel1" #4:   1:ESP=AES_GCM_C_256-NONE-ENABLED+DISABLED`}); err != nil || got != nil {
		t.Errorf("OwnDH without PFS = %v, %v", got, err)
	}
	if _, err := OwnDH([]string{chosenChild}); err == nil {
		t.Error("OwnDH read a chosen line as an own proposal")
	}
}

func TestPFSMismatchSaysWhy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		offered, allowed []int
		want             string
	}{
		{nil, []int{14, 19}, "the on-prem side's request carries no DH group, so it offers no PFS (pfs=no), and the aws side requires one of DH [14 19]"},
		{[]int{14}, nil, "the on-prem side offers DH [14], but the aws side has no PFS (pfs=no)"},
		{[]int{14, 19}, []int{20, 21}, "no phase 2 DH group in common: the on-prem side offers DH [14 19], the aws side allows DH [20 21]"},
		{[]int{14, 19}, []int{19}, "the DH groups meet"},
	} {
		if got := pfsMismatch("on-prem", tc.offered, "aws", tc.allowed); !strings.Contains(got, tc.want) {
			t.Errorf("pfsMismatch(%v, %v) = %q, want it to say %q", tc.offered, tc.allowed, got, tc.want)
		}
	}
}

// The two name tables are written apart on purpose; they must agree on
// every group the stand-in can offer.
func TestPlutoAndConfigDHNamesAgree(t *testing.T) {
	t.Parallel()
	for g := range awsDHGroup {
		n := 0
		for _, pg := range plutoDHGroup {
			if pg == g {
				n++
			}
		}
		if n != 1 {
			t.Errorf("DH group %d: %d pluto names, want 1", g, n)
		}
	}
}
