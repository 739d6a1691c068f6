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
	// StickyCookie turns on the note's `cookie SVID insert indirect nocache maxlife 3m`.
	StickyCookie bool `json:"stickyCookie"`
	// TokyoFromAmi reproduces the note's path: MY-AMI from HA-seoul, copied to Tokyo.
	TokyoFromAmi bool   `json:"tokyoFromAmi"`
	AmiName      string `json:"amiName"`
	// AdminCidr, if set, may reach the instances over SSH.
	AdminCidr string `json:"adminCidr,omitempty"`
}

// amiNamePattern is EC2's rule for an image name: 3-128 characters.
var amiNamePattern = regexp.MustCompile(`^[A-Za-z0-9()\[\] ./\-'@_]{3,128}$`)

// Validate checks the section.
func (c Config) Validate() error {
	p := validate.Section("haproxy")
	p.EC2Name("seoulName", c.SeoulName, "HA-seoul")
	p.EC2Name("tokyoName", c.TokyoName, "HA-tokyo")
	// Graviton types are fine: the instances boot the AL2023 image of their architecture.
	p.EC2InstanceType("instanceType", c.InstanceType, false)
	if c.TokyoFromAmi && p.Required("amiName", c.AmiName, "the image name, e.g. MY-AMI, when tokyoFromAmi is true") {
		p.Match("amiName", c.AmiName, amiNamePattern, "an EC2 image name: 3-128 letters, digits, spaces and ()[]./-'@_")
	}
	if c.AdminCidr != "" {
		p.AdminCIDR("adminCidr", c.AdminCidr)
	}
	return p.Err()
}
