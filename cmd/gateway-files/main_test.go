package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hybridlab/hybrid-cloud/internal/tooltest"
)

func stackOutputs(t *testing.T, override map[string]any) string {
	t.Helper()
	outputs := map[string]any{
		"vpnConnectionId": "vpn-0123456789abcdef0",
		outputConf:        "conn Tunnel1\n\tauto=start\n",
		outputSecrets:     "123.142.252.25 192.0.2.10 : PSK \"placeholder.key\"\n",
		outputSysctl:      "net.ipv4.ip_forward = 1\n",
		outputScript:      "#!/bin/sh\necho placeholder\n",
		outputService:     "[Service]\nExecStart=/etc/ipsec.d/aws-tunnels health\n",
	}
	for k, v := range override {
		if v == nil {
			delete(outputs, k)
		} else {
			outputs[k] = v
		}
	}
	b, err := json.Marshal(outputs)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWritesTheFilesWithSafeModes(t *testing.T) {
	t.Parallel()
	for _, viaFile := range []bool{false, true} {
		root := t.TempDir()
		dir, sysctlDir, unitDir := filepath.Join(root, "ipsec.d"), filepath.Join(root, "sysctl.d"), filepath.Join(root, "system")
		input := stackOutputs(t, nil)
		args := []string{"-out", dir, "-sysctl-out", sysctlDir, "-unit-out", unitDir}
		stdin := strings.NewReader(input)
		if viaFile {
			path := filepath.Join(t.TempDir(), "outputs.json")
			if err := os.WriteFile(path, []byte(input), 0o600); err != nil {
				t.Fatal(err)
			}
			args = append(args, "-in", path)
			stdin = strings.NewReader("not json")
		}
		// A stale, world-readable secrets file must not keep its mode.
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "aws.secrets"), []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		if err := run(args, stdin, &stderr); err != nil {
			t.Fatalf("run %v: %v\n%s", args, err, stderr.String())
		}
		for path, want := range map[string]struct {
			content string
			mode    os.FileMode
		}{
			filepath.Join(dir, "aws.conf"):                        {"conn Tunnel1\n\tauto=start\n", 0o644},
			filepath.Join(dir, "aws.secrets"):                     {"123.142.252.25 192.0.2.10 : PSK \"placeholder.key\"\n", 0o600},
			filepath.Join(sysctlDir, "60-libreswan-gateway.conf"): {"net.ipv4.ip_forward = 1\n", 0o644},
			// pluto runs it as the conns' updown hook.
			filepath.Join(dir, "aws-tunnels"):             {"#!/bin/sh\necho placeholder\n", 0o755},
			filepath.Join(unitDir, "aws-tunnels.service"): {"[Service]\nExecStart=/etc/ipsec.d/aws-tunnels health\n", 0o644},
		} {
			name := path
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != want.content {
				t.Errorf("%s = %q, want %q", name, got, want.content)
			}
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if info.Mode().Perm() != want.mode {
				t.Errorf("%s mode %v, want %v", name, info.Mode().Perm(), want.mode)
			}
		}
		for d, want := range map[string]int{dir: 3, sysctlDir: 1, unitDir: 1} {
			if entries, _ := os.ReadDir(d); len(entries) != want {
				t.Errorf("%d entries in %s, want %d (no temporary files left)", len(entries), d, want)
			}
		}
	}
}

