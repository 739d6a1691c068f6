package ikehandshake

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// VpnConnectionType is the token of the resource whose tunnel options the
// AWS side is built from.
const VpnConnectionType = "aws:ec2/vpnConnection:VpnConnection"

// TunnelOptions are one tunnel's options on the VPN connection, with AWS's
// names for the algorithms ("AES256", "SHA2-256", DH group numbers).
type TunnelOptions struct {
	// Outside is the tunnel's outside (public) address; PresharedKey its PSK.
	Outside      string
	PresharedKey string

	IkeVersions      []string
	Phase1Encryption []string
	Phase1Integrity  []string
	Phase1DHGroups   []int
	Phase2Encryption []string
	Phase2Integrity  []string
	Phase2DHGroups   []int
	// Lifetimes and the DPD timeout are in seconds; DPDAction is clear,
	// none or restart. RekeyMargin is 0 and RekeyFuzz nil when unset (AWS's
	// defaults, 540 s and 100 %, are Libreswan's too); a fuzz of 0 % set by
	// the program is a pointer to 0.
	Phase1Lifetime, Phase2Lifetime int
	RekeyMargin                    int
	RekeyFuzz                      *int
	DPDTimeout                     int
	DPDAction                      string
	// StartupAction is add (AWS waits for the gateway) or start (AWS
	// initiates too).
	StartupAction string
	// InsideCidr is the inside /30 the program set (empty: AWS picked it);
	// AWSInside and GatewayInside are the two ends' addresses in it, AWS's
	// (tunnelN_vgw_inside_address) and the customer gateway's
	// (tunnelN_cgw_inside_address).
	InsideCidr               string
	AWSInside, GatewayInside string
}

// Connection is what the AWS side needs from a VPN connection.
type Connection struct {
	// CustomerCidr and AWSCidr are localIpv4NetworkCidr and
	// remoteIpv4NetworkCidr; AWS's default for both is 0.0.0.0/0.
	CustomerCidr, AWSCidr string
	Tunnels               [2]TunnelOptions
}

