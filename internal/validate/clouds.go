package validate

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Zones is one cloud's naming of availability zones: the region, a
// separator, a letter. Letters lists, per region, the zones established from
// the cloud's documentation; a region not listed is checked for the form
// only, and the cloud itself refuses a letter it does not have.
type Zones struct {
	Cloud string
	// Sep is the regular expression between region and letter.
	Sep     string
	Letters map[string]string
}

var (
	// AWSZones: Seoul has a-d (apne2-az1..az4); Tokyo has a, c and d for
	// every account opened since the constrained apne1-az3 ("b" in old
	// accounts) stopped taking new customers.
	AWSZones = Zones{Cloud: "AWS", Sep: "", Letters: map[string]string{
		"ap-northeast-1": "acd",
		"ap-northeast-2": "abcd",
	}}
	// GCPZones: us-west1 (Oregon) has a, b and c.
	GCPZones = Zones{Cloud: "GCP", Sep: "-", Letters: map[string]string{
		"us-west1": "abc",
	}}
	// AlicloudZones: zone IDs are cn-hongkong-b but ap-southeast-1a; Hong
	// Kong has zones B, C and D.
	AlicloudZones = Zones{Cloud: "Alibaba Cloud", Sep: "-?", Letters: map[string]string{
		"cn-hongkong": "bcd",
	}}
)

// Zone records a problem when zone is not an availability zone of region.
func (p *Problems) Zone(field, zone, region string, z Zones) bool {
	if strings.TrimSpace(zone) == "" {
		p.Addf(field, "is required (an availability zone of %s)", orRegion(region))
		return false
	}
	if region == "" {
		return true // the region's own key reports it
	}
	m := regexp.MustCompile(`^` + regexp.QuoteMeta(region) + `(` + z.Sep + `)([a-z])$`).FindStringSubmatch(zone)
	if m == nil {
		p.Addf(field, "%q is not allowed (not a zone of %s; want e.g. %s)", zone, region, z.example(region))
		return false
	}
	if letters, known := z.Letters[region]; known && !strings.Contains(letters, m[2]) {
		p.Addf(field, "%q is not allowed (%s %s has zones %s)", zone, z.Cloud, region, z.list(region, m[1]))
		return false
	}
	return true
}

// Distinct records a problem for every value given twice in values, naming
// the index of the second.
func (p *Problems) Distinct(field string, values []string, what string) bool {
	ok := true
	for i, v := range values {
		if j := slices.Index(values, v); j < i {
			p.Addf(fmt.Sprintf("%s[%d]", field, i), "%q is also %s[%d]: %s", v, field, j, what)
			ok = false
		}
	}
	return ok
}

func (z Zones) example(region string) string {
	sep := strings.Trim(z.Sep, "?")
	if letters, ok := z.Letters[region]; ok {
		return region + sep + letters[:1]
	}
	return region + sep + "a"
}

func (z Zones) list(region, sep string) string {
	var out []string
	for _, l := range z.Letters[region] {
		out = append(out, region+sep+string(l))
	}
	return strings.Join(out, ", ")
}

func orRegion(region string) string {
	if region == "" {
		return "the region"
	}
	return region
}

