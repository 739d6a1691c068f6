package webnodes

import (
	"net/netip"
	"regexp"
	"strings"

	"github.com/hybridlab/hybrid-cloud/internal/validate"
)

// Config is the `hybrid-cloud:webNodes` config object: one entry per node.
type Config struct {
	Seoul    AwsConfig      `json:"seoul"`
	London   AzureConfig    `json:"london"`
	Oregon   GcpConfig      `json:"oregon"`
	HongKong AlicloudConfig `json:"hongkong"`
}

// Common is what every node has: the label served in <h1> and the port.
type Common struct {
	// Label is the text of the page's <h1> (the note's SEOUL, LONDON, ...).
	Label string `json:"label"`
	// Port is the HTTP port httpd listens on and the firewall opens.
	Port int `json:"port"`
}

// AwsConfig is the Seoul node (EC2).
type AwsConfig struct {
	Common
	// Name is the instance's Name tag (the note's "Seoul").
	Name         string `json:"name"`
	InstanceType string `json:"instanceType"`
	// Image is a key of awsImages (al2023, ubuntu-24.04): the family, which
	// decides the image's owner and the package manager.
	Image string `json:"image"`
	// ImageName is the exact name of the family's image to boot, e.g.
	// al2023-ami-2023.9.20251208.0-kernel-6.1-x86_64. Changing it replaces
	// the instance (its Elastic IP stays).
	ImageName string `json:"imageName"`
}

// AzureConfig is the london node (Azure VM).
type AzureConfig struct {
	Common
	Name          string `json:"name"`
	ResourceGroup string `json:"resourceGroup"`
	// Zone is the availability zone, "1" to "3".
	Zone   string `json:"zone"`
	VMSize string `json:"vmSize"`
	// Image is a key of azureImages (ubuntu-24.04).
	Image      string `json:"image"`
	VnetCidr   string `json:"vnetCidr"`
	SubnetCidr string `json:"subnetCidr"`
	// AdminUsername and AdminSSHPublicKey are the VM's only login; password
	// authentication is off.
	AdminUsername     string `json:"adminUsername"`
	AdminSSHPublicKey string `json:"adminSshPublicKey"`
	// AdminCidr, when set, is the one source the NSG lets reach SSH; without
	// it port 22 stays closed.
	AdminCidr string `json:"adminCidr,omitempty"`
}

// GcpConfig is the oregon node (Compute Engine).
type GcpConfig struct {
	Common
	Name        string `json:"name"`
	Zone        string `json:"zone"`
	MachineType string `json:"machineType"`
	// Image is a key of gcpImages (rocky-linux-9, debian-12).
	Image string `json:"image"`
	// Network is the VPC network the instance and its firewall rule use.
	Network string `json:"network"`
}

// AlicloudConfig is the hongkong node (ECS).
type AlicloudConfig struct {
	Common
	Name         string `json:"name"`
	Zone         string `json:"zone"`
	InstanceType string `json:"instanceType"`
	// Image is a key of alicloudImages (alinux3, ubuntu-22.04); ImageName
	// the exact public image to boot, e.g. aliyun_3_x64_20G_alibase_20251030.vhd.
	Image       string `json:"image"`
	ImageName   string `json:"imageName"`
	VpcCidr     string `json:"vpcCidr"`
	VswitchCidr string `json:"vswitchCidr"`
	// BandwidthMbps is the public bandwidth (InternetMaxBandwidthOut); it
	// must be at least 1 for the instance to get a public IP.
	BandwidthMbps int `json:"bandwidthMbps"`
}

// Regions are the regions of the nodes whose zones are named after them
// (from the `hybrid-cloud:clouds` section); zones are checked against them.
// Azure zones are 1-3 in every location, and the AWS node's subnet decides.
type Regions struct {
	Gcp, Alicloud string
}

