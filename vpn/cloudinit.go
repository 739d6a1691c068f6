package vpn

import (
	"bytes"
	"fmt"

	"gopkg.in/yaml.v3"
)

// Paths of the gateway's Libreswan files.
const (
	ConfPath    = "/etc/ipsec.d/aws.conf"
	SecretsPath = "/etc/ipsec.d/aws.secrets"
)

// GatewayFiles are the gateway's rendered files.
type GatewayFiles struct {
	Conf, Secrets, Sysctl string
	// TunnelScript is TunnelScriptPath, TunnelService TunnelServicePath.
	TunnelScript, TunnelService string
}

// cloudConfig is the part of cloud-init's #cloud-config schema the gateway
// uses. The YAML library writes it, so quoting, block scalars and
// indentation are always valid whatever the files hold.
type cloudConfig struct {
	WriteFiles []writeFile `yaml:"write_files"`
	Packages   []string    `yaml:"packages"`
	Runcmd     []command   `yaml:"runcmd"`
}

// writeFile is one write_files entry.
type writeFile struct {
	Path        string `yaml:"path"`
	Owner       string `yaml:"owner"`
	Permissions mode   `yaml:"permissions"`
	Content     string `yaml:"content"`
}

// mode is a file mode such as "0600". It must stay a quoted string: YAML
// 1.1 (cloud-init's PyYAML) reads a bare 0600 as the integer 384, which the
// schema refuses.
type mode string

// MarshalYAML single-quotes the mode ('0600'), as this user data always
// had: a byte of difference in the user data replaces the gateway VM.
func (m mode) MarshalYAML() (any, error) {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Style: yaml.SingleQuotedStyle, Value: string(m)}, nil
}

// command is one runcmd entry: an argv list, run without a shell.
type command []string

// MarshalYAML writes the argv on one line ([systemctl, restart, ipsec]).
func (c command) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, arg := range c {
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: arg})
	}
	return n, nil
}

// cloudInitHeader starts the document: cloud-init reads user data as
// #cloud-config only when its first line says so.
const cloudInitHeader = `#cloud-config
# The Libreswan gateway for the AWS site-to-site VPN, rendered by the
# hybrid-cloud Pulumi program. Holds the pre-shared keys: secret.
`

// RenderCloudInit renders the Libreswan VM's user data (#cloud-config): it
// writes the sysctl file, aws.conf, aws.secrets (0600), the tunnel script
// (0755) and its service, installs libreswan with the image's package
// manager, applies the sysctl settings, starts ipsec (both tunnels) and the
// tunnels' health check. The result holds the PSKs: keep it secret.
//
// write_files runs before packages are installed, and the distributions'
// ipsec.conf and ipsec.secrets include /etc/ipsec.d/*.conf and *.secrets,
// so the tunnels come up on ipsec's first start.
func RenderCloudInit(f GatewayFiles) (string, error) {
	doc := cloudConfig{
		WriteFiles: []writeFile{
			{Path: SysctlPath, Owner: "root:root", Permissions: "0644", Content: f.Sysctl},
			{Path: ConfPath, Owner: "root:root", Permissions: "0644", Content: f.Conf},
			{Path: SecretsPath, Owner: "root:root", Permissions: "0600", Content: f.Secrets},
			{Path: TunnelScriptPath, Owner: "root:root", Permissions: "0755", Content: f.TunnelScript},
			{Path: TunnelServicePath, Owner: "root:root", Permissions: "0644", Content: f.TunnelService},
		},
		Packages: []string{"libreswan"},
		Runcmd: []command{
			{"sysctl", "-p", SysctlPath},
			{"systemctl", "enable", "--now", "ipsec"},
			// ipsec may have been started by the package before runcmd: reload the files.
			{"systemctl", "restart", "ipsec"},
			// The unit was written before systemd had read its units.
			{"systemctl", "daemon-reload"},
			{"systemctl", "enable", "--now", "aws-tunnels.service"},
		},
	}
	var b bytes.Buffer
	b.WriteString(cloudInitHeader)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return "", fmt.Errorf("cloud-init: %w", err)
	}
	if err := enc.Close(); err != nil {
		return "", fmt.Errorf("cloud-init: %w", err)
	}
	return b.String(), nil
}
