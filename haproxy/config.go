package haproxy

import (
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

// Validate checks the section.
func (c Config) Validate() error {
	p := validate.Section("haproxy")
	p.Required("seoulName", c.SeoulName, "e.g. HA-seoul")
	p.Required("tokyoName", c.TokyoName, "e.g. HA-tokyo")
	p.Required("instanceType", c.InstanceType, "an EC2 instance type such as t3.micro")
	if c.TokyoFromAmi {
		p.Required("amiName", c.AmiName, "the image name, e.g. MY-AMI, when tokyoFromAmi is true")
	}
	if c.AdminCidr != "" {
		p.CIDR("adminCidr", c.AdminCidr)
	}
	return p.Err()
}
