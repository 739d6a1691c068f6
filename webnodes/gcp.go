package webnodes

import (
	"fmt"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// gcpScopes are the only API scopes the oregon node's service account gets:
// enough for the logging and monitoring agents, nothing else (the note gave
// it full access to all Cloud APIs).
var gcpScopes = []string{
	"https://www.googleapis.com/auth/logging.write",
	"https://www.googleapis.com/auth/monitoring.write",
}

// gcpServiceAccountID is the node's service account ID (6-30 characters).
func gcpServiceAccountID(instance string) string { return instance + "-web" }

// NewGcpNode declares the oregon node: its own VPC network (no automatic
// subnets) with one subnet, a firewall rule for the web port by network tag
// (the only ingress: no SSH, RDP or ICMP rule), a dedicated service account
// with minimal scopes, a reserved external address, and the instance
// (Shielded VM, OS Login) with the user data as its startup script.
func NewGcpNode(ctx *pulumi.Context, name string, args *GcpNodeArgs, opts ...pulumi.ResourceOption) (*Node, error) {
	if args == nil {
		return nil, fmt.Errorf("webnode %s: args are required", name)
	}
	c := args.Config
	n := &Node{Key: name, Label: c.Label, Region: args.Region, Zone: c.Zone, Port: c.Port}
	if err := register(ctx, GcpNodeType, name, n, args.Validate, opts); err != nil {
		return nil, err
	}
	img := gcpImages[c.Image]
	script, err := userData(c.Common, img.pm)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: %w", name, err)
	}
	child := []pulumi.ResourceOption{pulumi.Parent(n), pulumi.Provider(args.Provider)}
	tag := c.Name + "-http"

	sa, err := serviceaccount.NewAccount(ctx, name+"-sa", &serviceaccount.AccountArgs{
		AccountId:   pulumi.String(gcpServiceAccountID(c.Name)),
		DisplayName: pulumi.Sprintf("web node %s", c.Name),
		Description: pulumi.String("Runs the web node; API scopes limited to writing logs and metrics, no roles granted"),
	}, child...)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: service account: %w", name, err)
	}
	// The node's own network: the project's default network carries the
	// stock default-allow-ssh and default-allow-rdp rules (from 0.0.0.0/0).
	// A custom-mode network starts with no rules: ingress is denied, egress
	// (package mirrors) allowed, and the default route to the internet stays.
	net, err := compute.NewNetwork(ctx, name+"-vpc", &compute.NetworkArgs{
		Name:                  pulumi.String(c.Name + "-vpc"),
		Description:           pulumi.Sprintf("web node %s only", c.Name),
		AutoCreateSubnetworks: pulumi.Bool(false),
		RoutingMode:           pulumi.String("REGIONAL"),
	}, child...)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: network: %w", name, err)
	}
	subnet, err := compute.NewSubnetwork(ctx, name+"-subnet", &compute.SubnetworkArgs{
		Name:        pulumi.String(c.Name + "-subnet"),
		Network:     net.ID(),
		Region:      pulumi.String(args.Region),
		IpCidrRange: pulumi.String(c.SubnetCidr),
		StackType:   pulumi.String("IPV4_ONLY"),
		// The name is fixed, so a replacement (a range that is not a
		// widening) must delete the old subnet first.
	}, append(child, pulumi.DeleteBeforeReplace(true))...)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: subnet: %w", name, err)
	}
	// A firewall's network cannot change: a new network replaces the rule,
	// and its fixed name means the old one must go first.
	if _, err := compute.NewFirewall(ctx, name+"-fw", &compute.FirewallArgs{
		Name:         pulumi.String(c.Name + "-allow-http"),
		Network:      net.ID(),
		Direction:    pulumi.String("INGRESS"),
		SourceRanges: pulumi.StringArray{pulumi.String("0.0.0.0/0")},
		TargetTags:   pulumi.StringArray{pulumi.String(tag)},
		Allows: compute.FirewallAllowArray{compute.FirewallAllowArgs{
			Protocol: pulumi.String("tcp"),
			Ports:    pulumi.StringArray{pulumi.String(fmt.Sprint(c.Port))},
		}},
	}, append(child, pulumi.DeleteBeforeReplace(true))...); err != nil {
		return nil, fmt.Errorf("webnode %s: firewall: %w", name, err)
	}
	// A reserved address keeps the IP HAProxy and the DNS record point at
	// through a stop/start (an ephemeral one would change).
	addr, err := compute.NewAddress(ctx, name+"-ip", &compute.AddressArgs{
		Name:        pulumi.String(c.Name + "-ip"),
		Region:      pulumi.String(args.Region),
		AddressType: pulumi.String("EXTERNAL"),
		NetworkTier: pulumi.String("PREMIUM"),
	}, append(child, pulumi.Protect(args.Protect))...)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: address: %w", name, err)
	}
	inst, err := compute.NewInstance(ctx, name+"-instance", &compute.InstanceArgs{
		Name:        pulumi.String(c.Name),
		Zone:        pulumi.String(c.Zone),
		MachineType: pulumi.String(c.MachineType),
		BootDisk: compute.InstanceBootDiskArgs{
			InitializeParams: &compute.InstanceBootDiskInitializeParamsArgs{
				Image: pulumi.String(img.self(c.ImageName)),
				Type:  pulumi.String("pd-balanced"),
			},
		},
		NetworkInterfaces: compute.InstanceNetworkInterfaceArray{compute.InstanceNetworkInterfaceArgs{
			// A new subnet moves the interface in place (the instance is
			// stopped and started: allowStoppingForUpdate).
			Subnetwork: subnet.ID(),
			AccessConfigs: compute.InstanceNetworkInterfaceAccessConfigArray{compute.InstanceNetworkInterfaceAccessConfigArgs{
				NatIp:       addr.Address,
				NetworkTier: pulumi.String("PREMIUM"),
			}},
		}},
		Tags: pulumi.StringArray{pulumi.String(tag)},
		// The startup script runs at every boot; it is idempotent. As
		// metadataStartupScript (the instance's "startup-script" key) it is
		// ForceNew in the provider: a new script is a new instance, which
		// runs it, while GCP applies other metadata in place without a
		// reboot. terraform-provider-google-beta v5.42.0 (what pulumi-gcp
		// v7.38.0 bridges), resource_compute_instance.go:
		// metadata_startup_script ForceNew, metadata not.
		MetadataStartupScript: pulumi.String(script),
		Metadata: pulumi.StringMap{
			"enable-oslogin":         pulumi.String("TRUE"),
			"block-project-ssh-keys": pulumi.String("TRUE"),
		},
		ServiceAccount: &compute.InstanceServiceAccountArgs{
			Email:  sa.Email,
			Scopes: pulumi.ToStringArray(gcpScopes),
		},
		ShieldedInstanceConfig: &compute.InstanceShieldedInstanceConfigArgs{
			EnableSecureBoot:          pulumi.Bool(true),
			EnableVtpm:                pulumi.Bool(true),
			EnableIntegrityMonitoring: pulumi.Bool(true),
		},
		AllowStoppingForUpdate: pulumi.Bool(true),
		// The name and the reserved address belong to one instance at a
		// time, so a replacement (a new image) must delete the old first.
	}, append(child, pulumi.DeleteBeforeReplace(true),
		// Only the script replaces the instance (the provider says so too;
		// stated here so that the intent survives a provider change). A key
		// the program does not set, such as serial-port-enable turned on in
		// the console or one an agent adds, is no reason for a new VM: the
		// next update removes it in place.
		pulumi.ReplaceOnChanges([]string{"metadataStartupScript"}),
		// Deleting the old instance takes the node out: only after the
		// previous node is back.
		pulumi.Composite(args.Rollout.afterPrevious()...))...)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: instance: %w", name, err)
	}
	// HAProxy and DNS take the reserved address, which does not wait for
	// the rollout; the check asks the instance's own view of it, so that it
	// runs after the instance's step.
	n.PublicIP = addr.Address
	n.Ready = ready(ctx, args.Rollout, n, inst.NetworkInterfaces.ApplyT(natIP).(pulumi.StringOutput), inst)
	if err := n.finish(ctx, name); err != nil {
		return nil, err
	}
	return n, nil
}

// natIP is the external address of the instance's first interface.
func natIP(nics []compute.InstanceNetworkInterface) string {
	for _, nic := range nics {
		for _, ac := range nic.AccessConfigs {
			if ac.NatIp != nil {
				return *ac.NatIp
			}
		}
	}
	return ""
}
