package main

import (
	"fmt"

	"github.com/hybridlab/hybrid-cloud/internal/stackconfig"
	"github.com/hybridlab/hybrid-cloud/monitoring"
	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	azurenative "github.com/pulumi/pulumi-azure-native-sdk/v2"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp"
	"github.com/pulumi/pulumi-openstack/sdk/v3/go/openstack"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The alicloud and openstack SDKs stamp no plugin version on their resources;
// without one `pulumi up` installs the newest plugin, whose schema this SDK
// was not generated from. Keep these equal to go.mod (a test checks).
const (
	alicloudPluginVersion  = "3.10.0"
	openstackPluginVersion = "3.13.3"
)

// providers holds one explicit provider per cloud and region. Components get
// theirs passed in; nothing reads ambient provider config.
type providers struct {
	seoul     *aws.Provider
	tokyo     *aws.Provider
	azure     *azurenative.Provider
	gcp       *gcp.Provider
	alicloud  *alicloud.Provider
	openstack *openstack.Provider
	// usEast1 watches Route 53's health check metrics, which exist only
	// there; it is seoul or tokyo when either region is us-east-1.
	usEast1 *aws.Provider
}

func newProviders(ctx *pulumi.Context, c stackconfig.Clouds) (*providers, error) {
	var (
		p   providers
		err error
	)
	tags := aws.ProviderDefaultTagsArgs{Tags: pulumi.StringMap{
		"Project":   pulumi.String(ctx.Project()),
		"Stack":     pulumi.String(ctx.Stack()),
		"ManagedBy": pulumi.String("pulumi"),
	}}
	if p.seoul, err = aws.NewProvider(ctx, "aws-"+c.AwsPrimaryRegion, &aws.ProviderArgs{
		Region:      pulumi.String(c.AwsPrimaryRegion),
		DefaultTags: tags,
	}); err != nil {
		return nil, fmt.Errorf("provider aws %s: %w", c.AwsPrimaryRegion, err)
	}
	if p.tokyo, err = aws.NewProvider(ctx, "aws-"+c.AwsSecondaryRegion, &aws.ProviderArgs{
		Region:      pulumi.String(c.AwsSecondaryRegion),
		DefaultTags: tags,
	}); err != nil {
		return nil, fmt.Errorf("provider aws %s: %w", c.AwsSecondaryRegion, err)
	}
	switch monitoring.Route53MetricsRegion {
	case c.AwsPrimaryRegion:
		p.usEast1 = p.seoul
	case c.AwsSecondaryRegion:
		p.usEast1 = p.tokyo
	default:
		if p.usEast1, err = aws.NewProvider(ctx, "aws-"+monitoring.Route53MetricsRegion, &aws.ProviderArgs{
			Region:      pulumi.String(monitoring.Route53MetricsRegion),
			DefaultTags: tags,
		}); err != nil {
			return nil, fmt.Errorf("provider aws %s: %w", monitoring.Route53MetricsRegion, err)
		}
	}
	if p.azure, err = azurenative.NewProvider(ctx, "azure-"+c.AzureLocation, &azurenative.ProviderArgs{
		Location: pulumi.String(c.AzureLocation),
	}); err != nil {
		return nil, fmt.Errorf("provider azure-native %s: %w", c.AzureLocation, err)
	}
	if p.gcp, err = gcp.NewProvider(ctx, "gcp-"+c.GcpRegion, &gcp.ProviderArgs{
		Project: pulumi.String(c.GcpProject),
		Region:  pulumi.String(c.GcpRegion),
		DefaultLabels: pulumi.StringMap{
			"project":    pulumi.String(ctx.Project()),
			"stack":      pulumi.String(ctx.Stack()),
			"managed-by": pulumi.String("pulumi"),
		},
	}); err != nil {
		return nil, fmt.Errorf("provider gcp %s: %w", c.GcpRegion, err)
	}
	if p.alicloud, err = alicloud.NewProvider(ctx, "alicloud-"+c.AlicloudRegion, &alicloud.ProviderArgs{
		Region: pulumi.String(c.AlicloudRegion),
	}, pulumi.Version(alicloudPluginVersion)); err != nil {
		return nil, fmt.Errorf("provider alicloud %s: %w", c.AlicloudRegion, err)
	}
	// Credentials come from the usual OS_* environment (an openrc file).
	if p.openstack, err = openstack.NewProvider(ctx, "openstack", &openstack.ProviderArgs{},
		pulumi.Version(openstackPluginVersion)); err != nil {
		return nil, fmt.Errorf("provider openstack: %w", err)
	}
	return &p, nil
}
