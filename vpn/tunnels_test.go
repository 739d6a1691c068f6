package vpn

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// stubIP stands in for iproute2 in TestHealthCheckSteering: routes are
// files route.DEV (the arguments of the last `ip route replace`), an
// installed SA on if_id N is a file sa.N, and anything the script runs that
// the stub does not know is written to errors.
const stubIP = `#!/bin/sh
s=$STUB
case "$*" in
"link show dev "* | "addr replace "* | "link set "* | "route replace unreachable "*) exit 0 ;;
"route show exact "*)
	[ -f "$s/route.$6" ] && cat "$s/route.$6"
	exit 0
	;;
"route replace "*)
	echo "$*" >"$s/route.$5"
	exit 0
	;;
"route del "*)
	rm -f "$s/route.$5"
	exit 0
	;;
"xfrm state")
	for f in "$s"/sa.*; do
		[ -e "$f" ] && printf '\tif_id 0x%x\n' "${f##*.}"
	done
	exit 0
	;;
"-4 -o addr show to 192.168.0.0/20 scope global")
	echo '2: eth0    inet 192.168.0.1/24 brd 192.168.0.255 scope global eth0\       valid_lft forever preferred_lft forever'
	exit 0
	;;
esac
echo "ip $*" >>"$s/errors"
exit 1
`

// stubPing answers for DEV (ping's 8th argument, after -I) while a file
// answer.DEV exists, and counts its calls in pings.
const stubPing = `#!/bin/sh
echo "$8" >>"$STUB/pings"
[ -e "$STUB/answer.$8" ]
`

// TestHealthCheckSteering runs the rendered health check against stubbed
// ip and ping and walks it through the cases the routes depend on: both
// tunnels answering; neither answering with both SAs installed (the routes
// stay: unanswered pings alone must not take the VPC away); neither
// answering and tunnel 1's SA gone; only tunnel 2 answering; tunnel 1
// answering without an SA (no route: the updown hook dropped it with the
// SA) and with its SA back. It waits for probe rounds, never for time.
func TestHealthCheckSteering(t *testing.T) {
	t.Parallel()
	script, err := RenderTunnelScript(DefaultProfile(), placeholderGateway())
	if err != nil {
		t.Fatal(err)
	}
	script = strings.Replace(script, "\ninterval=0.2\n", "\ninterval=0.01\n", 1)
	dir := t.TempDir()
	bin, state := filepath.Join(dir, "bin"), filepath.Join(dir, "state")
	for _, d := range []string{bin, state} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, text := range map[string]string{"ip": stubIP, "ping": stubPing, "aws-tunnels": script} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(text), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	set := func(name string, on bool) {
		t.Helper()
		path := filepath.Join(state, name)
		if on {
			if err := os.WriteFile(path, nil, 0o644); err != nil {
				t.Fatal(err)
			}
		} else if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	set("answer.ipsec1", true)
	set("answer.ipsec2", true)
	set("sa.1", true)
	set("sa.2", true)

	var stderr bytes.Buffer
	cmd := exec.Command("sh", filepath.Join(bin, "aws-tunnels"), "health")
	cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "STUB="+state)
	cmd.Stderr = &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("health check's log:\n%s", stderr.String())
		}
	}()

	pings := func() int {
		b, _ := os.ReadFile(filepath.Join(state, "pings"))
		return bytes.Count(b, []byte("\n"))
	}
	// rounds waits for n more full probe rounds (two pings each), for at
	// most 30 s: a health check that stopped probing fails here.
	rounds := func(n int) {
		t.Helper()
		want := pings() + 2*(n+1)
		for deadline := time.Now().Add(30 * time.Second); pings() < want; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the health check probed %d times, want %d", pings(), want)
			}
		}
	}
	routes := func(step string, want1, want2 bool) {
		t.Helper()
		for dev, want := range map[string]bool{"ipsec1": want1, "ipsec2": want2} {
			b, err := os.ReadFile(filepath.Join(state, "route."+dev))
			switch {
			case want && err != nil:
				t.Errorf("%s: no VPC route via %s, want one", step, dev)
			case !want && err == nil:
				t.Errorf("%s: VPC route via %s (%s), want none", step, dev, strings.TrimSpace(string(b)))
			case want && !strings.Contains(string(b), " src 192.168.0.1"):
				t.Errorf("%s: route via %s is %q, want src 192.168.0.1 (the gateway's on-prem address)", step, dev, b)
			}
		}
	}

	rounds(healthMisses + 1)
	routes("both answer", true, true)

	set("answer.ipsec1", false)
	set("answer.ipsec2", false)
	rounds(2*healthMisses + 2)
	routes("neither answers, both SAs installed", true, true)

	set("sa.1", false)
	rounds(2)
	routes("neither answers, tunnel 1's SA gone", false, true)

	set("sa.1", true)
	set("answer.ipsec2", true)
	rounds(healthMisses + 1)
	routes("only tunnel 2 answers", false, true)

	set("sa.1", false)
	set("answer.ipsec1", true)
	rounds(healthMisses + 1)
	routes("tunnel 1 answers without an SA", false, true)

	set("sa.1", true)
	rounds(2)
	routes("tunnel 1 answers with its SA back", true, true)

	if b, err := os.ReadFile(filepath.Join(state, "errors")); err == nil {
		t.Errorf("the health check ran commands the stub does not know:\n%s", b)
	}
	if !strings.Contains(stderr.String(), "no tunnel answers: 10.26.0.0/16 stays via each tunnel with an SA") {
		t.Errorf("the health check did not log that no tunnel answers")
	}
}
