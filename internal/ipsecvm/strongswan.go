package ipsecvm

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hybridlab/hybrid-cloud/internal/ikehandshake"
)

// strongSwanPackages are the Debian packages of strongSwan's charon and
// swanctl. Debian's strongswan daemon packages conflict with libreswan, so
// they are never installed: UnpackStrongSwan extracts them into a private
// directory, which the guest copies into its own (overlay) root.
var strongSwanPackages = []string{
	"libstrongswan", "libstrongswan-standard-plugins", "strongswan-libcharon", "strongswan-charon", "strongswan-swanctl",
}

// UnpackStrongSwan returns a directory holding the strongSwan packages'
// files (usr/lib/ipsec, usr/sbin/swanctl), downloaded with apt-get download
// and extracted with dpkg-deb into the user's cache once. Where that is not
// possible the test fails under CI=true and skips elsewhere.
func UnpackStrongSwan(ctx context.Context, t testing.TB) string {
	t.Helper()
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	root := filepath.Join(cache, "hybrid-cloud", "strongswan")
	stamp := filepath.Join(root, ".complete")
	if _, err := os.Stat(stamp); err == nil {
		return root
	}
	for _, tool := range []string{"apt-get", "dpkg-deb"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing(t, tool+" not found: the strongSwan stand-in is unpacked from Debian's packages")
		}
	}
	debs := t.TempDir()
	get := exec.CommandContext(ctx, "apt-get", append([]string{"download"}, strongSwanPackages...)...)
	get.Dir = debs
	if out, err := get.CombinedOutput(); err != nil {
		missing(t, fmt.Sprintf("apt-get download %s: %v: %s", strings.Join(strongSwanPackages, " "), err, out))
	}
	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(debs, "*.deb"))
	if len(files) != len(strongSwanPackages) {
		t.Fatalf("apt-get download gave %d packages, want %d", len(files), len(strongSwanPackages))
	}
	for _, f := range files {
		if out, err := exec.CommandContext(ctx, "dpkg-deb", "-x", f, root).CombinedOutput(); err != nil {
			t.Fatalf("dpkg-deb -x %s: %v: %s", f, err, out)
		}
	}
	if err := os.WriteFile(stamp, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

// installStrongSwan copies the unpacked files into the guest's root (an
// overlay on the host's files: the host itself is never written).
func installStrongSwan(ctx context.Context, unpacked string) error {
	for _, p := range []string{"usr/lib/ipsec", "usr/sbin/swanctl"} {
		dst := filepath.Join("/", filepath.Dir(p))
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return err
		}
		if out, err := exec.CommandContext(ctx, "cp", "-a", filepath.Join(unpacked, p), dst).CombinedOutput(); err != nil {
			return fmt.Errorf("cp %s: %v: %s", p, err, out)
		}
	}
	return nil
}

// AWS's algorithm names -> strongSwan's. Written apart from the vpn
// package's (Libreswan) and ikehandshake's tables, from strongSwan's
// proposal keywords, so the data plane checks all three agree.
var (
	swanEncryption = map[string]string{
		"AES128": "aes128", "AES256": "aes256", "AES128-GCM-16": "aes128gcm16", "AES256-GCM-16": "aes256gcm16",
	}
	swanIntegrity = map[string]string{"SHA1": "sha1", "SHA2-256": "sha256", "SHA2-384": "sha384", "SHA2-512": "sha512"}
	swanDH        = map[int]string{
		2: "modp1024", 5: "modp1536", 14: "modp2048", 15: "modp3072", 16: "modp4096", 17: "modp6144", 18: "modp8192",
		19: "ecp256", 20: "ecp384", 21: "ecp521", 22: "modp1024s160", 23: "modp2048s224", 24: "modp2048s256",
	}
	// AWS's DPD timeout actions; "none" keeps a silent peer's SAs.
	swanDPDAction = map[string]string{"clear": "clear", "restart": "restart", "none": "none"}
	// AWS's startup action: "start" has AWS initiate, "add" waits.
	swanStartAction = map[string]string{"start": "start", "add": "none"}
)

