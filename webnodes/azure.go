package webnodes

import (
	"encoding/base64"
	"fmt"

	compute "github.com/pulumi/pulumi-azure-native-sdk/compute/v2"
	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	resources "github.com/pulumi/pulumi-azure-native-sdk/resources/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// NewAzureNode declares the london node: its resource group, VNet, subnet,
// NSG, a Standard zonal static public IP, NIC and the VM in one availability
// zone, with SSH-key-only login and custom data.
func NewAzureNode(ctx *pulumi.Context, name string, args *AzureNodeArgs, opts ...pulumi.ResourceOption) (*Node, error) {
	if args == nil {
		return nil, fmt.Errorf("webnode %s: args are required", name)
	}
	c := args.Config
	n := &Node{Key: name, Label: c.Label, Region: args.Location, Zone: c.Zone, Port: c.Port}
	if err := register(ctx, AzureNodeType, name, n, args.Validate, opts); err != nil {
		return nil, err
	}
	img := azureImages[c.Image]
	script, err := userData(c.Common, img.pm)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: %w", name, err)
	}
	child := []pulumi.ResourceOption{pulumi.Parent(n), pulumi.Provider(args.Provider)}
	location := pulumi.String(args.Location)
	zones := pulumi.StringArray{pulumi.String(c.Zone)}

	rg, err := resources.NewResourceGroup(ctx, name+"-rg", &resources.ResourceGroupArgs{
		ResourceGroupName: pulumi.String(c.ResourceGroup),
		Location:          location,
	}, append(child, pulumi.Protect(args.Protect))...)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: resource group: %w", name, err)
	}
	vnet, err := network.NewVirtualNetwork(ctx, name+"-vnet", &network.VirtualNetworkArgs{
		VirtualNetworkName: pulumi.String(c.Name + "-vnet"),
		ResourceGroupName:  rg.Name,
		Location:           location,
		AddressSpace: &network.AddressSpaceArgs{
			AddressPrefixes: pulumi.StringArray{pulumi.String(c.VnetCidr)},
		},
	}, child...)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: virtual network: %w", name, err)
	}
	subnet, err := network.NewSubnet(ctx, name+"-subnet", &network.SubnetArgs{
		SubnetName:         pulumi.String(c.Name + "-subnet"),
		ResourceGroupName:  rg.Name,
		VirtualNetworkName: vnet.Name,
		AddressPrefix:      pulumi.String(c.SubnetCidr),
	}, child...)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: subnet: %w", name, err)
	}
	nsg, err := network.NewNetworkSecurityGroup(ctx, name+"-nsg", &network.NetworkSecurityGroupArgs{
		NetworkSecurityGroupName: pulumi.String(c.Name + "-nsg"),
		ResourceGroupName:        rg.Name,
		Location:                 location,
		SecurityRules:            azureRules(c),
	}, child...)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: network security group: %w", name, err)
	}
	ip, err := network.NewPublicIPAddress(ctx, name+"-ip", &network.PublicIPAddressArgs{
		PublicIpAddressName:      pulumi.String(c.Name + "-ip"),
		ResourceGroupName:        rg.Name,
		Location:                 location,
		Zones:                    zones,
		PublicIPAllocationMethod: pulumi.String("Static"),
		PublicIPAddressVersion:   pulumi.String("IPv4"),
		Sku: &network.PublicIPAddressSkuArgs{
			Name: pulumi.String("Standard"),
			Tier: pulumi.String("Regional"),
		},
	}, append(child, pulumi.Protect(args.Protect))...)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: public IP: %w", name, err)
	}
	nic, err := network.NewNetworkInterface(ctx, name+"-nic", &network.NetworkInterfaceArgs{
		NetworkInterfaceName: pulumi.String(c.Name + "-nic"),
		ResourceGroupName:    rg.Name,
		Location:             location,
		NetworkSecurityGroup: &network.NetworkSecurityGroupTypeArgs{Id: nsg.ID()},
		IpConfigurations: network.NetworkInterfaceIPConfigurationArray{network.NetworkInterfaceIPConfigurationArgs{
			Name:                      pulumi.String("primary"),
			Primary:                   pulumi.Bool(true),
			PrivateIPAllocationMethod: pulumi.String("Dynamic"),
			Subnet:                    &network.SubnetTypeArgs{Id: subnet.ID()},
			PublicIPAddress:           &network.PublicIPAddressTypeArgs{Id: ip.ID()},
		}},
	}, child...)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: network interface: %w", name, err)
	}
	vm, err := compute.NewVirtualMachine(ctx, name+"-vm", &compute.VirtualMachineArgs{
		VmName:            pulumi.String(c.Name),
		ResourceGroupName: rg.Name,
		Location:          location,
		Zones:             zones,
		HardwareProfile:   &compute.HardwareProfileArgs{VmSize: pulumi.String(c.VMSize)},
		NetworkProfile: &compute.NetworkProfileArgs{
			NetworkInterfaces: compute.NetworkInterfaceReferenceArray{compute.NetworkInterfaceReferenceArgs{
				Id:      nic.ID(),
				Primary: pulumi.Bool(true),
			}},
		},
		OsProfile: &compute.OSProfileArgs{
			ComputerName:  pulumi.String(c.Name),
			AdminUsername: pulumi.String(c.AdminUsername),
			// Azure wants custom data base64-encoded; cloud-init runs it once.
			CustomData: pulumi.String(base64.StdEncoding.EncodeToString([]byte(script))),
			LinuxConfiguration: &compute.LinuxConfigurationArgs{
				DisablePasswordAuthentication: pulumi.Bool(true),
				Ssh: &compute.SshConfigurationArgs{
					PublicKeys: compute.SshPublicKeyTypeArray{compute.SshPublicKeyTypeArgs{
						KeyData: pulumi.String(c.AdminSSHPublicKey),
						Path:    pulumi.String("/home/" + c.AdminUsername + "/.ssh/authorized_keys"),
					}},
				},
			},
		},
		StorageProfile: &compute.StorageProfileArgs{
			ImageReference: &compute.ImageReferenceArgs{
				Publisher: pulumi.String(img.publisher),
				Offer:     pulumi.String(img.offer),
				Sku:       pulumi.String(img.sku),
				Version:   pulumi.String(c.ImageVersion),
			},
			// Managed disks are encrypted at rest by the platform.
			OsDisk: &compute.OSDiskArgs{
				CreateOption: pulumi.String("FromImage"),
				DeleteOption: pulumi.String("Delete"),
				ManagedDisk:  &compute.ManagedDiskParametersArgs{StorageAccountType: pulumi.String("StandardSSD_LRS")},
			},
		},
		SecurityProfile: &compute.SecurityProfileArgs{
			SecurityType: pulumi.String("TrustedLaunch"),
			UefiSettings: &compute.UefiSettingsArgs{
				SecureBootEnabled: pulumi.Bool(true),
				VTpmEnabled:       pulumi.Bool(true),
			},
		},
		// Boot diagnostics (managed storage) show the user data's console output.
		DiagnosticsProfile: &compute.DiagnosticsProfileArgs{
			BootDiagnostics: &compute.BootDiagnosticsArgs{Enabled: pulumi.Bool(true)},
		},
	}, append(child,
		pulumi.ReplaceOnChanges(azureVMReplaceOn), pulumi.DeleteBeforeReplace(true),
		// Deleting the old VM takes the node out: only after the previous
		// node is back.
		pulumi.Composite(args.Rollout.afterPrevious()...))...)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: virtual machine: %w", name, err)
	}
	n.PublicIP = ip.IpAddress.Elem()
	n.Ready = ready(ctx, args.Rollout, n, once(vm, n.PublicIP), vm)
	if err := n.finish(ctx, name); err != nil {
		return nil, err
	}
	return n, nil
}