// ConnectionFrom reads a recorded VPN connection: the tunnel options from
// the inputs the program set, the tunnel addresses (and a PSK AWS would
// generate) from the outputs. Every crypto option, lifetime and DPD setting
// must have been set explicitly: AWS's defaults offer weak algorithms too.
func ConnectionFrom(inputs, outputs resource.PropertyMap) (Connection, error) {
	c := Connection{
		CustomerCidr: mockengine.Str(inputs, "localIpv4NetworkCidr"),
		AWSCidr:      mockengine.Str(inputs, "remoteIpv4NetworkCidr"),
	}
	var errs []error
	for i := range c.Tunnels {
		key := func(k string) string { return fmt.Sprintf("tunnel%d%s", i+1, k) }
		o := &c.Tunnels[i]
		o.Outside = mockengine.Str(outputs, key("Address"))
		o.PresharedKey = mockengine.Str(inputs, key("PresharedKey"))
		if o.PresharedKey == "" {
			o.PresharedKey = mockengine.Str(outputs, key("PresharedKey"))
		}
		o.IkeVersions = mockengine.Strs(inputs, key("IkeVersions"))
		o.Phase1Encryption = mockengine.Strs(inputs, key("Phase1EncryptionAlgorithms"))
		o.Phase1Integrity = mockengine.Strs(inputs, key("Phase1IntegrityAlgorithms"))
		o.Phase1DHGroups = ints(inputs, key("Phase1DhGroupNumbers"))
		o.Phase2Encryption = mockengine.Strs(inputs, key("Phase2EncryptionAlgorithms"))
		o.Phase2Integrity = mockengine.Strs(inputs, key("Phase2IntegrityAlgorithms"))
		o.Phase2DHGroups = ints(inputs, key("Phase2DhGroupNumbers"))
		o.Phase1Lifetime = num(inputs, key("Phase1LifetimeSeconds"))
		o.Phase2Lifetime = num(inputs, key("Phase2LifetimeSeconds"))
		o.RekeyMargin = num(inputs, key("RekeyMarginTimeSeconds"))
		o.RekeyFuzz = setNum(inputs, key("RekeyFuzzPercentage"))
		o.DPDTimeout = num(inputs, key("DpdTimeoutSeconds"))
		o.DPDAction = mockengine.Str(inputs, key("DpdTimeoutAction"))
		o.StartupAction = mockengine.Str(inputs, key("StartupAction"))
		o.InsideCidr = mockengine.Str(inputs, key("InsideCidr"))
		o.AWSInside = mockengine.Str(outputs, key("VgwInsideAddress"))
		o.GatewayInside = mockengine.Str(outputs, key("CgwInsideAddress"))
		if err := o.checkInside(); err != nil {
			errs = append(errs, fmt.Errorf("%s: tunnel %d: %w", VpnConnectionType, i+1, err))
		}

		for _, k := range []struct {
			name string
			set  bool
		}{
			{"Address (output)", o.Outside != ""},
			{"PresharedKey", o.PresharedKey != ""},
			{"IkeVersions", len(o.IkeVersions) > 0},
			{"Phase1EncryptionAlgorithms", len(o.Phase1Encryption) > 0},
			{"Phase1IntegrityAlgorithms", len(o.Phase1Integrity) > 0},
			{"Phase1DhGroupNumbers", len(o.Phase1DHGroups) > 0},
			{"Phase2EncryptionAlgorithms", len(o.Phase2Encryption) > 0},
			{"Phase2IntegrityAlgorithms", len(o.Phase2Integrity) > 0},
			{"Phase2DhGroupNumbers", len(o.Phase2DHGroups) > 0},
			{"Phase1LifetimeSeconds", o.Phase1Lifetime > 0},
			{"Phase2LifetimeSeconds", o.Phase2Lifetime > 0},
			{"DpdTimeoutSeconds", o.DPDTimeout > 0},
			{"DpdTimeoutAction", o.DPDAction != ""},
			{"StartupAction", o.StartupAction != ""},
			{"VgwInsideAddress (output)", o.AWSInside != ""},
			{"CgwInsideAddress (output)", o.GatewayInside != ""},
		} {
			if !k.set {
				errs = append(errs, fmt.Errorf("%s: %s is not set", VpnConnectionType, key(k.name)))
			}
		}
	}
	return c, errors.Join(errs...)
}

// checkInside checks what AWS reports against what the program set: both
// inside addresses in one /30, AWS's the first host, the gateway's the
// second; in InsideCidr when the program set it.
func (o TunnelOptions) checkInside() error {
	if o.AWSInside == "" || o.GatewayInside == "" {
		return nil // reported as not set
	}
	aws, err1 := netip.ParseAddr(o.AWSInside)
	gw, err2 := netip.ParseAddr(o.GatewayInside)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("inside addresses %q, %q are not IP addresses", o.AWSInside, o.GatewayInside)
	}
	net := netip.PrefixFrom(aws, 30).Masked()
	if aws != net.Addr().Next() || gw != aws.Next() {
		return fmt.Errorf("inside addresses %s (AWS) and %s (gateway) are not the first and second host of one /30", aws, gw)
	}
	if o.InsideCidr != "" {
		if set, err := netip.ParsePrefix(o.InsideCidr); err != nil || set.Masked() != net {
			return fmt.Errorf("inside addresses %s, %s are not in the InsideCidr set, %s", aws, gw, o.InsideCidr)
		}
	}
	return nil
}

