package webnodes_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
	"github.com/hybridlab/hybrid-cloud/internal/stackconfig"
	"github.com/hybridlab/hybrid-cloud/webnodes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const webNodesKey = "hybrid-cloud:webNodes"

var devRegions = webnodes.Regions{Gcp: "us-west1", Alicloud: "cn-hongkong", Azure: "uksouth"}

// devStack is Pulumi.dev.yaml as the engine hands it to the program.
func devStack(t *testing.T) mockengine.Config {
	t.Helper()
	_, cfg, err := mockengine.LoadStackConfig("..", "dev")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// devNodes is the dev stack's webNodes section.
func devNodes(t *testing.T) webnodes.Config {
	t.Helper()
	var c webnodes.Config
	if err := json.Unmarshal([]byte(devStack(t).Values[webNodesKey]), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDevConfigIsValid(t *testing.T) {
	t.Parallel()
	c := devNodes(t)
	if err := c.Validate(devRegions); err != nil {
		t.Fatal(err)
	}
	// The note's values, so that a YAML slip cannot pass as "valid".
	if c.Seoul.Label != "SEOUL" || c.London.ResourceGroup != "RG-TEST" || c.London.Zone != "1" ||
		c.Oregon.Zone != "us-west1-b" || c.Oregon.MachineType != "e2-micro" || c.HongKong.Zone != "cn-hongkong-b" {
		t.Errorf("dev config drifted from the note: %+v", c)
	}
}

func TestValidateNamesTheKeyOfEveryProblem(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(c *webnodes.Config)
		want   []string
	}{
		{"GCP zone of another region", func(c *webnodes.Config) { c.Oregon.Zone = "us-east1-b" },
			[]string{"hybrid-cloud:webNodes.oregon.zone", `"us-east1-b"`, "not a zone of us-west1"}},
		{"GCP region given as zone", func(c *webnodes.Config) { c.Oregon.Zone = "us-west1" },
			[]string{"hybrid-cloud:webNodes.oregon.zone"}},
		{"Alibaba zone of another region", func(c *webnodes.Config) { c.HongKong.Zone = "cn-shanghai-b" },
			[]string{"hybrid-cloud:webNodes.hongkong.zone", "cn-hongkong"}},
		{"Azure zone 4", func(c *webnodes.Config) { c.London.Zone = "4" },
			[]string{"hybrid-cloud:webNodes.london.zone", `"4" is not allowed`, "1, 2, 3"}},
		{"empty label", func(c *webnodes.Config) { c.Seoul.Label = "" },
			[]string{"hybrid-cloud:webNodes.seoul.label: is required"}},
		{"label with markup", func(c *webnodes.Config) { c.London.Label = "<script>" },
			[]string{"hybrid-cloud:webNodes.london.label", "letters, digits"}},
		{"port 0", func(c *webnodes.Config) { c.Oregon.Port = 0 },
			[]string{"hybrid-cloud:webNodes.oregon.port", "0 is out of range", "1 to 65535"}},
		{"port 65536", func(c *webnodes.Config) { c.HongKong.Port = 65536 },
			[]string{"hybrid-cloud:webNodes.hongkong.port", "65536 is out of range"}},
		{"empty sizes", func(c *webnodes.Config) {
			c.Seoul.InstanceType, c.London.VMSize, c.Oregon.MachineType, c.HongKong.InstanceType = "", "", "", ""
		}, []string{
			"hybrid-cloud:webNodes.seoul.instanceType", "hybrid-cloud:webNodes.london.vmSize",
			"hybrid-cloud:webNodes.oregon.machineType", "hybrid-cloud:webNodes.hongkong.instanceType",
		}},
		{"unknown image", func(c *webnodes.Config) { c.Oregon.Image = "centos-7" },
			[]string{"hybrid-cloud:webNodes.oregon.image", `"centos-7" is not allowed`, "rocky-linux-9"}},
		{"AMI name pattern", func(c *webnodes.Config) { c.Seoul.ImageName = "al2023-ami-2023.*-x86_64" },
			[]string{"hybrid-cloud:webNodes.seoul.imageName", "no wildcards", "al2023-ami-2023.9.20251208.0-kernel-6.1-x86_64"}},
		{"AMI of another family", func(c *webnodes.Config) {
			c.Seoul.ImageName = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20251212"
		}, []string{"hybrid-cloud:webNodes.seoul.imageName"}},
		{"no AMI name", func(c *webnodes.Config) { c.Seoul.ImageName = "" },
			[]string{"hybrid-cloud:webNodes.seoul.imageName: is required"}},
		{"Alibaba image regex", func(c *webnodes.Config) { c.HongKong.ImageName = `aliyun_3_x64_20G_alibase_.*\.vhd` },
			[]string{"hybrid-cloud:webNodes.hongkong.imageName", "no wildcards"}},
		{"Alibaba image of another family", func(c *webnodes.Config) { c.HongKong.ImageName = "ubuntu_22_04_x64_20G_alibase_20251103.vhd" },
			[]string{"hybrid-cloud:webNodes.hongkong.imageName", "aliyun_3_x64_20G_alibase_20251030.vhd"}},
		{"Azure image version latest", func(c *webnodes.Config) { c.London.ImageVersion = "latest" },
			[]string{"hybrid-cloud:webNodes.london.imageVersion", "not latest", "24.04.202512100"}},
		{"no Azure image version", func(c *webnodes.Config) { c.London.ImageVersion = "" },
			[]string{"hybrid-cloud:webNodes.london.imageVersion: is required"}},
		{"Azure image version of another release", func(c *webnodes.Config) { c.London.ImageVersion = "22.04.202512100" },
			[]string{"hybrid-cloud:webNodes.london.imageVersion", "24.04.202512100"}},
		{"GCP image family instead of an image", func(c *webnodes.Config) { c.Oregon.ImageName = "rocky-linux-9" },
			[]string{"hybrid-cloud:webNodes.oregon.imageName", "no family", "rocky-linux-9-v20250709"}},
		{"GCP image path instead of a name", func(c *webnodes.Config) {
			c.Oregon.ImageName = "projects/rocky-linux-cloud/global/images/rocky-linux-9-v20250709"
		}, []string{"hybrid-cloud:webNodes.oregon.imageName", "rocky-linux-9-v20250709"}},
		{"GCP image of another family", func(c *webnodes.Config) { c.Oregon.ImageName = "debian-12-bookworm-v20251209" },
			[]string{"hybrid-cloud:webNodes.oregon.imageName", "rocky-linux-9-v20250709"}},
		{"no GCP image name", func(c *webnodes.Config) { c.Oregon.ImageName = "" },
			[]string{"hybrid-cloud:webNodes.oregon.imageName: is required"}},
		{"vSwitch outside the VPC", func(c *webnodes.Config) { c.HongKong.VswitchCidr = "10.41.0.0/24" },
			[]string{"hybrid-cloud:webNodes.hongkong.vswitchCidr", "not inside vpcCidr 10.40.0.0/16"}},
		{"Azure subnet outside the VNet", func(c *webnodes.Config) { c.London.SubnetCidr = "10.99.0.0/24" },
			[]string{"hybrid-cloud:webNodes.london.subnetCidr", "not inside vnetCidr"}},
		{"SSH open to the internet", func(c *webnodes.Config) { c.London.AdminCidr = "0.0.0.0/0" },
			[]string{"hybrid-cloud:webNodes.london.adminCidr", "broader than a /16"}},
		{"not an SSH key", func(c *webnodes.Config) { c.London.AdminSSHPublicKey = "hunter2" },
			[]string{"hybrid-cloud:webNodes.london.adminSshPublicKey", "OpenSSH public key"}},
		{"no public bandwidth", func(c *webnodes.Config) { c.HongKong.BandwidthMbps = 0 },
			[]string{"hybrid-cloud:webNodes.hongkong.bandwidthMbps", "1 to 100"}},
		{"GCP name too long for its service account", func(c *webnodes.Config) { c.Oregon.Name = strings.Repeat("o", 27) },
			[]string{"hybrid-cloud:webNodes.oregon.name", "6-30 characters"}},
		{"two nodes with one label", func(c *webnodes.Config) { c.Oregon.Label = "seoul" },
			[]string{"hybrid-cloud:webNodes.seoul.label", "oregon's label"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := devNodes(t)
			tc.change(&c)
			err := c.Validate(devRegions)
			if err == nil {
				t.Fatal("Validate accepted the config")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q:\n%v", w, err)
				}
			}
		})
	}
}

// Every problem of the section is reported at once.
func TestValidateReportsEveryProblemTogether(t *testing.T) {
	t.Parallel()
	c := devNodes(t)
	c.Seoul.Port, c.London.Label, c.Oregon.Zone, c.HongKong.Zone = 0, "", "europe-west1-b", "xx"
	err := c.Validate(devRegions)
	if err == nil {
		t.Fatal("Validate accepted the config")
	}
	for _, key := range []string{"seoul.port", "london.label", "oregon.zone", "hongkong.zone"} {
		if !strings.Contains(err.Error(), "hybrid-cloud:webNodes."+key) {
			t.Errorf("error does not name %s:\n%v", key, err)
		}
	}
}

// The whole stack's config path: a bad node fails stackconfig.Load with the
// key named, before the program registers anything.
func TestBadNodeConfigFailsTheStackBeforeAnyResource(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(m map[string]any)
		want   string
	}{
		{"unknown zone", func(m map[string]any) { m["oregon"].(map[string]any)["zone"] = "us-west1-z9" },
			"hybrid-cloud:webNodes.oregon.zone"},
		{"empty region label", func(m map[string]any) { m["london"].(map[string]any)["label"] = "" },
			"hybrid-cloud:webNodes.london.label"},
		{"port outside 1-65535", func(m map[string]any) { m["hongkong"].(map[string]any)["port"] = 70000 },
			"hybrid-cloud:webNodes.hongkong.port"},
		{"misspelt field", func(m map[string]any) { m["seoul"].(map[string]any)["instanceSize"] = "t3.micro" },
			`unknown field "instanceSize"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := devStack(t)
			obj := cfg.Object(t, webNodesKey)
			tc.change(obj)
			e := mockengine.New("hybrid-cloud", "dev")
			err := e.Run(func(ctx *pulumi.Context) error {
				_, err := stackconfig.Load(ctx)
				return err
			}, cfg.Set(webNodesKey, obj))
			mockengine.AssertErrorMentions(t, err, tc.want)
			if n := len(e.Resources()); n != 0 {
				t.Errorf("%d resources registered", n)
			}
		})
	}
}
