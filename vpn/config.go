package vpn

import (
	"fmt"
	"net/netip"
	"regexp"

	"github.com/hybridlab/hybrid-cloud/internal/validate"
)

// Config is the `hybrid-cloud:vpn` config object.
type Config struct {
	// CustomerGatewayName is the customer gateway's Name tag (the note's MY-CGW).
	CustomerGatewayName string `json:"customerGatewayName"`
	// CustomerGatewayDeviceName, when set, is the customer gateway's device
	// name, which tells EC2 apart two gateways of one address, ASN and type
	// (set outside the exact-names stack; internal/stackconfig).
	CustomerGatewayDeviceName string `json:"-"`
	// CustomerGatewayIP is the on-prem public IP (the Libreswan VM's leftid).
	CustomerGatewayIP string `json:"customerGatewayIp"`
	// CustomerGatewayBgpAsn is required by AWS even for static routing.
	CustomerGatewayBgpAsn int `json:"customerGatewayBgpAsn"`
	// VpnGatewayName is the virtual private gateway's Name tag (MY-VGW).
	VpnGatewayName string `json:"vpnGatewayName"`
	// ConnectionName is the VPN connection's Name tag (MY-VPN).
	ConnectionName string `json:"connectionName"`
	// OnPremCidr is the OpenStack side's range (the note's local CIDR).
	OnPremCidr string `json:"onPremCidr"`
	// OpenStack is where the on-prem static route goes.
	OpenStack OpenStackConfig `json:"openstack"`
	// ConnNames are the Libreswan conn names of AWS's tunnel 1 and tunnel 2
	// (the note's Tunnel1 and Tunnel2), in that order.
	ConnNames []string `json:"connNames"`
	// Crypto overrides DefaultProfile field by field; leave it out for the
	// modern default. It sets both AWS's tunnel options and Libreswan's.
	Crypto Profile `json:"crypto"`
	// PresharedKeys says where the tunnels' keys come from.
	PresharedKeys PresharedKeys `json:"presharedKeys"`
	// GatewayVM, when enabled, also creates the Libreswan VM on OpenStack;
	// the router's next hop is then its port's address.
	GatewayVM GatewayVMConfig `json:"gatewayVm"`

	// HoldsSecrets is not config: it says whether the stack holds this
	// object as a Pulumi secret (a value in it was set with --secret), as
	// the engine reports it (ctx.IsConfigSecret). The engine reports
	// secretness per top-level key only, so it cannot tell which field was
	// the secret; see checkPSKs.
	HoldsSecrets bool `json:"-"`
	// SecureFields, when the stack file could be read, are this section's
	// fields stored there as `secure:` values ("presharedKeys.tunnel1");
	// nil when only HoldsSecrets is known.
	SecureFields map[string]bool `json:"-"`
}

// GatewayVMConfig is the optional Libreswan VM. Off by default: the note
// builds the VM by hand and the router's next hop is openstack.gatewayIp.
type GatewayVMConfig struct {
	Enabled bool `json:"enabled"`
	// Name is the instance's name (default libreswan-gateway).
	Name string `json:"name,omitempty"`
	// ImageName or ImageID (exactly one) is an image with cloud-init whose
	// package manager offers libreswan (Rocky/Alma/Fedora, Debian, Ubuntu).
	ImageName string `json:"imageName,omitempty"`
	ImageID   string `json:"imageId,omitempty"`
	// FlavorName is the instance's size, e.g. m1.small.
	FlavorName string `json:"flavorName,omitempty"`
	// NetworkID is the on-prem network (inside onPremCidr) the port is on.
	NetworkID string `json:"networkId,omitempty"`
	// KeyPair is an optional SSH key pair name.
	KeyPair string `json:"keyPair,omitempty"`
}

// DefaultGatewayVMName is the gateway VM's name when gatewayVm.name is unset.
const DefaultGatewayVMName = "libreswan-gateway"

// gatewayVMName is the instance name with its default applied.
func (g GatewayVMConfig) gatewayVMName() string {
	if g.Name == "" {
		return DefaultGatewayVMName
	}
	return g.Name
}

