package webnodes

import (
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hybridlab/hybrid-cloud/internal/validate"
)

// Config is the `hybrid-cloud:webNodes` config object: one entry per node.
type Config struct {
	Seoul    AwsConfig      `json:"seoul"`
	London   AzureConfig    `json:"london"`
	Oregon   GcpConfig      `json:"oregon"`
	HongKong AlicloudConfig `json:"hongkong"`
	// Rollout is how an update that replaces nodes waits for each one.
	Rollout RolloutConfig `json:"rollout,omitempty"`
}

// RolloutConfig is how a rollout waits for each node to serve before the
// next one goes out of rotation.
type RolloutConfig struct {
	// HealthTimeoutSeconds is how long an update waits for a node to answer
	// its health check before it stops (default 300, 60 to
	// MaxHealthTimeoutSeconds); 0 checks nothing, for an update while a node
	// is known to be down: the order stays, but nothing waits for a new
	// machine to serve.
	HealthTimeoutSeconds *int `json:"healthTimeoutSeconds,omitempty"`
}

// DefaultHealthTimeoutSeconds covers a first boot's package install (5
// tries, 10 s apart, plus the download) on the smallest sizes, with room.
const DefaultHealthTimeoutSeconds = 300

// MaxHealthTimeoutSeconds is the longest a check may wait: a first deploy
// creates the nodes one after another, each after the previous one's checks
// (FirstDeployChecks of them in a row), and all of them must fit in the
// deploy job beside its other work (deploybudget_test.go, docs/gslb.md "The
// first deploy"): 5 × 6 min + the job's 15 min + the machines' creates
// (about 10 min) = 55 of the job's 60 min.
const MaxHealthTimeoutSeconds = 360

// FirstDeployChecks is how many checks a first deploy waits for one after
// another: Seoul's new instance at its own address, then each node at its
// address (the rollout test counts them).
const FirstDeployChecks = 5

// healthCheckInterval is how often a rollout asks a node.
const healthCheckInterval = 10 * time.Second

// Check is the rollout's health check: nil when it is turned off.
func (c RolloutConfig) Check() Check {
	seconds := DefaultHealthTimeoutSeconds
	if c.HealthTimeoutSeconds != nil {
		seconds = *c.HealthTimeoutSeconds
	}
	if seconds == 0 {
		return nil
	}
	return HTTPCheck(time.Duration(seconds)*time.Second, healthCheckInterval)
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
	// Image is a key of azureImages (ubuntu-24.04); ImageVersion the exact
	// Marketplace version of it to boot, e.g. 24.04.202512100 (never
	// "latest"). Changing it replaces the VM (its NIC and public IP stay).
	Image        string `json:"image"`
	ImageVersion string `json:"imageVersion"`
	VnetCidr     string `json:"vnetCidr"`
	SubnetCidr   string `json:"subnetCidr"`
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
	// Image is a key of gcpImages (rocky-linux-9, debian-12), which names
	// the image's project; ImageName the exact image of that family to
	// boot, e.g. rocky-linux-9-v20250709 (never the family). Changing it
	// replaces the instance (its reserved address stays).
	Image     string `json:"image"`
	ImageName string `json:"imageName"`
	// SubnetCidr is the range of the node's own subnet, in its own VPC
	// network (<name>-vpc, no automatic subnets): never the project's
	// default network, whose stock rules open SSH and RDP to the internet.
	SubnetCidr string `json:"subnetCidr"`
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
	// BandwidthMbps is the peak public bandwidth of the node's Elastic IP.
	BandwidthMbps int `json:"bandwidthMbps"`
}

// Regions are where the nodes run (from the `hybrid-cloud:clouds` section):
// GCP and Alibaba zones are named after their region and checked against
// it; Azure zones are 1-3, in locations that have zones. The AWS node's
// subnet decides its zone.
type Regions struct {
	Gcp, Alicloud, Azure string
}

