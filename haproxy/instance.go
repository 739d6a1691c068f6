package haproxy

import (
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// al2023Name matches Amazon Linux 2023's standard images of one architecture
// (not the minimal ones), as published by Amazon.
const al2023Name = "al2023-ami-2023.*-"

// siteArgs is what newSite needs for one instance.
type siteArgs struct {
	site         Site
	tag          string
	instanceType string
	adminCidr    string
	userData     pulumi.StringOutput
	// ami, if set, is the image to launch; otherwise the newest AL2023 image.
	ami pulumi.StringInput
}

// siteInstance is one declared instance; the AMI path images its resource.
type siteInstance struct {
	Instance
	resource *ec2.Instance
}

// newSite declares one HAProxy instance and its security group in the
// site's region. The group has no port-80 ingress of its own: gslb adds the
// rule that lets the ALB's group in, and every rule is a separate resource so
// that rule and this group never fight over the group's rule set.
func newSite(ctx *pulumi.Context, parent pulumi.Resource, name string, a siteArgs) (*siteInstance, error) {
	opts := []pulumi.ResourceOption{pulumi.Parent(parent), pulumi.Provider(a.site.Provider)}

	ami := a.ami
	if ami == nil {
		arch := archOf(a.instanceType)
		image, err := ec2.LookupAmi(ctx, &ec2.LookupAmiArgs{
			MostRecent: pulumi.BoolRef(true),
			Owners:     []string{"amazon"},
			Filters: []ec2.GetAmiFilter{
				{Name: "name", Values: []string{al2023Name + arch}},
				{Name: "architecture", Values: []string{arch}},
				{Name: "virtualization-type", Values: []string{"hvm"}},
			},
		}, pulumi.Parent(parent), pulumi.Provider(a.site.Provider))
		if err != nil {
			return nil, fmt.Errorf("image lookup in %s: %w", a.site.Region, err)
		}
		ami = pulumi.String(image.Id)
	}

	sg, err := ec2.NewSecurityGroup(ctx, name+"-sg", &ec2.SecurityGroupArgs{
		Description: pulumi.String(a.tag + ": HAProxy; port 80 from the ALB only (rule added by gslb)"),
		VpcId:       a.site.Placement.VpcID,
		Tags:        pulumi.StringMap{"Name": pulumi.String(a.tag + "-sg")},
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("security group: %w", err)
	}
	// Egress: package mirrors (HTTPS, HTTP) and the web nodes (HTTP).
	for _, port := range []int{80, 443} {
		_, err := vpc.NewSecurityGroupEgressRule(ctx, fmt.Sprintf("%s-egress-%d", name, port), &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId: sg.ID(),
			Description:     pulumi.String(egressReason[port]),
			IpProtocol:      pulumi.String("tcp"),
			FromPort:        pulumi.Int(port),
			ToPort:          pulumi.Int(port),
			CidrIpv4:        pulumi.String("0.0.0.0/0"),
		}, opts...)
		if err != nil {
			return nil, fmt.Errorf("egress %d: %w", port, err)
		}
	}
	if a.adminCidr != "" {
		_, err := vpc.NewSecurityGroupIngressRule(ctx, name+"-ssh", &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId: sg.ID(),
			Description:     pulumi.String("SSH from the admin network"),
			IpProtocol:      pulumi.String("tcp"),
			FromPort:        pulumi.Int(22),
			ToPort:          pulumi.Int(22),
			CidrIpv4:        pulumi.String(a.adminCidr),
		}, opts...)
		if err != nil {
			return nil, fmt.Errorf("ssh ingress: %w", err)
		}
	}

	inst, err := ec2.NewInstance(ctx, name, &ec2.InstanceArgs{
		Ami:                      ami,
		InstanceType:             pulumi.String(a.instanceType),
		SubnetId:                 a.site.Placement.SubnetIDs[0],
		VpcSecurityGroupIds:      pulumi.StringArray{sg.ID()},
		AssociatePublicIpAddress: pulumi.Bool(true),
		UserData:                 a.userData,
		// User data runs on first boot only: a new config needs a new instance.
		UserDataReplaceOnChange: pulumi.Bool(true),
		MetadataOptions: &ec2.InstanceMetadataOptionsArgs{
			HttpEndpoint:            pulumi.String("enabled"),
			HttpTokens:              pulumi.String("required"),
			HttpPutResponseHopLimit: pulumi.Int(1),
		},
		RootBlockDevice: &ec2.InstanceRootBlockDeviceArgs{
			Encrypted:  pulumi.Bool(true),
			VolumeType: pulumi.String("gp3"),
		},
		Tags:       pulumi.StringMap{"Name": pulumi.String(a.tag)},
		VolumeTags: pulumi.StringMap{"Name": pulumi.String(a.tag)},
		Monitoring: pulumi.Bool(false),
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("instance: %w", err)
	}
	return &siteInstance{
		Instance: Instance{
			InstanceID:      inst.ID().ToStringOutput(),
			PublicIP:        inst.PublicIp,
			PrivateIP:       inst.PrivateIp,
			SecurityGroupID: sg.ID().ToStringOutput(),
		},
		resource: inst,
	}, nil
}

var egressReason = map[int]string{
	80:  "HTTP to the web nodes and package mirrors",
	443: "HTTPS to the package mirrors",
}

// copyImage is the note's path to Tokyo: MY-AMI made from HA-seoul without a
// reboot, copied to Tokyo's region; it returns the copy's ID.
func copyImage(ctx *pulumi.Context, parent pulumi.Resource, name, amiName string, source pulumi.IDOutput, from, to Site) (pulumi.StringInput, error) {
	image, err := ec2.NewAmiFromInstance(ctx, name+"-ami", &ec2.AmiFromInstanceArgs{
		Name:                  pulumi.String(amiName),
		Description:           pulumi.String("HAProxy image made from the Seoul instance"),
		SourceInstanceId:      source,
		SnapshotWithoutReboot: pulumi.Bool(true),
		Tags:                  pulumi.StringMap{"Name": pulumi.String(amiName)},
	}, pulumi.Parent(parent), pulumi.Provider(from.Provider))
	if err != nil {
		return nil, fmt.Errorf("image %s: %w", amiName, err)
	}
	cp, err := ec2.NewAmiCopy(ctx, name+"-ami-copy", &ec2.AmiCopyArgs{
		Name:            pulumi.String(amiName),
		Description:     pulumi.String("Copy of " + amiName + " from " + from.Region),
		SourceAmiId:     image.ID(),
		SourceAmiRegion: pulumi.String(from.Region),
		Encrypted:       pulumi.Bool(true),
		Tags:            pulumi.StringMap{"Name": pulumi.String(amiName)},
	}, pulumi.Parent(parent), pulumi.Provider(to.Provider))
	if err != nil {
		return nil, fmt.Errorf("image %s copy to %s: %w", amiName, to.Region, err)
	}
	return cp.ID(), nil
}

// armFamily matches Graviton instance families (t4g, m7g, c6gn, x2gd, ...).
var armFamily = regexp.MustCompile(`^[a-z]+[0-9]+[a-z]*g[a-z]*\.`)

// archOf is the image architecture an instance type needs.
func archOf(instanceType string) string {
	if armFamily.MatchString(instanceType) {
		return "arm64"
	}
	return "x86_64"
}
