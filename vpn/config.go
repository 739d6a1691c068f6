package vpn

import (
	"github.com/hybridlab/hybrid-cloud/internal/validate"
)

// Config is the `hybrid-cloud:vpn` config object.
type Config struct {
	// CustomerGatewayName is the customer gateway's Name tag (the note's MY-CGW).
	CustomerGatewayName string `json:"customerGatewayName"`
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
	// AWS accepts 1-2147483647 except its own reserved 7224 and 9059 for a customer gateway.
	p.IntRange("customerGatewayBgpAsn", c.CustomerGatewayBgpAsn, 1, 2147483647)
	onPrem, ok := p.CIDR("onPremCidr", c.OnPremCidr)
	if remote, err := parseRemote(vpcCidr); ok && err == nil && validate.Overlaps(onPrem, remote) {
		p.Addf("onPremCidr", "%s overlaps the VPC's %s (hybrid-cloud:network.vpcCidr): the two sides of the tunnel need disjoint ranges", c.OnPremCidr, vpcCidr)
	}
	p.Required("openstack.routerId", c.OpenStack.RouterID, "the OpenStack router's ID")
	if gw, ok := p.IPv4("openstack.gatewayIp", c.OpenStack.GatewayIP); ok && onPrem.IsValid() && !onPrem.Contains(gw) {
		p.Addf("openstack.gatewayIp", "%s is not inside onPremCidr %s (the router's next hop must be on-prem)", c.OpenStack.GatewayIP, c.OnPremCidr)
	}
	return p.Err()
}
