package main

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hybridlab/hybrid-cloud/gslb"
	"github.com/hybridlab/hybrid-cloud/haproxy"
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
)

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

// TestDeployUpChecksDelegationBeforePulumiUp: the up job runs
// scripts/check-delegation, and before its `pulumi up`, so a zone that is
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
		if pulumiCommand := get(get(s, "with"), "command"); pulumiCommand != nil && pulumiCommand.Value == "up" && up < 0 {
			up = i
		}
		if r := get(s, "run"); r != nil && up < 0 && strings.Contains(r.Value, "pulumi up") {
			up = i
		}
	}
	if check < 0 || up < 0 || check > up {
		t.Errorf("deploy.yml up job: check-delegation at step %d, first pulumi up at step %d; want the check first", check, up)
	}
}