func TestRefusesIncompleteOutputs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		input string
		args  []string
		want  string
	}{
		{"hidden secret", stackOutputs(t, map[string]any{outputSecrets: "[secret]"}), nil, "--show-secrets"},
		{"missing output", stackOutputs(t, map[string]any{outputConf: nil}), nil, "libreswanConf is missing"},
		{"not text", stackOutputs(t, map[string]any{outputSysctl: 3}), nil, "libreswanSysctl is missing or not text"},
		{"not json", "pulumi: no stack selected", nil, "reading stack outputs"},
		{"no -out", stackOutputs(t, nil), []string{}, "-out is required"},
		{"empty -sysctl-out", stackOutputs(t, nil), []string{"-sysctl-out", ""}, "-sysctl-out and -unit-out must not be empty"},
		// The usage line's -out /etc/ipsec.d with the sysctl file beside
		// the conf: Libreswan would fail to parse it (see TestDocumentedCommand...).
		{"sysctl into -out", stackOutputs(t, nil), []string{"-sysctl-out", "OUT"}, "-sysctl-out OUT is the -out directory"},
		{"sysctl into -out, spelt differently", stackOutputs(t, nil), []string{"-sysctl-out", "OUT/./"}, "is the -out directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			dir := filepath.Join(root, "out")
			// Never the real /etc/sysctl.d from a test.
			args := []string{"-out", dir, "-sysctl-out", filepath.Join(root, "sysctl.d")}
			switch {
			case tc.args != nil && len(tc.args) == 0:
				args = []string{"-sysctl-out", filepath.Join(root, "sysctl.d")}
			case tc.args != nil:
				for _, a := range tc.args {
					args = append(args, strings.ReplaceAll(a, "OUT", dir))
				}
			}
			tc.want = strings.ReplaceAll(tc.want, "OUT", dir)
			err := run(args, strings.NewReader(tc.input), &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
			if _, statErr := os.Stat(filepath.Join(dir, "aws.conf")); statErr == nil {
				t.Error("wrote files despite the error")
			}
		})
	}
}

// TestSysctlGoesToSysctlDByDefault: without -sysctl-out the file lands where
// systemd-sysctl reads it, under the name the gateway VM's cloud-init uses.
func TestSysctlGoesToSysctlDByDefault(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	if err := run([]string{"-h"}, strings.NewReader(""), &stderr); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	if !strings.Contains(stderr.String(), `-sysctl-out directory`) || !strings.Contains(stderr.String(), `(default "/etc/sysctl.d")`) {
		t.Errorf("usage does not show -sysctl-out defaulting to /etc/sysctl.d:\n%s", stderr.String())
	}
	if got := filepath.Join(DefaultSysctlDir, sysctlName); got != "/etc/sysctl.d/60-libreswan-gateway.conf" {
		t.Errorf("sysctl file goes to %s, want vpn.SysctlPath /etc/sysctl.d/60-libreswan-gateway.conf", got)
	}
}

