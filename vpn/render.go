package vpn

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// Gateway is what the on-prem Libreswan gateway needs, as plain values, so
// the renderers are pure functions of it (and of a Profile).
type Gateway struct {
	// Left is the gateway's own address for IKE; empty means %defaultroute
	// (the note's choice: the VM sits behind the on-prem NAT).
	Left string
	// LeftID is the on-prem public IP: the customer gateway's address, which
	// AWS expects as the gateway's IKE identity.
	LeftID string
	// LocalSubnet is the on-prem CIDR; RemoteSubnet is the VPC's CIDR.
	LocalSubnet  string
	RemoteSubnet string
	// Tunnels are AWS's two tunnels, in AWS's order.
	Tunnels [2]Tunnel
}

// Tunnel is one AWS tunnel: the Libreswan conn that carries it, its outside
// (public) IP, its pre-shared key and its inside addresses. RenderConf does
// not read PSK; RenderSecrets does not read the inside addresses.
type Tunnel struct {
	// ConnName is the conn section's name (the note's Tunnel1, Tunnel2), from
	// hybrid-cloud:vpn.connNames; operators type it in `ipsec auto --up`.
	ConnName  string
	OutsideIP string
	PSK       string
	// InsideAddress is the gateway's end of the tunnel's inside /30 (its
	// XFRM interface's address), AWSInsideAddress AWS's end (what the
	// health check pings): AWS's tunnelN_cgw_inside_address and
	// tunnelN_vgw_inside_address.
	InsideAddress    string
	AWSInsideAddress string
}

// needs says what a renderer reads besides the addresses every one reads.
type needs int

const (
	needInside needs = 1 << iota
	needPSK
)

