package plan

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestSettingsMaskSecretsAndSummariseFiles(t *testing.T) {
	t.Parallel()
	userData := "#!/bin/bash\necho hello\n"
	inputs := resource.NewPropertyMapFromMap(map[string]any{
		"name":     "MY-VPC",
		"tags":     map[string]any{"Name": "MY-CGW"},
		"ports":    []any{80, 443},
		"userData": userData,
		"desc":     "two words",
	})
	inputs["psk"] = resource.MakeSecret(resource.NewStringProperty("do-not-print"))
	inputs["key"] = resource.NewOutputProperty(resource.Output{Element: resource.NewStringProperty("do-not-print"), Known: true, Secret: true})
	inputs["id"] = resource.MakeComputed(resource.NewStringProperty(""))
	inputs["arn"] = resource.NewOutputProperty(resource.Output{Element: resource.NewStringProperty("arn:aws:x"), Known: true})
	long := strings.Repeat("a", 101)
	inputs["policy"] = resource.NewStringProperty(long)
	got := settings(inputs)
	for _, want := range []string{
		"name=MY-VPC", "tags.Name=MY-CGW", "ports[0]=80", "ports[1]=443", `desc="two words"`,
		"psk=" + Masked, "key=" + Masked, "id=(known after apply)", "arn=arn:aws:x",
		fmt.Sprintf("userData=<23 bytes, sha256:%.12x>", sha256.Sum256([]byte(userData))),
		fmt.Sprintf("policy=<101 bytes, sha256:%.12x>", sha256.Sum256([]byte(long))),
	} {
		if !strings.Contains(got, want) {
			t.Errorf("settings lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "do-not-print") || strings.Contains(got, "echo hello") {
		t.Errorf("settings print a secret or a file's content:\n%s", got)
	}
}

func TestMainReportsAMissingStack(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	code := Main(func(*pulumi.Context) error { return nil }, []string{"-stack", "nope", "-dir", "../.."}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "Pulumi.nope.yaml") || stdout.Len() != 0 {
		t.Errorf("exit %d, stderr %q, stdout %q; want 1 naming Pulumi.nope.yaml", code, stderr.String(), stdout.String())
	}
}

func TestMainReportsAFailingProgram(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	failing := func(*pulumi.Context) error { return errTest }
	if code := Main(failing, []string{"-dir", "../.."}, &stdout, &stderr); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(stderr.String(), "nothing would be created") || !strings.Contains(stderr.String(), errTest.Error()) {
		t.Errorf("stderr %q", stderr.String())
	}
}

// A program that registers one URN twice fails the plan with the engine's
// message, and says that what came before would already exist.
func TestMainRefusesADuplicateURNAsTheEngineDoes(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	twice := func(ctx *pulumi.Context) error {
		for i := 0; i < 2; i++ {
			var b testBucket
			if err := ctx.RegisterResource("test:index:Bucket", "b", nil, &b); err != nil {
				return err
			}
		}
		return nil
	}
	if code := Main(twice, []string{"-dir", "../.."}, &stdout, &stderr); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{"Duplicate resource URN 'urn:pulumi:dev::hybrid-cloud::test:index:Bucket::b'; try giving it a unique name", "after registering 1 resource(s)"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	if stdout.Len() != 0 {
		t.Errorf("a plan was printed:\n%s", stdout.String())
	}
}

type testBucket struct{ pulumi.CustomResourceState }

var errTest = errors.New("hybrid-cloud:vpn.onPremCidr: overlaps")
