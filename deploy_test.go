package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/haproxy"
	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
	"github.com/hybridlab/hybrid-cloud/internal/tooltest"
)

// tokyoFirstTargets are the URN globs of scripts/tokyo-first.targets, the
// one list scripts/deploy passes to its first `pulumi up` as --target, each
// completed for the dev stack with urn:pulumi:dev::PROJECT:: as the driver
// completes it (the project's name from Pulumi.yaml, as the driver reads it).
func tokyoFirstTargets(t *testing.T) (project string, globs []string) {
	t.Helper()
	project, _, err := mockengine.LoadStackConfig(".", "dev")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("scripts/tokyo-first.targets")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		globs = append(globs, "urn:pulumi:dev::"+project+"::"+line)
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	if len(globs) == 0 {
		t.Fatal("scripts/tokyo-first.targets names nothing")
	}
	return project, globs
}

// targetMatcher matches a URN as `pulumi up --target GLOB` does: `**` is
// any run of characters, `*` any run without a colon, the rest literal, the
// whole URN (pulumi/pulumi pkg/resource/deploy, UrnTargets.Contains).
func targetMatcher(globs []string) func(urn string) bool {
	var res []*regexp.Regexp
	for _, g := range globs {
		segments := strings.Split(g, "**")
		for i, seg := range segments {
			parts := strings.Split(seg, "*")
			for j, p := range parts {
				parts[j] = regexp.QuoteMeta(p)
			}
			segments[i] = strings.Join(parts, "[^:]*")
		}
		res = append(res, regexp.MustCompile("^"+strings.Join(segments, ".*")+"$"))
	}
	return func(urn string) bool {
		return slices.ContainsFunc(res, func(re *regexp.Regexp) bool { return re.MatchString(urn) })
	}
}

func TestTargetMatcherIsPulumis(t *testing.T) {
	t.Parallel()
	m := targetMatcher([]string{"urn:pulumi:dev::p::a:b:C$**::x-*"})
	for urn, want := range map[string]bool{
		"urn:pulumi:dev::p::a:b:C$aws:ec2/launchTemplate:LaunchTemplate::x-lt": true,
		"urn:pulumi:dev::p::a:b:C$aws:ec2/launchTemplate:LaunchTemplate::y-lt": false,
		// `*` stops at a colon.
		"urn:pulumi:dev::p::a:b:C$t::x-a:b": false,
		"urn:pulumi:prod::p::a:b:C$t::x-lt": false,
		"urn:pulumi:dev::p::a:b:D$t::x-lt":  false,
	} {
		if got := m(urn); got != want {
			t.Errorf("%s: matched %v, want %v", urn, got, want)
		}
	}
}

