package vpn

import (
	"strings"
	"testing"
)

func TestDefaultProfileIsModernAndValid(t *testing.T) {
	t.Parallel()
	p := DefaultProfile()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p.IKEVersion != "ikev2" || p.Phase1.LifetimeSeconds != 28800 || p.Phase2.LifetimeSeconds != 3600 {
		t.Errorf("default is not IKEv2 / 28800 s / 3600 s: %+v", p)
	}
	for _, ph := range []Phase{p.Phase1, p.Phase2} {
		for _, e := range ph.Encryption {
			if !strings.HasPrefix(e, "AES256") {
				t.Errorf("default encryption %s is not AES-256", e)
			}
		}
		if strings.Join(ph.Integrity, ",") != "SHA2-256" {
			t.Errorf("default integrity %v, want SHA2-256", ph.Integrity)
		}
		for _, g := range ph.DHGroups {
			if g < 14 {
				t.Errorf("default DH group %d is below 14", g)
			}
		}
	}
}

func TestProfileValidateNamesTheKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		o    Profile
		key  string
	}{
		{"DH 2 (Libreswan refuses modp1024)", Profile{Phase1: Phase{DHGroups: []int{2}}}, "hybrid-cloud:vpn.crypto.phase1.dhGroups: group 2"},
		{"DH 5 in phase 2", Profile{Phase2: Phase{DHGroups: []int{14, 5}}}, "hybrid-cloud:vpn.crypto.phase2.dhGroups: group 5"},
		{"rekey group not in phase 2", Profile{Phase1: Phase{DHGroups: []int{19, 14}}, Phase2: Phase{DHGroups: []int{14, 20}}}, "hybrid-cloud:vpn.crypto.phase2.dhGroups: [14 20] does not hold phase1.dhGroups' first group, 19"},
		{"DH 5 in phase 1 (AWS refuses)", Profile{Phase1: Phase{DHGroups: []int{5}}}, "hybrid-cloud:vpn.crypto.phase1.dhGroups: group 5"},
		{"DH 24 (Libreswan lacks it)", Profile{Phase1: Phase{DHGroups: []int{24}}}, "hybrid-cloud:vpn.crypto.phase1.dhGroups: group 24"},
		{"DH 31 (AWS lacks it)", Profile{Phase2: Phase{DHGroups: []int{31}}}, "hybrid-cloud:vpn.crypto.phase2.dhGroups: group 31"},
		{"phase 1 too long", Profile{Phase1: Phase{LifetimeSeconds: 28801}}, "hybrid-cloud:vpn.crypto.phase1.lifetimeSeconds: 28801 is out of range"},
		{"phase 1 too short", Profile{Phase1: Phase{LifetimeSeconds: 899}}, "hybrid-cloud:vpn.crypto.phase1.lifetimeSeconds: 899"},
		{"phase 2 too long", Profile{Phase2: Phase{LifetimeSeconds: 3601}}, "hybrid-cloud:vpn.crypto.phase2.lifetimeSeconds: 3601 is out of range"},
		{"phase 2 not below phase 1", Profile{Phase1: Phase{LifetimeSeconds: 1800}, Phase2: Phase{LifetimeSeconds: 1800}}, "hybrid-cloud:vpn.crypto.phase2.lifetimeSeconds: 1800 must be less than"},
		{"DPD timeout", Profile{DPDTimeoutSeconds: 29}, "hybrid-cloud:vpn.crypto.dpdTimeoutSeconds: 29"},
		{"DPD action", Profile{DPDTimeoutAction: "hold"}, "hybrid-cloud:vpn.crypto.dpdTimeoutAction"},
		{"DPD delay", Profile{DPDDelaySeconds: 30}, "hybrid-cloud:vpn.crypto.dpdDelaySeconds: 30"},
		{"IKE version", Profile{IKEVersion: "ikev3"}, "hybrid-cloud:vpn.crypto.ikeVersion"},
		{"encryption", Profile{Phase1: Phase{Encryption: []string{"3DES"}}}, `hybrid-cloud:vpn.crypto.phase1.encryption: "3DES"`},
		{"integrity", Profile{Phase2: Phase{Integrity: []string{"MD5"}}}, `hybrid-cloud:vpn.crypto.phase2.integrity: "MD5"`},
		{"GCM with IKEv1", Profile{IKEVersion: "ikev1", Phase2: Phase{DHGroups: []int{14}}}, `hybrid-cloud:vpn.crypto.phase1.encryption: "AES256-GCM-16" needs IKEv2`},
		{"IKEv1 with two PFS groups", Profile{IKEVersion: "ikev1", Phase1: Phase{Encryption: []string{"AES256"}}, Phase2: Phase{Encryption: []string{"AES256"}}}, "hybrid-cloud:vpn.crypto.phase2.dhGroups: IKEv1 allows one"},
		{"inside CIDR not /30", Profile{Tunnel1InsideCidr: "169.254.10.0/29"}, "hybrid-cloud:vpn.crypto.tunnel1InsideCidr: 169.254.10.0/29 must be a /30"},
		{"inside CIDR outside link-local", Profile{Tunnel2InsideCidr: "10.0.0.0/30"}, "hybrid-cloud:vpn.crypto.tunnel2InsideCidr"},
		{"inside CIDR reserved", Profile{Tunnel1InsideCidr: "169.254.169.252/30"}, "hybrid-cloud:vpn.crypto.tunnel1InsideCidr: 169.254.169.252/30 is reserved"},
		{"inside CIDRs equal", Profile{Tunnel1InsideCidr: "169.254.10.0/30", Tunnel2InsideCidr: "169.254.10.0/30"}, "hybrid-cloud:vpn.crypto.tunnel2InsideCidr: 169.254.10.0/30 is also"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := DefaultProfile().Merge(tc.o).Validate()
			if err == nil || !strings.Contains(err.Error(), tc.key) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.key)
			}
		})
	}
}

func TestProfileAcceptsAllowedChoices(t *testing.T) {
	t.Parallel()
	p := DefaultProfile().Merge(Profile{
		Phase1:            Phase{Encryption: []string{"AES128-GCM-16"}, Integrity: []string{"SHA2-512"}, DHGroups: []int{15, 16, 17, 18, 21}, LifetimeSeconds: 3600},
		Phase2:            Phase{DHGroups: []int{15, 19}, LifetimeSeconds: 900},
		Tunnel1InsideCidr: "169.254.10.0/30",
		Tunnel2InsideCidr: "169.254.10.4/30",
	})
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestAWSTunnelOptionsComeFromTheProfile(t *testing.T) {
	t.Parallel()
	p := DefaultProfile().Merge(Profile{Tunnel2InsideCidr: "169.254.20.0/30"})
	o := p.AWSTunnelOptions()
	if strings.Join(o.IkeVersions, ",") != "ikev2" ||
		strings.Join(o.Phase1EncryptionAlgorithms, ",") != "AES256-GCM-16,AES256" ||
		strings.Join(o.Phase2IntegrityAlgorithms, ",") != "SHA2-256" ||
		ints(o.Phase1DhGroupNumbers) != "14,19,20" || ints(o.Phase2DhGroupNumbers) != "14,19,20" ||
		o.Phase1LifetimeSeconds != 28800 || o.Phase2LifetimeSeconds != 3600 ||
		o.DpdTimeoutSeconds != 30 || o.DpdTimeoutAction != "restart" ||
		o.InsideCidr != [2]string{"", "169.254.20.0/30"} {
		t.Errorf("AWS tunnel options do not match the profile: %+v", o)
	}
}
