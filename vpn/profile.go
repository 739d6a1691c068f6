package vpn

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/hybridlab/hybrid-cloud/internal/validate"
)

// Profile is the one crypto profile of the VPN. It sets the AWS tunnel
// options of both tunnels (AWSTunnelOptions) and the Libreswan lines
// (LibreswanIKE, LibreswanESP, RenderConf), so the two ends cannot disagree.
// Algorithm names are AWS's; the Libreswan names are derived from them.
// In config it is `hybrid-cloud:vpn.crypto`; any field left out keeps its
// DefaultProfile value.
type Profile struct {
	// IKEVersion is "ikev2" (default) or "ikev1".
	IKEVersion string `json:"ikeVersion,omitempty"`
	// Phase1 is the IKE SA, Phase2 the IPsec (ESP) SA.
	Phase1 Phase `json:"phase1"`
	Phase2 Phase `json:"phase2"`
	// DPDTimeoutSeconds is how long a silent peer lives (AWS: >= 30). On the
	// Libreswan side it is retransmit-timeout, which is what IKEv2 honours.
	DPDTimeoutSeconds int `json:"dpdTimeoutSeconds,omitempty"`
	// DPDTimeoutAction is what both ends do then: restart, clear or none.
	DPDTimeoutAction string `json:"dpdTimeoutAction,omitempty"`
	// DPDDelaySeconds is how often Libreswan probes an idle peer (dpddelay);
	// AWS has no such option (it probes every 10 s).
	DPDDelaySeconds int `json:"dpdDelaySeconds,omitempty"`
	// Tunnel1InsideCidr and Tunnel2InsideCidr are the tunnels' inside /30s
	// in 169.254.0.0/16: AWS's end takes the first host, the gateway's
	// tunnel interface the second. Optional: left empty, the program does
	// not send them, AWS picks them (and keeps them for the connection's
	// life) and the gateway files take the addresses from the connection's
	// outputs. Setting, changing or unsetting one replaces the VPN
	// connection (ForceNew; docs/vpn.md, day two).
	Tunnel1InsideCidr string `json:"tunnel1InsideCidr,omitempty"`
	Tunnel2InsideCidr string `json:"tunnel2InsideCidr,omitempty"`
}

// Phase is one negotiation phase's algorithms (AWS names) and lifetime.
type Phase struct {
	// Encryption: AES128, AES256, AES128-GCM-16, AES256-GCM-16.
	Encryption []string `json:"encryption,omitempty"`
	// Integrity: SHA1, SHA2-256, SHA2-384, SHA2-512 (the PRF with GCM in phase 1).
	Integrity []string `json:"integrity,omitempty"`
	// DHGroups: Diffie-Hellman group numbers (phase 2: the PFS groups).
	DHGroups []int `json:"dhGroups,omitempty"`
	// LifetimeSeconds: phase 1 900-28800, phase 2 900-3600 and below phase 1.
	LifetimeSeconds int `json:"lifetimeSeconds,omitempty"`
}

// DefaultProfile is the modern default: IKEv2, AES-256 (GCM preferred, CBC
// accepted), SHA2-256, DH groups 14, 19 and 20 in both phases (PFS), phase 1
// 28800 s, phase 2 3600 s, DPD after 30 s of silence, then restart; inside
// CIDRs left to AWS.
func DefaultProfile() Profile {
	phase := func(lifetime int) Phase {
		return Phase{
			Encryption:      []string{"AES256-GCM-16", "AES256"},
			Integrity:       []string{"SHA2-256"},
			DHGroups:        []int{14, 19, 20},
			LifetimeSeconds: lifetime,
		}
	}
	return Profile{
		IKEVersion:        "ikev2",
		Phase1:            phase(28800),
		Phase2:            phase(3600),
		DPDTimeoutSeconds: 30,
		DPDTimeoutAction:  "restart",
		DPDDelaySeconds:   10,
	}
}

