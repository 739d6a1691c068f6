package webnodes

import (
	"fmt"
	"strings"
)

// PackageManager is how an image installs software; it decides the package,
// service and config file names of Apache httpd in the user data.
type PackageManager string

// The package managers the renderer knows.
const (
	Dnf PackageManager = "dnf" // Amazon Linux 2023, Rocky/Alma 9, Alibaba Cloud Linux 3
	Yum PackageManager = "yum" // Amazon Linux 2, CentOS 7 (the note's images)
	Apt PackageManager = "apt" // Ubuntu, Debian
)

// UserData is what the boot script needs to know about one node.
type UserData struct {
	// Label is served as <h1>Label</h1>; config validation keeps it to
	// letters, digits, space, '.', '_' and '-'.
	Label string
	// Port is the port httpd listens on.
	Port           int
	PackageManager PackageManager
}

// apache is where a distribution family keeps Apache httpd.
type apache struct {
	install  []string // commands, each run with retry
	service  string
	docroot  string
	listenIn []string // files whose "Listen 80" / "*:80" change with the port
	// semanage is the package that provides semanage on SELinux systems; ""
	// when the family does not use SELinux.
	semanage string
}

var apaches = map[PackageManager]apache{
	Dnf: {
		install:  []string{"dnf install -y httpd"},
		service:  "httpd",
		docroot:  "/var/www/html",
		listenIn: []string{"/etc/httpd/conf/httpd.conf"},
		semanage: "policycoreutils-python-utils",
	},
	Yum: {
		install:  []string{"yum install -y httpd"},
		service:  "httpd",
		docroot:  "/var/www/html",
		listenIn: []string{"/etc/httpd/conf/httpd.conf"},
		semanage: "policycoreutils-python",
	},
	Apt: {
		// The image's own unattended-upgrades may hold the dpkg lock at first boot.
		install: []string{
			"apt-get -o DPkg::Lock::Timeout=300 update",
			"apt-get -o DPkg::Lock::Timeout=300 install -y apache2",
		},
		service:  "apache2",
		docroot:  "/var/www/html",
		listenIn: []string{"/etc/apache2/ports.conf", "/etc/apache2/sites-available/000-default.conf"},
	},
}

// RenderUserData renders the first-boot script of a web node: install Apache
// httpd, serve <h1>LABEL</h1> on the port, open the host firewall if one runs,
// and check the page is served. SELinux stays as the image has it (enforcing
// on Rocky Linux); httpd serving /var/www/html needs no policy change, and a
// port other than the standard ones is added to http_port_t.
func RenderUserData(u UserData) (string, error) {
	a, ok := apaches[u.PackageManager]
	if !ok {
		return "", fmt.Errorf("user data: unknown package manager %q", u.PackageManager)
	}
	if u.Port < 1 || u.Port > 65535 {
		return "", fmt.Errorf("user data: port %d is out of range (1 to 65535)", u.Port)
	}
	if !labelPattern.MatchString(u.Label) {
		return "", fmt.Errorf("user data: label %q is not allowed (%s)", u.Label, labelRule)
	}
	page := "<h1>" + u.Label + "</h1>"
	port := fmt.Sprint(u.Port)

	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("#!/bin/bash")
	line("# Web node %s: Apache httpd serving %s on port %s.", u.Label, page, port)
	line("# Rendered by the hybrid-cloud Pulumi program (webnodes). Safe to run again:")
	line("# GCP runs its startup script at every boot.")
	line("set -euo pipefail")
	line("")
	line("# Package mirrors can be unreachable for a moment right after boot.")
	line("retry() {")
	line("\tlocal attempt")
	line("\tfor attempt in 1 2 3 4 5; do")
	line("\t\tif \"$@\"; then")
	line("\t\t\treturn 0")
	line("\t\tfi")
	line("\t\techo \"attempt ${attempt} of 5 failed: $*\" >&2")
	line("\t\tsleep 10")
	line("\tdone")
	line("\treturn 1")
	line("}")
	line("")
	if u.PackageManager == Apt {
		line("export DEBIAN_FRONTEND=noninteractive")
	}
	for _, cmd := range a.install {
		line("retry %s", cmd)
	}
	line("printf '%%s\\n' %s >%s/index.html", shellQuote(page), a.docroot)
	if u.Port != 80 {
		line("")
		line("# Listen on %s instead of 80.", port)
		for _, f := range a.listenIn {
			line("sed -i -e 's/^Listen 80$/Listen %s/' -e 's/<VirtualHost \\*:80>/<VirtualHost *:%s>/' %s", port, port, f)
		}
		if a.semanage != "" {
			line("if command -v getenforce >/dev/null && [ \"$(getenforce)\" != Disabled ]; then")
			line("\tretry %s install -y %s", u.PackageManager, a.semanage)
			line("\tsemanage port -a -t http_port_t -p tcp %s || semanage port -m -t http_port_t -p tcp %s", port, port)
			line("fi")
		}
	}
	line("")
	line("# Cloud firewalls (security groups, NSG, VPC firewall) do the filtering; a")
	line("# host firewall, where the image runs one, must not drop the port.")
	line("if systemctl is-active --quiet firewalld; then")
	line("\tfirewall-cmd --permanent --add-port=%s/tcp", port)
	line("\tfirewall-cmd --reload")
	line("fi")
	if u.PackageManager == Apt {
		line("if command -v ufw >/dev/null && ufw status | grep -q '^Status: active'; then")
		line("\tufw allow %s/tcp", port)
		line("fi")
	}
	line("")
	line("systemctl enable %s", a.service)
	line("systemctl restart %s", a.service)
	line("")
	line("# Fail loudly (in the console log) if the page is not served.")
	line("curl -fsS --max-time 5 --retry 10 --retry-connrefused --retry-delay 2 http://127.0.0.1:%s/ | grep -F %s >/dev/null", port, shellQuote(page))
	line("echo \"web node %s: serving on port %s\"", u.Label, port)
	return b.String(), nil
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
