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
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
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

// regions are the AWS regions of Seoul (primary) and Tokyo (secondary) in a run.
func regions(t *testing.T, e *mockengine.Engine) (seoul, tokyo string) {
	t.Helper()
	seoul = e.Region(e.Find(launchTemplateType, "haproxy-seoul-lt"))
	tokyo = e.Region(e.Find(launchTemplateType, "haproxy-tokyo-lt"))
	if tokyo == "" || tokyo == seoul {
		t.Fatalf("Tokyo's region %q, Seoul's %q", tokyo, seoul)
	}
	return seoul, tokyo
}

// frontDoorTypes are what a region's ALB is made of: its security group,
// the ALB, its target group (their listeners and records depend on them).
var frontDoorTypes = []string{"aws:ec2/securityGroup:SecurityGroup", albType, targetType}

// tokyosSide is what the Tokyo step must update, derived from the run, not
// from the globs: Tokyo's HAProxy tier and the security group, ALB and
// target group of Tokyo's front door, and every resource that depends on one
// of them, transitively (their rules, listeners, the `tokyo` alias, the
// passive check, the SECONDARY failover record, Tokyo's alarms), but the
// dashboard (dashboardType), in Seoul's region, whose body names Tokyo's
// ALB, target group and check as text (scripts/tokyo-first.targets). The step may replace any of the roots; a dependent left to the
// full update would keep the old one (see deployStep).
func tokyosSide(t *testing.T, e *mockengine.Engine) map[string]bool {
	t.Helper()
	_, tokyo := regions(t, e)
	side := map[string]bool{}
	for _, r := range e.Resources() {
		if !r.Custom || e.Region(r) != tokyo {
			continue
		}
		c := e.Component(r)
		if c.Type == haproxy.PairType || c.Type == "hybrid:gslb:Failover" && slices.Contains(frontDoorTypes, r.Type) {
			side[r.URN] = true
		}
	}
	for grew := true; grew; {
		grew = false
		for _, r := range e.Resources() {
			if side[r.URN] || !r.Custom || r.Type == dashboardType {
				continue
			}
			if slices.ContainsFunc(dependencies(r), func(d string) bool { return side[d] }) {
				side[r.URN], grew = true, true
			}
		}
	}
	return side
}

// seoulsSide is what the Tokyo step must not touch: every resource in
// Seoul's region (Route 53 aside: it is global, and this stack reaches it
// through Seoul's provider), and everything Seoul serves through: what
// Seoul's failover record and Seoul's HAProxy group depend on, transitively
// (its ALB, listeners, target group, SG-ALB, certificate and its
// validation records, the `seoul` alias, the active check, Seoul's HAProxy,
// and the web nodes it sends to).
func seoulsSide(t *testing.T, e *mockengine.Engine) map[string]bool {
	t.Helper()
	seoul, _ := regions(t, e)
	side := map[string]bool{}
	var walk func(urn string)
	walk = func(urn string) {
		r := e.ByURN(urn)
		if side[urn] || r == nil || !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
			return
		}
		side[urn] = true
		for _, d := range dependencies(r) {
			walk(d)
		}
	}
	for _, root := range []*mockengine.Resource{e.Find(recordType, "gslb-seoul-failover"), e.Find(groupType, "haproxy-seoul-asg")} {
		if root == nil {
			t.Fatal("Seoul's failover record or HAProxy group is missing")
		}
		walk(root.URN)
	}
	for _, r := range e.Resources() {
		if r.Custom && e.Region(r) == seoul && !strings.HasPrefix(r.Type, "aws:route53/") {
			side[r.URN] = true
		}
	}
	return side
}

