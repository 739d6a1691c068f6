package haproxy

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The group's size and how it replaces instances. One instance per region,
// as the note has; the group exists to heal and to roll it.
const (
	groupSize = 1
	// healthCheckType ELB: the group replaces an instance its target group
	// reports unhealthy (HAProxy down, or no web node in rotation), not only
	// one whose EC2 status checks fail.
	healthCheckType = "ELB"
	// healthCheckGracePeriod covers a first boot: dnf installs HAProxy (with
	// retries), the config is checked and the service starts; about one to two
	// minutes on AL2023, so 5 minutes leaves room for slow mirrors.
	healthCheckGracePeriod = 300
	// instanceWarmup outlasts the grace period by a minute, so an instance
	// refresh only counts a new instance ready after the group has judged it
	// by its target group's health for six 10-second checks.
	instanceWarmup = healthCheckGracePeriod + 60
	// Launch before terminating: during an instance refresh, and when the
	// group replaces an unhealthy instance, the old instance keeps serving
	// until the new one is healthy (100 % of 1 stays healthy; up to 200 %,
	// two instances, may run meanwhile).
	minHealthyPercentage = 100
	maxHealthyPercentage = 200
	refreshStrategy      = "Rolling"
)

// The waits this tier adds to a `pulumi up`, each bounded so that a first
// deploy fails inside the deploy job's time limit instead of being killed
// mid-update (docs/gslb.md, "The first deploy": the budget).
const (
	// CapacityTimeout bounds how long `pulumi up` waits, when it creates a
	// group, for its instance to be healthy in the target group
	// (wait_for_capacity_timeout: the provider's default is 10m, and the
	// wait happens only on create or a size change; terraform-provider-aws
	// internal/service/autoscaling/group.go). The group is created only once
	// the HTTPS listener forwards to that target group, so the wait is for
	// the instance's first boot alone: one to two minutes.
	CapacityTimeout = "10m"
	// ImageCopyTimeout bounds the copy of Seoul's image to Tokyo
	// (tokyoFromAmi), which Tokyo's launch template and so its group wait
	// for. The provider's default is 40m (aws_ami_copy, amiRetryTimeout in
	// internal/service/ec2/ec2_ami.go); it runs while ACM validates the
	// certificates, so it gets the same bound as they do.
	ImageCopyTimeout = "30m"
)

// groupArgs is what newGroup needs for one region.
type groupArgs struct {
	site         Site
	tag          string
	instanceType string
	image        image
	adminCidr    string
	userData     pulumi.StringOutput
	// backendPorts are the web nodes' ports, which HAProxy must reach.
	backendPorts []int
}

