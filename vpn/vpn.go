// Package vpn declares the site-to-site VPN between the AWS VPC and the
// OpenStack site, and renders the on-prem Libreswan files from its outputs.
//
// One crypto Profile sets AWS's tunnel options and renders Libreswan's
// lines, so the two ends cannot disagree. The renderers (RenderConf,
// RenderSecrets, RenderSysctl) are pure functions of plain values.
package vpn

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-openstack/sdk/v3/go/openstack/networking"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// SiteToSiteType is the type token of the SiteToSite component.
const SiteToSiteType = "hybrid:vpn:SiteToSite"

// SiteToSiteArgs configures NewSiteToSite.
type SiteToSiteArgs struct {
	Config Config
	// VpcID and VpcCidr are the AWS side (MY-VPC).
	VpcID   pulumi.StringInput
	VpcCidr string
	// RouteTableIDs each get a route to OnPremCidr via the VGW.
	RouteTableIDs []pulumi.StringOutput
	// AWSProvider is the VPC's region; OpenStackProvider the on-prem cloud.
	AWSProvider       pulumi.ProviderResource
	OpenStackProvider pulumi.ProviderResource
	// Protect sets Protect on what the on-prem end depends on: the customer
	// gateway, the VPN gateway and its attachment, the connection (a new one
	// has new tunnel addresses) and the generated pre-shared keys.
	Protect bool
	// TunnelLogs, when set, sends both tunnels' logs to CloudWatch Logs
	// (the stack always sets it; nil leaves logging off).
	TunnelLogs *TunnelLogs
}

// SiteToSite is the VPN and what the on-prem gateway needs to join it.
type SiteToSite struct {
	pulumi.ResourceState

	// Profile is the crypto profile both ends use.
	Profile Profile

	ConnectionID   pulumi.StringOutput
	Tunnel1Address pulumi.StringOutput
	Tunnel2Address pulumi.StringOutput
	// GatewayIP is the on-prem router's next hop to the VPC: the Libreswan
	// gateway's address.
	GatewayIP pulumi.StringOutput
	// LibreswanConf is /etc/ipsec.d/aws.conf; LibreswanSecrets (secret) is
	// /etc/ipsec.d/aws.secrets; Sysctl is the gateway's sysctl drop-in;
	// TunnelScript is /etc/ipsec.d/aws-tunnels (the conns' updown hook and
	// the health check) and TunnelService its systemd unit.
	LibreswanConf    pulumi.StringOutput
	LibreswanSecrets pulumi.StringOutput
	Sysctl           pulumi.StringOutput
	TunnelScript     pulumi.StringOutput
	TunnelService    pulumi.StringOutput
	// TunnelLogGroupName is the CloudWatch Logs group of both tunnels' logs
	// ("" without TunnelLogs).
	TunnelLogGroupName pulumi.StringOutput
}

func (a *SiteToSiteArgs) validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	var errs []error
	if a.AWSProvider == nil || a.OpenStackProvider == nil {
		errs = append(errs, errors.New("both the AWS and the OpenStack provider are required"))
	}
	if a.VpcID == nil || len(a.RouteTableIDs) == 0 {
		errs = append(errs, errors.New("the VPC and at least one route table are required"))
	}
	if _, err := netip.ParsePrefix(a.VpcCidr); err != nil {
		errs = append(errs, fmt.Errorf("the VPC's CIDR %q is not a CIDR", a.VpcCidr))
	}
	errs = append(errs, a.Config.Validate(a.VpcCidr), a.TunnelLogs.validate())
	return errors.Join(errs...)
}