// Validate checks the section: every node's rules, with full config keys.
func (c Config) Validate(r Regions) error {
	p := validate.Section("webNodes")
	c.Seoul.check(p)
	c.London.check(p)
	c.Oregon.check(p, r.Gcp)
	c.HongKong.check(p, r.Alicloud)
	labels := map[string]string{}
	for field, label := range map[string]string{
		"seoul": c.Seoul.Label, "london": c.London.Label, "oregon": c.Oregon.Label, "hongkong": c.HongKong.Label,
	} {
		// HAProxy names its servers by label: two equal labels collide there.
		if other, dup := labels[strings.ToLower(label)]; dup && label != "" {
			first, second := min(field, other), max(field, other)
			p.Addf(second+".label", "%q is also %s's label (labels name HAProxy servers and must differ)", label, first)
		}
		labels[strings.ToLower(label)] = field
	}
	return p.Err()
}

// labelRule keeps labels safe to put in HTML, a shell script and HAProxy.
const labelRule = "1-63 letters, digits, spaces, '.', '_' or '-', starting with a letter or digit"

var labelPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$`)

func (c Common) check(p *validate.Problems, node string) {
	if p.Required(node+".label", c.Label, "the text served in <h1>") {
		p.Match(node+".label", c.Label, labelPattern, labelRule)
	}
	p.Port(node+".port", c.Port)
}

var (
	// gcpNamePattern is Compute Engine's rule for instance names (RFC 1035).
	gcpNamePattern = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)
	// azureNamePattern keeps the VM name usable as its Linux host name too.
	azureNamePattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?$`)
	sshKeyPattern    = regexp.MustCompile(`^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,2}( .*)?$`)
	// azureAdminPattern is Azure's Linux admin user rule, short of its list of
	// reserved names (root, admin, ...), which Azure reports itself.
	azureAdminPattern = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)
)

func (c AwsConfig) check(p *validate.Problems) {
	const node = "seoul"
	c.Common.check(p, node)
	p.Required(node+".name", c.Name, "the instance's Name tag")
	p.Required(node+".instanceType", c.InstanceType, "an EC2 instance type such as t3.micro")
	if p.OneOf(node+".image", c.Image, names(awsImages)...) {
		img := awsImages[c.Image]
		checkImageName(p, node, c.ImageName, img.names, img.example)
	}
}

// checkImageName requires an exact image name of the family's form: one
// image, never a pattern that a vendor's next image would also match.
func checkImageName(p *validate.Problems, node, name string, form *regexp.Regexp, example string) {
	if p.Required(node+".imageName", name, "the exact name of the image to boot, e.g. "+example) {
		p.Match(node+".imageName", name, form, "one exact image name of this family, like "+example+" (no wildcards)")
	}
}

func (c AzureConfig) check(p *validate.Problems) {
	const node = "london"
	c.Common.check(p, node)
	if p.Required(node+".name", c.Name, "the VM's name") {
		p.Match(node+".name", c.Name, azureNamePattern, "1-64 letters, digits or '-', not starting or ending with '-'")
	}
	p.Required(node+".resourceGroup", c.ResourceGroup, "the resource group to create, e.g. RG-TEST")
	p.OneOf(node+".zone", c.Zone, "1", "2", "3")
	p.Required(node+".vmSize", c.VMSize, "an Azure VM size such as Standard_B1s")
	p.OneOf(node+".image", c.Image, names(azureImages)...)
	vnet, okVnet := p.CIDR(node+".vnetCidr", c.VnetCidr)
	subnet, okSubnet := p.CIDR(node+".subnetCidr", c.SubnetCidr)
	if okVnet && okSubnet && !within(subnet, vnet) {
		p.Addf(node+".subnetCidr", "%s is not inside vnetCidr %s", subnet, vnet)
	}
	if okSubnet && subnet.Bits() > 29 {
		p.Addf(node+".subnetCidr", "%s is too small (Azure subnets are /29 or larger)", subnet)
	}
	if p.Required(node+".adminUsername", c.AdminUsername, "the VM's admin user") {
		p.Match(node+".adminUsername", c.AdminUsername, azureAdminPattern, "a Linux user name: lower-case letters, digits, '_' or '-'")
	}
	if p.Required(node+".adminSshPublicKey", c.AdminSSHPublicKey, "an OpenSSH public key; password login is disabled") {
		p.Match(node+".adminSshPublicKey", c.AdminSSHPublicKey, sshKeyPattern, "one OpenSSH public key line: ssh-ed25519, ssh-rsa or ecdsa-sha2-*")
	}
	if c.AdminCidr != "" {
		if admin, ok := p.CIDR(node+".adminCidr", c.AdminCidr); ok && admin.Bits() == 0 {
			p.Addf(node+".adminCidr", "%s opens SSH to the whole internet; name your admin network, or leave it out to keep SSH closed", admin)
		}
	}
}