// TestDocumentedCommandLoadsInLibreswan runs the command as its usage line
// says (-out standing for /etc/ipsec.d) on the VPN's rendered golden files,
// includes that directory from the distribution's stock ipsec.conf the way
// it includes /etc/ipsec.d/*.conf, and has the real Libreswan parse the
// result. It also shows the check fails when the sysctl file sits in -out,
// which is how the tunnels failed to load before -sysctl-out.
func TestDocumentedCommandLoadsInLibreswan(t *testing.T) {
	t.Parallel()
	ipsec := tooltest.Require(t, "ipsec", "libreswan")
	rendered := func(name string) string {
		b, err := os.ReadFile(filepath.Join("..", "..", "vpn", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	input := stackOutputs(t, map[string]any{
		outputConf:    rendered("aws-default.conf"),
		outputSecrets: rendered("aws.secrets"),
		outputSysctl:  rendered("sysctl.conf"),
		outputScript:  rendered("aws-tunnels.sh"),
		outputService: rendered("aws-tunnels.service"),
	})
	root := t.TempDir()
	ipsecD, sysctlD := filepath.Join(root, "ipsec.d"), filepath.Join(root, "sysctl.d")
	if err := run([]string{"-out", ipsecD, "-sysctl-out", sysctlD, "-unit-out", filepath.Join(root, "system")}, strings.NewReader(input), &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}

	// The distribution's ipsec.conf (Debian's libreswan package ships
	// "config setup" and the include), pointed at this test's directory.
	stock := "config setup\ninclude /etc/ipsec.d/*.conf\n"
	if b, err := os.ReadFile("/etc/ipsec.conf"); err == nil {
		stock = string(b)
	}
	const include = "include /etc/ipsec.d/*.conf"
	if !strings.Contains(stock, "\n"+include+"\n") {
		t.Fatalf("the stock ipsec.conf has no line %q:\n%s", include, stock)
	}
	conf := filepath.Join(root, "ipsec.conf")
	// Only the include line: the stock file also names /etc/ipsec.d in comments.
	pointed := strings.Replace(stock, "\n"+include+"\n", "\ninclude "+ipsecD+"/*.conf\n", 1)
	if err := os.WriteFile(conf, []byte(pointed), 0o644); err != nil {
		t.Fatal(err)
	}
	check := func() (bool, string) {
		out, err := exec.Command(ipsec, "addconn", "--checkconfig", "--config", conf).CombinedOutput()
		return err == nil && strings.TrimSpace(string(out)) == "", string(out)
	}
	if ok, out := check(); !ok {
		t.Fatalf("ipsec addconn --checkconfig refused the documented command's output:\n%s", out)
	}

	// Before -sysctl-out: the sysctl file beside aws.conf breaks the include.
	if err := os.WriteFile(filepath.Join(ipsecD, sysctlName), []byte(rendered("sysctl.conf")), 0o644); err != nil {
		t.Fatal(err)
	}
	if ok, out := check(); ok {
		t.Fatalf("addconn accepted a sysctl file among the included *.conf: the check above proves nothing\n%s", out)
	}
}

// fakeRunner records the commands -apply runs; ipsec is running when
// active. Its conns are up (their SAs listed, the route to the VPC on
// ipsecN for TunnelN) from the start and after `ipsec auto --up`, except
// those stuck, whose --up exits 0 and brings nothing up (issue 22).
type fakeRunner struct {
	active   bool
	noHealth bool // aws-tunnels.service not running
	stuck    map[string]bool
	up       map[string]bool
	cmds     []string
	sleeps   int
}

func newFake(active bool, stuck ...string) *fakeRunner {
	f := &fakeRunner{active: active, stuck: map[string]bool{}, up: map[string]bool{"Tunnel1": true, "Tunnel2": true}}
	for _, c := range stuck {
		f.stuck[c] = true
	}
	return f
}

func (f *fakeRunner) run(name string, args ...string) error {
	f.cmds = append(f.cmds, name+" "+strings.Join(args, " "))
	if name == "ipsec" && len(args) == 3 && args[0] == "auto" {
		switch args[1] {
		case "--replace", "--delete":
			f.up[args[2]] = false
		case "--up":
			f.up[args[2]] = !f.stuck[args[2]]
		}
	}
	return nil
}

func (f *fakeRunner) ok(name string, args ...string) bool {
	if slices.Contains(args, "aws-tunnels.service") {
		return f.active && !f.noHealth
	}
	return f.active
}

func (f *fakeRunner) output(name string, args ...string) (string, error) {
	var out strings.Builder
	switch cmd := name + " " + strings.Join(args, " "); {
	case cmd == "ipsec trafficstatus":
		for conn, up := range f.up {
			if up {
				fmt.Fprintf(&out, "006 #2: %q, type=ESP, add_time=1, inBytes=0, outBytes=0\n", conn)
			}
		}
	case strings.HasPrefix(cmd, "ip route show exact ") && len(args) == 6:
		if n, ok := strings.CutPrefix(args[5], "ipsec"); ok && f.up["Tunnel"+n] {
			fmt.Fprintf(&out, "%s metric 100\n", args[3])
		}
	default:
		return "", fmt.Errorf("fake: %s", cmd)
	}
	return out.String(), nil
}

func (f *fakeRunner) sleep(time.Duration) { f.sleeps++ }

// testPlan is applyChanges' plan for conf, with ch's old aws.conf as the
// one last applied, recording nothing.
func testPlan(t *testing.T, ch changes, conf string) plan {
	applied, err := lastApplied(t.TempDir(), ch, conf)
	if err != nil {
		t.Fatal(err)
	}
	return plan{applied: applied, conf: conf, sysctlFile: "/etc/sysctl.d/" + sysctlName,
		record: func(map[string]string) error { return nil }}
}

// TestApplyReplacesOnlyChangedConns: on a live gateway, -apply with the same
// files replaces no conn; a change to tunnel 2's section replaces Tunnel2
// alone; a new key only rereads the secrets.
func TestApplyReplacesOnlyChangedConns(t *testing.T) {
	t.Parallel()
	conf := func(t2 string) string {
		return "# header\nconn Tunnel1\n\tauto=start\n\tright=192.0.2.10\n\nconn Tunnel2\n\tauto=start\n\tright=" + t2 + "\n"
	}
	for _, tc := range []struct {
		name string
		ch   changes
		want []string
		not  []string
	}{
		{"nothing changed", changes{old: map[string]string{}},
			[]string{"sysctl -q -p", "systemctl enable --now aws-tunnels.service"}, []string{"--replace", "--rereadsecrets", "restart"}},
		{"tunnel 2 moved", changes{old: map[string]string{confName: conf("198.51.100.1")}},
			[]string{"ipsec auto --replace Tunnel2", "ipsec auto --up Tunnel2"}, []string{"Tunnel1", "restart"}},
		{"header comment only", changes{old: map[string]string{confName: strings.Replace(conf("198.51.100.20"), "# header", "# other", 1)}},
			nil, []string{"--replace"}},
		{"new key", changes{old: map[string]string{secretsName: "old"}},
			[]string{"ipsec auto --rereadsecrets"}, []string{"--replace"}},
		{"new script", changes{old: map[string]string{scriptName: "old"}},
			[]string{"systemctl restart aws-tunnels.service"}, []string{"--replace", "ipsec restart"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newFake(true)
			if err := applyChanges(r, tc.ch, testPlan(t, tc.ch, conf("198.51.100.20"))); err != nil {
				t.Fatal(err)
			}
			all := strings.Join(r.cmds, "\n")
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("no %q in:\n%s", w, all)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(all, n) {
					t.Errorf("%q in:\n%s", n, all)
				}
			}
		})
	}
	// ipsec not running: start it, replace nothing.
	ch := changes{old: map[string]string{confName: ""}}
	r := newFake(false)
	if err := applyChanges(r, ch, testPlan(t, ch, conf("x"))); err != nil {
		t.Fatal(err)
	}
	if all := strings.Join(r.cmds, "\n"); !strings.Contains(all, "systemctl enable --now ipsec") || strings.Contains(all, "--replace") {
		t.Errorf("with ipsec stopped:\n%s", all)
	}
}

// TestApplyEnablesIpsecStartedByHand: ipsec running but perhaps started by
// hand is enabled for the next boot, not started again; ipsec stopped is
// enabled and started.
func TestApplyEnablesIpsecStartedByHand(t *testing.T) {
	t.Parallel()
	for _, active := range []bool{true, false} {
		r := newFake(active)
		if err := applyChanges(r, changes{}, testPlan(t, changes{}, "conn Tunnel1\n\tauto=start\n")); err != nil {
			t.Fatal(err)
		}
		want, not := "systemctl enable ipsec", "systemctl enable --now ipsec"
		if !active {
			want, not = not, want
		}
		if !slices.Contains(r.cmds, want) || slices.Contains(r.cmds, not) {
			t.Errorf("ipsec active %v: want %q and no %q in:\n%s", active, want, not, strings.Join(r.cmds, "\n"))
		}
	}
}

// routedConf and routedOutputs are a route-based aws.conf (tunnel 2's
// outside address t2, tunnel 1's t1) with the tunnel script naming the VPC
// range, as the program renders them.
func routedOutputs(t1, t2 string) map[string]string {
	conn := func(n int, right string) string {
		return fmt.Sprintf("conn Tunnel%d\n\tauto=start\n\tright=%s\n\tipsec-interface=%d\n\n", n, right, n)
	}
	return map[string]string{
		outputConf:   "# aws.conf\n" + conn(1, t1) + conn(2, t2),
		outputScript: "#!/bin/sh\nvpc_cidr=10.26.0.0/16\n",
	}
}

// TestApplyStopsWhenAConnDoesNotComeUp: tunnel 2's --up exits 0 but the
// VPC's route never comes back on ipsec2: -apply waits (bounded), fails
// naming the conn, and leaves tunnel 1 alone, carrying the traffic.
func TestApplyStopsWhenAConnDoesNotComeUp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	old := routedOutputs("192.0.2.1", "192.0.2.2")[outputConf]
	ch := changes{old: map[string]string{confName: old}}
	r := newFake(true, "Tunnel2")
	err := applyFiles(r, dir, ch, routedOutputs("198.51.100.1", "198.51.100.2"), "f")
	if err == nil || !strings.Contains(err.Error(), "Tunnel2 is not up") || !strings.Contains(err.Error(), "route to 10.26.0.0/16 on ipsec2") ||
		!strings.Contains(err.Error(), "Tunnel1 left as it was") {
		t.Fatalf("want an error naming Tunnel2, its route and Tunnel1 left alone, got %v", err)
	}
	for _, c := range r.cmds {
		if strings.Contains(c, "Tunnel1") {
			t.Errorf("tunnel 1 touched after tunnel 2 failed: %q in:\n%s", c, strings.Join(r.cmds, "\n"))
		}
	}
	if want := int(upTimeout / upPoll); r.sleeps != want {
		t.Errorf("waited %d polls, want %d (%s)", r.sleeps, want, upTimeout)
	}
	if b, err := os.ReadFile(filepath.Join(dir, appliedName)); err == nil && strings.Contains(string(b), "198.51.100.2") {
		t.Errorf("%s records tunnel 2's new section though it never came up:\n%s", appliedName, b)
	}
	// No health check running yet (a gateway moving from the policy-based
	// files): nothing would put the route there; the SA is waited for.
	r = newFake(true, "Tunnel2")
	r.noHealth = true
	err = applyFiles(r, t.TempDir(), ch, routedOutputs("198.51.100.1", "198.51.100.2"), "f")
	if err == nil || !strings.Contains(err.Error(), "still no SA of Tunnel2 in `ipsec trafficstatus`") {
		t.Fatalf("without the health check: want Tunnel2's SA waited for, got %v", err)
	}
	r = newFake(true)
	r.noHealth = true
	if err := applyFiles(r, t.TempDir(), ch, routedOutputs("198.51.100.1", "198.51.100.2"), "f"); err != nil {
		t.Fatalf("without the health check, both conns coming up: %v", err)
	}
}

// TestApplyRerunFinishesAFailedRun: tunnel 2 is replaced, tunnel 1 does not
// come up; the files are on disk by then, so a rerun sees no file change,
// yet it replaces tunnel 1 (and only it), and a third run replaces nothing.
func TestApplyRerunFinishesAFailedRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cur := routedOutputs("198.51.100.1", "198.51.100.2")
	ch := changes{old: map[string]string{confName: routedOutputs("192.0.2.1", "192.0.2.2")[outputConf]}}
	first := newFake(true, "Tunnel1")
	if err := applyFiles(first, dir, ch, cur, "f"); err == nil || !strings.Contains(err.Error(), "Tunnel1 is not up") {
		t.Fatalf("first run: want Tunnel1 not up, got %v", err)
	}
	if !slices.Contains(first.cmds, "ipsec auto --replace Tunnel2") {
		t.Fatalf("first run did not replace Tunnel2:\n%s", strings.Join(first.cmds, "\n"))
	}
	second := newFake(true)
	if err := applyFiles(second, dir, changes{}, cur, "f"); err != nil {
		t.Fatalf("rerun: %v", err)
	}
	var replaced []string
	for _, c := range second.cmds {
		if n, ok := strings.CutPrefix(c, "ipsec auto --replace "); ok {
			replaced = append(replaced, n)
		}
	}
	if !slices.Equal(replaced, []string{"Tunnel1"}) {
		t.Fatalf("rerun replaced %v, want [Tunnel1]:\n%s", replaced, strings.Join(second.cmds, "\n"))
	}
	if b, err := os.ReadFile(filepath.Join(dir, appliedName)); err != nil || string(b) != cur[outputConf] {
		t.Fatalf("after the rerun %s = %q (%v), want aws.conf", appliedName, b, err)
	}
	third := newFake(true)
	if err := applyFiles(third, dir, changes{}, cur, "f"); err != nil {
		t.Fatal(err)
	}
	if all := strings.Join(third.cmds, "\n"); strings.Contains(all, "--replace") {
		t.Errorf("third run replaced a conn:\n%s", all)
	}
}

// TestSecondRunChangesNothing: run twice on the same outputs, the second
// run rewrites no file (so -apply would replace nothing).
func TestSecondRunChangesNothing(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	args := []string{"-out", filepath.Join(root, "ipsec.d"), "-sysctl-out", filepath.Join(root, "sysctl.d"), "-unit-out", filepath.Join(root, "system")}
	for i := range 2 {
		var stderr bytes.Buffer
		if err := run(args, strings.NewReader(stackOutputs(t, nil)), &stderr); err != nil {
			t.Fatal(err)
		}
		if wrote := strings.Count(stderr.String(), "wrote "); (i == 0) != (wrote == len(files)) || (i == 1 && wrote != 0) {
			t.Errorf("run %d wrote %d files:\n%s", i+1, wrote, stderr.String())
		}
	}
}