// swanProposals renders AWS's lists as strongSwan proposals: AEAD ciphers in
// one proposal (with the integrity algorithms as PRFs for IKE), the others
// in another, the one holding AWS's first cipher first; every DH group in
// both (for ESP, the PFS groups).
func swanProposals(enc, integ []string, groups []int, ike bool) (string, error) {
	var errs []error
	var aead, cbc, ints, prfs, dhs []string
	for _, e := range enc {
		name, ok := swanEncryption[e]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("encryption %q is not one of AWS's", e))
		case strings.Contains(name, "gcm"):
			aead = append(aead, name)
		default:
			cbc = append(cbc, name)
		}
	}
	for _, i := range integ {
		name, ok := swanIntegrity[i]
		if !ok {
			errs = append(errs, fmt.Errorf("integrity %q is not one of AWS's", i))
		}
		ints, prfs = append(ints, name), append(prfs, "prf"+name)
	}
	for _, g := range groups {
		name, ok := swanDH[g]
		if !ok {
			errs = append(errs, fmt.Errorf("DH group %d is not one of AWS's", g))
		}
		dhs = append(dhs, name)
	}
	if err := errors.Join(errs...); err != nil {
		return "", err
	}
	join := func(parts ...[]string) string {
		var all []string
		for _, p := range parts {
			all = append(all, p...)
		}
		return strings.Join(all, "-")
	}
	var out []string
	if len(cbc) > 0 {
		out = append(out, join(cbc, ints, dhs))
	}
	if len(aead) > 0 {
		p := join(aead, dhs)
		if ike {
			p = join(aead, prfs, dhs)
		}
		if len(enc) > 0 && strings.Contains(enc[0], "GCM") {
			out = append([]string{p}, out...)
		} else {
			out = append(out, p)
		}
	}
	return strings.Join(out, ","), nil
}

// Endpoint is one AWS tunnel endpoint as the stand-in runs it.
type Endpoint struct {
	// Name is the swanctl connection's name (tunnel1, tunnel2).
	Name    string
	Options ikehandshake.TunnelOptions
	// Local is the endpoint's outside address (also its IKE ID, as AWS's
	// is); Peer the gateway's (its IKE ID is PeerID).
	Local, Peer netip.Addr
	PeerID      string
	// IfID is the XFRM interface ID its SAs and policies carry: AWS's end
	// of a tunnel is route-based too (the VGW routes over the tunnels that
	// are up).
	IfID int
	// LocalTS and RemoteTS are the connection's local and remote IPv4
	// network CIDRs ("" is AWS's default, 0.0.0.0/0).
	LocalTS, RemoteTS string
}

// RenderSwanctl renders the endpoint's swanctl.conf from the tunnel options
// the program set on the VPN connection, and nothing else.
func RenderSwanctl(e Endpoint) (string, error) {
	o := e.Options
	var errs []error
	if !slices.Contains(o.IkeVersions, "ikev2") {
		errs = append(errs, fmt.Errorf("%s: IkeVersions %v: the stand-in runs IKEv2", e.Name, o.IkeVersions))
	}
	ike, err := swanProposals(o.Phase1Encryption, o.Phase1Integrity, o.Phase1DHGroups, true)
	if err != nil {
		errs = append(errs, fmt.Errorf("%s: phase 1: %w", e.Name, err))
	}
	esp, err := swanProposals(o.Phase2Encryption, o.Phase2Integrity, o.Phase2DHGroups, false)
	if err != nil {
		errs = append(errs, fmt.Errorf("%s: phase 2: %w", e.Name, err))
	}
	dpd, ok := swanDPDAction[o.DPDAction]
	if !ok {
		errs = append(errs, fmt.Errorf("%s: DpdTimeoutAction %q", e.Name, o.DPDAction))
	}
	start, ok := swanStartAction[o.StartupAction]
	if !ok {
		errs = append(errs, fmt.Errorf("%s: StartupAction %q is not add or start", e.Name, o.StartupAction))
	}
	if err := errors.Join(errs...); err != nil {
		return "", err
	}
	// AWS rekeys between lifetime - margin - margin*fuzz and lifetime -
	// margin (its defaults: 540 s, 100 %); strongSwan's rekey_time and
	// rand_time say the same. A fuzz the program set to 0 stays 0.
	margin, fuzz := o.RekeyMargin, 100
	if margin == 0 {
		margin = 540
	}
	if o.RekeyFuzz != nil {
		fuzz = *o.RekeyFuzz
	}
	orAll := func(ts string) string {
		if ts == "" {
			return "0.0.0.0/0"
		}
		return ts
	}
	// AWS probes an idle peer every 10 s (it has no option for it).
	return fmt.Sprintf(`connections {
	%[1]s {
		version = 2
		local_addrs = %[2]s
		remote_addrs = %[3]s
		proposals = %[4]s
		rekey_time = %[6]ds
		rand_time = %[16]ds
		over_time = %[17]ds
		dpd_delay = 10s
		local {
			auth = psk
			id = %[2]s
		}
		remote {
			auth = psk
			id = %[12]s
		}
		children {
			%[1]s {
				local_ts = %[9]s
				remote_ts = %[10]s
				esp_proposals = %[5]s
				life_time = %[7]ds
				rekey_time = %[15]ds
				rand_time = %[16]ds
				dpd_action = %[8]s
				start_action = %[11]s
				if_id_in = %[13]d
				if_id_out = %[13]d
			}
		}
	}
}
secrets {
	ike-%[1]s {
		id-local = %[2]s
		id-peer = %[12]s
		secret = "%[14]s"
	}
}
`, e.Name, e.Local, e.Peer, ike, esp, o.Phase1Lifetime-margin, o.Phase2Lifetime, dpd,
		orAll(e.LocalTS), orAll(e.RemoteTS), start, e.PeerID, e.IfID, o.PresharedKey,
		o.Phase2Lifetime-margin, margin*fuzz/100, margin), nil
}

