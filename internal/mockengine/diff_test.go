package mockengine

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// thing is a custom resource of a made-up type, so these tests need no
// cloud SDK.
type thing struct {
	pulumi.CustomResourceState
}

const thingType = "test:index:Thing"

// declare registers a thing with inputs and options.
func declare(ctx *pulumi.Context, name string, inputs map[string]any, opts ...pulumi.ResourceOption) (*thing, error) {
	var r thing
	props := pulumi.Map{}
	for k, v := range inputs {
		props[k] = pulumi.Any(v)
	}
	return &r, ctx.RegisterResource(thingType, name, props, &r, opts...)
}

func run(t *testing.T, e *Engine, program pulumi.RunFunc) *Engine {
	t.Helper()
	if err := e.Run(program, Config{}); err != nil {
		t.Fatal(err)
	}
	return e
}

func changeLines(changes []Change) []string {
	var out []string
	for _, c := range changes {
		out = append(out, c.String())
	}
	return out
}

func TestDiffReportsCreatesDeletesInputAndOptionChanges(t *testing.T) {
	t.Parallel()
	before := run(t, New("p", "s"), func(ctx *pulumi.Context) error {
		for _, d := range []struct {
			name   string
			inputs map[string]any
		}{
			{"same", map[string]any{"a": "1"}},
			{"edited", map[string]any{"a": "1", "b": "2"}},
			{"guarded", map[string]any{"a": "1"}},
			{"gone", map[string]any{"a": "1"}},
		} {
			if _, err := declare(ctx, d.name, d.inputs); err != nil {
				return err
			}
		}
		return nil
	})
	after := run(t, New("p", "s"), func(ctx *pulumi.Context) error {
		if _, err := declare(ctx, "same", map[string]any{"a": "1"}); err != nil {
			return err
		}
		if _, err := declare(ctx, "edited", map[string]any{"a": "9", "c": "3"}); err != nil {
			return err
		}
		if _, err := declare(ctx, "guarded", map[string]any{"a": "1"}, pulumi.Protect(true), pulumi.IgnoreChanges([]string{"a"})); err != nil {
			return err
		}
		_, err := declare(ctx, "new", map[string]any{"a": "1"})
		return err
	})
	got := changeLines(Diff(before, after))
	slices.Sort(got)
	want := []string{
		"create " + thingType + " new",
		"delete " + thingType + " gone",
		"update " + thingType + " edited inputs[a,b,c]",
		"update " + thingType + " guarded options[protect,ignoreChanges]",
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("Diff =\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// A resource that moved (new name or parent) with an alias naming its old
// URN is the same resource, as the engine treats it; without the alias it
// is a delete and a create.
func TestDiffFollowsAliasesLikeTheEngine(t *testing.T) {
	t.Parallel()
	before := run(t, New("p", "s"), func(ctx *pulumi.Context) error {
		_, err := declare(ctx, "old-name", map[string]any{"a": "1"})
		return err
	})
	for _, tc := range []struct {
		name  string
		opts  []pulumi.ResourceOption
		wants []string
	}{
		{"with the alias", []pulumi.ResourceOption{pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String("old-name")}})}, nil},
		{"without it", nil, []string{"create " + thingType + " new-name", "delete " + thingType + " old-name"}},
	} {
		after := run(t, New("p", "s"), func(ctx *pulumi.Context) error {
			_, err := declare(ctx, "new-name", map[string]any{"a": "1"}, tc.opts...)
			return err
		})
		got := changeLines(Diff(before, after))
		slices.Sort(got)
		if !slices.Equal(got, tc.wants) {
			t.Errorf("%s: Diff = %q, want %q", tc.name, got, tc.wants)
		}
	}
}

// Alias specs resolve to URNs as the engine resolves them: missing parts
// default to the resource's own, a given parent replaces its parent.
func TestAliasSpecsResolveToTheOldURN(t *testing.T) {
	t.Parallel()
	e := run(t, New("p", "s"), func(ctx *pulumi.Context) error {
		var parent struct{ pulumi.ResourceState }
		if err := ctx.RegisterComponentResource("test:index:Box", "box", &parent); err != nil {
			return err
		}
		var other struct{ pulumi.ResourceState }
		if err := ctx.RegisterComponentResource("test:index:Crate", "crate", &other); err != nil {
			return err
		}
		_, err := declare(ctx, "moved", nil, pulumi.Parent(&parent),
			pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String("was"), Parent: &other}}))
		return err
	})
	r := e.Find(thingType, "moved")
	want := "urn:pulumi:s::p::test:index:Crate$" + thingType + "::was"
	if !slices.Contains(r.Options.Aliases, want) {
		t.Errorf("aliases %v, want %s", r.Options.Aliases, want)
	}
}

