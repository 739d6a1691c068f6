package webnodes

import (
	"maps"
	"regexp"
	"slices"
)

// The images each cloud's node may boot, by the name used in config. Every
// one is a maintained distribution that the user data renderer knows; the
// note's CentOS 7 is gone (end of life, mirrors removed).

// awsImage is a family of AMIs published by owner. The node boots the one
// image of the family named exactly in config (imageName), which must have
// the family's form: a name that matches one image, not a pattern, so that
// nothing the vendor publishes later changes what `pulumi up` launches.
type awsImage struct {
	owner string
	names *regexp.Regexp
	// example is a real name of the family, for error messages.
	example string
	pm      PackageManager
}

var awsImages = map[string]awsImage{
	"al2023": {owner: "amazon", pm: Dnf,
		names:   regexp.MustCompile(`^al2023-ami-2023\.[0-9]+\.[0-9]{8}\.[0-9]+-kernel-[0-9]+\.[0-9]+-x86_64$`),
		example: "al2023-ami-2023.9.20251208.0-kernel-6.1-x86_64"},
	"ubuntu-24.04": {owner: "099720109477", pm: Apt,
		names:   regexp.MustCompile(`^ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24\.04-amd64-server-[0-9]{8}(\.[0-9]+)?$`),
		example: "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20251212"},
}

// azureImage is a Marketplace image (publisher, offer, SKU); the VM boots
// the one version of it named in config (imageVersion), never "latest",
// which Azure resolves to the newest version whenever a VM is created.
type azureImage struct {
	publisher, offer, sku string
	// versions is the form of the SKU's versions; example is a real one.
	versions *regexp.Regexp
	example  string
	pm       PackageManager
}

var azureImages = map[string]azureImage{
	// "server" is the Gen2 SKU, which Trusted Launch needs. Canonical's
	// versions are 24.04.<date><serial>.
	"ubuntu-24.04": {publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", pm: Apt,
		versions: regexp.MustCompile(`^24\.04\.[0-9]{9}$`),
		example:  "24.04.202512100"},
}

// gcpImage is an image family in a public project; the instance boots the
// one image of the family named in config (imageName), never the family
// itself, which resolves to its newest image whenever an instance is made.
type gcpImage struct {
	project string
	names   *regexp.Regexp
	example string
	pm      PackageManager
}

var gcpImages = map[string]gcpImage{
	// Rocky Linux 9 keeps SELinux enforcing, which httpd needs no change for.
	"rocky-linux-9": {project: "rocky-linux-cloud", pm: Dnf,
		names:   regexp.MustCompile(`^rocky-linux-9-v[0-9]{8}$`),
		example: "rocky-linux-9-v20250709"},
	"debian-12": {project: "debian-cloud", pm: Apt,
		names:   regexp.MustCompile(`^debian-12-bookworm-v[0-9]{8}$`),
		example: "debian-12-bookworm-v20251209"},
}

// self is the image's path in its project, as the instance's boot disk takes it.
func (g gcpImage) self(name string) string {
	return "projects/" + g.project + "/global/images/" + name
}

// alicloudImage is a family of public ("system") images; like awsImage, the
// node boots the one named exactly in config.
type alicloudImage struct {
	names   *regexp.Regexp
	example string
	pm      PackageManager
}

var alicloudImages = map[string]alicloudImage{
	"alinux3": {pm: Dnf,
		names:   regexp.MustCompile(`^aliyun_3_x64_20G_alibase_[0-9]{8}\.vhd$`),
		example: "aliyun_3_x64_20G_alibase_20251030.vhd"},
	"ubuntu-22.04": {pm: Apt,
		names:   regexp.MustCompile(`^ubuntu_22_04_x64_20G_alibase_[0-9]{8}\.vhd$`),
		example: "ubuntu_22_04_x64_20G_alibase_20251103.vhd"},
}

func names[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
