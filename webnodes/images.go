package webnodes

import (
	"maps"
	"slices"
)

// The images each cloud's node may boot, by the name used in config. Every
// one is a maintained distribution that the user data renderer knows; the
// note's CentOS 7 is gone (end of life, mirrors removed).

// awsImage is an AMI found by lookup: the newest one of owner matching name.
type awsImage struct {
	owner, name string
	pm          PackageManager
}

var awsImages = map[string]awsImage{
	"al2023":       {owner: "amazon", name: "al2023-ami-2023.*-x86_64", pm: Dnf},
	"ubuntu-24.04": {owner: "099720109477", name: "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*", pm: Apt},
}

// azureImage is a Marketplace image reference.
type azureImage struct {
	publisher, offer, sku, version string
	pm                             PackageManager
}

var azureImages = map[string]azureImage{
	// "server" is the Gen2 SKU, which Trusted Launch needs.
	"ubuntu-24.04": {publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest", pm: Apt},
}

// gcpImage is an image family; the instance boots its newest image.
type gcpImage struct {
	family string
	pm     PackageManager
}

var gcpImages = map[string]gcpImage{
	// Rocky Linux 9 keeps SELinux enforcing, which httpd needs no change for.
	"rocky-linux-9": {family: "rocky-linux-cloud/rocky-linux-9", pm: Dnf},
	"debian-12":     {family: "debian-cloud/debian-12", pm: Apt},
}

// alicloudImage is a public ("system") image found by lookup: the newest one
// whose name matches nameRegex.
type alicloudImage struct {
	nameRegex string
	pm        PackageManager
}

var alicloudImages = map[string]alicloudImage{
	"alinux3":      {nameRegex: `^aliyun_3_x64_20G_alibase_.*\.vhd$`, pm: Dnf},
	"ubuntu-22.04": {nameRegex: `^ubuntu_22_04_x64_20G_alibase_.*\.vhd$`, pm: Apt},
}

func names[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