// invokeAmi looks an image up as the AWS SDK would.
func invokeAmi(ctx *pulumi.Context, name string, mostRecent bool) (string, error) {
	args := map[string]any{"owners": []string{"amazon"}, "filters": []map[string]any{{"name": "name", "values": []string{name}}}}
	if mostRecent {
		args["mostRecent"] = true
	}
	var res struct {
		Name string `pulumi:"name"`
	}
	err := ctx.Invoke("aws:ec2/getAmi:getAmi", args, &res)
	return res.Name, err
}

func TestImageLookupsAnswerLikeAVendorCatalog(t *testing.T) {
	t.Parallel()
	const exact = "al2023-ami-2023.9.20251208.0-kernel-6.1-x86_64"
	const pattern = "al2023-ami-2023.*-x86_64"
	for _, tc := range []struct {
		name       string
		newer      bool
		lookup     string
		mostRecent bool
		want, err  string
	}{
		{"exact name", false, exact, false, exact, ""},
		{"exact name after a newer image", true, exact, false, exact, ""},
		{"pattern, one match", false, pattern, false, "al2023-ami-2023." + olderImageStamp + "-x86_64", ""},
		{"pattern, newest of two", true, pattern, true, "al2023-ami-2023." + newerImageStamp + "-x86_64", ""},
		{"pattern, two matches, no mostRecent", true, pattern, false, "", "more than one result"},
	} {
		e := New("p", "s")
		if tc.newer {
			e.PublishNewerImages()
		}
		var got string
		err := e.Run(func(ctx *pulumi.Context) error {
			var err error
			got, err = invokeAmi(ctx, tc.lookup, tc.mostRecent)
			return err
		}, Config{})
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: err %v, want %q", tc.name, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

func TestLiteralRegexKnowsAnExactNameFromAPattern(t *testing.T) {
	t.Parallel()
	for re, want := range map[string]string{
		`^aliyun_3_x64_20G_alibase_20251030\.vhd$`: "aliyun_3_x64_20G_alibase_20251030.vhd",
		`^aliyun_3_x64_20G_alibase_.*\.vhd$`:       "",
		`aliyun_3\.vhd`:                            "", // unanchored: matches inside longer names
		`^(?i)aliyun$`:                             "", // case-folded: matches ALIYUN too
		`^a$`:                                      "a",
	} {
		got, ok := literalRegex(re)
		if got != want || ok != (want != "") {
			t.Errorf("literalRegex(%q) = %q, %v; want %q", re, got, ok, want)
		}
	}
}

func TestMoveAddressChangesOnlyTheNamedResourcesAddress(t *testing.T) {
	t.Parallel()
	a, b := &Resource{Name: "london-ip", URN: "urn:a"}, &Resource{Name: "oregon-ip", URN: "urn:b"}
	e := New("p", "s")
	beforeA, beforeB := e.PublicIP(a), e.PublicIP(b)
	e.MoveAddress("london-ip")
	if e.PublicIP(a) == beforeA {
		t.Error("the moved resource kept its address")
	}
	if e.PublicIP(b) != beforeB {
		t.Error("another resource's address moved too")
	}
	if New("p", "s").PublicIP(a) != beforeA {
		t.Error("addresses are not stable from run to run")
	}
}

func TestReplacesKnowsTheProvidersForceNewFields(t *testing.T) {
	t.Parallel()
	instance := func(replaceOnUserData bool) *Resource {
		return &Resource{Type: "aws:ec2/instance:Instance", Inputs: resource.NewPropertyMapFromMap(map[string]any{
			"userDataReplaceOnChange": replaceOnUserData,
		})}
	}
	vm := &Resource{Type: "azure-native:compute:VirtualMachine", Options: Options{ReplaceOnChanges: []string{"osProfile.customData"}}}
	for _, tc := range []struct {
		name    string
		r       *Resource
		changed []string
		want    bool
	}{
		{"an instance's image", instance(false), []string{"ami"}, true},
		{"an instance's tags", instance(false), []string{"tags"}, false},
		{"user data, replace on change", instance(true), []string{"userData"}, true},
		{"user data, updated in place", instance(false), []string{"userData"}, false},
		{"a nested replaceOnChanges path", vm, []string{"osProfile"}, true},
		{"another field of that VM", vm, []string{"hardwareProfile"}, false},
		{"any input of a random password", &Resource{Type: "random:index/randomPassword:RandomPassword"}, []string{"length"}, true},
		{"a type with no entry", &Resource{Type: thingType}, []string{"a"}, false},
	} {
		if got := replaces(tc.r, tc.changed); got != tc.want {
			t.Errorf("%s: replaces = %v, want %v", tc.name, got, tc.want)
		}
	}
}
