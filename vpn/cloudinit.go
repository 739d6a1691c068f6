package vpn

import (
	"fmt"
	"strings"
)

// Paths of the gateway's Libreswan files.
const (
	ConfPath    = "/etc/ipsec.d/aws.conf"
	SecretsPath = "/etc/ipsec.d/aws.secrets"
)

// GatewayFiles are the gateway's rendered files.
type GatewayFiles struct {
	Conf, Secrets, Sysctl string
}

// RenderCloudInit renders the Libreswan VM's user data (#cloud-config): it
// writes the sysctl file, aws.conf and aws.secrets (0600), installs
// libreswan with the image's package manager, applies the sysctl settings
// and starts ipsec. The result holds the PSKs: keep it secret.
//
// write_files runs before packages are installed, and the distributions'
// ipsec.conf and ipsec.secrets include /etc/ipsec.d/*.conf and *.secrets,
// so the tunnels come up on ipsec's first start.
func RenderCloudInit(f GatewayFiles) string {
	var b strings.Builder
	b.WriteString("#cloud-config\n")
	b.WriteString("# The Libreswan gateway for the AWS site-to-site VPN, rendered by the\n")
	b.WriteString("# hybrid-cloud Pulumi program. Holds the pre-shared keys: secret.\n")
	b.WriteString("write_files:\n")
	for _, w := range []struct {
		path, mode, content string
	}{
		{SysctlPath, "0644", f.Sysctl},
		{ConfPath, "0644", f.Conf},
		{SecretsPath, "0600", f.Secrets},
	} {
		fmt.Fprintf(&b, "  - path: %s\n    owner: root:root\n    permissions: '%s'\n    content: |\n", w.path, w.mode)
		for _, line := range strings.Split(strings.TrimSuffix(w.content, "\n"), "\n") {
			if line == "" {
				b.WriteString("\n")
				continue
			}
			b.WriteString("      " + line + "\n")
		}
	}
	b.WriteString("packages:\n  - libreswan\n")
	b.WriteString("runcmd:\n")
	b.WriteString("  - [sysctl, -p, " + SysctlPath + "]\n")
	b.WriteString("  - [systemctl, enable, --now, ipsec]\n")
	// ipsec may have been started by the package before runcmd: reload the files.
	b.WriteString("  - [systemctl, restart, ipsec]\n")
	return b.String()
}
