package main

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hybridlab/hybrid-cloud/gslb"
	"github.com/hybridlab/hybrid-cloud/haproxy"
	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
	"github.com/hybridlab/hybrid-cloud/webnodes"
)

// The first deploy's time budget (docs/gslb.md, "The first deploy"): what
// the deploy job spends besides the waits the program bounds, and the one
// long wait the program cannot bound.
const (
	// deployJobOverhead: checkout, Go, the cloud logins and check-delegation
	// (about 3 min), building the program on a cold cache (up to 8 min; the
	// README's cold build), `--refresh` (about 3 min) and the quick creates
	// after the groups (health checks, failover records, alarms: 1 min).
	deployJobOverhead = 15 * time.Minute
	// vpnConnectionCreate is how long the provider waits for a new VPN
	// connection: a constant of terraform-provider-aws
	// (vpnConnectionCreatedTimeout, 40m, internal/service/ec2/wait.go; the
	// resource has no Timeouts block, so customTimeouts cannot shorten it).
	// It runs beside the certificates and the groups.
	vpnConnectionCreate = 40 * time.Minute
	// rolloutMachineCreates: on a fresh stack each node's machine is made
	// only after the previous node's checks (the rollout's order; nothing
	// tells a first deploy from a replacement), so the creates add up: Seoul's
	// instance (about 1 min), London's VM (3), Oregon's instance (1), Hong
	// Kong's instance (2) and the two Elastic IP associations (seconds). An
	// estimate with room, as the job's overhead is: the providers' own
	// create timeouts are longer and bound nothing useful here.
	rolloutMachineCreates = 10 * time.Minute
)

// rolloutSteps are the resources of the rollout's chain: the machines and
// the associations that wait for the previous node's checks, and whose
// outputs resolve only after their own (webnodes/rollout.go).
var rolloutSteps = []string{
	"seoul-instance", "seoul-eip-association", "london-vm", "oregon-instance",
	"hongkong-instance", "hongkong-eip-association",
}

const (
	validationType = "aws:acm/certificateValidation:CertificateValidation"
	amiCopyType    = "aws:ec2/amiCopy:AmiCopy"
)

// deployJobTimeout is the `up` job's timeout-minutes in the deploy workflow.
func deployJobTimeout(t *testing.T) time.Duration {
	t.Helper()
	f := loadCIFile(t, ".github/workflows/deploy.yml")
	v := get(get(get(f.root, "jobs"), "up"), "timeout-minutes")
	if v == nil {
		t.Fatal("deploy.yml: the up job has no timeout-minutes (GitHub's default is 6 hours)")
	}
	n, err := strconv.Atoi(v.Value)
	if err != nil {
		t.Fatalf("deploy.yml: up.timeout-minutes %q: %v", v.Value, err)
	}
	return time.Duration(n) * time.Minute
}

// bound parses one wait's bound as the provider does (a Go duration).
func bound(t *testing.T, what, s string) time.Duration {
	t.Helper()
	if s == "" {
		t.Fatalf("%s has no explicit bound (the provider's default applies)", what)
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		t.Fatalf("%s: bound %q: %v", what, s, err)
	}
	return d
}

// TestFirstDeployFitsTheDeployJob: on a fresh stack, each group waits for
// its region's HTTPS listener (which waits for ACM), every long wait on that
// path has an explicit bound, and the path's worst case plus the job's own
// work ends before GitHub kills the job (which would leave the stack locked
// with pending operations).
func TestFirstDeployFitsTheDeployJob(t *testing.T) {
	t.Parallel()
	job := deployJobTimeout(t)
	for _, fromAmi := range []bool{false, true} {
		cfg := setField(t, devConfig(t), "hybrid-cloud:haproxy", "tokyoFromAmi", fromAmi)
		e, err := runStack(t, cfg)
		if err != nil {
			t.Fatalf("tokyoFromAmi=%v: %v", fromAmi, err)
		}
		// Waits that run side by side before the listeners: the certificates
		// (both regions at once) and, with tokyoFromAmi, Tokyo's image copy.
		var beforeListener time.Duration
		validations := e.OfType(validationType)
		if len(validations) != 2 {
			t.Fatalf("%d certificate validations, want 2", len(validations))
		}
		for _, v := range validations {
			if got := v.Options.CustomTimeouts.Create; got != gslb.ValidationTimeout {
				t.Errorf("%s: create timeout %q, want gslb.ValidationTimeout %q", v.Name, got, gslb.ValidationTimeout)
			}
			beforeListener = max(beforeListener, bound(t, v.Name, v.Options.CustomTimeouts.Create))
		}
		copies := e.OfType(amiCopyType)
		if fromAmi != (len(copies) == 1) {
			t.Fatalf("tokyoFromAmi=%v: %d image copies", fromAmi, len(copies))
		}
		for _, c := range copies {
			beforeListener = max(beforeListener, bound(t, c.Name, c.Options.CustomTimeouts.Create))
		}
		// Then each group waits for its instance, once its listener exists.
		var capacity time.Duration
		for role, listener := range map[string]string{"seoul": "gslb-seoul-https", "tokyo": "gslb-tokyo-https"} {
			g := e.Find(groupType, "haproxy-"+role+"-asg")
			l := e.Find(listenerType, listener)
			if g == nil || l == nil {
				t.Fatalf("no group or listener for %s", role)
			}
			if !slices.Contains(g.Dependencies, l.URN) {
				t.Errorf("%s does not wait for %s: its capacity wait would race ACM", g.Name, l.Name)
			}
			if got := g.Str("waitForCapacityTimeout"); got != haproxy.CapacityTimeout {
				t.Errorf("%s: waitForCapacityTimeout %q, want haproxy.CapacityTimeout %q", g.Name, got, haproxy.CapacityTimeout)
			}
			capacity = max(capacity, bound(t, g.Name+" waitForCapacityTimeout", g.Str("waitForCapacityTimeout")))
		}
		if worst := deployJobOverhead + beforeListener + capacity; worst > job {
			t.Errorf("tokyoFromAmi=%v: worst first deploy %s (job %s + certificates/copy %s + groups %s) exceeds the deploy job's %s",
				fromAmi, worst, deployJobOverhead, beforeListener, capacity, job)
		}
	}
	if worst := deployJobOverhead + vpnConnectionCreate; worst > job {
		t.Errorf("the VPN connection's wait (%s) plus the job's own work exceeds the deploy job's %s", vpnConnectionCreate, job)
	}
}