// deployStep splits the changes between two runs as scripts/deploy makes
// them: its targeted `pulumi up` (the URNs scripts/tokyo-first.targets
// matches) first, the full update after, and checks that the first is a
// step the engine accepts and that leaves nothing broken. What the engine
// does with a targeted update (pulumi/pulumi pkg/resource/deploy,
// step_generator.go): an untargeted resource gets a SameStep with its old
// state; it refuses a targeted resource that depends on a create the step
// skips ("untargeted create", validateSteps) and a delete of an untargeted
// URN ("delete untargeted resource", GenerateDeletes), but not a targeted
// replacement that an untargeted resource depends on: it creates the new
// one, leaves the dependent on the old one, and deletes the old one at the
// end of the step, which the cloud refuses (a security group in use, a
// target group a listener forwards to) or which leaves the dependent
// dangling (an alias to a deleted ALB). So here such a dependent fails the
// step too, but the dashboard (its body is text CloudWatch does not resolve).
// The first step must touch nothing on Seoul's side; it must change all
// of Tokyo's side that changes, and nothing else.
func deployStep(t *testing.T, before, after *mockengine.Engine, targeted func(string) bool) (first, rest []mockengine.Change) {
	t.Helper()
	tokyo, seoul := tokyosSide(t, after), seoulsSide(t, after)
	// A deleted resource is only in the first run.
	oldTokyo, oldSeoul := tokyosSide(t, before), seoulsSide(t, before)
	changes := mockengine.Diff(before, after)
	created := map[string]bool{}
	for _, c := range changes {
		if c.Kind == mockengine.Create {
			created[c.URN] = true
		}
		ours, theirs := tokyo[c.URN], seoul[c.URN]
		if c.Kind == mockengine.Delete {
			ours, theirs = oldTokyo[c.URN], oldSeoul[c.URN]
		}
		switch {
		case targeted(c.URN):
			first = append(first, c)
			if !ours {
				t.Errorf("the Tokyo step changes %s, which is not Tokyo's HAProxy or front door, nor depends on them", c)
			}
			if theirs {
				t.Errorf("the Tokyo step changes %s, which is in Seoul's region or what Seoul serves through", c)
			}
		case ours:
			t.Errorf("%s is Tokyo's but left to the full update, which would change Tokyo with Seoul", c)
		default:
			rest = append(rest, c)
		}
	}

	// The engine's rules for a targeted update, and the cloud's.
	for _, c := range first {
		if c.Kind != mockengine.Delete {
			for _, dep := range dependencies(after.ByURN(c.URN)) {
				if created[dep] && !targeted(dep) {
					t.Errorf("untargeted create: %s depends on %s, which the Tokyo step does not create", c.Name, dep)
				}
			}
		}
		if c.Kind == mockengine.Replace || c.Kind == mockengine.Delete {
			for _, r := range after.Resources() {
				if !targeted(r.URN) && r.Type != dashboardType && slices.Contains(dependencies(r), c.URN) {
					t.Errorf("the Tokyo step %ss %s, on which untargeted %s depends: it would keep the old one, which the step deletes", c.Kind, c.Name, r.Name)
				}
			}
		}
	}
	return first, rest
}

// names are the changes, one line each, as mockengine.Change prints them.
func names(cs []mockengine.Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.String())
	}
	return out
}

