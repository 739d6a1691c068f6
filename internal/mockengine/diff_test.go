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

// decide reads the provider's replace paths from replace_facts.json and
// compares values at nested paths, not top-level keys.
func TestDecideKnowsTheProvidersForceNewFields(t *testing.T) {
	t.Parallel()
	res := func(typ string, inputs map[string]any, opts Options) *Resource {
		return &Resource{Type: typ, Inputs: resource.NewPropertyMapFromMap(inputs), Options: opts}
	}
	const instance, vm, conn = "aws:ec2/instance:Instance", "azure-native:compute:VirtualMachine", "aws:ec2/vpnConnection:VpnConnection"
	customData := Options{ReplaceOnChanges: []string{"osProfile.customData"}}
	osProfile := func(user, data string) map[string]any {
		return map[string]any{"osProfile": map[string]any{"adminUsername": user, "customData": data}}
	}
	for _, tc := range []struct {
		name           string
		before, after  *Resource
		replace, first bool
	}{
		{"an instance's image", res(instance, map[string]any{"ami": "a"}, Options{}), res(instance, map[string]any{"ami": "b"}, Options{}), true, false},
		{"an instance's tags", res(instance, map[string]any{"tags": map[string]any{"a": "1"}}, Options{}), res(instance, map[string]any{"tags": map[string]any{"a": "2"}}, Options{}), false, false},
		{"user data, replace on change",
			res(instance, map[string]any{"userData": "a", "userDataReplaceOnChange": true}, Options{}),
			res(instance, map[string]any{"userData": "b", "userDataReplaceOnChange": true}, Options{}), true, false},
		{"user data, updated in place", res(instance, map[string]any{"userData": "a"}, Options{}), res(instance, map[string]any{"userData": "b"}, Options{}), false, false},
		{"the nested replaceOnChanges path", res(vm, osProfile("u", "a"), customData), res(vm, osProfile("u", "b"), customData), true, false},
		{"another field of the same object", res(vm, osProfile("u", "a"), customData), res(vm, osProfile("v", "a"), customData), false, false},
		{"a tunnel's inside CIDR", res(conn, map[string]any{"tunnel1InsideCidr": "169.254.11.0/30"}, Options{}),
			res(conn, map[string]any{"tunnel1InsideCidr": "169.254.21.0/30"}, Options{}), true, false},
		{"the remote network CIDR", res(conn, map[string]any{"remoteIpv4NetworkCidr": "10.0.0.0/16"}, Options{}),
			res(conn, map[string]any{"remoteIpv4NetworkCidr": "10.1.0.0/16"}, Options{}), false, false},
		{"an ignored change", res(instance, map[string]any{"ami": "a"}, Options{IgnoreChanges: []string{"ami"}}),
			res(instance, map[string]any{"ami": "b"}, Options{IgnoreChanges: []string{"ami"}}), false, false},
		{"any input of a random password", res("random:index/randomPassword:RandomPassword", map[string]any{"length": 32}, Options{}),
			res("random:index/randomPassword:RandomPassword", map[string]any{"length": 40}, Options{}), true, false},
		{"an explicitly named target group's port",
			res("aws:lb/targetGroup:TargetGroup", map[string]any{"name": "TG", "port": 80}, Options{}),
			res("aws:lb/targetGroup:TargetGroup", map[string]any{"name": "TG", "port": 8080}, Options{}), true, true},
		{"an auto-named target group's port",
			res("aws:lb/targetGroup:TargetGroup", map[string]any{"port": 80}, Options{}),
			res("aws:lb/targetGroup:TargetGroup", map[string]any{"port": 8080}, Options{}), true, false},
		{"a type with no facts", res(thingType, map[string]any{"a": "1"}, Options{}), res(thingType, map[string]any{"a": "2"}, Options{}), false, false},
	} {
		d := decide(tc.before, tc.after)
		if d.replace != tc.replace || d.deleteFirst != tc.first {
			t.Errorf("%s: replace %v, delete first %v; want %v, %v", tc.name, d.replace, d.deleteFirst, tc.replace, tc.first)
		}
	}
}

// An ignored path keeps its old value for the diff, nested ones too.
func TestIgnoreChangesKeepsTheOldValueAtThePath(t *testing.T) {
	t.Parallel()
	olds := resource.NewPropertyMapFromMap(map[string]any{"a": "1", "o": map[string]any{"x": "1", "y": "1"}, "l": []any{map[string]any{"x": "1"}}})
	news := resource.NewPropertyMapFromMap(map[string]any{"a": "2", "o": map[string]any{"x": "2", "y": "2"}, "l": []any{map[string]any{"x": "2"}}})
	got := changedInputs(olds, withIgnoredChanges(olds, news, []string{"a", "o.x", "l[*].x"}))
	if want := []string{"o"}; !slices.Equal(got, want) {
		t.Errorf("changed %v, want %v (o.y still differs)", got, want)
	}
	if !Lookup(news, "a").DeepEquals(resource.NewStringProperty("2")) || !Lookup(news, "o.x").DeepEquals(resource.NewStringProperty("2")) {
		t.Error("withIgnoredChanges changed the new inputs it was given")
	}
}