// Merge returns p with every field set in o (non-zero) taking o's value.
func (p Profile) Merge(o Profile) Profile {
	str := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	num := func(dst *int, v int) {
		if v != 0 {
			*dst = v
		}
	}
	phase := func(dst *Phase, v Phase) {
		if v.Encryption != nil {
			dst.Encryption = slices.Clone(v.Encryption)
		}
		if v.Integrity != nil {
			dst.Integrity = slices.Clone(v.Integrity)
		}
		if v.DHGroups != nil {
			dst.DHGroups = slices.Clone(v.DHGroups)
		}
		num(&dst.LifetimeSeconds, v.LifetimeSeconds)
	}
	str(&p.IKEVersion, o.IKEVersion)
	phase(&p.Phase1, o.Phase1)
	phase(&p.Phase2, o.Phase2)
	num(&p.DPDTimeoutSeconds, o.DPDTimeoutSeconds)
	str(&p.DPDTimeoutAction, o.DPDTimeoutAction)
	num(&p.DPDDelaySeconds, o.DPDDelaySeconds)
	str(&p.Tunnel1InsideCidr, o.Tunnel1InsideCidr)
	str(&p.Tunnel2InsideCidr, o.Tunnel2InsideCidr)
	return p
}

// Algorithm names: AWS's on the left, Libreswan 4.10's on the right.
var (
	encryptionNames = map[string]string{
		"AES128": "aes128", "AES256": "aes256",
		"AES128-GCM-16": "aes_gcm128", "AES256-GCM-16": "aes_gcm256",
	}
	integrityNames = map[string]string{
		"SHA1": "sha1", "SHA2-256": "sha2_256", "SHA2-384": "sha2_384", "SHA2-512": "sha2_512",
	}
	// dhNames are the groups both AWS and Libreswan 4.10 accept.
	dhNames = map[int]string{
		14: "modp2048", 15: "modp3072", 16: "modp4096", 17: "modp6144", 18: "modp8192",
		19: "dh19", 20: "dh20", 21: "dh21",
	}
	// dhRefused are groups AWS offers that Libreswan 4.10 refuses or that are
	// too weak to allow, and why.
	dhRefused = map[int]string{
		2:  "modp1024, refused by Libreswan 4.10",
		5:  "modp1536: Libreswan 4.10 still accepts it, but 1536-bit groups are deprecated and this stack requires 2048 bits or more",
		22: "a RFC 5114 group Libreswan 4.10 does not support",
		23: "a RFC 5114 group Libreswan 4.10 does not support",
		24: "a RFC 5114 group Libreswan 4.10 does not support",
	}
	// awsReservedInside are inside CIDRs AWS refuses for a tunnel.
	awsReservedInside = []string{
		"169.254.0.0/30", "169.254.1.0/30", "169.254.2.0/30", "169.254.3.0/30",
		"169.254.4.0/30", "169.254.5.0/30", "169.254.169.252/30",
	}
	linkLocal = netip.MustParsePrefix("169.254.0.0/16")
)

// insideAddresses are a tunnel's inside addresses in its /30 (which must be
// valid): AWS's end is the first host, the customer gateway's the second
// (AWS's "Tunnel inside IPv4 CIDR" in the Site-to-Site VPN user guide and
// the tunnelN_vgw_inside_address/tunnelN_cgw_inside_address outputs).
func insideAddresses(cidr string) (aws, gateway netip.Addr) {
	p := netip.MustParsePrefix(cidr).Masked()
	aws = p.Addr().Next()
	return aws, aws.Next()
}

// withInside returns g with each tunnel's inside addresses: from the
// profile's inside CIDR where it sets one, else from fromAWS (the
// connection's tunnelN_vgw_inside_address and tunnelN_cgw_inside_address
// outputs, AWS's and the gateway's ends). p must be valid.
func (p Profile) withInside(g Gateway, fromAWS [2][2]string) Gateway {
	for i, cidr := range [2]string{p.Tunnel1InsideCidr, p.Tunnel2InsideCidr} {
		t := &g.Tunnels[i]
		if cidr == "" {
			t.AWSInsideAddress, t.InsideAddress = fromAWS[i][0], fromAWS[i][1]
			continue
		}
		aws, own := insideAddresses(cidr)
		t.AWSInsideAddress, t.InsideAddress = aws.String(), own.String()
	}
	return g
}

