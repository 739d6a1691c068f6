package haproxy

import (
	"regexp"

	"github.com/hybridlab/hybrid-cloud/internal/validate"
)

// Config is the `hybrid-cloud:haproxy` config object.
type Config struct {
	// SeoulName and TokyoName are the instances' Name tags (HA-seoul, HA-tokyo).
	SeoulName    string `json:"seoulName"`
	TokyoName    string `json:"tokyoName"`
	InstanceType string `json:"instanceType"`
	// Image is the exact name of the Amazon Linux 2023 image both groups
	// launch (the name is the same in every region; each region's lookup
	// finds its own copy). Rolling to a newer image is a change of this line.
	Image string `json:"image"`
	// StickyCookie turns on the note's `cookie SVID insert indirect nocache maxlife 3m`.
	StickyCookie bool `json:"stickyCookie"`
	// TokyoFromAmi reproduces the note's path: Tokyo launches MY-AMI, a copy
	// of the image Seoul launches, instead of looking the image up itself.
	TokyoFromAmi bool   `json:"tokyoFromAmi"`
	AmiName      string `json:"amiName"`
	// AdminCidr, if set, may reach the instances over SSH.
	AdminCidr string `json:"adminCidr,omitempty"`
	// FrontendName and BackendName are haproxy.cfg's proxy names (the note's
	// http-in and backend_servers).
	FrontendName string `json:"frontendName"`
	BackendName  string `json:"backendName"`
	// CookieName is the sticky cookie's name (the note's SVID), used when
	// StickyCookie is on.
	CookieName string `json:"cookieName"`
	// ServerNames are the web nodes' server names in haproxy.cfg (the note's
	// seoul, london, oregon, hongkong), one per hybrid-cloud:webNodes entry.
	ServerNames ServerNames `json:"serverNames"`
}

// al2023ImageName is Amazon's naming of its standard (not minimal) AL2023
// images: al2023-ami-2023.<release>.<date>.<build>-kernel-<x.y>-<arch>.
// A name of this form matches exactly one image in a region, so the lookup
// cannot pick up a newer one on its own.
var al2023ImageName = regexp.MustCompile(`^al2023-ami-2023\.[0-9]+\.[0-9]{8}\.[0-9]+-kernel-[0-9]+\.[0-9]+-(x86_64|arm64)$`)

// imageArch is the architecture an AL2023 image name is built for, or "".
func imageArch(image string) string {
	if m := al2023ImageName.FindStringSubmatch(image); m != nil {
		return m[1]
	}
	return ""
}

// amiNamePattern is EC2's rule for image names: 3-128 characters of
// letters, digits, ( ) [ ] space . / - ' @ _ ; the copy is named amiName
// plus "-" and the source image's 21-character ID.
var amiNamePattern = regexp.MustCompile(`^[A-Za-z0-9()\[\] ./'@_-]{3,106}$`)

// ServerNames names each web node in the backend, keyed like
// `hybrid-cloud:webNodes`. HAProxy logs and `show stat` use these names.
type ServerNames struct {
	Seoul    string `json:"seoul"`
	London   string `json:"london"`
	Oregon   string `json:"oregon"`
	HongKong string `json:"hongkong"`
}

// InOrder is the names in the web nodes' order (Seoul, London, Oregon, Hong
// Kong), the order in which main.go declares the nodes and HAProxy lists them.
func (s ServerNames) InOrder() []string {
	return []string{s.Seoul, s.London, s.Oregon, s.HongKong}
}

// renderOptions are the parts of haproxy.cfg that come from config; the
// instances listen on port 80 as in the note (the ALB's target port).
func (c Config) renderOptions() Options {
	return Options{
		FrontendName: c.FrontendName,
		BackendName:  c.BackendName,
		BindPort:     80,
		StickyCookie: c.StickyCookie,
		CookieName:   c.CookieName,
	}
}

// Validate checks the section. Names follow HAProxy's rule for proxy and
// server names (letters, digits, '-', '_', '.', ':'), so a name HAProxy
// would refuse fails here, naming its key, not on the instance's first boot.
func (c Config) Validate() error {
	p := validate.Section("haproxy")
	p.EC2Name("seoulName", c.SeoulName, "HA-seoul")
	p.EC2Name("tokyoName", c.TokyoName, "HA-tokyo")
	// Graviton types are fine: the image's architecture must match (below).
	p.EC2InstanceType("instanceType", c.InstanceType, false)
	if p.Required("image", c.Image, "the exact AL2023 image name, e.g. al2023-ami-2023.9.20251208.0-kernel-6.1-x86_64") &&
		p.Match("image", c.Image, al2023ImageName, "one exact Amazon Linux 2023 image name, al2023-ami-2023.<release>.<date>.<build>-kernel-<x.y>-<x86_64|arm64>, no wildcards") &&
		c.InstanceType != "" && imageArch(c.Image) != archOf(c.InstanceType) {
		p.Addf("image", "%q is an %s image, but instanceType %s needs %s", c.Image, imageArch(c.Image), c.InstanceType, archOf(c.InstanceType))
	}
	if c.TokyoFromAmi && p.Required("amiName", c.AmiName, "the image name, e.g. MY-AMI, when tokyoFromAmi is true") {
		p.Match("amiName", c.AmiName, amiNamePattern, "an EC2 image name of 3-106 letters, digits, spaces and ()[]./-'@_ (the copy adds '-' and the source image's ID)")
	}
	if c.AdminCidr != "" {
		p.AdminCIDR("adminCidr", c.AdminCidr)
	}
	const haproxyRule = "HAProxy takes letters, digits, '-', '_', '.' and ':'"
	for _, n := range []struct{ field, value, example string }{
		{"frontendName", c.FrontendName, "http-in"},
		{"backendName", c.BackendName, "backend_servers"},
	} {
		if p.Required(n.field, n.value, "the proxy's name in haproxy.cfg, e.g. "+n.example) {
			p.Match(n.field, n.value, namePattern, haproxyRule)
		}
	}
	// HAProxy allows a frontend and a backend to share a name (section 4 of
	// its configuration manual), so the two are not compared.
	if p.Required("cookieName", c.CookieName, "the sticky cookie's name, e.g. SVID") {
		p.Match("cookieName", c.CookieName, cookiePattern, "a cookie name: letters, digits, '_' and '-' (haproxy.cfg reads '#' as a comment and refuses quotes)")
	}
	seen := map[string]string{}
	for _, n := range []struct{ field, value string }{
		{"serverNames.seoul", c.ServerNames.Seoul}, {"serverNames.london", c.ServerNames.London},
		{"serverNames.oregon", c.ServerNames.Oregon}, {"serverNames.hongkong", c.ServerNames.HongKong},
	} {
		if !p.Required(n.field, n.value, "the web node's server name in haproxy.cfg, e.g. seoul") ||
			!p.Match(n.field, n.value, namePattern, haproxyRule) {
			continue
		}
		// HAProxy refuses two servers of one backend with the same name.
		if other, dup := seen[n.value]; dup {
			p.Addf(n.field, "%q is also %s: HAProxy needs distinct server names in a backend", n.value, p.Key(other))
			continue
		}
		seen[n.value] = n.field
	}
	return p.Err()
}