// newGroup declares one region's HAProxy: its security group and rules, the
// launch template its instances launch from, and the Auto Scaling group
// that keeps one of them registered in the ALB's target group.
func newGroup(ctx *pulumi.Context, parent pulumi.Resource, name string, a groupArgs) (*Group, error) {
	opts := []pulumi.ResourceOption{pulumi.Parent(parent), pulumi.Provider(a.site.Provider)}

	sg, err := newSecurityGroup(ctx, name, a, opts)
	if err != nil {
		return nil, err
	}
	lt, err := ec2.NewLaunchTemplate(ctx, name+"-lt", &ec2.LaunchTemplateArgs{
		Description:  pulumi.String(a.tag + ": HAProxy over the web nodes (rendered haproxy.cfg in the user data)"),
		ImageId:      a.image.id,
		InstanceType: pulumi.String(a.instanceType),
		// User data runs on first boot only; a new config is a new template
		// version, which the group rolls out by an instance refresh.
		UserData: a.userData.ApplyT(func(s string) string {
			return base64.StdEncoding.EncodeToString([]byte(s))
		}).(pulumi.StringOutput),
		NetworkInterfaces: ec2.LaunchTemplateNetworkInterfaceArray{&ec2.LaunchTemplateNetworkInterfaceArgs{
			DeviceIndex: pulumi.Int(0),
			// A public address reaches the web nodes in the other clouds
			// and the package mirrors without a NAT gateway.
			AssociatePublicIpAddress: pulumi.String("true"),
			DeleteOnTermination:      pulumi.String("true"),
			SecurityGroups:           pulumi.StringArray{sg.ID()},
		}},
		MetadataOptions: &ec2.LaunchTemplateMetadataOptionsArgs{
			HttpEndpoint:            pulumi.String("enabled"),
			HttpTokens:              pulumi.String("required"),
			HttpPutResponseHopLimit: pulumi.Int(1),
		},
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{&ec2.LaunchTemplateBlockDeviceMappingArgs{
			// The image's own root device, so this mapping changes it
			// rather than adding a second volume.
			DeviceName: a.image.rootDevice,
			Ebs: &ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
				Encrypted:           pulumi.String("true"),
				VolumeType:          pulumi.String("gp3"),
				DeleteOnTermination: pulumi.String("true"),
			},
		}},
		Monitoring: &ec2.LaunchTemplateMonitoringArgs{Enabled: pulumi.Bool(false)},
		TagSpecifications: ec2.LaunchTemplateTagSpecificationArray{
			&ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("instance"), Tags: pulumi.StringMap{"Name": pulumi.String(a.tag)}},
			&ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("volume"), Tags: pulumi.StringMap{"Name": pulumi.String(a.tag)}},
		},
		UpdateDefaultVersion: pulumi.Bool(true),
		Tags:                 pulumi.StringMap{"Name": pulumi.String(a.tag)},
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("launch template: %w", err)
	}
	version := lt.LatestVersion.ApplyT(strconv.Itoa).(pulumi.StringOutput)

	subnets := pulumi.StringArray{}
	for _, s := range a.site.Placement.SubnetIDs {
		subnets = append(subnets, s)
	}
	group, err := autoscaling.NewGroup(ctx, name+"-asg", &autoscaling.GroupArgs{
		MinSize:            pulumi.Int(groupSize),
		MaxSize:            pulumi.Int(groupSize),
		DesiredCapacity:    pulumi.Int(groupSize),
		VpcZoneIdentifiers: subnets,
		// The template's number, not $Latest: a new version is then a change
		// of the group, which starts the instance refresh below.
		LaunchTemplate:         &autoscaling.GroupLaunchTemplateArgs{Id: lt.ID(), Version: version},
		TargetGroupArns:        pulumi.StringArray{a.site.TargetGroupArn},
		HealthCheckType:        pulumi.String(healthCheckType),
		HealthCheckGracePeriod: pulumi.Int(healthCheckGracePeriod),
		DefaultInstanceWarmup:  pulumi.Int(instanceWarmup),
		InstanceMaintenancePolicy: &autoscaling.GroupInstanceMaintenancePolicyArgs{
			MinHealthyPercentage: pulumi.Int(minHealthyPercentage),
			MaxHealthyPercentage: pulumi.Int(maxHealthyPercentage),
		},
		InstanceRefresh: &autoscaling.GroupInstanceRefreshArgs{
			Strategy: pulumi.String(refreshStrategy),
			Preferences: &autoscaling.GroupInstanceRefreshPreferencesArgs{
				MinHealthyPercentage: pulumi.Int(minHealthyPercentage),
				MaxHealthyPercentage: pulumi.Int(maxHealthyPercentage),
				InstanceWarmup:       pulumi.String(strconv.Itoa(instanceWarmup)),
				// A new instance that never turns healthy fails the refresh.
				// AWS's rollback returns to the group's configuration, which
				// the provider has already set to the new version
				// (terraform-provider-aws#34189), so it restores nothing:
				// scripts/wait-refresh puts the previous version back.
				AutoRollback: pulumi.Bool(true),
			},
		},
		WaitForCapacityTimeout: pulumi.String(CapacityTimeout),
		WaitForElbCapacity:     pulumi.Int(groupSize),
		Tags: autoscaling.GroupTagArray{&autoscaling.GroupTagArgs{
			Key: pulumi.String("Name"), Value: pulumi.String(a.tag),
			// The launch template tags the instance and its volume.
			PropagateAtLaunch: pulumi.Bool(false),
		}},
	}, append(opts,
		// The target group checks no target until a listener forwards to
		// it, and the HTTPS listener exists only once ACM has issued the
		// certificate: created earlier, the group would spend its capacity
		// wait on the certificate, not on its instance.
		pulumi.DependsOn([]pulumi.Resource{a.site.Listener}))...)
	if err != nil {
		return nil, fmt.Errorf("auto scaling group: %w", err)
	}
	return &Group{
		Name:             group.Name,
		LaunchTemplateID: lt.ID().ToStringOutput(),
		SecurityGroupID:  sg.ID().ToStringOutput(),
		ImageID:          a.image.id,
	}, nil
}

