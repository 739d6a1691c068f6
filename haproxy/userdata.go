package haproxy

import (
	"fmt"
	"strings"
)

// ConfigPath is where the package's systemd unit reads haproxy.cfg on AL2023.
const ConfigPath = "/etc/haproxy/haproxy.cfg"

// heredocEnd ends the here-document that carries the config; a config line
// equal to it would cut the file short, so UserData refuses one.
const heredocEnd = "HAPROXY_CFG_END"

// UserData returns the first-boot script for an HAProxy instance on Amazon
// Linux 2023: install HAProxy, write config, check it with `haproxy -c`, and
// (re)start the service. It is idempotent, so an instance launched from an
// image of another one (the note's MY-AMI path) converges to the same state.
func UserData(config string) (string, error) {
	for _, line := range strings.Split(config, "\n") {
		if strings.TrimSpace(line) == heredocEnd {
			return "", fmt.Errorf("haproxy user data: the config contains the line %q", heredocEnd)
		}
	}
	if !strings.HasSuffix(config, "\n") {
		config += "\n"
	}
	return `#!/bin/bash
# Rendered by the hybrid-cloud Pulumi program (haproxy package): installs
# HAProxy, writes its config and starts it. Output: /var/log/cloud-init-output.log
set -euo pipefail

# The network and the package mirrors may lag the first boot by a few seconds.
for attempt in 1 2 3 4 5; do
	if dnf install -y haproxy; then
		break
	fi
	echo "dnf install haproxy failed (attempt $attempt); retrying" >&2
	sleep 10
done
command -v haproxy >/dev/null

install -d -m 0755 /etc/haproxy
cat >` + ConfigPath + `.new <<'` + heredocEnd + `'
` + config + heredocEnd + `
haproxy -c -f ` + ConfigPath + `.new
mv ` + ConfigPath + `.new ` + ConfigPath + `

systemctl enable haproxy
systemctl restart haproxy
`, nil
}