func (c GcpConfig) check(p *validate.Problems, region string) {
	const node = "oregon"
	c.Common.check(p, node)
	if p.Required(node+".name", c.Name, "the instance name") {
		if p.Match(node+".name", c.Name, gcpNamePattern, "lower-case letters, digits and '-', starting with a letter, at most 63") {
			if id := gcpServiceAccountID(c.Name); len(id) < 6 || len(id) > 30 {
				p.Addf(node+".name", "%q makes service account ID %q, which must be 6-30 characters (use a name of 2-26)", c.Name, id)
			}
		}
	}
	checkZone(p, node+".zone", c.Zone, region, "-")
	p.Required(node+".machineType", c.MachineType, "a machine type such as e2-micro")
	p.OneOf(node+".image", c.Image, names(gcpImages)...)
	if p.Required(node+".network", c.Network, "the VPC network, e.g. default") {
		p.Match(node+".network", c.Network, gcpNamePattern, "a VPC network name")
	}
}

func (c AlicloudConfig) check(p *validate.Problems, region string) {
	const node = "hongkong"
	c.Common.check(p, node)
	p.Required(node+".name", c.Name, "the ECS instance name")
	// Alibaba zone IDs are cn-hongkong-b, but ap-southeast-1a.
	checkZone(p, node+".zone", c.Zone, region, "-?")
	p.Required(node+".instanceType", c.InstanceType, "an ECS instance type such as ecs.t5-lc1m1.small")
	if p.OneOf(node+".image", c.Image, names(alicloudImages)...) {
		img := alicloudImages[c.Image]
		checkImageName(p, node, c.ImageName, img.names, img.example)
	}
	vpc, okVpc := p.CIDR(node+".vpcCidr", c.VpcCidr)
	vsw, okVsw := p.CIDR(node+".vswitchCidr", c.VswitchCidr)
	if okVpc && !(vpc.Bits() >= 8 && vpc.Bits() <= 24) {
		p.Addf(node+".vpcCidr", "%s: Alibaba Cloud VPCs are /8 to /24", vpc)
	}
	if okVpc && okVsw && !within(vsw, vpc) {
		p.Addf(node+".vswitchCidr", "%s is not inside vpcCidr %s", vsw, vpc)
	}
	if okVsw && !(vsw.Bits() >= 16 && vsw.Bits() <= 29) {
		p.Addf(node+".vswitchCidr", "%s: Alibaba Cloud vSwitches are /16 to /29", vsw)
	}
	p.IntRange(node+".bandwidthMbps", c.BandwidthMbps, 1, 100)
}

// checkZone checks that zone is one of region's zones: region, sep, a letter.
func checkZone(p *validate.Problems, field, zone, region, sep string) {
	if !p.Required(field, zone, "an availability zone of "+orUnknown(region)) || region == "" {
		return
	}
	re := regexp.MustCompile(`^` + regexp.QuoteMeta(region) + sep + `[a-z]$`)
	p.Match(field, zone, re, "not a zone of "+region+"; want e.g. "+region+"-b")
}

func orUnknown(region string) string {
	if region == "" {
		return "the region"
	}
	return region
}

// within reports whether inner lies entirely inside outer.
func within(inner, outer netip.Prefix) bool {
	return inner.Bits() >= outer.Bits() && outer.Contains(inner.Addr())
}