// TestTokyoFirstStepTouchesOnlyTokyo runs the dev stack twice (the second
// run following the first, as the next `pulumi up`: a replaced resource has
// new outputs), the second time with a change that rolls HAProxy, and splits
// the second run's changes as scripts/deploy does: its first, targeted
// `pulumi up` makes the changes whose URNs scripts/tokyo-first.targets
// matches; the full update after Tokyo's refresh makes the rest. The first
// step must change only Tokyo's HAProxy, and all of it (so the full update
// rolls only Seoul), and be a step the engine accepts: no targeted resource
// depends on one the step leaves uncreated ("untargeted create"), and none
// it replaces or deletes has an untargeted dependent.
//
// One thing the split cannot do: when a changed input of a Tokyo resource
// was computed from an untargeted resource that changes in the same run (a
// web node the change replaces, whose new address Tokyo's user data
// renders), the Tokyo step takes that resource's old outputs from state, and
// the full update changes Tokyo's resource again, with Seoul's. Such a case
// is declared (lagsUntargeted), and the test shows that scripts/deploy's
// check before the full update (scripts/lib/plan-changes.jq on the plan of
// the full update, for Tokyo's launch template and group) stops it, and that
// the check lets every other case through.
func TestTokyoFirstStepTouchesOnlyTokyo(t *testing.T) {
	t.Parallel()
	tooltest.Require(t, "jq", "jq")
	project, globs := tokyoFirstTargets(t)
	targeted := targetMatcher(globs)
	cases := []struct {
		dayTwo
		// tokyoOnly: Seoul's template does not change at all.
		tokyoOnly bool
		// lagsUntargeted: a Tokyo resource's changed input comes from an
		// untargeted resource that changes in the same run.
		lagsUntargeted bool
	}{
		{dayTwo: dayTwo{name: "the sticky cookie is turned on", config: setting("hybrid-cloud:haproxy", "stickyCookie", true)}},
		{dayTwo: dayTwo{name: "HAProxy rolls to a newer image", config: setting("hybrid-cloud:haproxy", "image", "al2023-ami-2023.9.20260105.0-kernel-6.1-x86_64")}},
		{dayTwo: dayTwo{name: "the proxies are renamed", config: setting("hybrid-cloud:haproxy", "backendName", "web_nodes")}},
		// Creates an egress rule in each region, and replaces a web node.
		// Tokyo's user data renders the node's address as the instance
		// reports it (its network interfaces). The address stays (a reserved
		// one), but the plan of the full update cannot know that: in a
		// preview a replaced instance's interfaces hold values the provider
		// computes, so they are unknown, and a property with any unknown part
		// is unknown as a whole to the program (Pulumi's Go SDK,
		// sdk/go/pulumi/context.go at v3.274.1, where a resource's outputs
		// resolve). So the check stops this case too.
		{dayTwo: dayTwo{name: "a web node moves to port 8080", config: setting("hybrid-cloud:webNodes", "oregon.port", 8080)}, lagsUntargeted: true},
		// Creates the image copy that Tokyo's template then launches.
		{dayTwo: dayTwo{name: "Tokyo switches to the copied image", config: setting("hybrid-cloud:haproxy", "tokyoFromAmi", true)}, tokyoOnly: true},
		{dayTwo: dayTwo{name: "a web node's address changes", world: func(e *mockengine.Engine) { e.MoveAddress("london-ip") }}},
		// Replaces london's public IP (its name is the node's): a new
		// address, which the Tokyo step cannot see yet.
		{dayTwo: dayTwo{name: "a web node is renamed", config: setting("hybrid-cloud:webNodes", "london.name", "london2")}, lagsUntargeted: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := devConfig(t)
			before := mockengine.New(project, "dev")
			if err := before.Run(program, cfg); err != nil {
				t.Fatalf("first run: %v", err)
			}
			if tc.config != nil {
				cfg = tc.config(t, cfg)
			}
			after := mockengine.New(project, "dev")
			after.Follow(before)
			if tc.world != nil {
				tc.world(after)
			}
			if err := after.Run(program, cfg); err != nil {
				t.Fatalf("second run: %v", err)
			}
			tokyoLT := after.Find(launchTemplateType, "haproxy-tokyo-lt")
			tokyo, seoul := after.Region(tokyoLT), after.Region(after.Find(launchTemplateType, "haproxy-seoul-lt"))
			if tokyo == "" || tokyo == seoul {
				t.Fatalf("Tokyo's region %q, Seoul's %q", tokyo, seoul)
			}
			// tokyosHAProxy: a resource of the haproxy pair in Tokyo's region.
			tokyosHAProxy := func(e *mockengine.Engine, urn string) bool {
				r := e.ByURN(urn)
				return r != nil && e.Component(r).Type == haproxy.PairType && e.Region(r) == tokyo
			}

			changes := mockengine.Diff(before, after)
			created, changed := map[string]bool{}, map[string]bool{}
			var first, rest []string
			for _, c := range changes {
				changed[c.URN] = true
				if c.Kind == mockengine.Create {
					created[c.URN] = true
				}
				// A deleted resource is only in the first run.
				e := after
				if c.Kind == mockengine.Delete {
					e = before
				}
				switch {
				case targeted(c.URN):
					first = append(first, c.String())
					if !tokyosHAProxy(e, c.URN) {
						t.Errorf("the Tokyo step changes %s, which is not Tokyo's HAProxy", c)
					}
				case tokyosHAProxy(e, c.URN):
					t.Errorf("%s is Tokyo's HAProxy but left to the full update, which would roll Tokyo with Seoul", c)
				default:
					rest = append(rest, c.String())
				}
			}
			if !slices.ContainsFunc(changes, func(c mockengine.Change) bool { return c.URN == tokyoLT.URN && targeted(c.URN) }) {
				t.Errorf("the Tokyo step does not roll Tokyo's template: %v", first)
			}
			if !tc.tokyoOnly && !slices.ContainsFunc(rest, func(s string) bool { return strings.Contains(s, " haproxy-seoul-lt ") }) {
				t.Errorf("the full update does not roll Seoul's template: %v", rest)
			}

			// The engine's rules for a targeted update.
			for _, c := range changes {
				if !targeted(c.URN) {
					continue
				}
				if c.Kind != mockengine.Delete {
					r := after.ByURN(c.URN)
					for _, dep := range dependencies(r) {
						if created[dep] && !targeted(dep) {
							t.Errorf("untargeted create: %s depends on %s, which the Tokyo step does not create", c.Name, dep)
						}
					}
				}
				if c.Kind == mockengine.Replace || c.Kind == mockengine.Delete {
					for _, r := range after.Resources() {
						if !targeted(r.URN) && slices.Contains(dependencies(r), c.URN) {
							t.Errorf("the Tokyo step %ss %s, on which untargeted %s depends", c.Kind, c.Name, r.Name)
						}
					}
				}
			}
			// The plan of the full update after the Tokyo step: the untargeted
			// changes, and each Tokyo change whose inputs come from one of them.
			var plan []planStep
			var lagging []string
			for _, c := range changes {
				if !targeted(c.URN) {
					plan = append(plan, stepOf(before, c))
					continue
				}
				if c.Kind == mockengine.Delete {
					continue
				}
				if from := untargetedSources(after.ByURN(c.URN), c, targeted, changed); len(from) > 0 {
					lagging = append(lagging, fmt.Sprintf("%s (from %s)", c, strings.Join(from, ", ")))
					plan = append(plan, stepOf(before, c))
				}
			}
			if (len(lagging) > 0) != tc.lagsUntargeted {
				t.Errorf("Tokyo changes that take an input from an untargeted resource changing in the same run, which the full update makes again: %v (declared: %v)", lagging, tc.lagsUntargeted)
			}
			tokyoASG := before.Find("aws:autoscaling/group:Group", "haproxy-tokyo-asg")
			if stopped := planChanges(t, plan, before.Find(launchTemplateType, "haproxy-tokyo-lt").ID, tokyoASG.ID) > 0; stopped != tc.lagsUntargeted {
				t.Errorf("scripts/deploy's check before the full update stops it: %v, want %v (Tokyo changes left to it: %v)", stopped, tc.lagsUntargeted, lagging)
			}
			t.Logf("Tokyo step:\n  %s\nfull update:\n  %s\nTokyo again in the full update:\n  %s", strings.Join(first, "\n  "), strings.Join(rest, "\n  "), strings.Join(lagging, "\n  "))
		})
	}
}

