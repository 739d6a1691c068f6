package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hybridlab/hybrid-cloud/internal/tooltest"
)

// The regions of the dev stack, as the stand-in pulumi answers them.
const (
	seoulRegion = "ap-northeast-2"
	tokyoRegion = "ap-northeast-1"
)

// fakeRefresh is one instance refresh in the fake cloud: each describe of
// it answers the next of statuses, the last one repeated.
type fakeRefresh struct {
	start    time.Time
	id       string
	statuses string
}

// fakeRegion is one region's HAProxy group in the fake cloud.
type fakeRegion struct {
	// version is the launch template version the group is configured
	// with; latest the template's latest version.
	version, latest int
	refreshes       []fakeRefresh
	// change: the program changes this region's template; the statuses
	// its refresh will go through.
	change string
	// lag: like change, but a change that only the full update makes (an
	// input of the template from an untargeted resource that changes in it).
	lag string
	// restore: the statuses of a refresh started by start-instance-refresh.
	restore string
	// ready: what Route 53's checkers of the region answer, one poll a
	// line (testdata/fakecli/aws); unset, four that see it ready.
	ready []string
}

// fakeCloud writes the stand-in CLIs' state (testdata/fakecli/cloud.bash
// says what each file holds) and returns its directory and the environment
// that puts the stand-ins first on PATH.
func fakeCloud(t *testing.T, regions map[string]fakeRegion, fresh bool) (dir string, env []string) {
	t.Helper()
	tooltest.Require(t, "bash", "bash")
	dir = t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for region, r := range regions {
		write(region+".version", strconv.Itoa(r.version)+"\n")
		write(region+".latest", strconv.Itoa(r.latest)+"\n")
		var rows strings.Builder
		for _, f := range r.refreshes {
			fmt.Fprintf(&rows, "%s\t%s\t%s\t%s\n", f.start.UTC().Format("2006-01-02T15:04:05.000000-07:00"), f.id, f.statuses, "instances failed health checks")
		}
		write(region+".refreshes", rows.String())
		if r.change != "" {
			write(region+".change", r.change)
		}
		if r.lag != "" {
			write(region+".lag", r.lag)
		}
		if r.restore != "" {
			write(region+".restore", r.restore)
		}
		if r.ready != nil {
			write(region+".ready", strings.Join(r.ready, "\n")+"\n")
		}
	}
	if fresh {
		write("fresh", "")
	}
	bin, err := filepath.Abs("testdata/fakecli")
	if err != nil {
		t.Fatal(err)
	}
	return dir, append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "FAKE_CLOUD="+dir, "WAIT_REFRESH_INTERVAL=0")
}

// denyAWS makes every call of the stand-in aws CLI fail, as with
// credentials that may not call it.
func denyAWS(t *testing.T, dir string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "denied"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
}