// NewSiteToSite declares, with the AWS provider, the customer gateway, the
// virtual private gateway and its attachment, the VPN connection (static
// routes, tunnel options from the profile) with its static route, and the
// on-prem route in every route table; with the OpenStack provider, the
// router's route to the VPC via the Libreswan gateway, and, when
// gatewayVm.enabled, that gateway's VM. It renders the gateway's files from
// the connection's outputs.
func NewSiteToSite(ctx *pulumi.Context, name string, args *SiteToSiteArgs, opts ...pulumi.ResourceOption) (*SiteToSite, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("vpn %s: %w", name, err)
	}
	cfg := args.Config
	s := &SiteToSite{Profile: cfg.Profile()}
	if err := ctx.RegisterComponentResource(SiteToSiteType, name, s, opts...); err != nil {
		return nil, err
	}
	aws := []pulumi.ResourceOption{pulumi.Parent(s), pulumi.Provider(args.AWSProvider)}
	guard := pulumi.Protect(args.Protect)
	guarded := append(slices.Clone(aws), guard)

	cgwArgs := &ec2.CustomerGatewayArgs{
		IpAddress: pulumi.String(cfg.CustomerGatewayIP),
		BgpAsn:    pulumi.String(strconv.Itoa(cfg.CustomerGatewayBgpAsn)),
		Type:      pulumi.String("ipsec.1"),
		Tags:      nameTag(cfg.CustomerGatewayName),
	}
	if cfg.CustomerGatewayDeviceName != "" {
		cgwArgs.DeviceName = pulumi.String(cfg.CustomerGatewayDeviceName)
	}
	cgw, err := ec2.NewCustomerGateway(ctx, name+"-cgw", cgwArgs, guarded...)
	if err != nil {
		return nil, fmt.Errorf("vpn %s: customer gateway: %w", name, err)
	}
	// No AmazonSideAsn: the note keeps Amazon's default ASN.
	vgw, err := ec2.NewVpnGateway(ctx, name+"-vgw", &ec2.VpnGatewayArgs{
		Tags: nameTag(cfg.VpnGatewayName),
	}, guarded...)
	if err != nil {
		return nil, fmt.Errorf("vpn %s: virtual private gateway: %w", name, err)
	}
	attachment, err := ec2.NewVpnGatewayAttachment(ctx, name+"-vgw-attachment", &ec2.VpnGatewayAttachmentArgs{
		VpcId:        args.VpcID,
		VpnGatewayId: vgw.ID(),
	}, guarded...)
	if err != nil {
		return nil, fmt.Errorf("vpn %s: gateway attachment: %w", name, err)
	}
	afterAttachment := append(slices.Clone(aws), pulumi.DependsOn([]pulumi.Resource{attachment}))

	// Route-based: the traffic selectors are 0.0.0.0/0 on both sides (what
	// AWS negotiates when they are unset), so that each tunnel also carries
	// its inside addresses, which the gateway's health check pings; routes
	// (the static route below, the gateway's routes) decide what enters a
	// tunnel. Both are set, not left to AWS's default: the handshake test
	// reads them.
	connArgs := &ec2.VpnConnectionArgs{
		CustomerGatewayId:     cgw.ID(),
		VpnGatewayId:          vgw.ID(),
		Type:                  pulumi.String("ipsec.1"),
		StaticRoutesOnly:      pulumi.Bool(true),
		LocalIpv4NetworkCidr:  pulumi.String(anyIPv4),
		RemoteIpv4NetworkCidr: pulumi.String(anyIPv4),
		Tags:                  nameTag(cfg.ConnectionName),
	}
	setTunnelOptions(connArgs, s.Profile.AWSTunnelOptions())
	if err := s.presharedKeys(ctx, name, cfg, connArgs, guard); err != nil {
		return nil, err
	}
	// The log group holds the tunnels' history: guarded like the connection.
	if err := s.newTunnelLogs(ctx, name, args.TunnelLogs, connArgs, guarded); err != nil {
		return nil, err
	}
	conn, err := ec2.NewVpnConnection(ctx, name+"-connection", connArgs, append(afterAttachment, guard)...)
	if err != nil {
		return nil, fmt.Errorf("vpn %s: connection: %w", name, err)
	}
	if _, err := ec2.NewVpnConnectionRoute(ctx, name+"-static-route", &ec2.VpnConnectionRouteArgs{
		VpnConnectionId:      conn.ID(),
		DestinationCidrBlock: pulumi.String(cfg.OnPremCidr),
	}, aws...); err != nil {
		return nil, fmt.Errorf("vpn %s: connection route: %w", name, err)
	}
	// The VGW routes only once attached; without the dependency the routes
	// race the attachment and fail.
	for i, table := range args.RouteTableIDs {
		if _, err := ec2.NewRoute(ctx, fmt.Sprintf("%s-onprem-route-%d", name, i), &ec2.RouteArgs{
			RouteTableId:         table,
			DestinationCidrBlock: pulumi.String(cfg.OnPremCidr),
			GatewayId:            vgw.ID(),
		}, afterAttachment...); err != nil {
			return nil, fmt.Errorf("vpn %s: route table %d: %w", name, i, err)
		}
	}

	s.ConnectionID = conn.ID().ToStringOutput()
	s.Tunnel1Address = conn.Tunnel1Address
	s.Tunnel2Address = conn.Tunnel2Address
	if err := s.render(cfg, args.VpcCidr, conn); err != nil {
		return nil, fmt.Errorf("vpn %s: %w", name, err)
	}

	if cfg.GatewayVM.Enabled {
		if s.GatewayIP, err = s.newGatewayVM(ctx, name, cfg, args.VpcCidr, conn, args.OpenStackProvider); err != nil {
			return nil, err
		}
	} else {
		s.GatewayIP = pulumi.String(cfg.OpenStack.GatewayIP).ToStringOutput()
	}
	// One RouterRoute, never `routes` on the router: the two would fight.
	if _, err := networking.NewRouterRoute(ctx, name+"-router-route", &networking.RouterRouteArgs{
		RouterId:        pulumi.String(cfg.OpenStack.RouterID),
		DestinationCidr: pulumi.String(args.VpcCidr),
		NextHop:         s.GatewayIP,
	}, pulumi.Parent(s), pulumi.Provider(args.OpenStackProvider)); err != nil {
		return nil, fmt.Errorf("vpn %s: openstack router route: %w", name, err)
	}

	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{
		"connectionId":     s.ConnectionID,
		"tunnel1Address":   s.Tunnel1Address,
		"tunnel2Address":   s.Tunnel2Address,
		"gatewayIp":        s.GatewayIP,
		"libreswanConf":    s.LibreswanConf,
		"libreswanSecrets": s.LibreswanSecrets,
		"sysctl":           s.Sysctl,
		"tunnelScript":     s.TunnelScript,
		"tunnelService":    s.TunnelService,
		"tunnelLogGroup":   s.TunnelLogGroupName,
	}); err != nil {
		return nil, fmt.Errorf("vpn %s: outputs: %w", name, err)
	}
	return s, nil
}