// Validate reports every problem of the profile, naming the config keys
// under hybrid-cloud:vpn.crypto.
func (p Profile) Validate() error {
	v := validate.Section("vpn")
	p.check(v)
	return v.Err()
}

func (p Profile) check(v *validate.Problems) {
	const k = "crypto."
	v.OneOf(k+"ikeVersion", p.IKEVersion, "ikev2", "ikev1")
	for i, ph := range []Phase{p.Phase1, p.Phase2} {
		key := fmt.Sprintf("%sphase%d.", k, i+1)
		if len(ph.Encryption) == 0 {
			v.Addf(key+"encryption", "needs at least one algorithm (allowed: %s)", allowed(encryptionNames))
		}
		for _, e := range ph.Encryption {
			if _, ok := encryptionNames[e]; !ok {
				v.Addf(key+"encryption", "%q is not allowed (allowed: %s)", e, allowed(encryptionNames))
			} else if p.IKEVersion == "ikev1" && strings.Contains(e, "GCM") {
				v.Addf(key+"encryption", "%q needs IKEv2 (AWS offers GCM with IKEv2 only)", e)
			}
		}
		if len(ph.Integrity) == 0 {
			v.Addf(key+"integrity", "needs at least one algorithm (allowed: %s)", allowed(integrityNames))
		}
		for _, a := range ph.Integrity {
			if _, ok := integrityNames[a]; !ok {
				v.Addf(key+"integrity", "%q is not allowed (allowed: %s)", a, allowed(integrityNames))
			}
		}
		if len(ph.DHGroups) == 0 {
			v.Addf(key+"dhGroups", "needs at least one group (allowed: 14-21)")
		}
		for _, g := range ph.DHGroups {
			switch {
			case g == 5 && i == 0:
				v.Addf(key+"dhGroups", "group 5 is not allowed: AWS offers it in phase 2 only, and Libreswan 4.10 refuses it (allowed: 14-21)")
			case dhRefused[g] != "":
				v.Addf(key+"dhGroups", "group %d is not allowed: %s (allowed: 14-21)", g, dhRefused[g])
			case dhNames[g] == "":
				v.Addf(key+"dhGroups", "group %d is not allowed: AWS offers 2, 5 (phase 2), 14-24, of which Libreswan 4.10 accepts 14-21", g)
			}
		}
	}
	// Libreswan 4.10 rekeys the Child SA made in IKE_AUTH offering only the
	// IKE SA's DH group, which is phase 1's first (the group the gateway's
	// IKE_SA_INIT proposes first). AWS refuses that rekey unless the group
	// is also a phase 2 group, and the tunnel drops at its first rekey, an
	// hour after it came up (docs/vpn.md, "Troubleshooting the tunnels").
	if p.IKEVersion == "ikev2" && len(p.Phase1.DHGroups) > 0 && len(p.Phase2.DHGroups) > 0 &&
		!slices.Contains(p.Phase2.DHGroups, p.Phase1.DHGroups[0]) {
		v.Addf(k+"phase2.dhGroups", "%v does not hold phase1.dhGroups' first group, %d: Libreswan rekeys the first Child SA with the IKE SA's group, which AWS would refuse an hour after go-live (add %d, or put a group of phase2.dhGroups first in phase1.dhGroups)",
			p.Phase2.DHGroups, p.Phase1.DHGroups[0], p.Phase1.DHGroups[0])
	}
	if p.IKEVersion == "ikev1" && len(p.Phase2.DHGroups) > 1 {
		v.Addf(k+"phase2.dhGroups", "IKEv1 allows one PFS group in phase 2 (Libreswan refuses more in quick mode); got %d", len(p.Phase2.DHGroups))
	}
	v.IntRange(k+"phase1.lifetimeSeconds", p.Phase1.LifetimeSeconds, 900, 28800)
	if v.IntRange(k+"phase2.lifetimeSeconds", p.Phase2.LifetimeSeconds, 900, 3600) &&
		p.Phase2.LifetimeSeconds >= p.Phase1.LifetimeSeconds {
		v.Addf(k+"phase2.lifetimeSeconds", "%d must be less than phase1.lifetimeSeconds (%d), as AWS requires", p.Phase2.LifetimeSeconds, p.Phase1.LifetimeSeconds)
	}
	if p.DPDTimeoutSeconds < 30 {
		v.Addf(k+"dpdTimeoutSeconds", "%d is out of range (AWS requires at least 30)", p.DPDTimeoutSeconds)
	}
	v.OneOf(k+"dpdTimeoutAction", p.DPDTimeoutAction, "restart", "clear", "none")
	if p.DPDDelaySeconds < 1 || p.DPDDelaySeconds >= max(p.DPDTimeoutSeconds, 2) {
		v.Addf(k+"dpdDelaySeconds", "%d is out of range (allowed 1 to dpdTimeoutSeconds-1: a peer must be probed before it is declared dead)", p.DPDDelaySeconds)
	}
	var inside []netip.Prefix
	for _, f := range []struct{ key, value string }{
		{k + "tunnel1InsideCidr", p.Tunnel1InsideCidr},
		{k + "tunnel2InsideCidr", p.Tunnel2InsideCidr},
	} {
		if f.value == "" {
			continue // AWS picks it
		}
		c, ok := v.CIDR(f.key, f.value)
		switch {
		case !ok:
		case c.Bits() != 30 || !linkLocal.Contains(c.Addr()):
			v.Addf(f.key, "%s must be a /30 in 169.254.0.0/16", f.value)
		case slices.Contains(awsReservedInside, c.String()):
			v.Addf(f.key, "%s is reserved by AWS (not allowed: %s)", f.value, strings.Join(awsReservedInside, ", "))
		case slices.Contains(inside, c):
			v.Addf(f.key, "%s is also tunnel1InsideCidr: each tunnel needs its own", f.value)
		default:
			inside = append(inside, c)
		}
	}
}