// TestTokyoFirstStepTouchesOnlyTokyo runs the dev stack twice (the second
// run following the first, as the next `pulumi up`: a replaced resource has
// new outputs), the second time with a day-two change that rolls HAProxy or
// disturbs a front door, and splits the second run's changes as
// scripts/deploy does (deployStep): the Tokyo step must change Tokyo's
// HAProxy and front door, all of what changes there and nothing on Seoul's
// side, and be a step the engine accepts and the cloud can carry out.
//
// One thing the split cannot do: when a changed input of a Tokyo resource
// was computed from an untargeted resource that changes in the same run (an
// address resource the change replaces, whose new address Tokyo's user data
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
	https := tokyoHTTPSListener(t, project)
	cases := []struct {
		dayTwo
		// tokyoOnly: Seoul's template does not change at all; frontDoor:
		// neither template changes, the change is to the front doors.
		tokyoOnly, frontDoor bool
		// lagsUntargeted: a Tokyo resource's changed input comes from an
		// untargeted resource that changes in the same run.
		lagsUntargeted bool
	}{
		{dayTwo: dayTwo{name: "the sticky cookie is turned on", config: setting("hybrid-cloud:haproxy", "stickyCookie", true)}},
		{dayTwo: dayTwo{name: "HAProxy rolls to a newer image", config: setting("hybrid-cloud:haproxy", "image", "al2023-ami-2023.9.20260105.0-kernel-6.1-x86_64")}},
		{dayTwo: dayTwo{name: "the proxies are renamed", config: setting("hybrid-cloud:haproxy", "backendName", "web_nodes")}},
		// Creates an egress rule in each region, and replaces a web node.
		{dayTwo: dayTwo{name: "a web node moves to port 8080", config: setting("hybrid-cloud:webNodes", "oregon.port", 8080)}},
		// Creates the image copy that Tokyo's template then launches.
		{dayTwo: dayTwo{name: "Tokyo switches to the copied image", config: setting("hybrid-cloud:haproxy", "tokyoFromAmi", true)}, tokyoOnly: true},
		{dayTwo: dayTwo{name: "a web node's address changes", world: func(e *mockengine.Engine) { e.MoveAddress("london-ip") }}},
		// Replaces london's public IP (its name is the node's): a new
		// address, which the Tokyo step cannot see yet.
		{dayTwo: dayTwo{name: "a web node is renamed", config: setting("hybrid-cloud:webNodes", "london.name", "london2")}, lagsUntargeted: true},
		// Front doors: Tokyo's ALB and target group retagged, the alarm
		// texts with them; both regions' SG-ALB retagged; every Route 53
		// check replaced (Tokyo's, with its alarm, in the Tokyo step).
		{dayTwo: dayTwo{name: "Tokyo's ALB is renamed", config: setting("hybrid-cloud:gslb", "tokyoAlbName", "tokyo-alb-2")}, frontDoor: true},
		{dayTwo: dayTwo{name: "Tokyo's target group is renamed", config: setting("hybrid-cloud:gslb", "tokyoTargetGroupName", "TG-Tokyo-2")}, frontDoor: true},
		{dayTwo: dayTwo{name: "the ALBs' security group is renamed", config: setting("hybrid-cloud:gslb", "securityGroupName", "SG-ALB-2")}, frontDoor: true},
		// Replaces Tokyo's certificate (it names tokyo.<zone>), which the
		// Tokyo step's listener cannot take yet.
		{dayTwo: dayTwo{name: "Tokyo's record is renamed", config: setting("hybrid-cloud:gslb", "tokyoRecord", "tokyo2")}, frontDoor: true, lagsUntargeted: true},
		{dayTwo: dayTwo{name: "the health checks move to 10 s", config: setting("hybrid-cloud:gslb", "healthCheck.intervalSeconds", 10)}, frontDoor: true},
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
			first, rest := deployStep(t, before, after, targeted)
			if len(first) == 0 {
				t.Fatalf("the Tokyo step changes nothing; the full update:\n  %s", strings.Join(names(rest), "\n  "))
			}
			rolls := func(cs []mockengine.Change, name string) bool {
				return slices.ContainsFunc(cs, func(c mockengine.Change) bool { return c.Name == name })
			}
			if rolls(first, "haproxy-tokyo-lt") == tc.frontDoor {
				t.Errorf("the Tokyo step rolls Tokyo's template: %v, want %v", !tc.frontDoor, tc.frontDoor)
			}
			if rolls(rest, "haproxy-seoul-lt") == (tc.tokyoOnly || tc.frontDoor) {
				t.Errorf("the full update rolls Seoul's template: %v, want %v", !tc.tokyoOnly && !tc.frontDoor, !tc.tokyoOnly && !tc.frontDoor)
			}

			// The plan of the full update after the Tokyo step: the untargeted
			// changes, and each Tokyo change whose inputs come from one of them.
			changed := map[string]bool{}
			for _, c := range rest {
				changed[c.URN] = true
			}
			var plan []planStep
			for _, c := range rest {
				plan = append(plan, stepOf(before, c))
			}
			var lagging []string
			for _, c := range first {
				if c.Kind == mockengine.Delete {
					continue
				}
				if from := untargetedSources(after.ByURN(c.URN), c, changed); len(from) > 0 {
					lagging = append(lagging, fmt.Sprintf("%s (from %s)", c, strings.Join(from, ", ")))
					plan = append(plan, stepOf(before, c))
				}
			}
			if (len(lagging) > 0) != tc.lagsUntargeted {
				t.Errorf("Tokyo changes that take an input from an untargeted resource changing in the same run, which the full update makes again: %v (declared: %v)", lagging, tc.lagsUntargeted)
			}
			lt, asg := before.Find(launchTemplateType, "haproxy-tokyo-lt"), before.Find(groupType, "haproxy-tokyo-asg")
			if stopped := planChanges(t, plan, lt.ID, asg.ID, https) > 0; stopped != tc.lagsUntargeted {
				t.Errorf("scripts/deploy's check before the full update stops it: %v, want %v (Tokyo changes left to it: %v)", stopped, tc.lagsUntargeted, lagging)
			}
			t.Logf("Tokyo step:\n  %s\nfull update:\n  %s\nTokyo again in the full update:\n  %s", strings.Join(names(first), "\n  "), strings.Join(names(rest), "\n  "), strings.Join(lagging, "\n  "))
		})
	}
}