// PresharedKeys chooses the tunnels' pre-shared keys. Every key is a secret
// from end to end: in the VPN's inputs, its outputs and the secrets file.
type PresharedKeys struct {
	// Source is "generated" (default: pulumi-random, 48 characters AWS always
	// accepts), "aws" (AWS generates them) or "config" (Tunnel1 and Tunnel2,
	// set with `pulumi config set --secret --path`).
	Source string `json:"source,omitempty"`
	// Tunnel1 and Tunnel2 are used only with source "config".
	Tunnel1 string `json:"tunnel1,omitempty"`
	Tunnel2 string `json:"tunnel2,omitempty"`
}

// PSK sources.
const (
	PSKGenerated  = "generated"
	PSKFromAWS    = "aws"
	PSKFromConfig = "config"
)

// Profile is the crypto profile this config selects: DefaultProfile with
// the crypto section's fields laid over it.
func (c Config) Profile() Profile {
	return DefaultProfile().Merge(c.Crypto)
}

// pskSource is the PSK source with its default applied.
func (c Config) pskSource() string {
	if c.PresharedKeys.Source == "" {
		return PSKGenerated
	}
	return c.PresharedKeys.Source
}

// OpenStackConfig names the router and the Libreswan gateway VM on-prem.
type OpenStackConfig struct {
	RouterID  string `json:"routerId"`
	GatewayIP string `json:"gatewayIp"`
}

// Validate checks the section; vpcCidr is the AWS side's range (the remote CIDR).
func (c Config) Validate(vpcCidr string) error {
	p := validate.Section("vpn")
	p.Required("customerGatewayName", c.CustomerGatewayName, "e.g. MY-CGW")
	p.Required("vpnGatewayName", c.VpnGatewayName, "e.g. MY-VGW")
	p.Required("connectionName", c.ConnectionName, "e.g. MY-VPN")
	p.PublicIPv4("customerGatewayIp", c.CustomerGatewayIP)
	// The customer gateway's bgpAsn field takes 1-2147483647 (larger ASNs
	// need bgpAsnExtended, which this stack does not set).
	if p.IntRange("customerGatewayBgpAsn", c.CustomerGatewayBgpAsn, 1, 2147483647) {
		if where, reserved := awsReservedASNs[c.CustomerGatewayBgpAsn]; reserved {
			p.Addf("customerGatewayBgpAsn", "%d is not allowed: AWS reserves it %s, and this stack refuses all of AWS's reserved ASNs (7224, 9059, 10124, 17943) in every region so that a stack can move; use your network's ASN or a private one (64512-65534)", c.CustomerGatewayBgpAsn, where)
		}
	}
	onPrem, ok := p.CIDR("onPremCidr", c.OnPremCidr)
	// The VPC's route tables send this range into the tunnel, and the
	// gateway VM's security group trusts it: a public range would hide
	// those internet hosts from the VPC and open the VM to them.
	ok = ok && p.PrivateNetwork("onPremCidr", onPrem)
	if remote, err := netip.ParsePrefix(vpcCidr); ok && err == nil && validate.Overlaps(onPrem, remote) {
		p.Addf("onPremCidr", "%s overlaps the VPC's %s (hybrid-cloud:network.vpcCidr): the two sides of the tunnel need disjoint ranges", c.OnPremCidr, vpcCidr)
	}
	p.Required("openstack.routerId", c.OpenStack.RouterID, "the OpenStack router's ID")
	if c.GatewayVM.Enabled {
		c.GatewayVM.check(p)
		if c.OpenStack.GatewayIP != "" {
			p.Addf("openstack.gatewayIp", "is set but gatewayVm.enabled is true: the router's next hop is then the VM's port; remove gatewayIp")
		}
	} else if gw, ok := p.IPv4("openstack.gatewayIp", c.OpenStack.GatewayIP); ok && onPrem.IsValid() {
		if !onPrem.Contains(gw) {
			p.Addf("openstack.gatewayIp", "%s is not inside onPremCidr %s (the router's next hop must be on-prem)", c.OpenStack.GatewayIP, c.OnPremCidr)
		} else {
			p.HostAddress("openstack.gatewayIp", gw, onPrem, validate.Project+":vpn.onPremCidr")
		}
	}
	c.checkConnNames(p)
	c.Profile().check(p)
	c.checkPSKs(p)
	return p.Err()
}

// CredentialFields are the fields of this section that hold a credential:
// each must be a Pulumi secret when set (checkPSKs). The gateway VM's
// settings hold none (keyPair names an OpenStack key pair; the private key
// never enters the stack).
var CredentialFields = []string{"presharedKeys.tunnel1", "presharedKeys.tunnel2"}