// newSecurityGroup declares the instances' group and every rule that
// touches it, each a resource of its own so that no two owners fight over a
// group's rule set: egress to the package mirrors and to the web nodes'
// ports; port 80 in from the ALB's group only (and, on the ALB's group, the
// matching egress to this one); SSH from adminCidr when it is set.
func newSecurityGroup(ctx *pulumi.Context, name string, a groupArgs, opts []pulumi.ResourceOption) (*ec2.SecurityGroup, error) {
	sg, err := ec2.NewSecurityGroup(ctx, name+"-sg", &ec2.SecurityGroupArgs{
		// A group's description cannot change without replacing the group,
		// so it names no config value: renaming HA-seoul only retags.
		Description: pulumi.String(sgDescription),
		VpcId:       a.site.Placement.VpcID,
		Tags:        pulumi.StringMap{"Name": pulumi.String(a.tag + "-sg")},
	}, append(opts,
		// Groups made before this description keep theirs: a new
		// description would replace the group that the running instance
		// is in (EC2 cannot change a description), and the ALB would
		// lose its way to that instance until the new one is up. EC2 owns
		// the field after creation.
		pulumi.IgnoreChanges([]string{"description"}))...)
	if err != nil {
		return nil, fmt.Errorf("security group: %w", err)
	}
	for _, port := range egressPorts(a.backendPorts) {
		_, err := vpc.NewSecurityGroupEgressRule(ctx, fmt.Sprintf("%s-egress-%d", name, port), &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId: sg.ID(),
			Description:     pulumi.String(egressReason(port, a.backendPorts)),
			IpProtocol:      pulumi.String("tcp"),
			FromPort:        pulumi.Int(port),
			ToPort:          pulumi.Int(port),
			CidrIpv4:        pulumi.String("0.0.0.0/0"),
		}, opts...)
		if err != nil {
			return nil, fmt.Errorf("egress %d: %w", port, err)
		}
	}
	_, err = vpc.NewSecurityGroupIngressRule(ctx, name+"-from-alb", &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId:           sg.ID(),
		Description:               pulumi.String("HTTP from the ALB's security group"),
		IpProtocol:                pulumi.String("tcp"),
		FromPort:                  pulumi.Int(listenPort),
		ToPort:                    pulumi.Int(listenPort),
		ReferencedSecurityGroupId: a.site.AlbSecurityGroupID,
	}, append(opts, pulumi.Aliases(a.site.IngressAliases),
		// A new ALB group (a replacement is create-first: gslb/alb.go)
		// gets a rule of its own beside this one, which keeps the old ALB
		// reaching HAProxy until it is deleted at the end of the update; an
		// in-place change would cut the old ALB off while clients still
		// resolve it and before the new one is up.
		pulumi.ReplaceOnChanges([]string{"referencedSecurityGroupId"}))...)
	if err != nil {
		return nil, fmt.Errorf("ingress from the ALB: %w", err)
	}
	_, err = vpc.NewSecurityGroupEgressRule(ctx, name+"-alb-egress", &vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId:           a.site.AlbSecurityGroupID,
		Description:               pulumi.String("Requests and health checks to HAProxy"),
		IpProtocol:                pulumi.String("tcp"),
		FromPort:                  pulumi.Int(listenPort),
		ToPort:                    pulumi.Int(listenPort),
		ReferencedSecurityGroupId: sg.ID(),
	}, append(opts, pulumi.Aliases(a.site.EgressAliases),
		// Should HAProxy's group ever be replaced, a new rule to the new
		// group is made beside this one, which keeps the ALB reaching the
		// old instance until it is gone; an in-place change would cut it
		// off before the new instance is up.
		pulumi.ReplaceOnChanges([]string{"referencedSecurityGroupId"}))...)
	if err != nil {
		return nil, fmt.Errorf("ALB egress to HAProxy: %w", err)
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
	return sg, nil
}

// sgDescription is the instances' security group's description.
const sgDescription = "HAProxy: port 80 from the ALB only; every rule is a resource of its own"

// listenPort is HAProxy's frontend port, which the ALB forwards to.
const listenPort = 80

// mirrorPorts are the package mirrors' (HTTP and HTTPS).
var mirrorPorts = []int{80, 443}

// egressPorts are the mirrors' ports and every web node port, each once.
func egressPorts(backendPorts []int) []int {
	ports := append([]int(nil), mirrorPorts...)
	for _, p := range backendPorts {
		if !slices.Contains(ports, p) {
			ports = append(ports, p)
		}
	}
	return ports
}

func egressReason(port int, backendPorts []int) string {
	mirror, node := slices.Contains(mirrorPorts, port), slices.Contains(backendPorts, port)
	switch {
	case port == 80 && node:
		return "HTTP to the web nodes and package mirrors"
	case port == 80:
		return "HTTP to the package mirrors"
	case port == 443 && node:
		return "HTTPS to the package mirrors, and the web nodes on 443"
	case mirror:
		return "HTTPS to the package mirrors"
	default:
		return fmt.Sprintf("HTTP to the web nodes on %d", port)
	}
}