// untargetedSources are the untargeted resources that change in the same run
// (changed) and that one of c's changed inputs (every input of a create) of
// r was computed from: the Tokyo step sees their old outputs.
func untargetedSources(r *mockengine.Resource, c mockengine.Change, targeted func(string) bool, changed map[string]bool) []string {
	inputs := c.Inputs
	if c.Kind == mockengine.Create {
		inputs = slices.Collect(maps.Keys(r.PropertyDependencies))
	}
	var from []string
	for _, in := range inputs {
		for _, dep := range r.PropertyDependencies[in] {
			if !targeted(dep) && changed[dep] && !slices.Contains(from, dep) {
				from = append(from, dep)
			}
		}
	}
	slices.Sort(from)
	return from
}

// planStep is one step of `pulumi preview --json`, the fields that
// scripts/lib/plan-changes.jq reads.
type planStep struct {
	Op       string     `json:"op"`
	URN      string     `json:"urn"`
	OldState *planState `json:"oldState,omitempty"`
}

type planState struct {
	ID string `json:"id"`
}

// stepOf is c as a plan step; the old state's ID is the resource's ID in
// the state before (none for a create).
func stepOf(before *mockengine.Engine, c mockengine.Change) planStep {
	s := planStep{Op: string(c.Kind), URN: c.URN}
	if old := before.ByURN(c.URN); old != nil && c.Kind != mockengine.Create {
		s.OldState = &planState{ID: old.ID}
	}
	return s
}