// Instance and VM sizes, in the form each cloud names them. A size of the
// right form can still be sold out or unknown in a zone; the cloud reports
// that, but a size of the wrong form is refused before anything exists.
var (
	// ec2InstanceType is EC2's family.size: a family with a generation
	// digit (t3, m7i-flex, u-6tb1, mac2-m2pro) and a size.
	ec2InstanceType = regexp.MustCompile(`^[a-z][a-z0-9-]*[0-9][a-z0-9-]*\.(nano|micro|small|medium|large|xlarge|[0-9]+xlarge|metal(-[0-9]+xl)?)$`)
	// ec2Graviton is the Arm (Graviton) families: a "g" after the
	// generation digit (t4g, m7gd, c6gn, x2gd, im4gn) and the first one, a1.
	ec2Graviton = regexp.MustCompile(`^([a-z]+[0-9]+[a-z]*g[a-z]*|a1)\.`)
	// azureVMSize is Azure's Standard_<series><vCPUs>[-constrained][features][_version].
	azureVMSize = regexp.MustCompile(`^Standard_[A-Z][A-Za-z0-9]*(-[0-9]+[A-Za-z]*)?(_[A-Za-z0-9]+)*$`)
	// gcpMachineType is a predefined <series>-<kind>[-<n>] or a custom
	// [<series>-]custom-<vCPUs>-<MiB>[-ext].
	gcpMachineType = regexp.MustCompile(`^([a-z][a-z0-9]*-[a-z]+(-[0-9]+[a-z]*)?(-lssd|-metal)?|([a-z][a-z0-9]*-)?custom-[0-9]+-[0-9]+(-ext)?)$`)
	// gcpArm is the Arm (Ampere, Axion) series, which x86-64 images do not boot on.
	gcpArm = regexp.MustCompile(`^(t2a|c4a|n4a)-`)
	// ecsInstanceType is ECS's ecs.<family>.<size>.
	ecsInstanceType = regexp.MustCompile(`^ecs\.[a-z][a-z0-9-]*\.[a-z0-9]*(nano|micro|small|medium|large|xlarge)$`)
)

// EC2InstanceType records a problem when value is not an EC2 instance type,
// or is an Arm one where only x86_64 images boot (x86only).
func (p *Problems) EC2InstanceType(field, value string, x86only bool) bool {
	switch {
	case !p.Required(field, value, "an EC2 instance type such as t3.micro"):
		return false
	case !ec2InstanceType.MatchString(value):
		p.Addf(field, "%q is not allowed (an EC2 instance type: family.size, e.g. t3.micro, m7i.large)", value)
		return false
	case x86only && ec2Graviton.MatchString(value):
		p.Addf(field, "%q is not allowed: it is an Arm (Graviton) type and this node's image is x86_64 (use e.g. t3.micro)", value)
		return false
	}
	return true
}

// AzureVMSize records a problem when value is not an Azure VM size.
func (p *Problems) AzureVMSize(field, value string) bool {
	if !p.Required(field, value, "an Azure VM size such as Standard_B1s") {
		return false
	}
	return p.Match(field, value, azureVMSize, "an Azure VM size: Standard_<series and vCPUs>[_version], e.g. Standard_B1s, Standard_D2s_v5")
}

// GCPMachineType records a problem when value is not a Compute Engine
// machine type for x86-64 images.
func (p *Problems) GCPMachineType(field, value string) bool {
	switch {
	case !p.Required(field, value, "a machine type such as e2-micro"):
		return false
	case !gcpMachineType.MatchString(value):
		p.Addf(field, "%q is not allowed (a Compute Engine machine type, e.g. e2-micro, n2-standard-2, e2-custom-2-4096)", value)
		return false
	case gcpArm.MatchString(value):
		p.Addf(field, "%q is not allowed: it is an Arm series and the node's images are x86-64 (use e.g. e2-micro)", value)
		return false
	}
	return true
}

// ECSInstanceType records a problem when value is not an ECS instance type.
func (p *Problems) ECSInstanceType(field, value string) bool {
	if !p.Required(field, value, "an ECS instance type such as ecs.t5-lc1m1.small") {
		return false
	}
	return p.Match(field, value, ecsInstanceType, "an ECS instance type: ecs.<family>.<size>, e.g. ecs.t5-lc1m1.small, ecs.g7.large")
}

// ec2Text is the characters EC2 takes in a security group's description.
var ec2Text = regexp.MustCompile(`^[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]{1,128}$`)

// EC2Name records a problem when a name that is a Name tag and also goes into
// an EC2 description (a security group's, a launch template's) has
// characters EC2 refuses there.
func (p *Problems) EC2Name(field, value, example string) bool {
	if !p.Required(field, value, "e.g. "+example) {
		return false
	}
	return p.Match(field, value, ec2Text, "1-128 letters, digits, spaces and ._-:/()#,@[]+=&;{}!$* (the name also goes into EC2 descriptions, which EC2 limits to these)")
}
