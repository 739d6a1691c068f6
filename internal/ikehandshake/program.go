package ikehandshake

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
	"github.com/hybridlab/hybrid-cloud/network"
	"github.com/hybridlab/hybrid-cloud/vpn"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-openstack/sdk/v3/go/openstack"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Deployment is what the program produced: the on-prem files and the AWS
// tunnel options, before they are moved into a lab.
type Deployment struct {
	Conf, Secrets     string // aws.conf and aws.secrets, as rendered
	Sysctl            string // the gateway's sysctl drop-in
	TunnelScript      string // /etc/ipsec.d/aws-tunnels
	CustomerGatewayIP string // the on-prem leftid
	OnPremCidr        netip.Prefix
	VpcCidr           netip.Prefix
	Connection        Connection
}

// ProgramDeployment runs the vpn component with the dev stack's vpn and
// network config (Pulumi.dev.yaml under root, the repository) on the mock
// engine, as main.go composes it, and returns the rendered gateway files and
// the VPN connection's tunnel options. It reads only those two sections, so
// that work on another component's config cannot break the VPN's tests.
func ProgramDeployment(t testing.TB, root string) Deployment {
	t.Helper()
	project, cfg, err := mockengine.LoadStackConfig(root, "dev")
	if err != nil {
		t.Fatal(err)
	}
	var (
		vpnCfg vpn.Config
		netCfg network.Config
	)
	decode(t, cfg, project+":vpn", &vpnCfg)
	decode(t, cfg, project+":network", &netCfg)

	e := mockengine.New(project, "dev")
	err = e.Run(func(ctx *pulumi.Context) error {
		const region = "ap-northeast-2" // the VPN's region; the lab does not depend on it
		seoul, err := aws.NewProvider(ctx, "aws-"+region, &aws.ProviderArgs{Region: pulumi.String(region)})
		if err != nil {
			return err
		}
		onPrem, err := openstack.NewProvider(ctx, "openstack", &openstack.ProviderArgs{})
		if err != nil {
			return err
		}
		site, err := vpn.NewSiteToSite(ctx, "vpn", &vpn.SiteToSiteArgs{
			Config:            vpnCfg,
			VpcID:             pulumi.String("vpc-lab"),
			VpcCidr:           netCfg.VpcCidr,
			RouteTableIDs:     []pulumi.StringOutput{pulumi.String("rtb-lab").ToStringOutput()},
			AWSProvider:       seoul,
			OpenStackProvider: onPrem,
		})
		if err != nil {
			return err
		}
		ctx.Export("libreswanConf", site.LibreswanConf)
		ctx.Export("libreswanSecrets", site.LibreswanSecrets)
		ctx.Export("sysctl", site.Sysctl)
		ctx.Export("tunnelScript", site.TunnelScript)
		return nil
	}, cfg)
	if err != nil {
		t.Fatalf("vpn component on the mock engine: %v", err)
	}

	out := e.Outputs()
	conf, _ := out["libreswanConf"].Value.(string)
	secrets, _ := out["libreswanSecrets"].Value.(string)
	sysctl, _ := out["sysctl"].Value.(string)
	script, _ := out["tunnelScript"].Value.(string)
	if strings.TrimSpace(conf) == "" || strings.TrimSpace(secrets) == "" {
		t.Fatal("the vpn component rendered no Libreswan conf or secrets")
	}
	if !out["libreswanSecrets"].Secret {
		t.Error("the Libreswan secrets output is not secret")
	}
	conns := e.OfType(VpnConnectionType)
	if len(conns) != 1 {
		t.Fatalf("%d %s registered, want 1", len(conns), VpnConnectionType)
	}
	c, err := ConnectionFrom(conns[0].Inputs, conns[0].Outputs)
	if err != nil {
		t.Fatalf("the program's tunnel options: %v", err)
	}
	return Deployment{
		Conf:              conf,
		Secrets:           secrets,
		Sysctl:            sysctl,
		TunnelScript:      script,
		CustomerGatewayIP: vpnCfg.CustomerGatewayIP,
		OnPremCidr:        netip.MustParsePrefix(vpnCfg.OnPremCidr),
		VpcCidr:           netip.MustParsePrefix(netCfg.VpcCidr),
		Connection:        c,
	}
}

// decode reads one config object strictly, as the program does.
func decode(t testing.TB, cfg mockengine.Config, key string, into any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(cfg.Values[key]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		t.Fatalf("config %s: %v", key, err)
	}
}