// connNamePattern is ipsec.conf(5)'s rule for a section name: "Names must
// start with a letter and may contain only letters, digits, periods,
// underscores, and hyphens". Libreswan 4.10's own parser is laxer (it takes
// "a/b" or "%foo"), but a name outside the documented rule may break in the
// next release or in a shell (`ipsec auto --up NAME`).
var connNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._-]*$`)

// ValidConnName reports whether name is a conn name ipsec.conf(5) allows.
func ValidConnName(name string) bool {
	return connNamePattern.MatchString(name)
}

// pskPattern is AWS's rule for a tunnel pre-shared key.
var pskPattern = regexp.MustCompile(`^[A-Za-z1-9._][A-Za-z0-9._]{7,63}$`)

// ValidPSK reports whether AWS accepts key as a tunnel pre-shared key: 8-64
// characters of [A-Za-z0-9._], not starting with 0. Such a key also needs no
// quoting care in a Libreswan secrets file.
func ValidPSK(key string) bool {
	return pskPattern.MatchString(key)
}

func (g Gateway) check(n needs) error {
	var errs []error
	addr := func(what, s string) {
		if a, err := netip.ParseAddr(s); err != nil || !a.Is4() {
			errs = append(errs, fmt.Errorf("%s %q is not an IPv4 address", what, s))
		}
	}
	cidr := func(what, s string) {
		if p, err := netip.ParsePrefix(s); err != nil || !p.Addr().Is4() || p.Masked() != p {
			errs = append(errs, fmt.Errorf("%s %q is not an IPv4 CIDR", what, s))
		}
	}
	if g.Left != "" && g.Left != "%defaultroute" {
		addr("left", g.Left)
	}
	addr("leftid", g.LeftID)
	cidr("local subnet", g.LocalSubnet)
	cidr("remote subnet", g.RemoteSubnet)
	for i, t := range g.Tunnels {
		if !ValidConnName(t.ConnName) {
			errs = append(errs, fmt.Errorf("tunnel %d conn name %q: must start with a letter and hold only letters, digits, '.', '_' and '-'", i+1, t.ConnName))
		}
		addr(fmt.Sprintf("tunnel %d (%s) outside IP", i+1, t.ConnName), t.OutsideIP)
		if n&needInside != 0 {
			errs = append(errs, t.checkInside(i))
		}
		// Never print a key, not even a bad one.
		if n&needPSK != 0 && !ValidPSK(t.PSK) {
			errs = append(errs, fmt.Errorf("tunnel %d (%s) pre-shared key is not 8-64 characters of [A-Za-z0-9._] not starting with 0", i+1, t.ConnName))
		}
	}
	if g.Tunnels[0].OutsideIP == g.Tunnels[1].OutsideIP {
		errs = append(errs, fmt.Errorf("both tunnels have outside IP %q", g.Tunnels[0].OutsideIP))
	}
	if g.Tunnels[0].ConnName == g.Tunnels[1].ConnName {
		errs = append(errs, fmt.Errorf("both tunnels have conn name %q", g.Tunnels[0].ConnName))
	}
	if n&needInside != 0 && g.Tunnels[0].InsideAddress != "" && g.Tunnels[0].InsideAddress == g.Tunnels[1].InsideAddress {
		errs = append(errs, fmt.Errorf("both tunnels have inside address %q", g.Tunnels[0].InsideAddress))
	}
	return errors.Join(errs...)
}

// checkInside checks that the tunnel's two inside addresses are the two
// hosts of one /30 in 169.254.0.0/16, as AWS assigns them.
func (t Tunnel) checkInside(i int) error {
	own, err1 := netip.ParseAddr(t.InsideAddress)
	aws, err2 := netip.ParseAddr(t.AWSInsideAddress)
	net := netip.PrefixFrom(own, 30).Masked()
	broadcast := net.Addr().Next().Next().Next()
	hosts := func(a netip.Addr) bool { return a != net.Addr() && a != broadcast }
	if err1 != nil || err2 != nil || !own.Is4() || !linkLocal.Contains(own) ||
		own == aws || !net.Contains(aws) || !hosts(own) || !hosts(aws) {
		return fmt.Errorf("tunnel %d (%s) inside addresses %q (gateway) and %q (AWS) are not the two hosts of one /30 in 169.254.0.0/16", i+1, t.ConnName, t.InsideAddress, t.AWSInsideAddress)
	}
	return nil
}

// TunnelScriptPath is the gateway's tunnel script (RenderTunnelScript): the
// conns' updown hook and the health check that moves the VPC's route.
const TunnelScriptPath = "/etc/ipsec.d/aws-tunnels"

// routeMetric is the metric of the VPC route over tunnel i (0 is tunnel 1):
// the lowest wins, so tunnel 1 carries the traffic while it answers.
func routeMetric(i int) int { return 100 * (i + 1) }

// unreachableMetric is the metric of the VPC route that catches the VPC's
// traffic when neither tunnel answers: dropped, never sent in clear text
// along the default route.
const unreachableMetric = 4096

// interfaceID is tunnel i's ipsec-interface= number: Libreswan makes the
// XFRM interface ipsecN with XFRM if_id N and puts if_id N on the conn's SAs.
func interfaceID(i int) int { return i + 1 }

// interfaceName is the XFRM interface Libreswan creates for tunnel i.
func interfaceName(i int) string { return fmt.Sprintf("ipsec%d", interfaceID(i)) }

// RenderConf renders /etc/ipsec.d/aws.conf: both tunnels, from the profile.
//
// The config is route-based and both tunnels are up (auto=start): each conn
// has its own XFRM interface (ipsec-interface=1 and 2) with traffic
// selectors 0.0.0.0/0 on both sides (overlapip=yes lets the two conns hold
// the same selectors; the interface's if_id keeps their SAs apart), so what
// goes into a tunnel is decided by routes, not by policies. The updown hook
// (TunnelScriptPath) addresses each interface from the profile's inside
// CIDRs and drops a tunnel's route when its SA goes; the health check in
// the same script keeps the VPC's route on tunnel 1 while tunnel 1's far
// inside address answers, else on tunnel 2, with no operator step.
func RenderConf(p Profile, g Gateway) (string, error) {
	if err := errors.Join(p.Validate(), g.check(needInside)); err != nil {
		return "", fmt.Errorf("libreswan conf: %w", err)
	}
	left := g.Left
	if left == "" {
		left = "%defaultroute"
	}
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("# /etc/ipsec.d/aws.conf for the AWS site-to-site VPN (Libreswan 4.10).")
	w("# Rendered by the hybrid-cloud Pulumi program from the VPN's outputs and its")
	w("# crypto profile, which also sets AWS's tunnel options: edit the profile")
	w("# (hybrid-cloud:vpn.crypto), not this file.")
	w("#")
	w("# Route-based, both tunnels up. Each conn has its own XFRM interface and")
	w("# selectors 0.0.0.0/0 <-> 0.0.0.0/0; routes decide what enters a tunnel:")
	for i, t := range g.Tunnels {
		w("#   %s: %s, inside %s (AWS %s), %s metric %d", t.ConnName, interfaceName(i), t.InsideAddress, t.AWSInsideAddress, g.RemoteSubnet, routeMetric(i))
	}
	w("#   neither answering: %s unreachable (metric %d), never the default route.", g.RemoteSubnet, unreachableMetric)
	w("# %s health (run by a service) moves the route to tunnel 2 while", TunnelScriptPath)
	w("# tunnel 1's far inside address does not answer, and back when it does.")
	w("# Check: ipsec trafficstatus; ip -s link show %s; %s status", interfaceName(0), TunnelScriptPath)
	w("#")
	w("# Profile: %s.", p.IKEVersion)
	w("#   phase 1: %s / %s / DH %s / %d s", list(p.Phase1.Encryption), list(p.Phase1.Integrity), ints(p.Phase1.DHGroups), p.Phase1.LifetimeSeconds)
	w("#   phase 2: %s / %s / DH %s (PFS) / %d s", list(p.Phase2.Encryption), list(p.Phase2.Integrity), ints(p.Phase2.DHGroups), p.Phase2.LifetimeSeconds)
	if p.DPDTimeoutAction == "none" {
		w("#   DPD: off (dpdTimeoutAction none)")
	} else {
		w("#   DPD: probe every %d s, peer dead after %d s, then %s", p.DPDDelaySeconds, p.DPDTimeoutSeconds, p.DPDTimeoutAction)
	}
	for i, t := range g.Tunnels {
		w("")
		w("conn %s", t.ConnName)
		w("\tauthby=secret")
		w("\tauto=start")
		w("\tleft=%s", left)
		w("\tleftid=%s", g.LeftID)
		w("\tleftsubnet=0.0.0.0/0")
		w("\tright=%s", t.OutsideIP)
		w("\trightsubnet=0.0.0.0/0")
		w("\ttype=tunnel")
		w("\tipsec-interface=%d", interfaceID(i))
		// Without it pluto refuses the second conn's Child SA ("cannot
		// install eroute -- it is in use for ..."), XFRM interfaces or not
		// (internal/ipsecvm, with the line removed).
		w("\toverlapip=yes")
		w("\tleftupdown=\"%s updown\"", TunnelScriptPath)
		if p.IKEVersion == "ikev2" {
			w("\tikev2=insist")
		} else {
			w("\tikev2=no")
		}
		w("\tike=%s", p.LibreswanIKE())
		w("\tesp=%s", p.LibreswanESP())
		w("\tpfs=yes")
		w("\tikelifetime=%s", seconds(p.Phase1.LifetimeSeconds))
		w("\tsalifetime=%s", seconds(p.Phase2.LifetimeSeconds))
		// The gateway starts every rekey; AWS only as a fallback.
		w("\trekeymargin=%s", seconds(p.libreswanRekeyMargin()))
		w("\trekeyfuzz=0%%")
		w("\tkeyingtries=%%forever")
		if p.DPDTimeoutAction != "none" {
			w("\tdpddelay=%s", seconds(p.DPDDelaySeconds))
			if p.IKEVersion == "ikev2" {
				// IKEv2 ignores dpdtimeout: a probe unanswered for
				// retransmit-timeout declares the peer dead.
				w("\tretransmit-timeout=%s", seconds(p.DPDTimeoutSeconds))
			} else {
				w("\tdpdtimeout=%s", seconds(p.DPDTimeoutSeconds))
			}
			w("\tdpdaction=%s", libreswanDPDAction(p.DPDTimeoutAction))
		}
	}
	return b.String(), nil
}

// RenderSecrets renders /etc/ipsec.d/aws.secrets: one PSK line per tunnel,
// keyed by the gateway's ID and the tunnel's outside IP. The result is a
// secret: keep it in a secret output and write it with mode 0600.
func RenderSecrets(g Gateway) (string, error) {
	if err := g.check(needPSK); err != nil {
		return "", fmt.Errorf("libreswan secrets: %w", err)
	}
	var b strings.Builder
	b.WriteString("# /etc/ipsec.d/aws.secrets (mode 0600), rendered by the hybrid-cloud Pulumi program.\n")
	for _, t := range g.Tunnels {
		fmt.Fprintf(&b, "%s %s : PSK \"%s\"\n", g.LeftID, t.OutsideIP, t.PSK)
	}
	return b.String(), nil
}

// SysctlPath is where the gateway's sysctl file goes.
const SysctlPath = "/etc/sysctl.d/60-libreswan-gateway.conf"

// RenderSysctl renders the gateway's sysctl drop-in: the note's settings,
// with its shell loop over /proc/sys/net/ipv4/conf/* replaced by glob keys
// (systemd-sysctl and procps-ng sysctl -p expand them), and rp_filter off
// for every interface, because the kernel uses the larger of "all" and the
// interface's value.
func RenderSysctl() string {
	return `# ` + SysctlPath + `
# The Libreswan gateway forwards between the on-prem network and the VPC.
# Rendered by the hybrid-cloud Pulumi program. The VPC's replies may come
# back over either tunnel's interface, whichever carries the request:
# rp_filter is off everywhere, "default" included, which the tunnels' XFRM
# interfaces (made later, by Libreswan) inherit.
# Apply with: sysctl -p ` + SysctlPath + `
net.ipv4.ip_forward = 1
net.ipv4.conf.*.accept_redirects = 0
net.ipv4.conf.*.send_redirects = 0
net.ipv4.conf.*.rp_filter = 0
net.ipv4.conf.*.accept_source_route = 0
net.ipv4.icmp_ignore_bogus_error_responses = 1
net.ipv6.conf.all.disable_ipv6 = 1
net.ipv6.conf.default.disable_ipv6 = 1
`
}

func list(s []string) string { return strings.Join(s, ",") }

func ints(n []int) string {
	s := make([]string, len(n))
	for i, v := range n {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, ",")
}
