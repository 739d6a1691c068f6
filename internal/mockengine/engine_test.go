package mockengine

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

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

func TestLookupFollowsPathsThroughSecretsAndArrays(t *testing.T) {
	t.Parallel()
	r := &Resource{Inputs: resource.NewPropertyMapFromMap(map[string]any{
		"aliases": []any{map[string]any{"name": "alb.example", "zoneId": "Z1"}},
		"tags":    map[string]any{"Name": "MY-VPC"},
		"ids":     []any{"a", "b"},
	})}
	r.Inputs["psk"] = resource.MakeSecret(resource.NewStringProperty("hidden"))
	cases := map[string]string{"aliases[0].name": "alb.example", "aliases[0].zoneId": "Z1", "tags.Name": "MY-VPC", "psk": "hidden", "ids[1]": "b", "ids[2]": "", "nope.x": ""}
	for path, want := range cases {
		if got := r.Str(path); got != want {
			t.Errorf("Str(%q) = %q, want %q", path, got, want)
		}
	}
	if !r.IsSecret("psk") || r.IsSecret("tags.Name") {
		t.Errorf("IsSecret: psk %v, tags.Name %v", r.IsSecret("psk"), r.IsSecret("tags.Name"))
	}
	if got := r.Strs("ids"); len(got) != 2 || got[0] != "a" {
		t.Errorf("Strs(ids) = %v", got)
	}
}

func TestTextRendersScalarsArraysAndMissingValues(t *testing.T) {
	t.Parallel()
	r := &Resource{Inputs: resource.NewPropertyMapFromMap(map[string]any{
		"port": 80, "on": true, "ids": []any{"a", 2}, "empty": []any{}, "o": map[string]any{"k": "v"},
	})}
	r.Inputs["psk"] = resource.MakeSecret(resource.NewStringProperty("hidden"))
	cases := map[string]string{"port": "80", "on": "true", "ids": "[a 2]", "empty": "[]", "o.k": "v", "psk": "hidden", "nope": "<unset>", "ids[5]": "<unset>"}
	for path, want := range cases {
		if got := r.Text(path); got != want {
			t.Errorf("Text(%q) = %q, want %q", path, got, want)
		}
	}
	// Value keeps the type, so == tells 80 from "80".
	if r.Value("port") != 80.0 || r.Value("on") != true || r.Value("o.k") != "v" || r.Value("psk") != "hidden" || r.Value("nope") != nil {
		t.Errorf("Value: port %#v, on %#v, o.k %#v, psk %#v, nope %#v", r.Value("port"), r.Value("on"), r.Value("o.k"), r.Value("psk"), r.Value("nope"))
	}
	if got := Str(r.Inputs, "port"); got != "" {
		t.Errorf("Str of a number = %q, want \"\"", got)
	}
}

func TestTheRunAwaitsWhatIsAppliedToResolvedOutputs(t *testing.T) {
	t.Parallel()
	for i := 0; i < 20; i++ { // a plain output's apply was seen to outlive the run
		var got atomic.Value
		err := New("p", "s").Run(func(ctx *pulumi.Context) error {
			Resolved(ctx, "value").ApplyT(func(s string) string {
				got.Store(s)
				return s
			})
			return nil
		}, Config{})
		if err != nil {
			t.Fatal(err)
		}
		if v := got.Load(); v != "value" {
			t.Fatalf("run %d returned before the apply ran (got %v)", i, v)
		}
	}
}

type component struct{ pulumi.ResourceState }

// The real engine refuses a second resource with a URN it has seen (two
// subnets named after one zone, say) and stops; so must the mock, with the
// engine's message, while names that differ in type or parent are fine.
func TestADuplicateURNFailsTheRunWithTheEnginesMessage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		program func(ctx *pulumi.Context) error
		dupURN  string
	}{
		{"same type and name", func(ctx *pulumi.Context) error {
			for i := 0; i < 2; i++ {
				if err := ctx.RegisterComponentResource("hybrid:test:C", "a", &component{}); err != nil {
					return err
				}
			}
			return nil
		}, "urn:pulumi:s::p::hybrid:test:C::a"},
		{"same child twice under one parent", func(ctx *pulumi.Context) error {
			parent := &component{}
			if err := ctx.RegisterComponentResource("hybrid:test:P", "p", parent); err != nil {
				return err
			}
			for i := 0; i < 2; i++ {
				if err := ctx.RegisterComponentResource("hybrid:test:C", "p-a", &component{}, pulumi.Parent(parent)); err != nil {
					return err
				}
			}
			return nil
		}, "urn:pulumi:s::p::hybrid:test:P$hybrid:test:C::p-a"},
		{"same name, other type or parent", func(ctx *pulumi.Context) error {
			parent := &component{}
			for _, r := range []struct {
				typ  string
				opts []pulumi.ResourceOption
			}{{"hybrid:test:P", nil}, {"hybrid:test:C", nil}, {"hybrid:test:C", []pulumi.ResourceOption{pulumi.Parent(parent)}}} {
				res := &component{}
				if r.typ == "hybrid:test:P" {
					res = parent
				}
				if err := ctx.RegisterComponentResource(r.typ, "a", res, r.opts...); err != nil {
					return err
				}
			}
			return nil
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := New("p", "s")
			err := e.Run(tc.program, Config{})
			if tc.dupURN == "" {
				if err != nil {
					t.Fatalf("distinct URNs refused: %v", err)
				}
				if n := len(e.OfType("hybrid:test:C")); n != 2 {
					t.Errorf("%d resources of hybrid:test:C recorded, want 2", n)
				}
				return
			}
			want := "Duplicate resource URN '" + tc.dupURN + "'; try giving it a unique name"
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("run error %v, want the engine's %q", err, want)
			}
			if n := len(e.OfType("hybrid:test:C")); n != 1 {
				t.Errorf("%d resources of hybrid:test:C recorded, want only the first", n)
			}
		})
	}
}