// checkConnNames applies ipsec.conf(5)'s rule for section names, and its
// "only one section of a given type with a given name".
func (c Config) checkConnNames(p *validate.Problems) {
	const field = "connNames"
	if len(c.ConnNames) != 2 {
		p.Addf(field, "has %d names, want 2: the Libreswan conns of AWS's tunnel 1 and tunnel 2, e.g. [Tunnel1, Tunnel2]", len(c.ConnNames))
		return
	}
	for i, name := range c.ConnNames {
		if !ValidConnName(name) {
			p.Addf(fmt.Sprintf("%s[%d]", field, i), "%q is not allowed (a Libreswan conn name must start with a letter and hold only letters, digits, '.', '_' and '-', e.g. Tunnel%d)", name, i+1)
		}
	}
	if c.ConnNames[0] == c.ConnNames[1] {
		p.Addf(field+"[1]", "%q is also connNames[0]: each tunnel needs its own conn", c.ConnNames[1])
	}
}

// checkPSKs never prints a key, not even one AWS would refuse.
//
// A key typed in plain text (`pulumi config set --path`, without --secret)
// sits readable in Pulumi.<stack>.yaml and in git, so it is refused. The
// engine only says whether hybrid-cloud:vpn holds a secret somewhere, so a
// stack with tunnel1 secret and tunnel2 plain passes here; the repository's
// tests check the committed stack files field by field.
// isSecret reports whether a field is a Pulumi secret: by the stack file
// when it was read, else by the engine's word on the whole section.
func (c Config) isSecret(field string) bool {
	if c.SecureFields != nil {
		return c.SecureFields[field]
	}
	return c.HoldsSecrets
}

func (c Config) checkPSKs(p *validate.Problems) {
	k := c.PresharedKeys
	if !p.OneOf("presharedKeys.source", c.pskSource(), PSKGenerated, PSKFromAWS, PSKFromConfig) {
		return
	}
	for _, t := range []struct{ field, key string }{{CredentialFields[0], k.Tunnel1}, {CredentialFields[1], k.Tunnel2}} {
		switch {
		case c.pskSource() != PSKFromConfig && t.key != "":
			p.Addf(t.field, "is set but presharedKeys.source is %q: set source to \"config\" to use it, or remove it", c.pskSource())
		case c.pskSource() == PSKFromConfig && t.key == "":
			p.Addf(t.field, "is required with source \"config\" (pulumi config set --secret --path 'vpn.%s' KEY)", t.field)
		case c.pskSource() == PSKFromConfig && !c.isSecret(t.field):
			p.Addf(t.field, "is plain text in the stack's config (value not shown); a pre-shared key must be a Pulumi secret: "+
				"pulumi config set --secret --path 'vpn.%s' KEY", t.field)
		}
		if c.pskSource() == PSKFromConfig && t.key != "" && !ValidPSK(t.key) {
			p.Addf(t.field, "AWS refuses this key (value not shown): it must be 8-64 characters of [A-Za-z0-9._] and not start with 0")
		}
	}
	if c.pskSource() == PSKFromConfig && k.Tunnel1 != "" && k.Tunnel1 == k.Tunnel2 {
		p.Addf("presharedKeys.tunnel2", "is the same as tunnel1 (value not shown): give each tunnel its own key")
	}
}

// hostLabel is one DNS label (RFC 1123): the gateway VM's name becomes its
// host name, and names its security group and port.
var hostLabel = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// awsReservedASNs are the ASNs AWS keeps for its own side of a VPN, which a
// customer gateway may not use, with the region each is reserved in.
var awsReservedASNs = map[int]string{
	7224:  "in us-east-1",
	9059:  "in eu-west-1",
	10124: "in ap-northeast-1",
	17943: "in ap-southeast-1",
}

func (g GatewayVMConfig) check(p *validate.Problems) {
	if g.Name != "" {
		p.Match("gatewayVm.name", g.Name, hostLabel, "a host name: 1-63 letters, digits or '-', not starting or ending with '-'")
	}
	if (g.ImageName == "") == (g.ImageID == "") {
		p.Addf("gatewayVm.imageName", "set exactly one of gatewayVm.imageName and gatewayVm.imageId (an image with cloud-init)")
	}
	p.Required("gatewayVm.flavorName", g.FlavorName, "the instance's flavor, e.g. m1.small")
	p.Required("gatewayVm.networkId", g.NetworkID, "the on-prem network's ID, inside onPremCidr")
}