// AWS's algorithm names -> Libreswan 4.10's. Written here, independently of
// the vpn package's own mapping, so that the handshake checks the two agree.
var (
	awsEncryption = map[string]string{
		"AES128": "aes128",
		"AES256": "aes256",
		// _c is the 16-octet ICV (RFC 4106), AWS's "-16".
		"AES128-GCM-16": "aes_gcm_c_128",
		"AES256-GCM-16": "aes_gcm_c_256",
	}
	awsIntegrity = map[string]string{
		"SHA1":     "sha1",
		"SHA2-256": "sha2_256",
		"SHA2-384": "sha2_384",
		"SHA2-512": "sha2_512",
	}
	// Groups 2 (modp1024) and 22-24 are missing on purpose: Libreswan 4.10
	// refuses or lacks them, so the stand-in could not offer them.
	awsDHGroup = map[int]string{
		5: "modp1536", 14: "modp2048", 15: "modp3072", 16: "modp4096", 17: "modp6144", 18: "modp8192",
		19: "dh19", 20: "dh20", 21: "dh21",
	}
	// AWS: take no action (none), clear the SA, restart IKE.
	awsDPDAction = map[string]string{"clear": "clear", "restart": "restart", "none": "hold"}
)

// AWSEncryptions are every phase 1/2 encryption algorithm AWS offers.
func AWSEncryptions() []string {
	out := make([]string, 0, len(awsEncryption))
	for k := range awsEncryption {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TunnelName is the stand-in's conn name for tunnel i (0 is tunnel 1).
func TunnelName(i int) string { return fmt.Sprintf("Tunnel%d", i+1) }

// ResponderTunnel is one AWS tunnel endpoint placed in the lab.
type ResponderTunnel struct {
	// Name is the conn's name in the stand-in's ipsec.conf.
	Name    string
	Options TunnelOptions
	// Local is the endpoint's outside address in the lab (it is also its
	// IKE ID, as AWS's is); Peer the on-prem gateway's.
	Local, Peer netip.Addr
	// AWSCidr and CustomerCidr are the traffic selectors; "" is 0.0.0.0/0.
	AWSCidr, CustomerCidr string
}

// RenderResponder renders the stand-in's ipsec.conf and secrets file: one
// IKEv2 conn per tunnel that only responds (auto=add), proposing exactly
// what the tunnel options allow. AWS accepts any combination of the listed
// algorithms and narrows traffic selectors, and so does the stand-in.
func RenderResponder(tunnels []ResponderTunnel) (conf, secrets string, err error) {
	var c, s strings.Builder
	c.WriteString("# The AWS tunnel endpoints, from the VPN connection's tunnel options.\nconfig setup\n\tdnssec-enable=no\n")
	var errs []error
	for _, t := range tunnels {
		o := t.Options
		if !slices.Contains(o.IkeVersions, "ikev2") {
			errs = append(errs, fmt.Errorf("%s: IkeVersions %v: the stand-in answers IKEv2 only", t.Name, o.IkeVersions))
		}
		ike, err := proposals(o.Phase1Encryption, o.Phase1Integrity, o.Phase1DHGroups, true)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: phase 1: %w", t.Name, err))
		}
		esp, err := proposals(o.Phase2Encryption, o.Phase2Integrity, o.Phase2DHGroups, false)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: phase 2: %w", t.Name, err))
		}
		action, ok := awsDPDAction[o.DPDAction]
		if !ok {
			errs = append(errs, fmt.Errorf("%s: DpdTimeoutAction %q is not clear, none or restart", t.Name, o.DPDAction))
		}
		if !validPSK.MatchString(o.PresharedKey) {
			// Never print the key itself.
			errs = append(errs, fmt.Errorf("%s: the pre-shared key is not 8-64 characters of [A-Za-z0-9._] (AWS's rule)", t.Name))
		}
		fmt.Fprintf(&c, "\nconn %s\n", t.Name)
		for _, kv := range [][2]string{
			{"authby", "secret"},
			{"auto", "add"},
			{"type", "tunnel"},
			{"ikev2", "insist"},
			{"left", t.Local.String()},
			{"leftid", t.Local.String()},
			{"leftsubnet", orAny(t.AWSCidr)},
			{"right", t.Peer.String()},
			{"rightid", t.Peer.String()},
			{"rightsubnet", orAny(t.CustomerCidr)},
			{"narrowing", "yes"},
			{"ike", ike},
			{"esp", esp},
			{"pfs", "yes"},
			{"ikelifetime", seconds(o.Phase1Lifetime)},
			{"salifetime", seconds(o.Phase2Lifetime)},
			{"rekeymargin", seconds(o.RekeyMargin)},
			{"rekeyfuzz", percent(o.RekeyFuzz)},
			// AWS probes an idle peer every 10 s. Libreswan 4.10 ignores
			// dpdtimeout= for IKEv2: a liveness probe fails after
			// retransmit-timeout.
			{"dpddelay", "10s"},
			{"retransmit-timeout", seconds(o.DPDTimeout)},
			{"dpdaction", action},
		} {
			if kv[1] != "" {
				fmt.Fprintf(&c, "\t%s=%s\n", kv[0], kv[1])
			}
		}
		fmt.Fprintf(&s, "%s %s : PSK \"%s\"\n", t.Local, t.Peer, o.PresharedKey)
	}
	if err := errors.Join(errs...); err != nil {
		return "", "", err
	}
	return c.String(), s.String(), nil
}

