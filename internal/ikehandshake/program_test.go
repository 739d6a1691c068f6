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

// programDeployment runs the vpn component with the dev stack's vpn and
// network config (Pulumi.dev.yaml) on the mock engine, as main.go composes
// it, and returns the rendered Libreswan files and the VPN connection's
// tunnel options. It reads only those two sections, so that work on another
// component's config cannot break the handshake test.
func programDeployment(t *testing.T) deployment {
	t.Helper()
	project, cfg, err := mockengine.LoadStackConfig("../..", "dev")
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
		return nil
	}, cfg)
	if err != nil {
		t.Fatalf("vpn component on the mock engine: %v", err)
	}

	out := e.Outputs()
	conf, _ := out["libreswanConf"].Value.(string)
	secrets, _ := out["libreswanSecrets"].Value.(string)
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
	return deployment{
		Conf:              conf,
		Secrets:           secrets,
		CustomerGatewayIP: vpnCfg.CustomerGatewayIP,
		OnPremCidr:        netip.MustParsePrefix(vpnCfg.OnPremCidr),
		VpcCidr:           netip.MustParsePrefix(netCfg.VpcCidr),
		Connection:        c,
	}
}

// decode reads one config object strictly, as the program does.
func decode(t *testing.T, cfg mockengine.Config, key string, into any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(cfg.Values[key]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		t.Fatalf("config %s: %v", key, err)
	}
}

// TestProgramGivesBothSidesWhatTheyNeed checks, without root, what the
// handshake test builds on: the program sets every tunnel option explicitly,
// the stand-in can be rendered from them, and the on-prem files hold the
// addresses the lab swaps.
func TestProgramGivesBothSidesWhatTheyNeed(t *testing.T) {
	t.Parallel()
	d := programDeployment(t)
	for i, o := range d.Connection.Tunnels {
		if !strings.Contains(d.Secrets, o.PresharedKey) {
			t.Errorf("tunnel %d: the on-prem secrets file does not hold the PSK set on the VPN connection", i+1)
		}
		t.Logf("tunnel %d as AWS will run it: IKE %v; phase 1 %v / %v / DH %v / %d s; phase 2 %v / %v / DH %v / %d s; DPD %d s then %s",
			i+1, o.IkeVersions, o.Phase1Encryption, o.Phase1Integrity, o.Phase1DHGroups, o.Phase1Lifetime,
			o.Phase2Encryption, o.Phase2Integrity, o.Phase2DHGroups, o.Phase2Lifetime, o.DPDTimeout, o.DPDAction)
	}
	var tunnels []ResponderTunnel
	swap := Swap{d.CustomerGatewayIP: OnPremOutside.String()}
	for i, o := range d.Connection.Tunnels {
		swap[o.Outside] = AWSOutside[i].String()
		tunnels = append(tunnels, ResponderTunnel{Name: TunnelName(i), Options: o, Local: AWSOutside[i], Peer: OnPremOutside})
	}
	if _, _, err := RenderResponder(tunnels); err != nil {
		t.Errorf("AWS stand-in from the program's tunnel options: %v", err)
	}
	if _, err := swap.Apply("aws.conf", d.Conf); err != nil {
		t.Error(err)
	}
	if _, err := swap.Apply("aws.secrets", d.Secrets); err != nil {
		t.Error(err)
	}
}
