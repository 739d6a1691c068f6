package haproxy

import (
	"fmt"
	"regexp"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// imageOwner publishes Amazon Linux in every region under this alias.
const imageOwner = "amazon"

// image is what a launch template needs of the image it launches.
type image struct {
	id         pulumi.StringOutput
	rootDevice pulumi.StringOutput
}

// lookupImage finds the one image named exactly name in the site's region.
// Without mostRecent, a lookup that matched two images would fail rather
// than pick one; an exact AL2023 name matches one, so nothing a vendor
// publishes later changes the answer. Deprecated images are included: a
// pinned image must keep resolving after Amazon deprecates it (new
// launches of it still work), and the program warns so that someone rolls on.
func lookupImage(ctx *pulumi.Context, parent pulumi.Resource, name string, site Site) (image, error) {
	res, err := ec2.LookupAmi(ctx, &ec2.LookupAmiArgs{
		Owners:            []string{imageOwner},
		Filters:           []ec2.GetAmiFilter{{Name: "name", Values: []string{name}}},
		IncludeDeprecated: pulumi.BoolRef(true),
	}, pulumi.Parent(parent), pulumi.Provider(site.Provider))
	if err != nil {
		return image{}, fmt.Errorf("image %s in %s: %w", name, site.Region, err)
	}
	if deprecated, err := time.Parse(time.RFC3339, res.DeprecationTime); err == nil && deprecated.Before(time.Now()) {
		_ = ctx.Log.Warn(fmt.Sprintf("image %s (%s) in %s is deprecated since %s: set hybrid-cloud:haproxy.image to a newer AL2023 image",
			name, res.Id, site.Region, res.DeprecationTime), &pulumi.LogArgs{Resource: parent})
	}
	return image{
		id:         pulumi.String(res.Id).ToStringOutput(),
		rootDevice: pulumi.String(res.RootDeviceName).ToStringOutput(),
	}, nil
}

// copyImage is the note's path to Tokyo, in a form that fits a group whose
// instances come and go: the image Seoul's launch template launches, copied
// (encrypted) to Tokyo's region as amiName. The copy's name carries the
// source image's ID, so rolling Seoul to a new image creates the new copy
// before the old one is deleted (EC2 image names are unique per region).
func copyImage(ctx *pulumi.Context, parent pulumi.Resource, name, amiName string, source image, from, to Site) (image, error) {
	cp, err := ec2.NewAmiCopy(ctx, name+"-ami-copy", &ec2.AmiCopyArgs{
		Name:            pulumi.Sprintf("%s-%s", amiName, source.id),
		Description:     pulumi.Sprintf("%s: copy of %s from %s for the HAProxy group", amiName, source.id, from.Region),
		SourceAmiId:     source.id,
		SourceAmiRegion: pulumi.String(from.Region),
		Encrypted:       pulumi.Bool(true),
		Tags:            pulumi.StringMap{"Name": pulumi.String(amiName)},
	}, pulumi.Parent(parent), pulumi.Provider(to.Provider),
		// When Seoul rolls to a new image, the old copy leaves the stack at
		// the end of that update, while Tokyo's instance refresh may still
		// run; a rollback returns to the template version that launches the
		// old copy, so the copy stays in the account (deregister it by hand
		// once the refresh succeeded; docs/haproxy.md).
		pulumi.RetainOnDelete(true),
		pulumi.Timeouts(&pulumi.CustomTimeouts{Create: ImageCopyTimeout}))
	if err != nil {
		return image{}, fmt.Errorf("image %s copy to %s: %w", amiName, to.Region, err)
	}
	return image{id: cp.ID().ToStringOutput(), rootDevice: cp.RootDeviceName}, nil
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