// presharedKeys sets the tunnels' keys on connArgs: generated, from config,
// or left out so that AWS generates them.
func (s *SiteToSite) presharedKeys(ctx *pulumi.Context, name string, cfg Config, connArgs *ec2.VpnConnectionArgs, guard pulumi.ResourceOption) error {
	switch cfg.pskSource() {
	case PSKFromConfig:
		connArgs.Tunnel1PresharedKey = pulumi.ToSecret(pulumi.String(cfg.PresharedKeys.Tunnel1)).(pulumi.StringOutput)
		connArgs.Tunnel2PresharedKey = pulumi.ToSecret(pulumi.String(cfg.PresharedKeys.Tunnel2)).(pulumi.StringOutput)
	case PSKGenerated:
		var keys [2]pulumi.StringOutput
		for i := range keys {
			// Letters, "." and "_" only: no digit means no leading "0", so
			// AWS accepts every key; 48 of 54 characters is ~276 bits.
			pw, err := random.NewRandomPassword(ctx, fmt.Sprintf("%s-tunnel%d-psk", name, i+1), &random.RandomPasswordArgs{
				Length:          pulumi.Int(48),
				Upper:           pulumi.Bool(true),
				Lower:           pulumi.Bool(true),
				Numeric:         pulumi.Bool(false),
				Special:         pulumi.Bool(true),
				OverrideSpecial: pulumi.String("._"),
				MinUpper:        pulumi.Int(4),
				MinLower:        pulumi.Int(4),
			}, pulumi.Parent(s), guard)
			if err != nil {
				return fmt.Errorf("vpn %s: tunnel %d pre-shared key: %w", name, i+1, err)
			}
			keys[i] = pulumi.ToSecret(pw.Result).(pulumi.StringOutput)
		}
		connArgs.Tunnel1PresharedKey, connArgs.Tunnel2PresharedKey = keys[0], keys[1]
	}
	return nil
}