// In a following run a replaced resource gets a new ID, which its
// dependents see; an updated one keeps its ID.
func TestAFollowingRunGivesAReplacementANewID(t *testing.T) {
	t.Parallel()
	program := func(ami string) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			var inst thing
			if err := ctx.RegisterResource("aws:ec2/instance:Instance", "web", pulumi.Map{"ami": pulumi.String(ami)}, &inst); err != nil {
				return err
			}
			var eip thing
			return ctx.RegisterResource("aws:ec2/eip:Eip", "web-eip", pulumi.Map{"instance": inst.ID()}, &eip)
		}
	}
	before := run(t, New("p", "s"), program("ami-1"))
	same := New("p", "s")
	same.Follow(before)
	run(t, same, program("ami-1"))
	if a, b := before.Find("aws:ec2/instance:Instance", "web").ID, same.Find("aws:ec2/instance:Instance", "web").ID; a != b {
		t.Errorf("an unchanged instance's ID moved from %s to %s", a, b)
	}
	after := New("p", "s")
	after.Follow(before)
	run(t, after, program("ami-2"))
	got := changeLines(Diff(before, after))
	want := []string{
		"replace aws:ec2/instance:Instance web inputs[ami]",
		"update aws:ec2/eip:Eip web-eip inputs[instance]",
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("Diff =\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// Each update of a launch template is a new version; a run that changes
// nothing keeps it.
func TestLaunchTemplateVersionsCountUp(t *testing.T) {
	t.Parallel()
	program := func(image string) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			var lt thing
			return ctx.RegisterResource("aws:ec2/launchTemplate:LaunchTemplate", "lt",
				pulumi.Map{"imageId": pulumi.String(image), "updateDefaultVersion": pulumi.Bool(true)}, &lt)
		}
	}
	e := run(t, New("p", "s"), program("ami-1"))
	for i, image := range []string{"ami-2", "ami-2", "ami-3"} {
		next := New("p", "s")
		next.Follow(e)
		e = run(t, next, program(image))
		got := e.Find("aws:ec2/launchTemplate:LaunchTemplate", "lt").Outputs
		want := []float64{2, 2, 3}[i]
		if Lookup(got, "latestVersion").NumberValue() != want || Lookup(got, "defaultVersion").NumberValue() != want {
			t.Errorf("run %d (%s): latest %v, default %v; want %v", i+2, image, got["latestVersion"], got["defaultVersion"], want)
		}
	}
}

func TestChangeNamesADeleteFirstReplacement(t *testing.T) {
	t.Parallel()
	c := Change{Kind: Replace, Type: "aws:lb/targetGroup:TargetGroup", Name: "tg", Inputs: []string{"port"}, DeleteFirst: true}
	if got, want := c.String(), "replace (delete first) aws:lb/targetGroup:TargetGroup tg inputs[port]"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}

// Two facts docs/webnodes.md rests on, in two runs: google_compute_firewall's
// network is not ForceNew at the pinned google-beta (a7852343; its Update
// sends network in the PATCH), and azure-native replaces a public IP for
// neither forceNewMap nor x-ms-mutability on zones. Both are updates.
func TestAFirewallsNetworkAndAPublicIPsZonesAreUpdatedInPlace(t *testing.T) {
	t.Parallel()
	program := func(network, zone string) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			var fw, ip thing
			if err := ctx.RegisterResource("gcp:compute/firewall:Firewall", "fw", pulumi.Map{
				"name": pulumi.String("oregon-allow-http"), "network": pulumi.String(network),
			}, &fw, pulumi.DeleteBeforeReplace(true)); err != nil {
				return err
			}
			return ctx.RegisterResource("azure-native:network:PublicIPAddress", "ip", pulumi.Map{
				"publicIpAddressName": pulumi.String("london-ip"), "zones": pulumi.StringArray{pulumi.String(zone)},
			}, &ip)
		}
	}
	before := run(t, New("p", "s"), program("default", "1"))
	after := New("p", "s")
	after.Follow(before)
	run(t, after, program("oregon-vpc", "2"))
	got := changeLines(Diff(before, after))
	want := []string{
		"update azure-native:network:PublicIPAddress ip inputs[zones]",
		"update gcp:compute/firewall:Firewall fw inputs[network]",
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("Diff =\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