func allowed(names map[string]string) string {
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return strings.Join(keys, ", ")
}

// LibreswanIKE is the ike= value (IKE SA proposals) for the profile: one
// proposal for the GCM algorithms (integrity is the PRF) and one for the CBC
// ones, since Libreswan refuses AEAD and non-AEAD in one proposal.
// The profile must be valid.
func (p Profile) LibreswanIKE() string {
	return p.Phase1.proposals(false, p.IKEVersion == "ikev1")
}

// LibreswanESP is the esp= value (Child SA proposals, with the PFS groups).
// The profile must be valid.
func (p Profile) LibreswanESP() string {
	return p.Phase2.proposals(true, p.IKEVersion == "ikev1")
}

// proposals renders a phase as Libreswan proposals. IKEv2 lists
// alternatives with "+" inside a proposal; IKEv1 cannot, so it gets one
// proposal per combination.
func (ph Phase) proposals(esp, ikev1 bool) string {
	var aead, cbc []string
	for _, e := range ph.Encryption {
		if strings.Contains(e, "GCM") {
			aead = append(aead, encryptionNames[e])
		} else {
			cbc = append(cbc, encryptionNames[e])
		}
	}
	integ := make([]string, len(ph.Integrity))
	for i, a := range ph.Integrity {
		integ[i] = integrityNames[a]
	}
	dh := make([]string, len(ph.DHGroups))
	for i, g := range ph.DHGroups {
		dh[i] = dhNames[g]
	}
	if ikev1 {
		var out []string
		for _, e := range ph.Encryption {
			for _, a := range integ {
				for _, g := range dh {
					out = append(out, encryptionNames[e]+"-"+a+";"+g)
				}
			}
		}
		return strings.Join(out, ",")
	}
	groups := strings.Join(dh, "+")
	var out []string
	if len(aead) > 0 {
		// ESP with AEAD has no integrity algorithm; IKE uses it as the PRF.
		second := strings.Join(integ, "+")
		if esp {
			second = "null"
		}
		out = append(out, strings.Join(aead, "+")+"-"+second+";"+groups)
	}
	if len(cbc) > 0 {
		out = append(out, strings.Join(cbc, "+")+"-"+strings.Join(integ, "+")+";"+groups)
	}
	return strings.Join(out, ",")
}

