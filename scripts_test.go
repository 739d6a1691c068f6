package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/tooltest"
)

// fakeCLIs writes stand-ins for the pulumi and aws CLIs: pulumi answers the
// stack's outputs and regions; aws answers each region's refresh statuses in
// turn (one per call, the last one repeated), as listed in statuses.
func fakeCLIs(t *testing.T, statuses map[string][]string) (bin string) {
	t.Helper()
	bin = t.TempDir()
	state := t.TempDir()
	pulumi := `#!/usr/bin/env bash
case "$*" in
*"stack output"*haproxySeoulGroup*) echo haproxy-seoul-asg-1 ;;
*"stack output"*haproxyTokyoGroup*) echo haproxy-tokyo-asg-2 ;;
*clouds.awsPrimaryRegion*) echo ap-northeast-2 ;;
*clouds.awsSecondaryRegion*) echo ap-northeast-1 ;;
*) echo "fake pulumi: unexpected $*" >&2; exit 2 ;;
esac
`
	aws := `#!/usr/bin/env bash
region=""
while (($#)); do
	if [[ $1 == --region ]]; then region=$2; fi
	shift
done
n=$(cat "` + state + `/$region" 2>/dev/null || echo 0)
echo $((n + 1)) > "` + state + `/$region"
mapfile -t lines < "` + state + `/$region.statuses"
i=$((n < ${#lines[@]} ? n : ${#lines[@]} - 1))
printf '%s\n' "${lines[$i]}"
`
	for name, text := range map[string]string{"pulumi": pulumi, "aws": aws} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(text), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for region, list := range statuses {
		if err := os.WriteFile(filepath.Join(state, region+".statuses"), []byte(strings.Join(list, "\n")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return bin
}

// TestWaitRefreshFailsTheDeployOnAFailedRoll runs scripts/wait-refresh
// against fake CLIs: it waits while a refresh runs, passes when both
// regions' refreshes succeeded (or none ran), and fails, naming the group,
// when one failed, rolled back or outlasted the timeout.
func TestWaitRefreshFailsTheDeployOnAFailedRoll(t *testing.T) {
	t.Parallel()
	tooltest.Require(t, "bash", "bash")
	cases := []struct {
		name         string
		seoul, tokyo []string
		timeout      string
		ok           bool
		say          string
	}{
		{"both rolled", []string{"Successful\tNone"}, []string{"Successful\tNone"}, "60", true, "haproxy-tokyo-asg-2 (ap-northeast-1): Successful"},
		{"no refresh ever ran", []string{"None\tNone"}, []string{"None\tNone"}, "60", true, "None"},
		{"waits while Seoul rolls", []string{"Pending\tNone", "InProgress\tx", "Successful\tNone"}, []string{"Successful\tNone"}, "60", true, "haproxy-seoul-asg-1 (ap-northeast-2): Successful"},
		{"Tokyo rolled back", []string{"Successful\tNone"}, []string{"InProgress\tx", "RollbackSuccessful\tinstances failed health checks"}, "60", false, "haproxy-tokyo-asg-2 (ap-northeast-1): RollbackSuccessful"},
		{"Seoul failed", []string{"Failed\tno capacity"}, []string{"Successful\tNone"}, "60", false, "Failed"},
		{"Seoul never ends", []string{"InProgress\tx"}, []string{"Successful\tNone"}, "0", false, "still InProgress after 0s"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			bin := fakeCLIs(t, map[string][]string{"ap-northeast-2": tc.seoul, "ap-northeast-1": tc.tokyo})
			cmd := exec.Command("./scripts/wait-refresh", "dev")
			cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "WAIT_REFRESH_INTERVAL=0", "WAIT_REFRESH_TIMEOUT="+tc.timeout)
			out, err := cmd.CombinedOutput()
			if (err == nil) != tc.ok || !strings.Contains(string(out), tc.say) {
				t.Errorf("exit error %v (want ok=%v), output lacks %q:\n%s", err, tc.ok, tc.say, out)
			}
		})
	}
}

func TestWaitRefreshPassesShellcheck(t *testing.T) {
	t.Parallel()
	shellcheck := tooltest.Require(t, "shellcheck", "shellcheck")
	if out, err := exec.Command(shellcheck, "--norc", "--severity=style", "scripts/wait-refresh").CombinedOutput(); err != nil {
		t.Errorf("shellcheck scripts/wait-refresh: %v\n%s", err, out)
	}
}