// setTunnelOptions puts the profile's options on both tunnels.
func setTunnelOptions(a *ec2.VpnConnectionArgs, o AWSTunnelOptions) {
	strs := func(v []string) pulumi.StringArray {
		out := make(pulumi.StringArray, len(v))
		for i, s := range v {
			out[i] = pulumi.String(s)
		}
		return out
	}
	nums := func(v []int) pulumi.IntArray {
		out := make(pulumi.IntArray, len(v))
		for i, n := range v {
			out[i] = pulumi.Int(n)
		}
		return out
	}
	inside := func(c string) pulumi.StringPtrInput {
		if c == "" {
			return nil
		}
		return pulumi.String(c)
	}
	// "add": only the gateway starts the tunnels. It keeps both up by
	// itself (auto=start, keyingtries=%forever, dpdaction=restart: a
	// replaced AWS endpoint is tried again at once). With "start" both ends
	// initiate at once and make two IKE SAs and two Child SAs per tunnel,
	// whose rekeys then race: seen in the data-plane test
	// (internal/ipsecvm), where a rekey then lost traffic.
	const startup = "add"

	a.Tunnel1IkeVersions = strs(o.IkeVersions)
	a.Tunnel1Phase1EncryptionAlgorithms = strs(o.Phase1EncryptionAlgorithms)
	a.Tunnel1Phase1IntegrityAlgorithms = strs(o.Phase1IntegrityAlgorithms)
	a.Tunnel1Phase1DhGroupNumbers = nums(o.Phase1DhGroupNumbers)
	a.Tunnel1Phase1LifetimeSeconds = pulumi.Int(o.Phase1LifetimeSeconds)
	a.Tunnel1Phase2EncryptionAlgorithms = strs(o.Phase2EncryptionAlgorithms)
	a.Tunnel1Phase2IntegrityAlgorithms = strs(o.Phase2IntegrityAlgorithms)
	a.Tunnel1Phase2DhGroupNumbers = nums(o.Phase2DhGroupNumbers)
	a.Tunnel1Phase2LifetimeSeconds = pulumi.Int(o.Phase2LifetimeSeconds)
	a.Tunnel1DpdTimeoutSeconds = pulumi.Int(o.DpdTimeoutSeconds)
	a.Tunnel1DpdTimeoutAction = pulumi.String(o.DpdTimeoutAction)
	a.Tunnel1RekeyMarginTimeSeconds = pulumi.Int(o.RekeyMarginTimeSeconds)
	a.Tunnel1RekeyFuzzPercentage = pulumi.Int(o.RekeyFuzzPercentage)
	a.Tunnel1InsideCidr = inside(o.InsideCidr[0])
	a.Tunnel1StartupAction = pulumi.String(startup)

	a.Tunnel2IkeVersions = strs(o.IkeVersions)
	a.Tunnel2Phase1EncryptionAlgorithms = strs(o.Phase1EncryptionAlgorithms)
	a.Tunnel2Phase1IntegrityAlgorithms = strs(o.Phase1IntegrityAlgorithms)
	a.Tunnel2Phase1DhGroupNumbers = nums(o.Phase1DhGroupNumbers)
	a.Tunnel2Phase1LifetimeSeconds = pulumi.Int(o.Phase1LifetimeSeconds)
	a.Tunnel2Phase2EncryptionAlgorithms = strs(o.Phase2EncryptionAlgorithms)
	a.Tunnel2Phase2IntegrityAlgorithms = strs(o.Phase2IntegrityAlgorithms)
	a.Tunnel2Phase2DhGroupNumbers = nums(o.Phase2DhGroupNumbers)
	a.Tunnel2Phase2LifetimeSeconds = pulumi.Int(o.Phase2LifetimeSeconds)
	a.Tunnel2DpdTimeoutSeconds = pulumi.Int(o.DpdTimeoutSeconds)
	a.Tunnel2DpdTimeoutAction = pulumi.String(o.DpdTimeoutAction)
	a.Tunnel2RekeyMarginTimeSeconds = pulumi.Int(o.RekeyMarginTimeSeconds)
	a.Tunnel2RekeyFuzzPercentage = pulumi.Int(o.RekeyFuzzPercentage)
	a.Tunnel2InsideCidr = inside(o.InsideCidr[1])
	a.Tunnel2StartupAction = pulumi.String(startup)
}

