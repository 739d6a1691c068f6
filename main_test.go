package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/testing/diagtest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// devConfig is Pulumi.dev.yaml as the engine would hand it to the program.
func devConfig(t *testing.T) mockengine.Config {
	t.Helper()
	return stackConfig(t, "dev")
}

func runStack(t *testing.T, cfg mockengine.Config) (*mockengine.Engine, error) {
	t.Helper()
	e := mockengine.New("hybrid-cloud", "dev")
	return e, e.Run(program, cfg)
}

func TestStackProvidersPointAtTheConfiguredRegions(t *testing.T) {
	t.Parallel()
	e, err := runStack(t, devConfig(t))
	if err != nil {
		t.Fatalf("stack failed: %v", err)
	}
	want := map[string]string{
		"aws-ap-northeast-2":   "ap-northeast-2",
		"aws-ap-northeast-1":   "ap-northeast-1",
		"aws-us-east-1":        "us-east-1",
		"azure-uksouth":        "uksouth",
		"gcp-us-west1":         "us-west1",
		"alicloud-cn-hongkong": "cn-hongkong",
		"openstack":            "",
	}
	providers := 0
	for _, r := range e.Resources() {
		if !strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue
		}
		providers++
		region, ok := want[r.Name]
		if !ok {
			t.Errorf("unexpected provider %s %s", r.Type, r.Name)
			continue
		}
		if got := e.Region(r); got != region {
			t.Errorf("provider %s: region %q, want %q", r.Name, got, region)
		}
	}
	if providers != len(want) {
		t.Errorf("%d providers registered, want %d", providers, len(want))
	}
	if gcp := e.Find("pulumi:providers:gcp", "gcp-us-west1"); gcp == nil || gcp.Inputs["project"].StringValue() != "hybrid-lab-dev" {
		t.Errorf("gcp provider lacks project hybrid-lab-dev: %v", gcp)
	}
}

func TestEveryResourceHasAnExplicitProviderAndAParent(t *testing.T) {
	t.Parallel()
	e, err := runStack(t, devConfig(t))
	if err != nil {
		t.Fatalf("stack failed: %v", err)
	}
	for _, r := range e.Resources() {
		if strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue
		}
		if !r.Custom {
			if !strings.HasPrefix(r.Type, "hybrid:") {
				t.Errorf("component %s %s: type token outside hybrid:", r.Type, r.Name)
			}
			continue
		}
		if r.Parent == "" {
			t.Errorf("%s %s has no component parent", r.Type, r.Name)
		}
		// random's resources need no cloud, so they may use the default provider.
		if r.Provider == "" && !strings.HasPrefix(r.Type, "random:") {
			t.Errorf("%s %s uses a default provider", r.Type, r.Name)
		}
	}
}

func TestPinnedPluginVersionsMatchGoMod(t *testing.T) {
	t.Parallel()
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for module, version := range map[string]string{
		"github.com/pulumi/pulumi-alicloud/sdk/v3":  alicloudPluginVersion,
		"github.com/pulumi/pulumi-openstack/sdk/v3": openstackPluginVersion,
	} {
		if !regexp.MustCompile(regexp.QuoteMeta(module) + ` v` + regexp.QuoteMeta(version) + `\b`).Match(mod) {
			t.Errorf("go.mod does not require %s v%s: keep the provider's pulumi.Version in step", module, version)
		}
	}
}

// What bad config is refused, and how, is one table: TestEveryConfigRule in
// config_rules_test.go.

func TestEveryConfigProblemIsReportedAtOnce(t *testing.T) {
	t.Parallel()
	dev := devConfig(t)
	network := dev.Object(t, "hybrid-cloud:network")
	network["vpcCidr"] = "not-a-cidr"
	gslb := dev.Object(t, "hybrid-cloud:gslb")
	gslb["zoneName"] = "Seojun.Shop."
	cfg := dev.Set("hybrid-cloud:network", network).Set("hybrid-cloud:gslb", gslb)
	_, err := runStack(t, cfg)
	if err == nil {
		t.Fatal("the stack ran; want config errors")
	}
	for _, key := range []string{"hybrid-cloud:network.vpcCidr", "hybrid-cloud:gslb.zoneName"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error does not name %s:\n%v", key, err)
		}
	}
}

// TestProjectAndStackFilesAreValid loads Pulumi.yaml and every stack file
// with the Pulumi SDK's own loaders (schema and config-type checks), so a
// file the CLI would refuse fails here first.
func TestProjectAndStackFilesAreValid(t *testing.T) {
	t.Parallel()
	proj, err := workspace.LoadProject("Pulumi.yaml")
	if err != nil {
		t.Fatalf("Pulumi.yaml: %v", err)
	}
	if proj.Name != "hybrid-cloud" || proj.Runtime.Name() != "go" {
		t.Errorf("project %s runtime %s, want hybrid-cloud / go", proj.Name, proj.Runtime.Name())
	}
	for _, key := range []string{"clouds", "network", "vpn", "webNodes", "haproxy", "gslb", "monitoring"} {
		decl, ok := proj.Config[key]
		if !ok {
			t.Errorf("Pulumi.yaml does not declare %s", key)
			continue
		}
		if decl.TypeName() != "object" || decl.Description == "" {
			t.Errorf("%s: type %q, description %q; want an object with a description", key, decl.TypeName(), decl.Description)
		}
	}
	for _, file := range stackFiles {
		stack, err := workspace.LoadProjectStack(diagtest.LogSink(t), proj, file)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for key, decl := range proj.Config {
			if strings.Contains(key, ":") {
				continue
			}
			v, ok := stack.Config[config.MustMakeKey("hybrid-cloud", key)]
			switch {
			case !ok:
				t.Errorf("%s sets no hybrid-cloud:%s", file, key)
			case decl.TypeName() == "object" && !v.Object():
				t.Errorf("%s: hybrid-cloud:%s is not an object, as Pulumi.yaml declares", file, key)
			}
		}
	}
}

// stackFiles are the stack files this repository ships; every one is loaded
// by the SDK and planned.
var stackFiles = []string{"Pulumi.dev.yaml", "Pulumi.prod.yaml"}
