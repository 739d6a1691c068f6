package gslb

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TLSPolicy is the HTTPS listeners' security policy: TLS 1.3 and 1.2 with
// forward-secret ciphers only. A TLS 1.3-only policy would lock out Route
// 53's HTTPS health checkers, which speak TLS up to 1.2.
const TLSPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

// Target group health check on HAProxy's liveness URI, quicker than the
// defaults (30 s x 3) so that evaluate-target-health on the failover record
// sees a dead HAProxy within about 20 s.
const (
	targetHealthInterval = 10
	targetHealthTimeout  = 5
	targetHealthyCount   = 2
	targetUnhealthyCount = 2
	targetPort           = 80
	httpsPort, httpPort  = 443, 80
	targetHealthMatcher  = "200"
	redirectStatus       = "HTTP_301"
	loadBalancerType     = "application"
	// idleTimeout stays below HAProxy's client and keep-alive timeouts
	// (75 s), so the ALB never reuses a connection HAProxy is closing.
	idleTimeout           = 60
	targetGroupTargetType = "instance"
	deregistrationDelay   = 30
)

// albSGDescription is the ALB's security group's description.
const albSGDescription = "ALB: HTTP and HTTPS from anywhere; egress to HAProxy only"

// maxELBName is the longest name Elastic Load Balancing takes for a load
// balancer or a target group (32); the provider's name is the resource's
// name plus "-" and 7 random characters (autoNameSuffix).
const (
	maxELBName     = 32
	autoNameSuffix = 8
)

// checkAutoNames refuses a component name whose load balancers' or target
// groups' provider-made names would be longer than Elastic Load Balancing
// takes, before anything is registered.
func checkAutoNames(name string, roles ...string) error {
	var errs []error
	for _, role := range roles {
		for _, suffix := range []string{"-alb", "-tg"} {
			if n := len(name) + 1 + len(role) + len(suffix) + autoNameSuffix; n > maxELBName {
				errs = append(errs, fmt.Errorf("resource name %s-%s%s: its provider-made name would be %d characters (Elastic Load Balancing takes %d)",
					name, role, suffix, n, maxELBName))
			}
		}
	}
	return errors.Join(errs...)
}

// albArgs is one region's load balancer.
type albArgs struct {
	role           string
	site           Site
	albName        string
	targetGroup    string
	securityGroup  string
	certificateArn pulumi.StringInput
}

// alb is what the DNS side and the tier behind it need of a load balancer.
type alb struct {
	lb            *lb.LoadBalancer
	https         *lb.Listener
	targetGroup   *lb.TargetGroup
	securityGroup *ec2.SecurityGroup
}