// render fills the Libreswan outputs from the connection's outputs. The
// keys are read back from the connection, so AWS-generated keys work too.
func (s *SiteToSite) render(cfg Config, vpcCidr string, conn *ec2.VpnConnection) error {
	profile := s.Profile
	gateway := func(t1, t2, k1, k2 string) Gateway {
		return Gateway{
			LeftID:       cfg.CustomerGatewayIP,
			LocalSubnet:  cfg.OnPremCidr,
			RemoteSubnet: vpcCidr,
			Tunnels: [2]Tunnel{
				{ConnName: cfg.ConnNames[0], OutsideIP: t1, PSK: k1},
				{ConnName: cfg.ConnNames[1], OutsideIP: t2, PSK: k2},
			},
		}
	}
	// The inside addresses AWS reports, AWS's end then the gateway's per
	// tunnel: what AWS picked where the profile sets no inside CIDR
	// (withInside prefers the profile's).
	inside := []any{conn.Tunnel1VgwInsideAddress, conn.Tunnel1CgwInsideAddress,
		conn.Tunnel2VgwInsideAddress, conn.Tunnel2CgwInsideAddress}
	fromAWS := func(v []any) [2][2]string {
		return [2][2]string{{v[0].(string), v[1].(string)}, {v[2].(string), v[3].(string)}}
	}
	s.LibreswanConf = pulumi.All(append([]any{conn.Tunnel1Address, conn.Tunnel2Address}, inside...)...).ApplyT(func(v []any) (string, error) {
		return RenderConf(profile, profile.withInside(gateway(v[0].(string), v[1].(string), "", ""), fromAWS(v[2:])))
	}).(pulumi.StringOutput)
	secrets := pulumi.All(conn.Tunnel1Address, conn.Tunnel2Address, conn.Tunnel1PresharedKey, conn.Tunnel2PresharedKey).
		ApplyT(func(v []any) (string, error) {
			return RenderSecrets(gateway(v[0].(string), v[1].(string), v[2].(string), v[3].(string)))
		}).(pulumi.StringOutput)
	s.LibreswanSecrets = pulumi.ToSecret(secrets).(pulumi.StringOutput)
	s.Sysctl = pulumi.String(RenderSysctl()).ToStringOutput()
	// The script prints no outside address: placeholders pass its check.
	s.TunnelScript = pulumi.All(inside...).ApplyT(func(v []any) (string, error) {
		return RenderTunnelScript(profile, profile.withInside(gateway(placeholderOutside[0], placeholderOutside[1], "", ""), fromAWS(v)))
	}).(pulumi.StringOutput)
	s.TunnelService = pulumi.String(RenderTunnelService()).ToStringOutput()
	return nil
}

// anyIPv4 is the traffic selector of a route-based tunnel.
const anyIPv4 = "0.0.0.0/0"

// placeholderOutside stand in for the tunnels' outside IPs where a renderer
// checks them but does not print them (RenderTunnelScript).
var placeholderOutside = [2]string{"192.0.2.1", "192.0.2.2"}

func nameTag(name string) pulumi.StringMap {
	return pulumi.StringMap{"Name": pulumi.String(name)}
}
