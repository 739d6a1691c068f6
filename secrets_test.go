package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
	"github.com/hybridlab/hybrid-cloud/internal/plan"
	"github.com/hybridlab/hybrid-cloud/internal/stackconfig"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// Ciphertexts as `pulumi config set --secret --path` writes them (fakes:
// nothing can decrypt them, and nothing has to offline).
const (
	tunnel1Ciphertext = "v1:Zm9vYmFyYmF6cXV4:AAAAtunnel1ciphertextAAAA"
	tunnel2Ciphertext = "v1:cXV4YmF6YmFyZm9v:AAAAtunnel2ciphertextAAAA"
)

// stackWithPSKs writes Pulumi.yaml and a stack file "psk": the dev stack
// with presharedKeys from config, given as YAML for the two tunnels.
func stackWithPSKs(t *testing.T, tunnel1, tunnel2 string) string {
	t.Helper()
	dir := t.TempDir()
	proj, err := os.ReadFile("Pulumi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dev, err := os.ReadFile("Pulumi.dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const line = "    presharedKeys: {source: generated}\n"
	if !bytes.Contains(dev, []byte(line)) {
		t.Fatalf("Pulumi.dev.yaml has no line %q to replace", line)
	}
	keys := "    presharedKeys:\n      source: config\n      tunnel1: " + tunnel1 + "\n      tunnel2: " + tunnel2 + "\n"
	stack := bytes.Replace(dev, []byte(line), []byte(keys), 1)
	for name, b := range map[string][]byte{"Pulumi.yaml": proj, "Pulumi.psk.yaml": stack} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestPlanOfAStackWithSecretPSKs: a stack whose pre-shared keys are Pulumi
// secrets nested in the vpn object plans offline, and the plan shows the
// keys masked and never their ciphertexts or stand-ins.
func TestPlanOfAStackWithSecretPSKs(t *testing.T) {
	t.Parallel()
	dir := stackWithPSKs(t, "{secure: "+tunnel1Ciphertext+"}", "{secure: "+tunnel2Ciphertext+"}")
	var stdout, stderr bytes.Buffer
	if code := plan.Main(program, []string{"-stack", "psk", "-dir", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("plan exited %d:\n%s", code, stderr.String())
	}
	text := stdout.String()
	for _, want := range []string{
		"tunnel1PresharedKey=" + plan.Masked, "tunnel2PresharedKey=" + plan.Masked, "libreswanSecrets = " + plan.Masked,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("plan lacks %q", want)
		}
	}
	if strings.Contains(text, "random:index/randomPassword") {
		t.Error("the plan generates keys although the stack sets them")
	}
	for _, leak := range []string{tunnel1Ciphertext, tunnel2Ciphertext, "AAAAtunnel", mockengine.SecretPlaceholderPrefix} {
		if strings.Contains(text+stderr.String(), leak) {
			t.Errorf("the plan prints %q", leak)
		}
	}
}

// TestPlainTextPSKsAreRefused: keys set without --secret fail before
// anything is registered, naming the key and the command that fixes it,
// and never print the key.
func TestPlainTextPSKsAreRefused(t *testing.T) {
	t.Parallel()
	dir := stackWithPSKs(t, "plain.text.key_one", "plain.text.key_two")
	var stdout, stderr bytes.Buffer
	if code := plan.Main(program, []string{"-stack", "psk", "-dir", dir}, &stdout, &stderr); code != 1 {
		t.Fatalf("plan exited %d, want 1:\n%s", code, stderr.String())
	}
	mockengine.AssertErrorMentions(t, fmt.Errorf("%s", stderr.String()),
		"nothing would be created",
		"hybrid-cloud:vpn.presharedKeys.tunnel1: is plain text",
		"pulumi config set --secret --path 'vpn.presharedKeys.tunnel1' KEY",
		"hybrid-cloud:vpn.presharedKeys.tunnel2: is plain text",
		"pulumi config set --secret --path 'vpn.presharedKeys.tunnel2' KEY")
	if stdout.Len() != 0 || strings.Contains(stderr.String(), "plain.text.key") {
		t.Errorf("the refusal prints a plan or a key:\n%s%s", stdout.String(), stderr.String())
	}

	// The same stack with the object marked secret (as the CLI marks it when
	// any field in it is secure) runs.
	_, cfg, err := mockengine.LoadStackConfig(dir, "psk")
	if err != nil {
		t.Fatal(err)
	}
	cfg.SecretKeys = append(cfg.SecretKeys, "hybrid-cloud:vpn")
	if _, err := runStack(t, cfg); err != nil {
		t.Errorf("secret vpn object refused: %v", err)
	}
}

// credentialLike matches config paths whose name suggests a credential.
var credentialLike = regexp.MustCompile(`(?i)password|passwd|secret|token|psk|presharedkey|privatekey|publickey|sshkey|keypair|credential|accesskey|apikey`)

// notCredentials are the credential-like fields that are not credentials.
var notCredentials = map[string]string{
	"vpn.presharedKeys.source":          "where the keys come from, not a key",
	"vpn.gatewayVm.keyPair":             "the name of an OpenStack key pair; its private half never enters the stack",
	"webNodes.london.adminSshPublicKey": "the public half of an SSH key",
}

// TestEveryCredentialFieldIsKnown walks every config field: each one named
// like a credential must be listed in stackconfig.CredentialFields (and so be
// refused in plain text) or here as not a credential, so a new credential
// field cannot slip in unchecked.
func TestEveryCredentialFieldIsKnown(t *testing.T) {
	t.Parallel()
	var s stackconfig.Stack
	sections := map[string]any{
		"clouds": s.Clouds, "network": s.Network, "vpn": s.VPN,
		"webNodes": s.WebNodes, "haproxy": s.HAProxy, "gslb": s.GSLB,
		"protect": s.Protect, "monitoring": s.Monitoring, "exactNamesStack": s.ExactNamesStack,
	}
	if n := reflect.TypeOf(s).NumField(); n != len(sections) {
		t.Fatalf("stackconfig.Stack has %d sections, this test knows %d: add the new one", n, len(sections))
	}
	var paths []string
	for name, v := range sections {
		paths = append(paths, configPaths(name, reflect.TypeOf(v))...)
	}
	credentials := map[string]bool{}
	for section, fields := range stackconfig.CredentialFields {
		for _, f := range fields {
			credentials[section+"."+f] = true
			if !slices.Contains(paths, section+"."+f) {
				t.Errorf("stackconfig.CredentialFields lists %s.%s, which is not a config field", section, f)
			}
		}
	}
	for _, p := range paths {
		if credentialLike.MatchString(p) && !credentials[p] && notCredentials[p] == "" {
			t.Errorf("hybrid-cloud:%s looks like a credential: list it in its section's CredentialFields (refused unless secret) or in notCredentials with the reason", p)
		}
	}
	for p := range notCredentials {
		if !slices.Contains(paths, p) {
			t.Errorf("notCredentials lists %s, which is not a config field", p)
		}
	}
}

// configPaths lists the JSON paths of t's leaf fields (structs flattened,
// slices and maps entered).
func configPaths(prefix string, t reflect.Type) []string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return []string{prefix}
	}
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if f.Anonymous && name == "" {
			out = append(out, configPaths(prefix, f.Type)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, configPaths(prefix+"."+name, f.Type)...)
	}
	return out
}