// planChanges runs scripts/lib/plan-changes.jq, as scripts/deploy does, on
// a plan of steps: how many update or replace one of ids.
func planChanges(t *testing.T, steps []planStep, ids ...string) int {
	t.Helper()
	plan, err := json.Marshal(map[string]any{"steps": steps})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("jq", append([]string{"-f", "scripts/lib/plan-changes.jq", "--args"}, ids...)...)
	cmd.Stdin = bytes.NewReader(plan)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("jq -f scripts/lib/plan-changes.jq: %v", err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("plan-changes.jq answered %q", out)
	}
	return n
}

// TestTokyoFirstTargetsAreTokyosHAProxy: in a whole stack (dev, and with
// the copied image), the globs match Tokyo's HAProxy tier, every resource
// of it, and nothing else.
func TestTokyoFirstTargetsAreTokyosHAProxy(t *testing.T) {
	t.Parallel()
	project, globs := tokyoFirstTargets(t)
	targeted := targetMatcher(globs)
	for _, fromAmi := range []bool{false, true} {
		e := mockengine.New(project, "dev")
		if err := e.Run(program, setting("hybrid-cloud:haproxy", "tokyoFromAmi", fromAmi)(t, devConfig(t))); err != nil {
			t.Fatal(err)
		}
		tokyo := e.Region(e.Find(launchTemplateType, "haproxy-tokyo-lt"))
		var matched []string
		for _, r := range e.Resources() {
			ours := r.Custom && e.Component(r).Type == haproxy.PairType && e.Region(r) == tokyo
			if targeted(r.URN) != ours {
				t.Errorf("tokyoFromAmi %v: %s %s: targeted %v, Tokyo's HAProxy %v", fromAmi, r.Type, r.Name, targeted(r.URN), ours)
			}
			if ours {
				matched = append(matched, r.Name)
			}
		}
		for _, want := range []string{"haproxy-tokyo-lt", "haproxy-tokyo-asg", "haproxy-tokyo-sg", "haproxy-tokyo-alb-egress"} {
			if !slices.Contains(matched, want) {
				t.Errorf("tokyoFromAmi %v: %s is not targeted (targeted: %v)", fromAmi, want, matched)
			}
		}
		if fromAmi != slices.Contains(matched, "haproxy-ami-copy") {
			t.Errorf("tokyoFromAmi %v: the image copy targeted %v", fromAmi, !fromAmi)
		}
	}
}

// dependencies are every URN the engine counts as r's dependency in a
// targeted update: references, property dependencies, parent and provider.
func dependencies(r *mockengine.Resource) []string {
	deps := slices.Clone(r.Dependencies)
	for _, ds := range r.PropertyDependencies {
		deps = append(deps, ds...)
	}
	for _, d := range []string{r.Parent, r.Provider} {
		if d != "" {
			deps = append(deps, d)
		}
	}
	return deps
}
