package vpn

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/tooltest"
	"gopkg.in/yaml.v3"
)

func mustCloudInit(t *testing.T, f GatewayFiles) string {
	t.Helper()
	ud, err := RenderCloudInit(f)
	if err != nil {
		t.Fatal(err)
	}
	return ud
}

// checkCloudConfig runs Debian's `cloud-init schema --config-file` on ud.
// Its exit status is the verdict: the message of success differs between
// cloud-init releases ("Valid cloud-config: FILE" in 22.4).
func checkCloudConfig(t *testing.T, cloudInit, ud string) (bool, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "user-data")
	if err := os.WriteFile(path, []byte(ud), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(cloudInit, "schema", "--config-file", path).CombinedOutput()
	return err == nil, string(out)
}

// TestCloudInitPassesTheSchema renders the gateway VM's user data through
// the component (gatewayVm on) for every crypto profile the rendering tests
// cover, and checks it with the real cloud-init's schema validator; the
// files must come back from the YAML byte for byte.
func TestCloudInitPassesTheSchema(t *testing.T) {
	t.Parallel()
	cloudInit := tooltest.Require(t, "cloud-init", "cloud-init")
	for _, tc := range profileCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := vmConfig()
			cfg.Crypto = tc.profile
			r := mustRun(t, cfg)
			in := r.one(t, typeInstance).Inputs["userData"]
			if !in.IsSecret() {
				t.Fatal("instance user data is not secret (it holds the PSKs)")
			}
			ud := in.SecretValue().Element.StringValue()
			if ok, out := checkCloudConfig(t, cloudInit, ud); !ok {
				t.Errorf("cloud-init schema refused the user data:\n%s\n%s", out, ud)
			}
			var doc parsedCloudConfig
			if err := yaml.Unmarshal([]byte(ud), &doc); err != nil {
				t.Fatalf("user data is not YAML: %v", err)
			}
			want := map[string]string{SysctlPath: r.sysctl, ConfPath: r.conf, SecretsPath: r.secrets,
				TunnelScriptPath: r.script, TunnelServicePath: r.service}
			for _, f := range doc.WriteFiles {
				if f.Content != want[f.Path] {
					t.Errorf("%s differs after YAML:\n%q\nwant\n%q", f.Path, f.Content, want[f.Path])
				}
				delete(want, f.Path)
			}
			if len(want) != 0 {
				t.Errorf("files not written: %v", want)
			}
			// The profile really is the one rendered (not the default's).
			if !strings.Contains(r.conf, "ike="+tc.profile.LibreswanIKE()+"\n") {
				t.Errorf("aws.conf lacks the profile's ike=%s", tc.profile.LibreswanIKE())
			}
		})
	}
}

// TestCloudInitSchemaCheckCanFail proves the check above is not vacuous:
// an unquoted mode is an integer to cloud-init's YAML 1.1, which the schema
// refuses.
func TestCloudInitSchemaCheckCanFail(t *testing.T) {
	t.Parallel()
	cloudInit := tooltest.Require(t, "cloud-init", "cloud-init")
	good := mustCloudInit(t, placeholderFiles(t))
	bad := strings.Replace(good, `permissions: '0600'`, "permissions: 0600", 1)
	if bad == good {
		t.Fatalf("no quoted 0600 permissions to break in:\n%s", good)
	}
	if ok, out := checkCloudConfig(t, cloudInit, bad); ok {
		t.Fatalf("cloud-init schema accepted an integer mode:\n%s", out)
	}
	if ok, out := checkCloudConfig(t, cloudInit, good); !ok {
		t.Fatalf("cloud-init schema refused the placeholder user data:\n%s", out)
	}
}

// TestCloudInitGoldenHoldsOnlyPlaceholders: a golden file is committed, so
// the keys in it must be the placeholders, never a real key.
func TestCloudInitGoldenHoldsOnlyPlaceholders(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"cloud-init.yaml", "aws.secrets"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		keys := regexp.MustCompile(`PSK "([^"]*)"`).FindAllStringSubmatch(string(b), -1)
		if len(keys) != 2 {
			t.Fatalf("%s: %d PSK lines, want 2", name, len(keys))
		}
		for _, k := range keys {
			if !strings.HasPrefix(k[1], "PLACEHOLDER.") {
				t.Errorf("%s holds a key that is not a placeholder (value not shown)", name)
			}
		}
	}
}
