package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/tooltest"
)

// The dev stack's zone and the name servers Route 53 gave its hosted zone.
const (
	delegatedZone = "seojun.shop"
	zoneNS        = "ns-1536.awsdns-00.co.uk\tns-0.awsdns-00.com\tns-1024.awsdns-00.org\tns-512.awsdns-00.net"
)

// delegationWorld is what the stand-in CLIs answer: the ids of the public
// hosted zones named delegatedZone (as `aws --output text` prints them),
// their name servers, and what public DNS answers for the zone's NS.
type delegationWorld struct {
	zoneIDs   string
	hostedNS  string
	publicNS  []string
	digFails  bool
	wantOK    bool
	wantWords []string
}

// fakeDelegationCLIs writes stand-ins for pulumi, aws and dig that answer
// from w, and record each call's arguments in calls.
func fakeDelegationCLIs(t *testing.T, w delegationWorld) (bin, calls string) {
	t.Helper()
	bin = t.TempDir()
	calls = filepath.Join(t.TempDir(), "calls")
	record := `echo "$(basename "$0") $*" >> '` + calls + "'\n"
	digExit := "0"
	if w.digFails {
		digExit = "9"
	}
	scripts := map[string]string{
		"pulumi": `case "$*" in
*"config get"*gslb.zoneName*) echo ` + delegatedZone + ` ;;
*"config get"*clouds.awsPrimaryRegion*) echo ap-northeast-2 ;;
*) echo "fake pulumi: unexpected $*" >&2; exit 2 ;;
esac
`,
		"aws": `case "$1 $2" in
"route53 list-hosted-zones-by-name") printf '%s\n' '` + w.zoneIDs + `' ;;
"route53 get-hosted-zone") printf '%s\n' '` + w.hostedNS + `' ;;
*) echo "fake aws: unexpected $*" >&2; exit 2 ;;
esac
`,
		"dig": `printf '%s\n' ` + shellWords(w.publicNS) + `
exit ` + digExit + "\n",
	}
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/usr/bin/env bash\n"+record+body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return bin, calls
}

// shellWords quotes each word for a bash command line ("" for none).
func shellWords(words []string) string {
	if len(words) == 0 {
		return "''"
	}
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = "'" + w + "'"
	}
	return strings.Join(quoted, " ")
}

// TestCheckDelegationReportsAZoneThatIsNotDelegated runs
// scripts/check-delegation against stand-in CLIs: it passes when public DNS
// names only the hosted zone's own name servers, and fails, saying what to
// set at the registrar, when the zone is not delegated there (another
// provider's servers, an older hosted zone's, none at all) or the lookup the
// program makes would not find exactly one public zone.
func TestCheckDelegationReportsAZoneThatIsNotDelegated(t *testing.T) {
	t.Parallel()
	tooltest.Require(t, "bash", "bash")
	route53 := strings.Split(zoneNS, "\t")
	cases := []struct {
		name string
		w    delegationWorld
	}{
		{"delegated", delegationWorld{
			zoneIDs: "/hostedzone/Z0SEOJUN", hostedNS: zoneNS,
			// dig prints fully qualified names, in any order and case.
			publicNS: []string{"NS-0.AWSDNS-00.COM.", "ns-512.awsdns-00.net.", "ns-1024.awsdns-00.org.", "ns-1536.awsdns-00.co.uk."},
			wantOK:   true, wantWords: []string{"seojun.shop is delegated to hosted zone Z0SEOJUN"},
		}},
		{"the registrar lists two of the four", delegationWorld{
			zoneIDs: "/hostedzone/Z0SEOJUN", hostedNS: zoneNS, publicNS: []string{route53[0] + ".", route53[1] + "."},
			wantOK: true, wantWords: []string{"is delegated"},
		}},
		{"delegated to another DNS provider", delegationWorld{
			zoneIDs: "/hostedzone/Z0SEOJUN", hostedNS: zoneNS, publicNS: []string{"ns1.registrar-parking.example.", "ns2.registrar-parking.example."},
			wantWords: []string{
				"seojun.shop is not delegated to hosted zone Z0SEOJUN",
				"public DNS answers ns1.registrar-parking.example ns2.registrar-parking.example",
				"name servers are ns-0.awsdns-00.com ns-1024.awsdns-00.org ns-1536.awsdns-00.co.uk ns-512.awsdns-00.net",
				"set these at the registrar", "ACM cannot validate",
			},
		}},
		{"a hosted zone made again (an older zone's servers)", delegationWorld{
			zoneIDs: "/hostedzone/Z0SEOJUN", hostedNS: zoneNS,
			publicNS:  []string{"ns-77.awsdns-09.com.", route53[1] + "."},
			wantWords: []string{"is not delegated", "public DNS answers ns-0.awsdns-00.com ns-77.awsdns-09.com", "made again gets new name servers"},
		}},
		{"not registered or expired", delegationWorld{
			zoneIDs: "/hostedzone/Z0SEOJUN", hostedNS: zoneNS,
			wantWords: []string{"public DNS has no name servers for seojun.shop", "Set these name servers at the registrar: ns-0.awsdns-00.com"},
		}},
		{"no public hosted zone", delegationWorld{
			wantWords: []string{"no public hosted zone named seojun.shop (hybrid-cloud:gslb.zoneName)"},
		}},
		{"two public hosted zones of that name", delegationWorld{
			zoneIDs:   "/hostedzone/Z0SEOJUN\t/hostedzone/Z9AGAIN",
			wantWords: []string{"2 public hosted zones are named seojun.shop", "needs exactly one"},
		}},
		{"DNS does not answer", delegationWorld{
			zoneIDs: "/hostedzone/Z0SEOJUN", hostedNS: zoneNS, digFails: true,
			wantWords: []string{"could not ask DNS for the name servers of seojun.shop"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			bin, calls := fakeDelegationCLIs(t, tc.w)
			cmd := exec.Command("./scripts/check-delegation", "dev")
			cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "CHECK_DELEGATION_RESOLVER=")
			out, err := cmd.CombinedOutput()
			if (err == nil) != tc.w.wantOK {
				t.Errorf("exit error %v, want ok=%v:\n%s", err, tc.w.wantOK, out)
			}
			for _, w := range tc.w.wantWords {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			// The zone looked up is the one get-hosted-zone is asked about.
			log, _ := os.ReadFile(calls)
			if tc.w.hostedNS != "" && !strings.Contains(string(log), "get-hosted-zone --region ap-northeast-2 --id Z0SEOJUN ") {
				t.Errorf("the hosted zone was not read by its id:\n%s", log)
			}
		})
	}
}
