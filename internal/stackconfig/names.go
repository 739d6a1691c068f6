package stackconfig

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hybridlab/hybrid-cloud/internal/validate"
	"github.com/hybridlab/hybrid-cloud/vpn"
)

// exactNamesKey is `hybrid-cloud:exactNamesStack`: the one stack that uses
// the config's names as written (dev, with the lecture note's names). Every
// other stack appends its suffix to each of them (NamedFields), so that two
// stacks can share an AWS account, an Azure subscription, a GCP project and
// a hosted zone without two resources of the same name, record or tag.
const exactNamesKey = "exactNamesStack"

// stackNamePattern is Pulumi's rule for a stack name.
var stackNamePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)

// notSuffixChar is what a suffix cannot hold: it ends DNS labels, GCP
// resource names and service account IDs, which take lower-case letters,
// digits and hyphens only.
var notSuffixChar = regexp.MustCompile(`[^a-z0-9]+`)

// nameSuffix is what the stack appends to its names: "" for the exact
// stack, else "-" and the stack's name in lower case with every run of
// other characters as one "-" (stack "Prod.EU" -> "-prod-eu").
func nameSuffix(stack, exact string) string {
	if stack == exact {
		return ""
	}
	s := strings.Trim(notSuffixChar.ReplaceAllString(strings.ToLower(stack), "-"), "-")
	return "-" + s
}

// checkExactNamesStack validates the key's value and what the stack derives from it.
func checkExactNamesStack(exact, stack string) error {
	full := validate.Project + ":" + exactNamesKey
	if !stackNamePattern.MatchString(exact) {
		return fmt.Errorf("%s: %q is not a stack name (1-100 letters, digits, '_', '.', '-'); set the one stack that keeps the names as written, e.g. dev", full, exact)
	}
	if stack != exact && nameSuffix(stack, exact) == "-" {
		return fmt.Errorf("%s: stack %q has no letter or digit to suffix its names with; rename the stack or set %s to it", full, stack, exactNamesKey)
	}
	return nil
}

// NamedFields are the config fields, by key, whose values name something in
// a cloud or on-prem: resources, DNS records, and the Name tags the consoles
// list. Outside the exact stack each gets the stack's suffix.
func (s *Stack) NamedFields() map[string]*string {
	w := &s.WebNodes
	return map[string]*string{
		"network.vpcName":               &s.Network.VpcName,
		"network.publicRouteTableName":  &s.Network.PublicRouteTableName,
		"network.privateRouteTableName": &s.Network.PrivateRouteTableName,
		"vpn.customerGatewayName":       &s.VPN.CustomerGatewayName,
		"vpn.vpnGatewayName":            &s.VPN.VpnGatewayName,
		"vpn.connectionName":            &s.VPN.ConnectionName,
		"vpn.gatewayVm.name":            &s.VPN.GatewayVM.Name,
		"webNodes.seoul.name":           &w.Seoul.Name,
		"webNodes.london.name":          &w.London.Name,
		"webNodes.london.resourceGroup": &w.London.ResourceGroup,
		"webNodes.oregon.name":          &w.Oregon.Name,
		"webNodes.hongkong.name":        &w.HongKong.Name,
		"haproxy.seoulName":             &s.HAProxy.SeoulName,
		"haproxy.tokyoName":             &s.HAProxy.TokyoName,
		"haproxy.amiName":               &s.HAProxy.AmiName,
		"gslb.seoulRecord":              &s.GSLB.SeoulRecord,
		"gslb.tokyoRecord":              &s.GSLB.TokyoRecord,
		"gslb.failoverRecord":           &s.GSLB.FailoverRecord,
		"gslb.simpleRecord":             &s.GSLB.SimpleRecord,
		"gslb.seoulAlbName":             &s.GSLB.SeoulAlbName,
		"gslb.tokyoAlbName":             &s.GSLB.TokyoAlbName,
		"gslb.seoulTargetGroupName":     &s.GSLB.SeoulTargetGroupName,
		"gslb.tokyoTargetGroupName":     &s.GSLB.TokyoTargetGroupName,
		"gslb.securityGroupName":        &s.GSLB.SecurityGroupName,
		"gslb.seoulHealthCheckName":     &s.GSLB.SeoulHealthCheckName,
		"gslb.tokyoHealthCheckName":     &s.GSLB.TokyoHealthCheckName,
	}
}

// applyNameSuffix appends the suffix to every named field that is set, and
// hands the packages that derive names of their own the suffix too.
func (s *Stack) applyNameSuffix(project, suffix string) {
	if suffix == "" {
		return
	}
	// The gateway VM's default name is a name like the others.
	if s.VPN.GatewayVM.Enabled && s.VPN.GatewayVM.Name == "" {
		s.VPN.GatewayVM.Name = vpn.DefaultGatewayVMName
	}
	for _, f := range s.NamedFields() {
		if *f != "" {
			*f += suffix
		}
	}
	s.GSLB.NameSuffix = suffix
	// EC2 hands back the existing customer gateway for a second request
	// with the same address, ASN and type, unless the device names differ:
	// without one, two stacks on one on-prem address would share (and one
	// destroy would delete) a single gateway. device_name is ForceNew
	// (replace_facts.json), so it names the stack, never the Name tag: a
	// customerGatewayName rename stays a tag change. The exact stack sets
	// none, as it always has.
	s.VPN.CustomerGatewayDeviceName = project + suffix
}