// AWSTunnelOptions are the profile as AWS's tunnel options, keyed by the
// VpnConnection's input names without the "tunnelN" prefix (IkeVersions,
// Phase1EncryptionAlgorithms, ...). Both tunnels get the same options.
type AWSTunnelOptions struct {
	IkeVersions                []string
	Phase1EncryptionAlgorithms []string
	Phase1IntegrityAlgorithms  []string
	Phase1DhGroupNumbers       []int
	Phase1LifetimeSeconds      int
	Phase2EncryptionAlgorithms []string
	Phase2IntegrityAlgorithms  []string
	Phase2DhGroupNumbers       []int
	Phase2LifetimeSeconds      int
	DpdTimeoutSeconds          int
	DpdTimeoutAction           string
	// RekeyMarginTimeSeconds and RekeyFuzzPercentage place AWS's rekeys
	// (awsRekeyMargin).
	RekeyMarginTimeSeconds int
	RekeyFuzzPercentage    int
	// InsideCidr is per tunnel: index 0 is tunnel 1.
	InsideCidr [2]string
}

// AWSTunnelOptions returns the profile in AWS's terms.
func (p Profile) AWSTunnelOptions() AWSTunnelOptions {
	return AWSTunnelOptions{
		IkeVersions:                []string{p.IKEVersion},
		Phase1EncryptionAlgorithms: slices.Clone(p.Phase1.Encryption),
		Phase1IntegrityAlgorithms:  slices.Clone(p.Phase1.Integrity),
		Phase1DhGroupNumbers:       slices.Clone(p.Phase1.DHGroups),
		Phase1LifetimeSeconds:      p.Phase1.LifetimeSeconds,
		Phase2EncryptionAlgorithms: slices.Clone(p.Phase2.Encryption),
		Phase2IntegrityAlgorithms:  slices.Clone(p.Phase2.Integrity),
		Phase2DhGroupNumbers:       slices.Clone(p.Phase2.DHGroups),
		Phase2LifetimeSeconds:      p.Phase2.LifetimeSeconds,
		DpdTimeoutSeconds:          p.DPDTimeoutSeconds,
		DpdTimeoutAction:           p.DPDTimeoutAction,
		RekeyMarginTimeSeconds:     p.awsRekeyMargin(),
		RekeyFuzzPercentage:        awsRekeyFuzz,
		InsideCidr:                 [2]string{p.Tunnel1InsideCidr, p.Tunnel2InsideCidr},
	}
}

// Who starts a Child SA rekey. In the data-plane test (internal/ipsecvm) a
// rekey the gateway (Libreswan) starts lost nothing under traffic, while one
// the strongSwan stand-in for AWS started lost 6-8 datagrams 10 ms apart
// (XfrmAcquireError on that side). So the gateway rekeys first: it rekeys
// at lifetime - lifetime/4 exactly (rekeyfuzz=0%), and AWS, told a margin
// of 60 s (its minimum) and no fuzz, only at lifetime - 60 s, should the
// gateway not have (AWS tunnel options, "Rekey margin time": 60 s to half
// the phase 2 lifetime; "Rekey fuzz": the share of the margin the rekey
// time is drawn from).
const (
	awsRekeyMargin = 60
	awsRekeyFuzz   = 0
)

func (p Profile) awsRekeyMargin() int { return awsRekeyMargin }

// libreswanRekeyMargin is the gateway's rekeymargin: a quarter of the
// phase 2 lifetime (225-900 s), well before AWS's 60 s.
func (p Profile) libreswanRekeyMargin() int { return p.Phase2.LifetimeSeconds / 4 }

// libreswanDPDAction maps AWS's DPD action to Libreswan's dpdaction.
func libreswanDPDAction(aws string) string {
	if aws == "clear" {
		return "clear"
	}
	return "restart"
}

func seconds(n int) string { return strconv.Itoa(n) + "s" }