var validPSK = regexp.MustCompile(`^[A-Za-z0-9._]{8,64}$`)

// proposals renders AWS's lists as Libreswan proposals: one with every
// non-AEAD cipher and one with every AEAD cipher (Libreswan does not mix
// them), each with every integrity (for AEAD in IKE: PRF) and DH group, the
// one holding AWS's first cipher first.
func proposals(enc, integ []string, groups []int, ike bool) (string, error) {
	var (
		errs                []error
		cbc, gcm, ints, dhs []string
	)
	for _, e := range enc {
		name, ok := awsEncryption[e]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("encryption %q is not one of AWS's %v", e, AWSEncryptions()))
		case strings.Contains(name, "gcm"):
			gcm = append(gcm, name)
		default:
			cbc = append(cbc, name)
		}
	}
	for _, i := range integ {
		name, ok := awsIntegrity[i]
		if !ok {
			errs = append(errs, fmt.Errorf("integrity %q is not SHA1, SHA2-256, SHA2-384 or SHA2-512", i))
		}
		ints = append(ints, name)
	}
	for _, g := range groups {
		name, ok := awsDHGroup[g]
		if !ok {
			errs = append(errs, fmt.Errorf("DH group %d: not one Libreswan 4.10 can offer (5, 14-21)", g))
		}
		dhs = append(dhs, name)
	}
	if err := errors.Join(errs...); err != nil {
		return "", err
	}
	dh := strings.Join(dhs, "+")
	var out []string
	if len(cbc) > 0 {
		out = append(out, strings.Join(cbc, "+")+"-"+strings.Join(ints, "+")+"-"+dh)
	}
	if len(gcm) > 0 {
		second := "none" // ESP: AEAD has no separate integrity
		if ike {
			second = strings.Join(ints, "+") // IKE: the PRF
		}
		aead := strings.Join(gcm, "+") + "-" + second + "-" + dh
		// Keep AWS's order: the responder prefers its earlier proposal.
		if len(enc) > 0 && strings.Contains(enc[0], "GCM") {
			out = append([]string{aead}, out...)
		} else {
			out = append(out, aead)
		}
	}
	return strings.Join(out, ","), nil
}

func orAny(cidr string) string {
	if cidr == "" {
		return "0.0.0.0/0"
	}
	return cidr
}

func seconds(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n) + "s"
}

// percent is "" for an unset percentage, else it with a % sign (0 too).
func percent(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n) + "%"
}

func num(m resource.PropertyMap, k string) int {
	if v := mockengine.Lookup(m, k); v.IsNumber() {
		return int(v.NumberValue())
	}
	return 0
}

// setNum is m's number k, nil when the input is not set.
func setNum(m resource.PropertyMap, k string) *int {
	if v := mockengine.Lookup(m, k); v.IsNumber() {
		n := int(v.NumberValue())
		return &n
	}
	return nil
}

func ints(m resource.PropertyMap, k string) []int {
	var out []int
	if v := mockengine.Lookup(m, k); v.IsArray() {
		for _, e := range v.ArrayValue() {
			if e := mockengine.Plain(e); e.IsNumber() {
				out = append(out, int(e.NumberValue()))
			}
		}
	}
	return out
}