// Validate checks the section: every node's rules, with full config keys.
func (c Config) Validate(r Regions) error {
	p := validate.Section("webNodes")
	c.Seoul.check(p)
	c.London.check(p, r.Azure)
	c.Oregon.check(p, r.Gcp)
	c.HongKong.check(p, r.Alicloud)
	if t := c.Rollout.HealthTimeoutSeconds; t != nil && *t != 0 && (*t < 60 || *t > MaxHealthTimeoutSeconds) {
		p.Addf("rollout.healthTimeoutSeconds", "%d is out of range (60 to %d seconds, or 0 to check nothing): a first deploy waits for %d checks "+
			"one after another, and at %d s each they still fit in the deploy job's 60 minutes; a node that needs longer to serve "+
			"is one to fix, or to deploy past with 0 for that update", *t, MaxHealthTimeoutSeconds, FirstDeployChecks, MaxHealthTimeoutSeconds)
	}
	labels := map[string]string{}
	for field, label := range map[string]string{
		"seoul": c.Seoul.Label, "london": c.London.Label, "oregon": c.Oregon.Label, "hongkong": c.HongKong.Label,
	} {
		// Labels key the webNodeIps output: two equal labels would collide there.
		if other, dup := labels[strings.ToLower(label)]; dup && label != "" {
			first, second := min(field, other), max(field, other)
			p.Addf(second+".label", "%q is also %s's label (labels key the webNodeIps output and the dashboards, and must differ)", label, first)
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
	// azureAdminPattern is Azure's Linux admin user rule.
	azureAdminPattern = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)
	// azureResourceGroupPattern is Azure's resource group name rule (ASCII):
	// 1-90 characters, not ending with '.'.
	azureResourceGroupPattern = regexp.MustCompile(`^[A-Za-z0-9_().-]{0,89}[A-Za-z0-9_()-]$`)
	// alicloudHostPattern is what ECS takes both as a Linux host name
	// (segments of letters, digits and single hyphens between single dots)
	// and as an instance name (starting with a letter).
	alicloudHostPattern = regexp.MustCompile(`^[A-Za-z](-?[A-Za-z0-9])*(\.[A-Za-z0-9](-?[A-Za-z0-9])*)*$`)
)

// azureReservedAdmins are the admin user names Azure refuses for a VM.
var azureReservedAdmins = []string{
	"1", "123", "a", "actuser", "adm", "admin", "admin1", "admin2", "administrator", "aspnet",
	"backup", "console", "david", "guest", "john", "owner", "root", "server", "sql", "support",
	"support_388945a0", "sys", "test", "test1", "test2", "test3", "user", "user1", "user2",
	"user3", "user4", "user5",
}

// azureNoZones are locations of the stack's list without availability
// zones: the london node's zonal VM and public IP cannot go there.
var azureNoZones = []string{"koreasouth", "ukwest", "westus"}

func (c AwsConfig) check(p *validate.Problems) {
	const node = "seoul"
	c.Common.check(p, node)
	p.EC2Name(node+".name", c.Name, "Seoul")
	// The node's images (al2023, ubuntu-24.04) are looked up for x86_64.
	p.EC2InstanceType(node+".instanceType", c.InstanceType, true)
	if p.OneOf(node+".image", c.Image, names(awsImages)...) {
		img := awsImages[c.Image]
		exactImage(p, node+".imageName", c.ImageName, "name", img.names, img.example)
	}
}

// exactImage requires field to name one image of the family (its name or,
// on Azure, its version) in the family's form: never a pattern, a family or
// "latest", each of which a vendor's next image would also answer.
func exactImage(p *validate.Problems, field, value, what string, form *regexp.Regexp, example string) {
	if p.Required(field, value, "the exact "+what+" of the image to boot, e.g. "+example) {
		p.Match(field, value, form, "one exact image "+what+" of this family, like "+example+" (no wildcards, no family, not latest)")
	}
}

func (c AzureConfig) check(p *validate.Problems, location string) {
	const node = "london"
	c.Common.check(p, node)
	if p.Required(node+".name", c.Name, "the VM's name") &&
		p.Match(node+".name", c.Name, azureNamePattern, "1-64 letters, digits or '-', not starting or ending with '-'") &&
		strings.Trim(c.Name, "0123456789") == "" {
		p.Addf(node+".name", "%q is not allowed (the VM's Linux host name cannot be only digits)", c.Name)
	}
	if p.Required(node+".resourceGroup", c.ResourceGroup, "the resource group to create, e.g. RG-TEST") {
		p.Match(node+".resourceGroup", c.ResourceGroup, azureResourceGroupPattern, "1-90 letters, digits, '_', '(', ')', '-' or '.', not ending with '.'")
	}
	if p.OneOf(node+".zone", c.Zone, "1", "2", "3") && slices.Contains(azureNoZones, location) {
		p.Addf(node+".zone", "%s has no availability zones, and the node's VM and public IP are zonal: pick a location with zones (hybrid-cloud:clouds.azureLocation, e.g. uksouth)", location)
	}
	p.AzureVMSize(node+".vmSize", c.VMSize)
	if p.OneOf(node+".image", c.Image, names(azureImages)...) {
		img := azureImages[c.Image]
		exactImage(p, node+".imageVersion", c.ImageVersion, "version", img.versions, img.example)
	}
	vnet, okVnet := p.CIDR(node+".vnetCidr", c.VnetCidr)
	if okVnet {
		p.PrivateNetwork(node+".vnetCidr", vnet)
	}
	subnet, okSubnet := p.CIDR(node+".subnetCidr", c.SubnetCidr)
	if okVnet && okSubnet && !within(subnet, vnet) {
		p.Addf(node+".subnetCidr", "%s is not inside vnetCidr %s", subnet, vnet)
	}
	if okSubnet && subnet.Bits() > 29 {
		p.Addf(node+".subnetCidr", "%s is too small (Azure subnets are /29 or larger)", subnet)
	}
	if p.Required(node+".adminUsername", c.AdminUsername, "the VM's admin user") &&
		p.Match(node+".adminUsername", c.AdminUsername, azureAdminPattern, "a Linux user name: lower-case letters, digits, '_' or '-'") &&
		slices.Contains(azureReservedAdmins, c.AdminUsername) {
		p.Addf(node+".adminUsername", "%q is not allowed (Azure reserves it; e.g. azureuser)", c.AdminUsername)
	}
	if p.Required(node+".adminSshPublicKey", c.AdminSSHPublicKey, "an OpenSSH public key; password login is disabled") {
		p.Match(node+".adminSshPublicKey", c.AdminSSHPublicKey, sshKeyPattern, "one OpenSSH public key line: ssh-ed25519, ssh-rsa or ecdsa-sha2-*")
	}
	if c.AdminCidr != "" {
		p.AdminCIDR(node+".adminCidr", c.AdminCidr)
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
	p.Zone(node+".zone", c.Zone, region, validate.GCPZones)
	p.GCPMachineType(node+".machineType", c.MachineType)
	if p.OneOf(node+".image", c.Image, names(gcpImages)...) {
		img := gcpImages[c.Image]
		exactImage(p, node+".imageName", c.ImageName, "name", img.names, img.example)
	}
	// GCP takes /8 to /29 for a subnet's primary range.
	if subnet, ok := p.CIDR(node+".subnetCidr", c.SubnetCidr); ok {
		if subnet.Bits() < 8 || subnet.Bits() > 29 {
			p.Addf(node+".subnetCidr", "%s: GCP subnets are /8 to /29", subnet)
		}
		p.PrivateNetwork(node+".subnetCidr", subnet)
	}
}

func (c AlicloudConfig) check(p *validate.Problems, region string) {
	const node = "hongkong"
	c.Common.check(p, node)
	if p.Required(node+".name", c.Name, "the ECS instance and host name") &&
		p.Match(node+".name", c.Name, alicloudHostPattern, "an ECS host name: letters, digits, single '-' and '.', starting with a letter, not ending with '-' or '.'") &&
		(len(c.Name) < 2 || len(c.Name) > 64) {
		p.Addf(node+".name", "%q is not allowed (ECS host names are 2-64 characters)", c.Name)
	}
	p.Zone(node+".zone", c.Zone, region, validate.AlicloudZones)
	p.ECSInstanceType(node+".instanceType", c.InstanceType)
	if p.OneOf(node+".image", c.Image, names(alicloudImages)...) {
		img := alicloudImages[c.Image]
		exactImage(p, node+".imageName", c.ImageName, "name", img.names, img.example)
	}
	vpc, okVpc := p.CIDR(node+".vpcCidr", c.VpcCidr)
	vsw, okVsw := p.CIDR(node+".vswitchCidr", c.VswitchCidr)
	if okVpc && !(vpc.Bits() >= 8 && vpc.Bits() <= 24) {
		p.Addf(node+".vpcCidr", "%s: Alibaba Cloud VPCs are /8 to /24", vpc)
	}
	if okVpc {
		p.PrivateNetwork(node+".vpcCidr", vpc)
	}
	if okVpc && okVsw && !within(vsw, vpc) {
		p.Addf(node+".vswitchCidr", "%s is not inside vpcCidr %s", vsw, vpc)
	}
	if okVsw && !(vsw.Bits() >= 16 && vsw.Bits() <= 29) {
		p.Addf(node+".vswitchCidr", "%s: Alibaba Cloud vSwitches are /16 to /29", vsw)
	}
	p.IntRange(node+".bandwidthMbps", c.BandwidthMbps, 1, 100)
}

// within reports whether inner lies entirely inside outer.
func within(inner, outer netip.Prefix) bool {
	return inner.Bits() >= outer.Bits() && outer.Contains(inner.Addr())
}
