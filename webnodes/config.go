package webnodes

import (
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
	Name         string `json:"name"`
	InstanceType string `json:"instanceType"`
}

// AzureConfig is the london node (Azure VM).
type AzureConfig struct {
	Common
	Name          string `json:"name"`
	ResourceGroup string `json:"resourceGroup"`
	Zone          string `json:"zone"`
	VMSize        string `json:"vmSize"`
}

// GcpConfig is the oregon node (Compute Engine).
type GcpConfig struct {
	Common
	Name        string `json:"name"`
	Zone        string `json:"zone"`
	MachineType string `json:"machineType"`
}

// AlicloudConfig is the hongkong node (ECS).
type AlicloudConfig struct {
	Common
	Name         string `json:"name"`
	Zone         string `json:"zone"`
	InstanceType string `json:"instanceType"`
}

// Validate checks the section.
func (c Config) Validate() error {
	p := validate.Section("webNodes")
	for field, common := range map[string]Common{
		"seoul": c.Seoul.Common, "london": c.London.Common, "oregon": c.Oregon.Common, "hongkong": c.HongKong.Common,
	} {
		p.Required(field+".label", common.Label, "the text served in <h1>")
		p.Port(field+".port", common.Port)
	}
	return p.Err()
}