// plainCredentials returns the credential fields a stack file holds in
// plain text. The program can only learn that a config object holds some
// secret; the file says which field, so this check is exact.
func plainCredentials(t *testing.T, proj *workspace.Project, path string) []string {
	t.Helper()
	st, err := workspace.LoadProjectStack(nil, proj, path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var plain []string
	for section, fields := range stackconfig.CredentialFields {
		v, ok := st.Config[config.MustMakeKey(proj.Name.String(), section)]
		if !ok {
			continue
		}
		obj, err := v.ToObject()
		if err != nil {
			t.Fatalf("%s: %s: %v", path, section, err)
		}
		for _, field := range fields {
			var cur any = obj
			for _, part := range strings.Split(field, ".") {
				m, _ := cur.(map[string]any)
				cur = m[part]
			}
			if cur == nil {
				continue
			}
			if m, ok := cur.(map[string]any); !ok || len(m) != 1 || m["secure"] == nil {
				plain = append(plain, section+"."+field)
			}
		}
	}
	slices.Sort(plain)
	return plain
}

// TestCommittedStackFilesKeepCredentialsSecret checks every committed
// Pulumi.<stack>.yaml field by field, and shows on a made-up stack that the
// check finds a plain key next to a secret one.
func TestCommittedStackFilesKeepCredentialsSecret(t *testing.T) {
	t.Parallel()
	proj, err := workspace.LoadProject("Pulumi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	stacks, err := filepath.Glob("Pulumi.*.yaml")
	if err != nil || len(stacks) == 0 {
		t.Fatalf("no stack files (%v)", err)
	}
	for _, path := range stacks {
		if plain := plainCredentials(t, proj, path); len(plain) != 0 {
			t.Errorf("%s holds %v in plain text: pulumi config set --secret --path 'FIELD' KEY", path, plain)
		}
	}

	mixed := stackWithPSKs(t, "{secure: "+tunnel1Ciphertext+"}", "plain.text.key_two")
	if got := plainCredentials(t, proj, filepath.Join(mixed, "Pulumi.psk.yaml")); !slices.Equal(got, []string{"vpn.presharedKeys.tunnel2"}) {
		t.Errorf("plain credentials of the mixed stack = %v, want [vpn.presharedKeys.tunnel2]", got)
	}
}

// TestPlainTextPSKBesideASecretIsRefused: the engine marks the whole vpn
// object secret when any field in it is, so it cannot tell a plain key
// beside a secret one; the stack file can, and the program reads it.
func TestPlainTextPSKBesideASecretIsRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, tunnel1, tunnel2 string
		extra                  [2]string // a line of the stack file to replace
		plain, secret          []string
	}{
		{name: "tunnel2 plain beside a secret tunnel1", tunnel1: "{secure: " + tunnel1Ciphertext + "}", tunnel2: "plain.text.key_two",
			plain: []string{"tunnel2"}, secret: []string{"tunnel1"}},
		{name: "both plain beside another secret field", tunnel1: "plain.text.key_one", tunnel2: "plain.text.key_two",
			extra: [2]string{"    connectionName: MY-VPN\n", "    connectionName: {secure: " + tunnel2Ciphertext + "}\n"},
			plain: []string{"tunnel1", "tunnel2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := stackWithPSKs(t, tc.tunnel1, tc.tunnel2)
			if tc.extra[0] != "" {
				path := filepath.Join(dir, "Pulumi.psk.yaml")
				b, err := os.ReadFile(path)
				if err != nil || !bytes.Contains(b, []byte(tc.extra[0])) {
					t.Fatalf("no line %q to replace (%v)", tc.extra[0], err)
				}
				if err := os.WriteFile(path, bytes.Replace(b, []byte(tc.extra[0]), []byte(tc.extra[1]), 1), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var stdout, stderr bytes.Buffer
			if code := plan.Main(program, []string{"-stack", "psk", "-dir", dir}, &stdout, &stderr); code != 1 {
				t.Fatalf("plan exited %d, want 1:\n%s", code, stderr.String())
			}
			for _, key := range tc.plain {
				if !strings.Contains(stderr.String(), "hybrid-cloud:vpn.presharedKeys."+key+": is plain text") {
					t.Errorf("%s is not named as plain text:\n%s", key, stderr.String())
				}
			}
			for _, key := range tc.secret {
				if strings.Contains(stderr.String(), "presharedKeys."+key+": is plain text") {
					t.Errorf("the secret %s is called plain text", key)
				}
			}
			if strings.Contains(stderr.String(), "plain.text.key") {
				t.Error("the refusal prints a key")
			}
		})
	}
}

// TestPlanMasksASecretUsedAsPlainText: a secure: value in a field that is no
// credential (a secret connection name) still never shows in the plan.
func TestPlanMasksASecretUsedAsPlainText(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, edit := range map[string]func([]byte) []byte{
		"Pulumi.yaml": func(b []byte) []byte { return b },
		"Pulumi.dev.yaml": func(b []byte) []byte {
			return bytes.Replace(b, []byte("    connectionName: MY-VPN\n"), []byte("    connectionName: {secure: "+tunnel1Ciphertext+"}\n"), 1)
		},
	} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), edit(b), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := plan.Main(program, []string{"-stack", "dev", "-dir", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("plan exited %d:\n%s", code, stderr.String())
	}
	if text := stdout.String(); strings.Contains(text, mockengine.SecretPlaceholderPrefix) || !strings.Contains(text, "tags.Name="+plan.Masked) {
		t.Errorf("the secret connection name is not masked in the plan")
	}
}