// strongswanConf is the daemon's own config: only the plugins the stand-in
// needs, its control socket in its directory, its log on stderr, and no
// routes of its own (the VGW's routes are the test's).
const strongswanConf = `charon {
	load_modular = no
	load = random nonce openssl aes sha1 sha2 hmac gcm gmp kdf kernel-netlink socket-default vici
	install_routes = no
	install_virtual_ip = no
	retransmit_tries = 3
	plugins {
		vici {
			socket = unix://%[1]s/charon.vici
		}
	}
	filelog {
		stderr {
			default = 1
			time_format = %%T
		}
	}
}
`

// Charon is a strongSwan daemon in a namespace, holding one endpoint.
type Charon struct {
	NS  string
	Dir string
	Log *ikehandshake.Log
	cmd *exec.Cmd
	uri string
}

// StartCharon starts charon in ns (its pid file on a /run of its own, since
// two endpoints' daemons share the guest's file system) and loads the
// endpoint's swanctl.conf. t.Cleanup stops it, unless Kill has.
func StartCharon(ctx context.Context, t testing.TB, ns, dir, swanctl string) *Charon {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "strongswan.conf")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(strongswanConf, dir)), 0o600); err != nil {
		t.Fatal(err)
	}
	swanFile := filepath.Join(dir, "swanctl.conf")
	if err := os.WriteFile(swanFile, []byte(swanctl), 0o600); err != nil {
		t.Fatal(err)
	}
	c := &Charon{NS: ns, Dir: dir, Log: ikehandshake.NewLog(), uri: "unix://" + dir + "/charon.vici"}
	// ip netns exec runs its command in a mount namespace of its own, so
	// this /run is the daemon's alone.
	c.cmd = exec.Command("ip", "netns", "exec", ns, "sh", "-c",
		`mount -t tmpfs tmpfs /run && exec env STRONGSWAN_CONF="$1" /usr/lib/ipsec/charon`, "charon", conf)
	c.cmd.Stdout, c.cmd.Stderr = c.Log, c.Log
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("%s: start charon: %v", ns, err)
	}
	done := make(chan struct{})
	go func() {
		err := c.cmd.Wait()
		c.Log.Write([]byte(fmt.Sprintf("charon exited: %v\n", err)))
		close(done)
	}()
	t.Cleanup(func() {
		syscall.Kill(-c.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
		if t.Failed() {
			t.Logf("%s charon log:\n%s", ns, strings.Join(c.Log.Matching(regexp.MustCompile(`.`)), "\n"))
		}
	})
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	// charon is ready for swanctl once vici listens.
	for {
		if _, err := os.Stat(filepath.Join(dir, "charon.vici")); err == nil {
			break
		}
		select {
		case <-wait.Done():
			t.Fatalf("%s: charon did not open its control socket:\n%s", ns, strings.Join(c.Log.Matching(regexp.MustCompile(`.`)), "\n"))
		case <-time.After(100 * time.Millisecond):
		}
	}
	if out, err := c.Swanctl(ctx, "--load-all", "--file", swanFile); err != nil {
		t.Fatalf("%s: swanctl --load-all: %v\n%s", ns, err, out)
	}
	return c
}

// Swanctl runs swanctl against this daemon.
func (c *Charon) Swanctl(ctx context.Context, args ...string) (string, error) {
	all := append([]string{"netns", "exec", c.NS, "env", "STRONGSWAN_CONF=" + filepath.Join(c.Dir, "strongswan.conf"), "swanctl"}, args...)
	all = append(all, "--uri", c.uri)
	out, err := exec.CommandContext(ctx, "ip", all...).CombinedOutput()
	return string(out), err
}

// Kill ends the daemon at once (SIGKILL): no IKE delete leaves it, as when an
// AWS endpoint dies.
func (c *Charon) Kill() {
	syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
}