// newALB declares, in the site's region: the ALB's security group (80/443
// in; its one egress rule, port 80 to HAProxy's group, is declared by the
// HAProxy tier with the matching ingress), the ALB in the site's subnets,
// the target group HAProxy's Auto Scaling group registers in, an HTTPS
// listener with the validated certificate and an HTTP listener that
// redirects to it.
func newALB(ctx *pulumi.Context, parent pulumi.Resource, name string, a albArgs) (*alb, error) {
	opts := []pulumi.ResourceOption{pulumi.Parent(parent), pulumi.Provider(a.site.Provider)}
	name = name + "-" + a.role

	// No name: the provider names the group (the resource's name and a
	// random suffix) and securityGroupName is its Name tag. An explicitly
	// named resource is replaced delete-first by the Terraform bridge, and a
	// group the ALB still uses cannot be deleted; a provider-made name is
	// replaced create-first, and a rename only retags (docs/gslb.md).
	sg, err := ec2.NewSecurityGroup(ctx, name+"-sg", &ec2.SecurityGroupArgs{
		Description: pulumi.String(albSGDescription),
		VpcId:       a.site.Placement.VpcID,
		Tags:        pulumi.StringMap{"Name": pulumi.String(a.securityGroup)},
	}, append(opts,
		// EC2 cannot change a group's description (a new one replaces the
		// group), so it names no config value. Groups made before this
		// text keep theirs: EC2 owns the field after creation.
		pulumi.IgnoreChanges([]string{"description"}))...)
	if err != nil {
		return nil, fmt.Errorf("security group %s: %w", a.securityGroup, err)
	}
	// Rules are resources of their own, so that neither this group nor
	// HAProxy's (owned by another component) rewrites the other's rules.
	for _, port := range []int{httpPort, httpsPort} {
		_, err := vpc.NewSecurityGroupIngressRule(ctx, fmt.Sprintf("%s-sg-in-%d", name, port), &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId: sg.ID(),
			Description:     pulumi.String(fmt.Sprintf("Clients and Route 53 health checkers on %d", port)),
			IpProtocol:      pulumi.String("tcp"),
			FromPort:        pulumi.Int(port),
			ToPort:          pulumi.Int(port),
			CidrIpv4:        pulumi.String("0.0.0.0/0"),
		}, opts...)
		if err != nil {
			return nil, fmt.Errorf("security group %s ingress %d: %w", a.securityGroup, port, err)
		}
	}
	subnets := pulumi.StringArray{}
	for _, s := range a.site.Placement.SubnetIDs {
		subnets = append(subnets, s)
	}
	// Provider-named, like the group (albName is the Name tag): a rename
	// retags in place, and a replacement brings the new ALB up before the
	// old one goes, while DNS moves to it.
	balancer, err := lb.NewLoadBalancer(ctx, name+"-alb", &lb.LoadBalancerArgs{
		LoadBalancerType:        pulumi.String(loadBalancerType),
		Internal:                pulumi.Bool(false),
		Subnets:                 subnets,
		SecurityGroups:          pulumi.StringArray{sg.ID()},
		DropInvalidHeaderFields: pulumi.Bool(true),
		IdleTimeout:             pulumi.Int(idleTimeout),
		Tags:                    pulumi.StringMap{"Name": pulumi.String(a.albName)},
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("load balancer %s: %w", a.albName, err)
	}

	// Provider-named (targetGroup is the Name tag): a replacement is then
	// created beside the old group, the listener moves to it and the old
	// one is deleted last, when nothing uses it any more.
	tg, err := lb.NewTargetGroup(ctx, name+"-tg", &lb.TargetGroupArgs{
		Port:       pulumi.Int(targetPort),
		Protocol:   pulumi.String("HTTP"),
		TargetType: pulumi.String(targetGroupTargetType),
		VpcId:      a.site.Placement.VpcID,
		HealthCheck: &lb.TargetGroupHealthCheckArgs{
			Enabled:  pulumi.Bool(true),
			Protocol: pulumi.String("HTTP"),
			Port:     pulumi.String("traffic-port"),
			// Liveness, not readiness: with ELB health on the groups, a
			// target group that failed HAProxy for the web nodes' outage
			// would have it replaced again and again.
			Path:               pulumi.String(a.site.LivenessPath),
			Matcher:            pulumi.String(targetHealthMatcher),
			Interval:           pulumi.Int(targetHealthInterval),
			Timeout:            pulumi.Int(targetHealthTimeout),
			HealthyThreshold:   pulumi.Int(targetHealthyCount),
			UnhealthyThreshold: pulumi.Int(targetUnhealthyCount),
		},
		// A deregistered HAProxy (the old one, once an instance refresh's
		// new one is healthy) gets 30 s to finish its requests, not 300 s.
		DeregistrationDelay: pulumi.Int(deregistrationDelay),
		Tags:                pulumi.StringMap{"Name": pulumi.String(a.targetGroup)},
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("target group %s: %w", a.targetGroup, err)
	}
	https, err := lb.NewListener(ctx, name+"-https", &lb.ListenerArgs{
		LoadBalancerArn: balancer.Arn,
		Port:            pulumi.Int(httpsPort),
		Protocol:        pulumi.String("HTTPS"),
		SslPolicy:       pulumi.String(TLSPolicy),
		// The validation's ARN, not the certificate's: the listener waits
		// until ACM has issued the certificate.
		CertificateArn: a.certificateArn,
		DefaultActions: lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
			Type:           pulumi.String("forward"),
			TargetGroupArn: tg.Arn,
		}},
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("load balancer %s https listener: %w", a.albName, err)
	}
	_, err = lb.NewListener(ctx, name+"-http", &lb.ListenerArgs{
		LoadBalancerArn: balancer.Arn,
		Port:            pulumi.Int(httpPort),
		Protocol:        pulumi.String("HTTP"),
		DefaultActions: lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
			Type: pulumi.String("redirect"),
			Redirect: &lb.ListenerDefaultActionRedirectArgs{
				Protocol:   pulumi.String("HTTPS"),
				Port:       pulumi.String(fmt.Sprint(httpsPort)),
				StatusCode: pulumi.String(redirectStatus),
			},
		}},
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("load balancer %s http listener: %w", a.albName, err)
	}
	return &alb{lb: balancer, https: https, targetGroup: tg, securityGroup: sg}, nil
}

// backend is what the HAProxy tier behind this ALB needs. The aliases name
// the two rules between the ALB's group and HAProxy's as this component
// declared them (name-role-target-from-alb, name-role-sg-out-target).
func (b *alb) backend(parent pulumi.Resource, name, role string) Backend {
	return Backend{
		TargetGroupArn:  b.targetGroup.Arn,
		Listener:        b.https,
		SecurityGroupID: b.securityGroup.ID().ToStringOutput(),
		IngressAlias:    pulumi.Alias{Name: pulumi.String(name + "-" + role + "-target-from-alb"), Parent: parent},
		EgressAlias:     pulumi.Alias{Name: pulumi.String(name + "-" + role + "-sg-out-target"), Parent: parent},
	}
}
