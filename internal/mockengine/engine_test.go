package mockengine

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestRunCapturesEveryExportWithItsSecretness(t *testing.T) {
	t.Parallel()
	for i := 0; i < 20; i++ { // the race this guards against was intermittent
		e := New("p", "s")
		err := e.Run(func(ctx *pulumi.Context) error {
			ctx.Export("plain", pulumi.String("value"))
			ctx.Export("secret", pulumi.ToSecret(pulumi.String("hidden")))
			ctx.Export("number", pulumi.Int(3))
			return nil
		}, Config{})
		if err != nil {
			t.Fatal(err)
		}
		out := e.Outputs()
		if got := out["plain"]; got.Value != "value" || got.Secret {
			t.Fatalf("plain = %+v", got)
		}
		if got := out["secret"]; got.Value != "hidden" || !got.Secret {
			t.Fatalf("secret = %+v", got)
		}
		if got := out["number"]; got.Value != 3 {
			t.Fatalf("number = %+v", got)
		}
	}
}

func TestLoadStackConfigMergesProjectDefaultsAndMarksSecureValues(t *testing.T) {
	t.Parallel()
	project, cfg, err := LoadStackConfig("../..", "dev")
	if err != nil {
		t.Fatal(err)
	}
	if project != "hybrid-cloud" {
		t.Errorf("project %q", project)
	}
	if got := cfg.Values["pulumi:disable-default-providers"]; got == "" {
		t.Errorf("project-level value pulumi:disable-default-providers not merged")
	}
	if got := cfg.Values["hybrid-cloud:network"]; got == "" {
		t.Errorf("stack value hybrid-cloud:network missing")
	}
}
