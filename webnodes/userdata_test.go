package webnodes_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/golden"
	"github.com/hybridlab/hybrid-cloud/internal/tooltest"
	"github.com/hybridlab/hybrid-cloud/webnodes"
)

// userDataCases are the scripts of the four dev nodes (their images'
// package managers) plus the paths the dev stack does not take: yum, and a
// port other than 80 on each family.
var userDataCases = []struct {
	golden string
	in     webnodes.UserData
	// want are lines the script must contain; the install line proves the
	// package manager, the printf line the page.
	want []string
}{
	{"seoul.sh", webnodes.UserData{Label: "SEOUL", Port: 80, PackageManager: webnodes.Dnf}, []string{
		"retry dnf install -y httpd", `printf '%s\n' '<h1>SEOUL</h1>' >/var/www/html/index.html`,
		"systemctl enable httpd", "systemctl restart httpd", "http://127.0.0.1:80/",
	}},
	{"london.sh", webnodes.UserData{Label: "LONDON", Port: 80, PackageManager: webnodes.Apt}, []string{
		"export DEBIAN_FRONTEND=noninteractive", "retry apt-get -o DPkg::Lock::Timeout=300 install -y apache2",
		`printf '%s\n' '<h1>LONDON</h1>' >/var/www/html/index.html`, "systemctl restart apache2",
	}},
	{"oregon.sh", webnodes.UserData{Label: "OREGON", Port: 80, PackageManager: webnodes.Dnf}, []string{
		"retry dnf install -y httpd", `printf '%s\n' '<h1>OREGON</h1>' >/var/www/html/index.html`,
	}},
	{"hongkong.sh", webnodes.UserData{Label: "HONGKONG", Port: 80, PackageManager: webnodes.Dnf}, []string{
		"retry dnf install -y httpd", `printf '%s\n' '<h1>HONGKONG</h1>' >/var/www/html/index.html`,
	}},
	{"yum-port-8080.sh", webnodes.UserData{Label: "LEGACY", Port: 8080, PackageManager: webnodes.Yum}, []string{
		"retry yum install -y httpd", "s/^Listen 80$/Listen 8080/",
		"retry yum install -y policycoreutils-python\n",
		"semanage port -a -t http_port_t -p tcp 8080 || semanage port -m -t http_port_t -p tcp 8080",
		"firewall-cmd --permanent --add-port=8080/tcp", "http://127.0.0.1:8080/",
	}},
	{"dnf-port-8080.sh", webnodes.UserData{Label: "ROCKY 8080", Port: 8080, PackageManager: webnodes.Dnf}, []string{
		"retry dnf install -y policycoreutils-python-utils", " /etc/httpd/conf/httpd.conf",
		`'<h1>ROCKY 8080</h1>'`,
	}},
	{"apt-port-8080.sh", webnodes.UserData{Label: "DEBIAN", Port: 8080, PackageManager: webnodes.Apt}, []string{
		" /etc/apache2/ports.conf", " /etc/apache2/sites-available/000-default.conf",
		"<VirtualHost \\*:80>/<VirtualHost *:8080>/", "ufw allow 8080/tcp",
	}},
}

func TestRenderUserDataMatchesGoldenFiles(t *testing.T) {
	t.Parallel()
	for _, tc := range userDataCases {
		t.Run(tc.golden, func(t *testing.T) {
			t.Parallel()
			got, err := webnodes.RenderUserData(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(got, "#!/bin/bash\n") {
				t.Errorf("script does not start with #!/bin/bash:\n%s", got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("script lacks %q:\n%s", w, got)
				}
			}
			golden.Assert(t, "userdata-"+tc.golden+".golden", got)
		})
	}
}

// The note disabled SELinux on oregon; no script may weaken it, and only a
// non-standard port touches SELinux at all (adding the port to http_port_t).
func TestRenderUserDataLeavesSELinuxEnforcing(t *testing.T) {
	t.Parallel()
	for _, tc := range userDataCases {
		got, err := webnodes.RenderUserData(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"SELINUX=disabled", "SELINUX=permissive", "setenforce", "/etc/selinux/config"} {
			if strings.Contains(got, bad) {
				t.Errorf("%s: script contains %q", tc.golden, bad)
			}
		}
		if touches := strings.Contains(got, "semanage"); touches != (tc.in.Port != 80 && tc.in.PackageManager != webnodes.Apt) {
			t.Errorf("%s: semanage in script = %v, want it only for a non-80 port on an SELinux family", tc.golden, touches)
		}
	}
}

func TestRenderedUserDataPassesShellcheck(t *testing.T) {
	t.Parallel()
	shellcheck := tooltest.Require(t, "shellcheck", "shellcheck")
	dir := t.TempDir()
	for _, tc := range userDataCases {
		got, err := webnodes.RenderUserData(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, tc.golden)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(shellcheck, "--norc", "--shell=bash", "--severity=style", path).CombinedOutput()
		if err != nil {
			t.Errorf("shellcheck %s: %v\n%s", tc.golden, err, out)
		}
	}
}

// The check must be able to fail: a script with a classic mistake is refused.
func TestShellcheckCatchesABrokenScript(t *testing.T) {
	t.Parallel()
	shellcheck := tooltest.Require(t, "shellcheck", "shellcheck")
	got, err := webnodes.RenderUserData(webnodes.UserData{Label: "SEOUL", Port: 80, PackageManager: webnodes.Dnf})
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(got, `if "$@"; then`, `if $@; then`, 1)
	if broken == got {
		t.Fatal("the script no longer has the line this test breaks")
	}
	path := filepath.Join(t.TempDir(), "broken.sh")
	if err := os.WriteFile(path, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(shellcheck, "--norc", "--shell=bash", path).CombinedOutput(); err == nil {
		t.Errorf("shellcheck accepted an unquoted $@:\n%s", out)
	}
}

func TestRenderUserDataRefusesBadInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   webnodes.UserData
		want string
	}{
		{"port 0", webnodes.UserData{Label: "A", Port: 0, PackageManager: webnodes.Dnf}, "port 0 is out of range"},
		{"port 65536", webnodes.UserData{Label: "A", Port: 65536, PackageManager: webnodes.Dnf}, "port 65536 is out of range"},
		{"empty label", webnodes.UserData{Label: "", Port: 80, PackageManager: webnodes.Dnf}, `label ""`},
		{"label with a quote", webnodes.UserData{Label: "A'; rm -rf /", Port: 80, PackageManager: webnodes.Dnf}, "is not allowed"},
		{"label with HTML", webnodes.UserData{Label: "<b>X</b>", Port: 80, PackageManager: webnodes.Dnf}, "is not allowed"},
		{"unknown package manager", webnodes.UserData{Label: "A", Port: 80, PackageManager: "zypper"}, `unknown package manager "zypper"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := webnodes.RenderUserData(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