// TestFirstDeployRolloutRunsBesideTheFrontDoor: nothing outside the web
// nodes (HAProxy's launch templates and groups, the Route 53 checks and
// records, the exports' sources) waits for a step of the rollout, so the
// front door is created while the nodes roll; and the rollout itself, its
// checks in a row at the longest timeout config allows plus the machines'
// creates and the job's own work, ends before the job is killed.
func TestFirstDeployRolloutRunsBesideTheFrontDoor(t *testing.T) {
	t.Parallel()
	e, err := runStack(t, devConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	steps := map[string]bool{}
	for _, name := range rolloutSteps {
		found := false
		for _, r := range e.Resources() {
			if r.Custom && r.Name == name {
				steps[r.URN], found = true, true
			}
		}
		if !found {
			t.Fatalf("rollout step %s not registered", name)
		}
	}
	checked := 0
	for _, r := range e.Resources() {
		if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") || isWebNode(e, r) {
			continue
		}
		checked++
		if via := waitsFor(e, r, steps); via != "" {
			t.Errorf("%s %s waits for the rollout (through %s)", r.Type, r.Name, via)
		}
	}
	for _, must := range []string{"haproxy-seoul-asg", "haproxy-tokyo-asg"} {
		if g := e.Find(groupType, must); g == nil {
			t.Fatalf("no group %s", must)
		}
	}
	if checked < 50 {
		t.Errorf("only %d resources outside the web nodes checked", checked)
	}

	job := deployJobTimeout(t)
	checks := time.Duration(webnodes.FirstDeployChecks) * time.Duration(webnodes.MaxHealthTimeoutSeconds) * time.Second
	if worst := deployJobOverhead + rolloutMachineCreates + checks; worst > job {
		t.Errorf("worst first deploy of the nodes %s (job %s + machines %s + %d checks of %d s) exceeds the deploy job's %s: lower webnodes.MaxHealthTimeoutSeconds",
			worst, deployJobOverhead, rolloutMachineCreates, webnodes.FirstDeployChecks, webnodes.MaxHealthTimeoutSeconds, job)
	}
}

// isWebNode reports whether r belongs to one of the web node components.
func isWebNode(e *mockengine.Engine, r *mockengine.Resource) bool {
	c := e.Component(r)
	return c != nil && strings.HasPrefix(c.Type, "hybrid:webnodes:")
}

// waitsFor is the first of steps that r waits for, through its
// dependencies, their dependencies, and a component's children (a
// dependency on a component waits for them), or "".
func waitsFor(e *mockengine.Engine, r *mockengine.Resource, steps map[string]bool) string {
	seen := map[string]bool{}
	queue := []*mockengine.Resource{r}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		deps := slices.Clone(cur.Dependencies)
		for _, urns := range cur.PropertyDependencies {
			deps = append(deps, urns...)
		}
		if !cur.Custom {
			for _, child := range e.Resources() {
				if child.Parent == cur.URN {
					deps = append(deps, child.URN)
				}
			}
		}
		for _, u := range deps {
			if steps[u] {
				return e.ByURN(u).Name
			}
			if d := e.ByURN(u); d != nil && !seen[u] {
				seen[u] = true
				queue = append(queue, d)
			}
		}
	}
	return ""
}

