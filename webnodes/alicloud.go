package webnodes

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"

	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/ecs"
	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// NewAlicloudNode declares the hongkong node: its own VPC and vSwitch, a
// security group with a rule for the web port, an ECS instance with the
// user data and no public IP of its own, and an Elastic IP associated with
// it, whose address is the node's. Property names are those of the alicloud
// SDK v3.10.0 (vpcName, vswitchName, zoneId, name on the group).
func NewAlicloudNode(ctx *pulumi.Context, name string, args *AlicloudNodeArgs, opts ...pulumi.ResourceOption) (*Node, error) {
	if args == nil {
		return nil, fmt.Errorf("webnode %s: args are required", name)
	}
	c := args.Config
	n := &Node{Key: name, Label: c.Label, Region: args.Region, Zone: c.Zone, Port: c.Port}
	if err := register(ctx, AlicloudNodeType, name, n, args.Validate, opts); err != nil {
		return nil, err
	}
	img := alicloudImages[c.Image]
	script, err := userData(c.Common, img.pm)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: %w", name, err)
	}
	child := []pulumi.ResourceOption{pulumi.Parent(n), pulumi.Provider(args.Provider)}

	// The name, anchored and quoted, matches one image at most; no
	// mostRecent, so a newer image of the family cannot be picked up.
	images, err := ecs.GetImages(ctx, &ecs.GetImagesArgs{
		NameRegex:    pulumi.StringRef("^" + regexp.QuoteMeta(c.ImageName) + "$"),
		Owners:       pulumi.StringRef("system"),
		InstanceType: pulumi.StringRef(c.InstanceType),
		// The default is Available only: once Alibaba deprecates the pinned
		// image, the lookup would find nothing and stop every preview and
		// update, unrelated ones too. The running node keeps it; a warning
		// says to roll on.
		Status: pulumi.StringRef("Available,Deprecated"),
	}, pulumi.Parent(n), pulumi.Provider(args.Provider))
	if err != nil {
		return nil, fmt.Errorf("webnode %s: image %s: %w", name, c.ImageName, err)
	}
	if len(images.Images) == 1 && images.Images[0].Status == "Deprecated" {
		_ = ctx.Log.Warn(fmt.Sprintf("image %s is deprecated by Alibaba Cloud: set hybrid-cloud:webNodes.hongkong.imageName to a current %s image", c.ImageName, c.Image),
			&pulumi.LogArgs{Resource: n})
	}
	if len(images.Images) != 1 {
		return nil, fmt.Errorf("webnode %s: hybrid-cloud:webNodes.hongkong.imageName: %d public images named %s for %s in %s, want exactly one (is it still offered? pick a current %s image)",
			name, len(images.Images), c.ImageName, c.InstanceType, args.Region, c.Image)
	}

	net, err := vpc.NewNetwork(ctx, name+"-vpc", &vpc.NetworkArgs{
		VpcName:   pulumi.String(c.Name + "-vpc"),
		CidrBlock: pulumi.String(c.VpcCidr),
	}, child...)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: vpc: %w", name, err)
	}
	vsw, err := vpc.NewSwitch(ctx, name+"-vswitch", &vpc.SwitchArgs{
		VswitchName: pulumi.String(c.Name + "-vswitch"),
		VpcId:       net.ID(),
		CidrBlock:   pulumi.String(c.VswitchCidr),
		ZoneId:      pulumi.String(c.Zone),
	}, child...)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: vswitch: %w", name, err)
	}
	sg, err := ecs.NewSecurityGroup(ctx, name+"-sg", &ecs.SecurityGroupArgs{
		Name:        pulumi.String(c.Name + "-web"),
		Description: pulumi.Sprintf("web node %s: HTTP in", c.Name),
		VpcId:       net.ID(),
	}, child...)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: security group: %w", name, err)
	}
	rule, err := ecs.NewSecurityGroupRule(ctx, name+"-http", &ecs.SecurityGroupRuleArgs{
		SecurityGroupId: sg.ID(),
		Type:            pulumi.String("ingress"),
		IpProtocol:      pulumi.String("tcp"),
		PortRange:       pulumi.Sprintf("%d/%d", c.Port, c.Port),
		CidrIp:          pulumi.String("0.0.0.0/0"),
		// Rules of a VPC security group are "intranet" rules.
		NicType:     pulumi.String("intranet"),
		Policy:      pulumi.String("accept"),
		Priority:    pulumi.Int(1),
		Description: pulumi.String("HTTP from anywhere (HAProxy and the simple DNS record)"),
	}, child...)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: security group rule: %w", name, err)
	}
	inst, err := ecs.NewInstance(ctx, name+"-instance", &ecs.InstanceArgs{
		InstanceName:     pulumi.String(c.Name),
		HostName:         pulumi.String(c.Name),
		ImageId:          pulumi.String(images.Images[0].Id),
		InstanceType:     pulumi.String(c.InstanceType),
		AvailabilityZone: pulumi.String(c.Zone),
		VswitchId:        vsw.ID(),
		SecurityGroups:   pulumi.StringArray{sg.ID()},
		// No bandwidth, so no static public IP: that one lives and dies with
		// the instance, and ECS refuses an Elastic IP on an instance that has
		// one. The first boot's package install needs no public address:
		// Alibaba's images take packages from mirrors.cloud.aliyuncs.com over
		// the internal network, and the EIP is associated moments later.
		InternetMaxBandwidthOut: pulumi.Int(0),
		SystemDiskCategory:      pulumi.String("cloud_efficiency"),
		// Base64 is the provider's suggested form; plain text would be
		// encoded by it too, unless it happened to parse as base64.
		UserData: pulumi.String(base64.StdEncoding.EncodeToString([]byte(script))),
	}, append(child, pulumi.DependsOn([]pulumi.Resource{rule}),
		// A stack from before the EIP has an instance with bandwidth and a
		// static IP; lowering it in place is not documented to release that
		// IP, so the change replaces the instance, once.
		// cloud-init runs user data once, so a new script (a new port or
		// label) is a new instance; the Elastic IP moves to it.
		pulumi.ReplaceOnChanges([]string{"internetMaxBandwidthOut", "userData"}),
		// A new instanceType or imageId is applied in place, on a stopped
		// instance (terraform-provider-alicloud v1.144.0,
		// resource_alicloud_instance.go: ModifyInstanceSpec and
		// ReplaceSystemDisk run after StopInstance, then StartInstance):
		// the node is out meanwhile, so the instance's step waits for the
		// previous node too. A replacement still comes first (the new
		// instance is made, the association moves, the old one goes), but
		// only once the previous node is back, so the node is out while the
		// new instance boots.
		pulumi.Composite(args.Rollout.afterPrevious()...))...)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: instance: %w", name, err)
	}
	// An Elastic IP keeps the address HAProxy and the DNS record point at
	// through a stop/start or a new instance.
	eip, err := ecs.NewEipAddress(ctx, name+"-eip", &ecs.EipAddressArgs{
		AddressName:        pulumi.String(c.Name + "-eip"),
		Description:        pulumi.Sprintf("web node %s", c.Name),
		Bandwidth:          pulumi.String(strconv.Itoa(c.BandwidthMbps)),
		InternetChargeType: pulumi.String("PayByTraffic"),
		PaymentType:        pulumi.String("PayAsYouGo"),
	}, append(child, pulumi.Protect(args.Protect))...)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: elastic IP: %w", name, err)
	}
	assoc, err := ecs.NewEipAssociation(ctx, name+"-eip-association", &ecs.EipAssociationArgs{
		AllocationId: eip.ID(),
		InstanceId:   inst.ID(),
		InstanceType: pulumi.String("EcsInstance"),
		// An EIP is associated with one instance at a time: a new instance
		// gets it only after the old association is gone. That move takes
		// the node out: only after the previous node is back. The new
		// instance is made just before (it waits for the previous node
		// too) and has no address of its own to be checked at, so the node
		// is out from the move until it has booted.
	}, append(child, pulumi.DeleteBeforeReplace(true), pulumi.Composite(args.Rollout.afterPrevious()...))...)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: elastic IP association: %w", name, err)
	}
	// HAProxy and DNS take the allocation's address, which does not wait
	// for the rollout; the check asks it once the association's step (and
	// through it the instance's) is done.
	n.PublicIP = eip.IpAddress
	n.Ready = ready(ctx, args.Rollout, n, once(assoc, once(inst, eip.IpAddress)), assoc)
	if err := n.finish(ctx, name); err != nil {
		return nil, err
	}
	return n, nil
}
