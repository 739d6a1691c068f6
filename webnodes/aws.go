package webnodes

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// NewAwsNode declares the Seoul node: an EC2 instance in the first public
// subnet of the placement, from the image named in config,
// with IMDSv2 required, an encrypted root volume and an Elastic IP.
func NewAwsNode(ctx *pulumi.Context, name string, args *AwsNodeArgs, opts ...pulumi.ResourceOption) (*Node, error) {
	if args == nil {
		return nil, fmt.Errorf("webnode %s: args are required", name)
	}
	c := args.Config
	n := &Node{Key: name, Label: c.Label, Region: args.Region, Port: c.Port}
	if len(args.Placement.Zones) > 0 {
		n.Zone = args.Placement.Zones[0] // the instance goes in the first subnet
	}
	if err := register(ctx, AwsNodeType, name, n, args.Validate, opts); err != nil {
		return nil, err
	}
	img := awsImages[c.Image]
	script, err := userData(c.Common, img.pm)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: %w", name, err)
	}
	child := []pulumi.ResourceOption{pulumi.Parent(n), pulumi.Provider(args.Provider)}

	// One exact name, no mostRecent: the lookup answers that image or fails,
	// whatever the owner publishes later. Deprecated images stay launchable,
	// so a pinned one keeps resolving after the owner deprecates it.
	ami, err := ec2.LookupAmi(ctx, &ec2.LookupAmiArgs{
		Owners: []string{img.owner},
		Filters: []ec2.GetAmiFilter{
			{Name: "name", Values: []string{c.ImageName}},
			{Name: "architecture", Values: []string{"x86_64"}},
			{Name: "virtualization-type", Values: []string{"hvm"}},
		},
		IncludeDeprecated: pulumi.BoolRef(true),
	}, pulumi.Parent(n), pulumi.Provider(args.Provider))
	if err != nil {
		return nil, fmt.Errorf("webnode %s: image %s: %w", name, c.ImageName, err)
	}

	sg, err := ec2.NewSecurityGroup(ctx, name+"-sg", &ec2.SecurityGroupArgs{
		VpcId:       args.Placement.VpcID,
		Description: pulumi.Sprintf("web node %s: HTTP in", c.Name),
		Ingress: ec2.SecurityGroupIngressArray{ec2.SecurityGroupIngressArgs{
			Description: pulumi.String("HTTP from anywhere (HAProxy and the simple DNS record)"),
			Protocol:    pulumi.String("tcp"),
			FromPort:    pulumi.Int(c.Port),
			ToPort:      pulumi.Int(c.Port),
			CidrBlocks:  pulumi.StringArray{pulumi.String("0.0.0.0/0")},
		}},
		Egress: ec2.SecurityGroupEgressArray{ec2.SecurityGroupEgressArgs{
			Description: pulumi.String("package mirrors"),
			Protocol:    pulumi.String("-1"),
			FromPort:    pulumi.Int(0),
			ToPort:      pulumi.Int(0),
			CidrBlocks:  pulumi.StringArray{pulumi.String("0.0.0.0/0")},
		}},
		Tags: pulumi.StringMap{"Name": pulumi.String(c.Name + "-web")},
	}, child...)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: security group: %w", name, err)
	}

	inst, err := ec2.NewInstance(ctx, name+"-instance", &ec2.InstanceArgs{
		Ami:                 pulumi.String(ami.Id),
		InstanceType:        pulumi.String(c.InstanceType),
		SubnetId:            args.Placement.SubnetIDs[0],
		VpcSecurityGroupIds: pulumi.StringArray{sg.ID()},
		// Needed for the package mirrors at first boot, before the EIP attaches.
		AssociatePublicIpAddress: pulumi.Bool(true),
		UserData:                 pulumi.String(script),
		// A changed script only runs on a new instance.
		UserDataReplaceOnChange: pulumi.Bool(true),
		MetadataOptions: ec2.InstanceMetadataOptionsArgs{
			HttpEndpoint:            pulumi.String("enabled"),
			HttpTokens:              pulumi.String("required"),
			HttpPutResponseHopLimit: pulumi.Int(1),
		},
		RootBlockDevice: ec2.InstanceRootBlockDeviceArgs{
			Encrypted:           pulumi.Bool(true),
			VolumeType:          pulumi.String("gp3"),
			DeleteOnTermination: pulumi.Bool(true),
		},
		Tags: pulumi.StringMap{"Name": pulumi.String(c.Name)},
	}, child...)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: instance: %w", name, err)
	}
	// A new instance comes first (the old one keeps the Elastic IP and
	// serves); the EIP moves to it only once it answers at its own public
	// address (what EC2 says it is now: the state's may predate the EIP).
	// The move (the association) is the node's disruptive step, so it also
	// waits for the previous node (none: Seoul is first).
	instanceID := inst.ID().ToStringOutput()
	if args.Rollout.probing(ctx) {
		own := ec2.LookupInstanceOutput(ctx, ec2.LookupInstanceOutputArgs{InstanceId: inst.ID()},
			pulumi.Parent(n), pulumi.Provider(args.Provider)).PublicIp()
		instanceID = whenServing(ctx, args.Rollout, n, own, instanceID)
	}
	// An Elastic IP keeps the address HAProxy and the DNS record point at
	// through a stop/start (the instance's own public IP would change). The
	// allocation is its own step, apart from the association, so that
	// HAProxy and DNS take the address from it and do not wait for the
	// rollout (a first deploy's nodes each answering, or a node that does
	// not). aws_eip's instance is Optional+Computed
	// (terraform-provider-aws internal/service/ec2/ec2_eip.go), so a stack
	// whose EIP set it keeps the association through this change.
	eip, err := ec2.NewEip(ctx, name+"-eip", &ec2.EipArgs{
		Domain: pulumi.String("vpc"),
		Tags:   pulumi.StringMap{"Name": pulumi.String(c.Name)},
	}, append(child, pulumi.Protect(args.Protect))...)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: elastic IP: %w", name, err)
	}
	// Every input of aws_eip_association is ForceNew
	// (internal/service/ec2/ec2_eip_association.go): a new instance is a new
	// association, made first. With allowReassociation it moves the EIP from
	// the old instance in one call; the old association's delete then finds
	// its ID gone, which the provider takes as done (InvalidAssociationID.NotFound).
	assoc, err := ec2.NewEipAssociation(ctx, name+"-eip-association", &ec2.EipAssociationArgs{
		AllocationId:       eip.AllocationId,
		InstanceId:         instanceID,
		AllowReassociation: pulumi.Bool(true),
	}, append(child, pulumi.Composite(args.Rollout.afterPrevious()...))...)
	if err != nil {
		return nil, fmt.Errorf("webnode %s: elastic IP association: %w", name, err)
	}
	n.PublicIP = eip.PublicIp
	n.Ready = ready(ctx, args.Rollout, n, once(assoc, eip.PublicIp), assoc)
	if err := n.finish(ctx, name); err != nil {
		return nil, err
	}
	return n, nil
}