// azureVMReplaceOn are the VM inputs Azure will not change on an existing
// VM, so that changing one is a new VM on purpose, not an update that
// fails: custom data, the admin user and the SSH keys (Azure answers 409
// PropertyChangeNotAllowed, "Changing property
// 'linuxConfiguration.ssh.publicKeys' is not allowed", likewise for
// 'customData' and the rest of osProfile: Azure/azure-cli#11840,
// Azure/azure-sdk-for-node#2297), the image (a new imageVersion: "Changing
// property 'imageReference' is not allowed", and azure-native does not
// replace for it: pulumi/pulumi-azure-native#1117) and the zone (a VM
// cannot move between zones). cloud-init runs custom data once, so a new
// script must be a new VM anyway. The paths are exact: nothing else
// replaces the VM. The VM's name and its NIC belong to one VM at a time, so
// the old VM goes first (delete-before-replace); the NIC and public IP stay.
var azureVMReplaceOn = []string{
	"osProfile.customData",
	"osProfile.adminUsername",
	"osProfile.linuxConfiguration.ssh.publicKeys",
	"storageProfile.imageReference",
	"zones",
}

// azureRules are the NSG's inbound rules: the web port from the internet and,
// only when an admin CIDR is configured, SSH from it. Azure's default rules
// deny the rest.
func azureRules(c AzureConfig) network.SecurityRuleTypeArray {
	rules := network.SecurityRuleTypeArray{network.SecurityRuleTypeArgs{
		Name:                     pulumi.String("allow-http"),
		Priority:                 pulumi.Int(100),
		Direction:                pulumi.String("Inbound"),
		Access:                   pulumi.String("Allow"),
		Protocol:                 pulumi.String("Tcp"),
		SourceAddressPrefix:      pulumi.String("Internet"),
		SourcePortRange:          pulumi.String("*"),
		DestinationAddressPrefix: pulumi.String("*"),
		DestinationPortRange:     pulumi.String(fmt.Sprint(c.Port)),
	}}
	if c.AdminCidr != "" {
		rules = append(rules, network.SecurityRuleTypeArgs{
			Name:                     pulumi.String("allow-ssh-admin"),
			Priority:                 pulumi.Int(110),
			Direction:                pulumi.String("Inbound"),
			Access:                   pulumi.String("Allow"),
			Protocol:                 pulumi.String("Tcp"),
			SourceAddressPrefix:      pulumi.String(c.AdminCidr),
			SourcePortRange:          pulumi.String("*"),
			DestinationAddressPrefix: pulumi.String("*"),
			DestinationPortRange:     pulumi.String("22"),
		})
	}
	return rules
}