// tokyoHTTPSListener is the URN of Tokyo's HTTPS listener in the dev stack
// as scripts/deploy completes its tokyo_https (the one front-door resource
// whose input comes from outside the Tokyo step: Tokyo's certificate), and
// checks that it is the program's.
func tokyoHTTPSListener(t *testing.T, project string) string {
	t.Helper()
	return deployURN(t, project, "tokyo_https", listenerType, "gslb-tokyo-https")
}

// deployURN is the URN in the dev stack that scripts/deploy completes from
// its variable name (after urn:pulumi:STACK::PROJECT::), checked to be the
// program's resource of type typ and name.
func deployURN(t *testing.T, project, name, typ, resource string) string {
	t.Helper()
	script, err := os.ReadFile("scripts/deploy")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^` + name + `="(.+)"$`).FindSubmatch(script)
	if m == nil {
		t.Fatalf("scripts/deploy sets no %s", name)
	}
	urn := "urn:pulumi:dev::" + project + "::" + strings.ReplaceAll(string(m[1]), `\$`, "$")
	e := mockengine.New(project, "dev")
	if err := e.Run(program, devConfig(t)); err != nil {
		t.Fatal(err)
	}
	if r := e.Find(typ, resource); r == nil || r.URN != urn {
		t.Fatalf("scripts/deploy's %s is %s, not the program's %s (%v)", name, urn, resource, r)
	}
	return urn
}

// TestDeployExcludesTokyosTemplateAndGroup: the URNs scripts/deploy leaves
// out of the full update when it would roll Tokyo again (--exclude) are
// Tokyo's launch template and group, and the stand-in test expects them.
func TestDeployExcludesTokyosTemplateAndGroup(t *testing.T) {
	t.Parallel()
	project, _ := tokyoFirstTargets(t)
	test, err := os.ReadFile("scripts_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string][2]string{"tokyo_lt": {launchTemplateType, "haproxy-tokyo-lt"}, "tokyo_group": {groupType, "haproxy-tokyo-asg"}} {
		urn := deployURN(t, project, name, r[0], r[1])
		if !strings.Contains(string(test), "--exclude "+urn) {
			t.Errorf("scripts_test.go does not expect --exclude %s", urn)
		}
	}
}

// untargetedSources are the resources that the full update changes
// (changedLater, none of them targeted) and that one of c's changed inputs
// (every input of a create) of r was computed from: the Tokyo step sees
// their old outputs.
func untargetedSources(r *mockengine.Resource, c mockengine.Change, changedLater map[string]bool) []string {
	inputs := c.Inputs
	if c.Kind == mockengine.Create {
		inputs = slices.Collect(maps.Keys(r.PropertyDependencies))
	}
	var from []string
	for _, in := range inputs {
		for _, dep := range r.PropertyDependencies[in] {
			if changedLater[dep] && !slices.Contains(from, dep) {
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

// TestTokyoFirstFrontDoorMigration is the one-time move of a stack deployed
// before the ALBs, target groups and ALB security groups became
// provider-named (docs/gslb.md, Day two): its state has the names the
// program set then (the note's: SG-ALB, seoul-alb, TG-Seoul...), the new
// program sets none, so each is replaced, and with it what depends on its
// ID or ARN. Through scripts/deploy the Tokyo step replaces Tokyo's front
// door alone, create-first, and moves Tokyo's records, HAProxy rules and
// group and alarms to it; the full update, after Route 53 sees Tokyo ready
// again, does the same in Seoul. At no step are both regions' front doors
// replaced.
func TestTokyoFirstFrontDoorMigration(t *testing.T) {
	t.Parallel()
	project, globs := tokyoFirstTargets(t)
	targeted := targetMatcher(globs)
	cfg := devConfig(t)
	before := mockengine.New(project, "dev")
	if err := before.Run(program, cfg); err != nil {
		t.Fatalf("first run: %v", err)
	}
	// The state the old program left: each of these carried its Name tag
	// as its name.
	named := 0
	for _, r := range before.Resources() {
		if !slices.Contains(frontDoorTypes, r.Type) || before.Component(r).Type != "hybrid:gslb:Failover" {
			continue
		}
		name := r.Str("tags.Name")
		if name == "" {
			t.Fatalf("%s has no Name tag", r.Name)
		}
		r.Inputs["name"] = resource.NewStringProperty(name)
		r.Outputs["name"] = resource.NewStringProperty(name)
		named++
	}
	if named != 6 {
		t.Fatalf("%d explicitly named ALBs, target groups and SG-ALBs, want 6", named)
	}
	after := mockengine.New(project, "dev")
	after.Follow(before)
	if err := after.Run(program, cfg); err != nil {
		t.Fatalf("second run: %v", err)
	}

	first, rest := deployStep(t, before, after, targeted)
	t.Logf("Tokyo step:\n  %s\nfull update:\n  %s", strings.Join(names(first), "\n  "), strings.Join(names(rest), "\n  "))

	// The full update gets the state the Tokyo step left. It makes just
	// the rest of the changes when no change of the Tokyo step took a value
	// from a resource the full update changes (that one would change again).
	changedLater := map[string]bool{}
	for _, c := range rest {
		changedLater[c.URN] = true
	}
	for _, c := range first {
		if c.Kind == mockengine.Delete {
			continue
		}
		for _, d := range dependencies(after.ByURN(c.URN)) {
			if changedLater[d] {
				t.Errorf("the Tokyo step's %s takes a value from %s, which the full update changes", c.Name, d)
			}
		}
	}

	// Which step replaces what.
	replaced := func(cs []mockengine.Change, role string) []string {
		var out []string
		for _, c := range cs {
			if c.Kind == mockengine.Replace && (strings.HasPrefix(c.Name, "gslb-"+role+"-") || strings.HasPrefix(c.Name, "haproxy-"+role+"-")) {
				if c.DeleteFirst {
					t.Errorf("%s is replaced delete-first: its region would be without it", c)
				}
				out = append(out, c.Name)
			}
		}
		slices.Sort(out)
		return out
	}
	frontDoor := func(role string) []string {
		out := []string{
			"gslb-" + role + "-alb", "gslb-" + role + "-http", "gslb-" + role + "-https", "gslb-" + role + "-sg",
			"gslb-" + role + "-sg-in-443", "gslb-" + role + "-sg-in-80", "gslb-" + role + "-tg",
			// The rules between SG-ALB and HAProxy's group (replaceOnChanges).
			"haproxy-" + role + "-alb-egress", "haproxy-" + role + "-from-alb",
		}
		slices.Sort(out)
		return out
	}
	for _, step := range []struct {
		name          string
		changes       []mockengine.Change
		moves, stays  string
		wantUpdatesOf []string
	}{
		{"the Tokyo step", first, "tokyo", "seoul", []string{"gslb-tokyo-alias", "gslb-tokyo-failover", "haproxy-tokyo-asg", "monitoring-tokyo-healthy-hosts", "monitoring-tokyo-elb-5xx"}},
		{"the full update", rest, "seoul", "tokyo", []string{"gslb-seoul-alias", "gslb-seoul-failover", "haproxy-seoul-asg", "monitoring-seoul-healthy-hosts", "monitoring-seoul-elb-5xx", "monitoring-dashboard"}},
	} {
		if got, want := replaced(step.changes, step.moves), frontDoor(step.moves); !slices.Equal(got, want) {
			t.Errorf("%s replaces in %s\n  %v\nwant\n  %v", step.name, step.moves, got, want)
		}
		if got := replaced(step.changes, step.stays); len(got) > 0 {
			t.Errorf("%s replaces %v in %s too: both regions' front doors at once", step.name, got, step.stays)
		}
		var updated []string
		for _, c := range step.changes {
			if c.Kind == mockengine.Update {
				updated = append(updated, c.Name)
			}
		}
		slices.Sort(updated)
		slices.Sort(step.wantUpdatesOf)
		if !slices.Equal(updated, step.wantUpdatesOf) {
			t.Errorf("%s updates\n  %v\nwant (what moves to the new front door)\n  %v", step.name, updated, step.wantUpdatesOf)
		}
	}
	// Nothing else changes: this is a move of the front doors only.
	for _, c := range append(slices.Clone(first), rest...) {
		if c.Kind == mockengine.Create || c.Kind == mockengine.Delete {
			t.Errorf("the migration %ss %s", c.Kind, c.Name)
		}
	}
}

// TestTokyoFirstTargetsAreTokyo: in a whole stack (dev, dev with the copied
// image, prod), the globs match Tokyo's side (tokyosSide: its HAProxy tier,
// its front door, and what depends on them), every resource of it, and
// nothing else.
func TestTokyoFirstTargetsAreTokyo(t *testing.T) {
	t.Parallel()
	project, devGlobs := tokyoFirstTargets(t)
	for _, run := range []struct {
		stack   string
		fromAmi bool
	}{{"dev", false}, {"dev", true}, {"prod", false}} {
		var globs []string
		for _, g := range devGlobs {
			globs = append(globs, strings.Replace(g, "urn:pulumi:dev::", "urn:pulumi:"+run.stack+"::", 1))
		}
		targeted, fromAmi := targetMatcher(globs), run.fromAmi
		e := mockengine.New(project, run.stack)
		if err := e.Run(program, setting("hybrid-cloud:haproxy", "tokyoFromAmi", fromAmi)(t, stackConfig(t, run.stack))); err != nil {
			t.Fatal(err)
		}
		side := tokyosSide(t, e)
		var matched []string
		for _, r := range e.Resources() {
			if targeted(r.URN) != side[r.URN] {
				t.Errorf("%s, tokyoFromAmi %v: %s %s: targeted %v, Tokyo's %v", run.stack, fromAmi, r.Type, r.Name, targeted(r.URN), side[r.URN])
			}
			if side[r.URN] {
				matched = append(matched, r.Name)
			}
		}
		for _, want := range []string{
			"haproxy-tokyo-lt", "haproxy-tokyo-asg", "haproxy-tokyo-sg", "haproxy-tokyo-alb-egress", "haproxy-tokyo-from-alb",
			"gslb-tokyo-sg", "gslb-tokyo-sg-in-80", "gslb-tokyo-sg-in-443", "gslb-tokyo-alb", "gslb-tokyo-tg", "gslb-tokyo-https", "gslb-tokyo-http",
			"gslb-tokyo-alias", "gslb-tokyo-health", "gslb-tokyo-failover",
			"monitoring-tokyo-healthy-hosts", "monitoring-tokyo-elb-5xx", "monitoring-health-tokyo",
		} {
			if !slices.Contains(matched, want) {
				t.Errorf("%s, tokyoFromAmi %v: %s is not targeted (targeted: %v)", run.stack, fromAmi, want, matched)
			}
		}
		if fromAmi != slices.Contains(matched, "haproxy-ami-copy") {
			t.Errorf("%s, tokyoFromAmi %v: the image copy targeted %v", run.stack, fromAmi, !fromAmi)
		}
		// Tokyo's side reaches Seoul nowhere: the one dependent in Seoul's
		// region is the dashboard, which stays out.
		seoul := seoulsSide(t, e)
		for urn := range side {
			if seoul[urn] {
				t.Errorf("%s, tokyoFromAmi %v: %s is Tokyo's and Seoul's", run.stack, fromAmi, urn)
			}
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