// cloudFile is one file of the fake cloud, trimmed.
func cloudFile(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// calls are the stand-ins' calls, in order, one line each.
func calls(t *testing.T, dir string) []string {
	t.Helper()
	text := cloudFile(t, dir, "calls")
	if text == "" {
		return nil
	}
	return strings.Split(text, "\n")
}

// callsOf are the calls that start with prefix.
func callsOf(all []string, prefix string) []string {
	var out []string
	for _, c := range all {
		if strings.HasPrefix(c, prefix) {
			out = append(out, c)
		}
	}
	return out
}

// TestWaitRefreshJudgesOnlyThisDeploysRefreshes runs scripts/wait-refresh
// for Tokyo's group against the stand-in CLIs. A refresh that started
// before the deploy is not its business, whatever it ended as; none since
// means none was needed; this deploy's refresh is waited for, and when it
// does not succeed the group is put back on the version it ran before (not
// the new one, where the provider's auto rollback leaves it) and the
// deploy fails.
func TestWaitRefreshJudgesOnlyThisDeploysRefreshes(t *testing.T) {
	t.Parallel()
	tooltest.Require(t, "jq", "jq")
	since := time.Now().UTC().Truncate(time.Second)
	old := since.Add(-72 * time.Hour)
	cancelled := fakeRefresh{old, "ir-old", "Cancelled"}
	now := func(statuses string) fakeRefresh { return fakeRefresh{since.Add(time.Second), "ir-new", statuses} }
	unready := []string{"new:Failure new:Failure new:Failure new:Success"}
	// The old instance's observations, from before the refresh ended, say
	// Success; the new instance's say Failure.
	stale := []string{"old:Success old:Success old:Success old:Success new:Failure new:Failure", "new:Failure new:Failure new:Failure new:Failure new:Failure new:Failure"}
	cases := []struct {
		name      string
		refreshes []fakeRefresh
		ready     []string
		restore   string
		timeout   string
		ok        bool
		say       string
		// version is the group's version afterwards: 5, the new one, or
		// 4, the one it ran before this deploy.
		version string
	}{
		{"an operator cancelled an older refresh", []fakeRefresh{cancelled}, nil, "", "60", true, "no refresh started since", "5"},
		{"an old refresh ended RollbackFailed", []fakeRefresh{{old, "ir-old", "RollbackFailed"}}, nil, "", "60", true, "none was needed", "5"},
		{"no refresh ever ran", nil, nil, "", "60", true, "none was needed", "5"},
		{"this deploy's refresh succeeds", []fakeRefresh{cancelled, now("Pending,InProgress,Successful")}, nil, "", "60", true, "refresh ir-new Successful", "5"},
		{"this deploy's refresh fails", []fakeRefresh{cancelled, now("InProgress,Failed")}, nil, "", "60", false, "back on version 4", "4"},
		{"this deploy's refresh rolls back", []fakeRefresh{now("InProgress,RollbackInProgress,RollbackSuccessful")}, nil, "", "60", false, "ended RollbackSuccessful", "4"},
		{"this deploy's refresh never ends", []fakeRefresh{now("InProgress")}, nil, "", "0", false, "still InProgress after 0s: cancelling it", "4"},
		{"the refresh back fails too", []fakeRefresh{now("Failed")}, nil, "InProgress,Failed", "60", false, "the refresh back to version 4 ended Failed", "4"},
		{"this deploy's refresh succeeds, but the region is not ready", []fakeRefresh{now("InProgress,Successful")}, unready, "", "60", false, "the region is not ready: Failure: HTTP Status Code 503", "4"},
		{"the old instance's observations do not count", []fakeRefresh{now("Successful")}, stale, "", "60", false, "the region is not ready", "4"},
		{"Route 53 gives no verdict", []fakeRefresh{now("Successful")}, []string{"old:Success old:Success new:Success"}, "", "60", false, "no verdict after 0s", "4"},
		// An error is an error, not "none was needed".
		{"the refreshes cannot be read", []fakeRefresh{now("Failed")}, nil, "", "60", false, "AccessDenied", "5"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// The update set the group to version 5 before it started the refresh.
			dir, env := fakeCloud(t, map[string]fakeRegion{tokyoRegion: {version: 5, latest: 5, refreshes: tc.refreshes, ready: tc.ready, restore: tc.restore}}, false)
			if tc.say == "AccessDenied" {
				denyAWS(t, dir)
			}
			cmd := exec.Command("./scripts/wait-refresh", "dev", since.Format(time.RFC3339), "tokyo=4")
			cmd.Env = append(env, "WAIT_REFRESH_TIMEOUT="+tc.timeout, "WAIT_READY_TIMEOUT=0")
			out, err := cmd.CombinedOutput()
			if (err == nil) != tc.ok || !strings.Contains(string(out), tc.say) {
				t.Errorf("exit error %v (want ok=%v), output lacks %q:\n%s", err, tc.ok, tc.say, out)
			}
			if got := cloudFile(t, dir, tokyoRegion+".version"); got != tc.version {
				t.Errorf("the group is configured with version %s afterwards, want %s\n%s", got, tc.version, out)
			}
			all := calls(t, dir)
			updates := callsOf(all, "aws autoscaling update-auto-scaling-group")
			restores := callsOf(all, "aws autoscaling start-instance-refresh")
			if restored := tc.version == "4"; restored != (len(updates) == 1 && len(restores) == 1) {
				t.Errorf("restored=%v, but the group was set back %d times and refreshed back %d times", restored, len(updates), len(restores))
			}
			for _, r := range restores {
				if !strings.Contains(r, `"SkipMatching":true`) || !strings.Contains(r, `"MinHealthyPercentage":100`) {
					t.Errorf("the refresh back is not launch-before-terminate, skipping instances on the old version: %s", r)
				}
			}
			// Readiness is asked only after this deploy's refresh succeeded.
			asked := len(callsOf(all, "aws route53 get-health-check-status --health-check-id hc-"+tokyoRegion)) > 0
			if wantAsked := tc.ready != nil || tc.say == "refresh ir-new Successful"; asked != wantAsked {
				t.Errorf("Route 53's check asked %v, want %v", asked, wantAsked)
			}
			if tc.version != "4" {
				return
			}
			// The refresh back to the old version was waited for.
			if polls := callsOf(all, "aws autoscaling describe-instance-refreshes --region "+tokyoRegion+" --auto-scaling-group-name haproxy-tokyo-asg-2 --instance-refresh-ids ir-"+tokyoRegion+"-"); len(polls) == 0 {
				t.Errorf("the refresh back was not waited for:\n%s", strings.Join(all, "\n"))
			}
		})
	}
}

