package vpn

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-openstack/sdk/v3/go/openstack/compute"
	"github.com/pulumi/pulumi-openstack/sdk/v3/go/openstack/networking"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// newGatewayVM declares the Libreswan VM on OpenStack: a security group that
// admits IKE, NAT-T and ESP only from the two tunnel outside IPs (and the
// on-prem traffic it forwards), a port allowed to carry the VPC's addresses,
// and an instance whose cloud-init installs and starts Libreswan with the
// rendered files. It returns the port's address, the router's next hop.
func (s *SiteToSite) newGatewayVM(ctx *pulumi.Context, name string, cfg Config, vpcCidr string,
	conn *ec2.VpnConnection, provider pulumi.ProviderResource,
) (pulumi.StringOutput, error) {
	vm := cfg.GatewayVM
	opts := []pulumi.ResourceOption{pulumi.Parent(s), pulumi.Provider(provider)}
	fail := func(what string, err error) (pulumi.StringOutput, error) {
		return pulumi.StringOutput{}, fmt.Errorf("vpn %s: gateway vm %s: %w", name, what, err)
	}

	sg, err := networking.NewSecGroup(ctx, name+"-gateway-sg", &networking.SecGroupArgs{
		Name:        pulumi.String(vm.gatewayVMName()),
		Description: pulumi.String("Libreswan gateway: IKE/NAT-T/ESP from the AWS tunnels, forwarded on-prem traffic"),
	}, opts...)
	if err != nil {
		return fail("security group", err)
	}
	type rule struct {
		role, protocol string
		port           int
	}
	ipsecRules := []rule{{"ike", "udp", 500}, {"natt", "udp", 4500}, {"esp", "esp", 0}}
	for i, tunnel := range []pulumi.StringOutput{conn.Tunnel1Address, conn.Tunnel2Address} {
		for _, r := range ipsecRules {
			args := &networking.SecGroupRuleArgs{
				SecurityGroupId: sg.ID(),
				Direction:       pulumi.String("ingress"),
				Ethertype:       pulumi.String("IPv4"),
				Protocol:        pulumi.String(r.protocol),
				RemoteIpPrefix:  tunnel.ApplyT(func(ip string) string { return ip + "/32" }).(pulumi.StringOutput),
				Description:     pulumi.String(fmt.Sprintf("%s %s from AWS tunnel %d", r.protocol, r.role, i+1)),
			}
			if r.port != 0 {
				args.PortRangeMin, args.PortRangeMax = pulumi.Int(r.port), pulumi.Int(r.port)
			}
			if _, err := networking.NewSecGroupRule(ctx, fmt.Sprintf("%s-gateway-tunnel%d-%s", name, i+1, r.role), args, opts...); err != nil {
				return fail("security group rule", err)
			}
		}
	}
	// The gateway forwards on-prem hosts' traffic to the VPC: the group must
	// admit it, or the router's next hop would drop it.
	if _, err := networking.NewSecGroupRule(ctx, name+"-gateway-onprem", &networking.SecGroupRuleArgs{
		SecurityGroupId: sg.ID(),
		Direction:       pulumi.String("ingress"),
		Ethertype:       pulumi.String("IPv4"),
		RemoteIpPrefix:  pulumi.String(cfg.OnPremCidr),
		Description:     pulumi.String("on-prem traffic to forward to the VPC"),
	}, opts...); err != nil {
		return fail("security group rule", err)
	}

	// Port security stays on; the allowed address pair lets the VM send
	// packets with the VPC's source addresses (decapsulated from the tunnel).
	port, err := networking.NewPort(ctx, name+"-gateway-port", &networking.PortArgs{
		Name:                pulumi.String(vm.gatewayVMName()),
		NetworkId:           pulumi.String(vm.NetworkID),
		AdminStateUp:        pulumi.Bool(true),
		SecurityGroupIds:    pulumi.StringArray{sg.ID()},
		AllowedAddressPairs: networking.PortAllowedAddressPairArray{networking.PortAllowedAddressPairArgs{IpAddress: pulumi.String(vpcCidr)}},
	}, opts...)
	if err != nil {
		return fail("port", err)
	}

	userData := pulumi.All(s.LibreswanConf, s.LibreswanSecrets, s.Sysctl, s.TunnelScript, s.TunnelService).ApplyT(func(v []any) (string, error) {
		return RenderCloudInit(GatewayFiles{Conf: v[0].(string), Secrets: v[1].(string), Sysctl: v[2].(string),
			TunnelScript: v[3].(string), TunnelService: v[4].(string)})
	}).(pulumi.StringOutput)
	instArgs := &compute.InstanceArgs{
		Name:       pulumi.String(vm.gatewayVMName()),
		FlavorName: pulumi.String(vm.FlavorName),
		Networks:   compute.InstanceNetworkArray{compute.InstanceNetworkArgs{Port: port.ID()}},
		// The PSKs are in the user data: secret in Pulumi's state and outputs.
		UserData: pulumi.ToSecret(userData).(pulumi.StringOutput),
	}
	if vm.ImageID != "" {
		instArgs.ImageId = pulumi.String(vm.ImageID)
	} else {
		instArgs.ImageName = pulumi.String(vm.ImageName)
	}
	if vm.KeyPair != "" {
		instArgs.KeyPair = pulumi.String(vm.KeyPair)
	}
	if _, err := compute.NewInstance(ctx, name+"-gateway", instArgs, opts...); err != nil {
		return fail("instance", err)
	}
	return port.AllFixedIps.Index(pulumi.Int(0)), nil
}