// TestDeployUpChecksDelegationBeforePulumiUp: the up job runs
// scripts/check-delegation, and before scripts/deploy's `pulumi up`, so a zone that is
// not delegated fails in seconds instead of after the certificates' timeout.
func TestDeployUpChecksDelegationBeforePulumiUp(t *testing.T) {
	t.Parallel()
	f := loadCIFile(t, ".github/workflows/deploy.yml")
	steps := get(get(get(f.root, "jobs"), "up"), "steps")
	if steps == nil {
		t.Fatal("deploy.yml: the up job has no steps")
	}
	check, up := -1, -1
	for i, s := range steps.Content {
		if r := get(s, "run"); r != nil && check < 0 && strings.Contains(r.Value, "./scripts/check-delegation") {
			check = i
		}
		// The stack is updated only through scripts/deploy (ci_test.go).
		if r := get(s, "run"); r != nil && up < 0 && deployCommand.MatchString(r.Value) {
			up = i
		}
	}
	if check < 0 || up < 0 || check > up {
		t.Errorf("deploy.yml up job: check-delegation at step %d, scripts/deploy at step %d; want the check first", check, up)
	}
}

// The day-two deploy's time budget (README, "Deploying"): what
// scripts/deploy waits for besides the bounds in deploy.yml.
const (
	// deployPreviews: the full update's preview before anything changes and
	// again after the Tokyo step, and the Tokyo step's own when a group was
	// rolled back (a minute or so each, an estimate with room).
	deployPreviews = 5 * time.Minute
)

// deployEnvSeconds is a variable of the deploy step's env in deploy.yml
// (scripts/deploy's bounds), in seconds.
func deployEnvSeconds(t *testing.T, name string) time.Duration {
	t.Helper()
	f := loadCIFile(t, ".github/workflows/deploy.yml")
	for _, s := range get(get(get(f.root, "jobs"), "up"), "steps").Content {
		if r := get(s, "run"); r == nil || !deployCommand.MatchString(r.Value) {
			continue
		}
		v := get(get(s, "env"), name)
		if v == nil {
			t.Fatalf("deploy.yml: the deploy step sets no %s (scripts/deploy's default applies, unbudgeted)", name)
		}
		n, err := strconv.Atoi(v.Value)
		if err != nil || n <= 0 {
			t.Fatalf("deploy.yml: %s %q: %v", name, v.Value, err)
		}
		return time.Duration(n) * time.Second
	}
	t.Fatal("deploy.yml: the up job has no scripts/deploy step")
	return 0
}

// TestDayTwoDeployFitsTheDeployJob: the longest day-two deploy
// scripts/deploy can run, every wait at its bound, ends before GitHub kills
// the job. That is a change that rolls HAProxy, replaces Tokyo's group (its
// capacity wait in the Tokyo step), replaces every web node (the rollout's
// checks in a row in the full update) and renames one (a new address: the
// full update leaves Tokyo's template out, and Tokyo rolls in a step of its
// own after Seoul), whose last wait fails: Tokyo's second refresh outlasts
// WAIT_REFRESH_TIMEOUT, is cancelled (another wait) and rolled back (a
// third).
func TestDayTwoDeployFitsTheDeployJob(t *testing.T) {
	t.Parallel()
	job := deployJobTimeout(t)
	refresh := deployEnvSeconds(t, "WAIT_REFRESH_TIMEOUT")
	ready := deployEnvSeconds(t, "WAIT_READY_TIMEOUT")
	capacity := bound(t, "haproxy.CapacityTimeout", haproxy.CapacityTimeout)
	checks := time.Duration(webnodes.FirstDeployChecks) * time.Duration(webnodes.MaxHealthTimeoutSeconds) * time.Second
	path := []struct {
		what string
		d    time.Duration
	}{
		{"the job's own work", deployJobOverhead},
		{"the previews", deployPreviews},
		{"Route 53's check of Seoul before the Tokyo step", ready},
		{"the Tokyo step's update (a replaced group's capacity)", capacity},
		{"Tokyo's refresh and readiness", refresh + ready},
		{"Route 53's check of Tokyo after its step", ready},
		{"the full update: the nodes' creates and checks in a row", rolloutMachineCreates + checks},
		{"Seoul's refresh and readiness", refresh + ready},
		{"Route 53's check of Seoul after the full update", ready},
		{"Tokyo's second refresh, its cancel and the refresh back", 3 * refresh},
	}
	var worst time.Duration
	var terms []string
	for _, p := range path {
		worst += p.d
		terms = append(terms, p.what+" "+p.d.String())
	}
	if worst > job {
		t.Errorf("worst day-two deploy %s exceeds the deploy job's %s:\n  %s", worst, job, strings.Join(terms, "\n  "))
	}
	t.Logf("worst day-two deploy %s of the job's %s", worst, job)
}