// deployCase is one run of scripts/deploy against the fake cloud.
type deployCase struct {
	name         string
	seoul, tokyo fakeRegion
	fresh        bool
	// denied: every aws call fails.
	denied bool
	// outputsFail: `pulumi stack output` fails (the backend does not answer).
	outputsFail bool
	// listenerLag: the full update (only) changes Tokyo's HTTPS listener.
	listenerLag bool
	// failUp: the `pulumi up` that fails after its changes: "targeted" (the
	// Tokyo step) or "full".
	failUp string
	// checkReplace: the Tokyo step replaces Tokyo's health check (a new
	// passiveHealthCheckId; the old one is deleted).
	checkReplace bool
	// previewFails: the preview of the full update fails.
	previewFails bool
	// upCalls, when set, are the `pulumi up` calls instead of ups.
	upCalls []string
	env     []string
	ok      bool
	say     string
	// notSay: what the output must not contain.
	notSay string
	// ups is how many `pulumi up` ran: the targeted Tokyo step, then the
	// full update.
	ups int
	// seoulVersion, tokyoVersion: each group's version afterwards.
	seoulVersion, tokyoVersion int
}

// TestDeployRollsSeoulOnlyAfterTokyo runs scripts/deploy against the
// stand-in CLIs: its first `pulumi up` targets exactly the globs of
// scripts/tokyo-first.targets (TestTokyoFirstStepTouchesOnlyTokyo shows
// what they reach), the full update runs only after Tokyo's refresh was
// polled to Successful and Route 53 sees Tokyo ready (also when the step
// started no refresh: a new front door), and a failed Tokyo refresh ends
// the deploy with Seoul untouched and Tokyo back on its previous version. A version that was
// rolled back is not rolled again unless the update makes a new one or the
// operator asks for it.
func TestDeployRollsSeoulOnlyAfterTokyo(t *testing.T) {
	t.Parallel()
	tooltest.Require(t, "jq", "jq")
	_, globs := tokyoFirstTargets(t)
	var targets []string
	for _, g := range globs {
		targets = append(targets, "--target "+g)
	}
	tokyoStep := "pulumi up --stack dev --yes " + strings.Join(targets, " ")
	fullUpdate := "pulumi up --stack dev --yes --refresh"
	// The full update without Tokyo's template and group, which a Tokyo
	// step of their own takes after Seoul's turn.
	fullWithoutTokyo := fullUpdate + " --exclude urn:pulumi:dev::hybrid-cloud::hybrid:haproxy:Pair$aws:ec2/launchTemplate:LaunchTemplate::haproxy-tokyo-lt" +
		" --exclude urn:pulumi:dev::hybrid-cloud::hybrid:haproxy:Pair$aws:autoscaling/group:Group::haproxy-tokyo-asg"
	seoulDown := []string{"new:Failure new:Failure new:Failure", "new:Success new:Success new:Success"}
	rolls := func(statuses string) fakeRegion { return fakeRegion{version: 3, latest: 3, change: statuses} }
	cases := []deployCase{
		{name: "both regions roll", seoul: rolls("InProgress,Successful"), tokyo: rolls("Pending,InProgress,Successful"),
			ok: true, say: "step 2 of 2", ups: 2, seoulVersion: 4, tokyoVersion: 4},
		{name: "Tokyo's refresh fails", seoul: rolls("InProgress,Successful"), tokyo: rolls("InProgress,Failed"),
			say: "Seoul was not updated", ups: 1, seoulVersion: 3, tokyoVersion: 3},
		{name: "Tokyo's refresh rolls back", seoul: rolls("InProgress,Successful"), tokyo: rolls("RollbackInProgress,RollbackSuccessful"),
			say: "Seoul was not updated", ups: 1, seoulVersion: 3, tokyoVersion: 3},
		{name: "Tokyo rolls, but Route 53 sees it not ready", seoul: rolls("InProgress,Successful"),
			tokyo: fakeRegion{version: 3, latest: 3, change: "InProgress,Successful", ready: []string{"new:Failure new:Failure new:Failure"}},
			say:   "Seoul was not updated", ups: 1, seoulVersion: 3, tokyoVersion: 3},
		// A front door the Tokyo step replaced (a new ALB, target group,
		// listener) starts no refresh: Route 53's check of Tokyo is asked
		// all the same, and Seoul waits for it.
		{name: "Tokyo's step rolls nothing, and Route 53 sees Tokyo not ready", seoul: rolls("InProgress,Successful"),
			tokyo: fakeRegion{version: 3, latest: 3, ready: []string{"new:Failure new:Failure new:Success"}}, env: []string{"WAIT_READY_TIMEOUT=0"},
			say: "Route 53 does not see Tokyo ready after its step (Failure: HTTP Status Code 503", ups: 1, seoulVersion: 3, tokyoVersion: 3},
		// A new target group's instance counts after two checks: the
		// first probes through a new front door may fail.
		{name: "Tokyo's new front door fails its first probes, then is ready", seoul: rolls("InProgress,Successful"),
			tokyo: fakeRegion{version: 3, latest: 3, ready: []string{"new:Failure new:Failure new:Success", "new:Success new:Success new:Failure"}}, env: []string{"WAIT_READY_TIMEOUT=60"},
			ok: true, say: "Tokyo not ready yet (Failure: HTTP Status Code 503", ups: 2, seoulVersion: 4, tokyoVersion: 3},
		{name: "Tokyo's step rolls nothing, and Route 53 gives no verdict", seoul: rolls("InProgress,Successful"),
			tokyo: fakeRegion{version: 3, latest: 3, ready: []string{"old:Success old:Success new:Success"}}, env: []string{"WAIT_READY_TIMEOUT=0"},
			say: "no verdict after 0s", ups: 1, seoulVersion: 3, tokyoVersion: 3},
		{name: "Seoul's refresh fails after Tokyo's succeeded", seoul: rolls("InProgress,Failed"), tokyo: rolls("InProgress,Successful"),
			say: "haproxy-seoul-asg-1 (ap-northeast-2): back on version 3", ups: 2, seoulVersion: 3, tokyoVersion: 4},
		{name: "nothing rolls", seoul: fakeRegion{version: 3, latest: 3}, tokyo: fakeRegion{version: 3, latest: 3},
			ok: true, say: "none was needed", ups: 2, seoulVersion: 3, tokyoVersion: 3},
		{name: "a new stack", fresh: true, seoul: fakeRegion{version: 1, latest: 1}, tokyo: fakeRegion{version: 1, latest: 1},
			ok: true, say: "one update of the whole stack", ups: 1, seoulVersion: 1, tokyoVersion: 1},
		{name: "after a rollback, the same config again", seoul: fakeRegion{version: 3, latest: 3}, tokyo: fakeRegion{version: 3, latest: 4},
			say: "it would roll 4 again", ups: 0, seoulVersion: 3, tokyoVersion: 3},
		{name: "after a rollback, the same config again on purpose", seoul: fakeRegion{version: 3, latest: 3}, tokyo: fakeRegion{version: 3, latest: 4},
			env: []string{"DEPLOY_REAPPLY_ROLLED_BACK=true"}, ok: true, say: "as DEPLOY_REAPPLY_ROLLED_BACK asks", ups: 2, seoulVersion: 3, tokyoVersion: 4},
		{name: "an earlier deploy's refresh is still running", seoul: rolls("Successful"), tokyo: fakeRegion{version: 4, latest: 4,
			change: "Successful", refreshes: []fakeRefresh{{time.Now().Add(-time.Hour), "ir-killed", "InProgress"}}},
			say: "refresh ir-killed is still InProgress", ups: 0, seoulVersion: 3, tokyoVersion: 4},
		{name: "an earlier refresh ended cancelled", seoul: rolls("Successful"), tokyo: fakeRegion{version: 3, latest: 3,
			change: "Successful", refreshes: []fakeRefresh{{time.Now().Add(-time.Hour), "ir-old", "Cancelled"}}},
			ok: true, say: "refresh ir-ap-northeast-1-2 Successful", ups: 2, seoulVersion: 4, tokyoVersion: 4},
		{name: "the aws CLI is denied", seoul: rolls("Successful"), tokyo: rolls("Successful"), denied: true,
			say: "AccessDenied", ups: 0, seoulVersion: 3, tokyoVersion: 3},
		{name: "after a rollback, a fixed config", seoul: rolls("Successful"), tokyo: fakeRegion{version: 3, latest: 4, change: "InProgress,Successful"},
			ok: true, say: "this update makes a new version: going on", ups: 2, seoulVersion: 4, tokyoVersion: 5},
		// A failed update may have moved a group to a new version and
		// started its refresh: it is waited for, and put back if it fails.
		{name: "the full update fails after Seoul moved to a version whose refresh fails", seoul: rolls("InProgress,Failed"), tokyo: rolls("Successful"),
			failUp: "full", say: "haproxy-seoul-asg-1 (ap-northeast-2): back on version 3", ups: 2, seoulVersion: 3, tokyoVersion: 4},
		{name: "the full update fails, Seoul's refresh succeeds", seoul: rolls("InProgress,Successful"), tokyo: rolls("Successful"),
			failUp: "full", say: "the full update: pulumi up failed (exit 255)", ups: 2, seoulVersion: 4, tokyoVersion: 4},
		{name: "the Tokyo step fails after Tokyo moved to a version whose refresh fails", seoul: rolls("Successful"), tokyo: rolls("InProgress,Failed"),
			failUp: "targeted", say: "Seoul was not updated", ups: 1, seoulVersion: 3, tokyoVersion: 3},
		{name: "the Tokyo step fails, Tokyo's refresh succeeds", seoul: rolls("Successful"), tokyo: rolls("InProgress,Successful"),
			failUp: "targeted", say: "the Tokyo step (Seoul was not updated): pulumi up failed", ups: 1, seoulVersion: 3, tokyoVersion: 4},
		{name: "a new stack's update fails", fresh: true, seoul: fakeRegion{version: 1, latest: 1}, tokyo: fakeRegion{version: 1, latest: 1},
			failUp: "full", say: "the full update: pulumi up failed", ups: 1, seoulVersion: 1, tokyoVersion: 1},
		// Tokyo's template takes an input from a resource that changes only
		// in the full update (a replaced web node's new address): the full
		// update leaves Tokyo's template and group out, Seoul is waited
		// for, then Tokyo rolls in a step of its own.
		{name: "the full update would roll Tokyo again", seoul: rolls("Successful"), tokyo: fakeRegion{version: 3, latest: 3, lag: "Successful"},
			ok: true, say: "step 3 of 3", upCalls: []string{tokyoStep, fullWithoutTokyo, tokyoStep}, seoulVersion: 4, tokyoVersion: 4},
		{name: "the full update would roll Tokyo again, after the Tokyo step rolled it", seoul: rolls("Successful"), tokyo: fakeRegion{version: 3, latest: 3, change: "Successful", lag: "Successful"},
			ok: true, say: "leaves them out (--exclude)", upCalls: []string{tokyoStep, fullWithoutTokyo, tokyoStep}, seoulVersion: 4, tokyoVersion: 5},
		{name: "Seoul fails its refresh before Tokyo's second step", seoul: rolls("InProgress,Failed"), tokyo: fakeRegion{version: 3, latest: 3, lag: "Successful"},
			say: "back on version 3", upCalls: []string{tokyoStep, fullWithoutTokyo}, seoulVersion: 3, tokyoVersion: 3},
		{name: "Tokyo's second step fails its refresh", seoul: rolls("Successful"), tokyo: fakeRegion{version: 3, latest: 3, lag: "InProgress,Failed"},
			say: "Tokyo's refresh failed: Seoul runs the whole change and serves", upCalls: []string{tokyoStep, fullWithoutTokyo, tokyoStep}, seoulVersion: 4, tokyoVersion: 3},
		// Seoul must serve before the Tokyo step disturbs Tokyo.
		{name: "Seoul is not ready before the Tokyo step", seoul: fakeRegion{version: 3, latest: 3, change: "Successful", ready: seoulDown}, tokyo: rolls("Successful"),
			say: "DEPLOY_SEOUL_DOWN_OK=true", ups: 0, seoulVersion: 3, tokyoVersion: 3},
		{name: "Seoul is not ready, a fix during the incident", seoul: fakeRegion{version: 3, latest: 3, change: "Successful", ready: seoulDown}, tokyo: rolls("Successful"),
			env: []string{"DEPLOY_SEOUL_DOWN_OK=true"}, ok: true, say: "as DEPLOY_SEOUL_DOWN_OK asks", ups: 2, seoulVersion: 4, tokyoVersion: 4},
		// The Tokyo step replaced Tokyo's check (a new interval): its new ID
		// is asked, not the deleted one.
		{name: "the Tokyo step replaces Tokyo's health check", seoul: rolls("Successful"), tokyo: fakeRegion{version: 3, latest: 3}, checkReplace: true,
			ok: true, say: "Tokyo is ready", notSay: "NoSuchHealthCheck", ups: 2, seoulVersion: 4, tokyoVersion: 3},
		// Seoul's front door changed and no refresh ran: Route 53's check
		// of Seoul after the full update.
		{name: "Seoul is not ready after the full update", seoul: fakeRegion{version: 3, latest: 3, ready: []string{"new:Success new:Success new:Success", "new:Failure new:Failure new:Success"}},
			tokyo: fakeRegion{version: 3, latest: 3}, env: []string{"WAIT_READY_TIMEOUT=0"},
			say: "Route 53 does not see Seoul ready after the full update (Failure", ups: 2, seoulVersion: 3, tokyoVersion: 3},
		// An error in the full update's plan stops the deploy before Tokyo changes.
		{name: "the full update's preview fails", seoul: rolls("Successful"), tokyo: rolls("Successful"), previewFails: true,
			say: "the preview of the full update fails", ups: 0, seoulVersion: 3, tokyoVersion: 3},
		// Asking Route 53 again gets what is left of WAIT_READY_TIMEOUT,
		// not a timeout of its own: two Failures, then no verdict.
		{name: "Tokyo's readiness waits WAIT_READY_TIMEOUT in all", seoul: rolls("Successful"),
			tokyo: fakeRegion{version: 3, latest: 3, ready: []string{"new:Failure new:Failure new:Success", "new:Failure new:Failure new:Success", "old:Success new:Success new:Failure new:Failure"}},
			env:   []string{"WAIT_READY_TIMEOUT=3", "WAIT_REFRESH_INTERVAL=1"},
			say:   "Route 53 does not see Tokyo ready after its step", notSay: "no verdict after 3s", ups: 1, seoulVersion: 3, tokyoVersion: 3},
		// DEPLOY_REPLACE reaches the full update (and its preview).
		{name: "DEPLOY_REPLACE", seoul: rolls("Successful"), tokyo: rolls("Successful"), env: []string{"DEPLOY_REPLACE=urn:pulumi:dev::hybrid-cloud::a::london-ip urn:pulumi:dev::hybrid-cloud::b::c"},
			ok: true, say: "step 2 of 2", upCalls: []string{tokyoStep, fullUpdate + " --replace urn:pulumi:dev::hybrid-cloud::a::london-ip --replace urn:pulumi:dev::hybrid-cloud::b::c"}, seoulVersion: 4, tokyoVersion: 4},
		// Tokyo's HTTPS listener takes Tokyo's certificate, which only the
		// full update replaces (a renamed record).
		{name: "the full update would change Tokyo's listener again", seoul: rolls("Successful"), tokyo: rolls("Successful"), listenerLag: true,
			say: "Tokyo's HTTPS listener (1 steps)", ups: 1, seoulVersion: 3, tokyoVersion: 4},
		{name: "the full update changes Tokyo's listener again on purpose", seoul: rolls("Successful"), tokyo: rolls("Successful"), listenerLag: true,
			env: []string{"DEPLOY_ROLL_BOTH_REGIONS=true"}, ok: true, say: "as DEPLOY_ROLL_BOTH_REGIONS asks", ups: 2, seoulVersion: 4, tokyoVersion: 4},
		// An error reading the outputs is not "no group yet", which would
		// skip the Tokyo step and roll both regions at once.
		{name: "the stack's outputs cannot be read", seoul: rolls("Successful"), tokyo: rolls("Successful"), outputsFail: true,
			say: "503 Service Unavailable", ups: 0, seoulVersion: 3, tokyoVersion: 3},
		{name: "the groups never had a refresh", seoul: rolls("Successful"), tokyo: rolls("Successful"),
			ok: true, say: "step 2 of 2", notSay: "warning", ups: 2, seoulVersion: 4, tokyoVersion: 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir, env := fakeCloud(t, map[string]fakeRegion{seoulRegion: tc.seoul, tokyoRegion: tc.tokyo}, tc.fresh)
			if tc.denied {
				denyAWS(t, dir)
			}
			if tc.outputsFail {
				if err := os.WriteFile(filepath.Join(dir, "outputs-fail"), nil, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if tc.listenerLag {
				if err := os.WriteFile(filepath.Join(dir, "listener.lag"), nil, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if tc.failUp != "" {
				if err := os.WriteFile(filepath.Join(dir, "up-fails"), []byte(tc.failUp), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			for file, on := range map[string]bool{"check.replace": tc.checkReplace, "preview-fails": tc.previewFails} {
				if on {
					if err := os.WriteFile(filepath.Join(dir, file), nil, 0o600); err != nil {
						t.Fatal(err)
					}
				}
			}
			cmd := exec.Command("./scripts/deploy", "dev")
			cmd.Env = append(env, tc.env...)
			out, err := cmd.CombinedOutput()
			if (err == nil) != tc.ok || !strings.Contains(string(out), tc.say) {
				t.Errorf("exit error %v (want ok=%v), output lacks %q:\n%s", err, tc.ok, tc.say, out)
			}
			if tc.notSay != "" && strings.Contains(string(out), tc.notSay) {
				t.Errorf("output says %q:\n%s", tc.notSay, out)
			}
			all := calls(t, dir)
			ups := callsOf(all, "pulumi up")
			var want []string
			switch {
			case tc.upCalls != nil:
				want = tc.upCalls
			case tc.ups == 0:
			case tc.fresh:
				want = []string{fullUpdate}
			default:
				want = []string{tokyoStep, fullUpdate}[:tc.ups]
			}
			if !slices.Equal(ups, want) {
				t.Errorf("pulumi up calls\n  %s\nwant\n  %s", strings.Join(ups, "\n  "), strings.Join(want, "\n  "))
			}
			if i := slices.Index(all, fullUpdate); i >= 0 && tc.tokyo.change != "" {
				// The full update came after Tokyo's refresh was seen to succeed.
				lastTokyoPoll := -1
				for j, c := range all[:i] {
					if strings.Contains(c, "--region "+tokyoRegion+" --auto-scaling-group-name haproxy-tokyo-asg-2 --instance-refresh-ids") {
						lastTokyoPoll = j
					}
				}
				if lastTokyoPoll < slices.Index(all, tokyoStep) {
					t.Errorf("the full update ran before Tokyo's refresh was polled to its end:\n%s", strings.Join(all, "\n"))
				}
			}
			if step, full := slices.Index(all, tokyoStep), slices.Index(all, fullUpdate); step >= 0 && full >= 0 {
				// Route 53's check of Tokyo was asked after the Tokyo step
				// (whether or not it rolled anything), before Seoul's turn.
				if asked := callsOf(all[step:full], "aws route53 get-health-check-status --health-check-id hc-"+tokyoRegion); len(asked) == 0 {
					t.Errorf("Route 53's check of Tokyo was not asked between the Tokyo step and the full update:\n%s", strings.Join(all, "\n"))
				}
				if len(callsOf(all[step:full], "aws route53 get-health-check-status --health-check-id hc-"+seoulRegion)) > 0 {
					t.Errorf("Seoul's check was asked between the Tokyo step and Seoul's update:\n%s", strings.Join(all, "\n"))
				}
			}
			if step := slices.Index(all, tokyoStep); step >= 0 && !strings.Contains(strings.Join(tc.env, " "), "DEPLOY_SEOUL_DOWN_OK") {
				// Seoul was seen ready before the Tokyo step disturbed Tokyo.
				if len(callsOf(all[:step], "aws route53 get-health-check-status --health-check-id hc-"+seoulRegion)) == 0 {
					t.Errorf("Seoul's check was not asked before the Tokyo step:\n%s", strings.Join(all, "\n"))
				}
			}
			if full := slices.Index(all, fullWithoutTokyo); full >= 0 {
				// Tokyo's own step came only after Seoul was seen ready.
				again := full + slices.Index(all[full:], tokyoStep)
				if again > full && len(callsOf(all[full:again], "aws route53 get-health-check-status --health-check-id hc-"+seoulRegion)) == 0 {
					t.Errorf("Tokyo's second step ran before Seoul's check was asked:\n%s", strings.Join(all, "\n"))
				}
			}
			if full := slices.IndexFunc(all, func(c string) bool { return strings.HasPrefix(c, "pulumi up") && !strings.Contains(c, "--target") }); full >= 0 && !tc.fresh {
				// The full update was previewed before anything changed.
				if first := slices.IndexFunc(all, func(c string) bool { return strings.HasPrefix(c, "pulumi up") }); !slices.ContainsFunc(all[:first], func(c string) bool {
					return strings.HasPrefix(c, "pulumi preview") && !strings.Contains(c, "--target")
				}) {
					t.Errorf("the full update was not previewed before the first pulumi up:\n%s", strings.Join(all, "\n"))
				}
			}
			for region, want := range map[string]int{seoulRegion: tc.seoulVersion, tokyoRegion: tc.tokyoVersion} {
				if got := cloudFile(t, dir, region+".version"); got != strconv.Itoa(want) {
					t.Errorf("%s's group is configured with version %s afterwards, want %d\n%s", region, got, want, out)
				}
			}
		})
	}
}

func TestScriptsPassShellcheck(t *testing.T) {
	t.Parallel()
	shellcheck := tooltest.Require(t, "shellcheck", "shellcheck")
	// Every script and stand-in, found rather than listed, so a new one is checked too.
	var scripts []string
	for _, pattern := range []string{"scripts/*", "scripts/lib/*.bash", "testdata/fakecli/*"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			if fi, err := os.Stat(f); err == nil && fi.Mode().IsRegular() && !strings.HasSuffix(f, ".targets") {
				scripts = append(scripts, f)
			}
		}
	}
	for _, want := range []string{"scripts/deploy", "scripts/wait-refresh", "scripts/check-delegation", "scripts/lib/haproxy-groups.bash", "testdata/fakecli/aws"} {
		if !slices.Contains(scripts, want) {
			t.Fatalf("%s not found among %v", want, scripts)
		}
	}
	for _, s := range scripts {
		if out, err := exec.Command(shellcheck, "--norc", "--severity=style", "--external-sources", s).CombinedOutput(); err != nil {
			t.Errorf("shellcheck %s: %v\n%s", s, err, out)
		}
	}
}
