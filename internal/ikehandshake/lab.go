// Package ikehandshake runs a real IKEv2 handshake between the Libreswan
// files the program renders for the on-prem gateway and a stand-in for the
// AWS tunnel endpoints configured from the tunnel options the program sets
// on the VPN connection. Both sides are Libreswan's pluto, each in a network
// namespace of its own, joined by a veth pair; nothing leaves the namespaces
// and nothing of the host (its /etc/ipsec.*, /run/pluto, NSS database) is
// read or written.
package ikehandshake

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

// nsPrefix starts every namespace this package creates; the PID after it
// lets a later run delete what a killed run left behind.
const nsPrefix = "ikehs-"

// The outside (veth) addresses come from the benchmarking range (RFC 2544):
// never routed, and unlike the mock engine's RFC 5737 tunnel addresses, so a
// swapped address is easy to tell from an original one.
var (
	OnPremOutside = netip.MustParseAddr("198.18.0.1")
	AWSOutside    = []netip.Addr{netip.MustParseAddr("198.18.0.11"), netip.MustParseAddr("198.18.0.12")}
)

const outsideBits = 24

// LabConfig says which protected ranges each side holds.
type LabConfig struct {
	// OnPremCidr and AWSCidr are the protected ranges (vpn.onPremCidr and
	// network.vpcCidr); each side gets the first host of its range on lo.
	OnPremCidr, AWSCidr netip.Prefix
}

// Lab is a pair of network namespaces joined by a veth pair: the on-prem
// gateway and the AWS tunnel endpoints (one outside address per tunnel).
type Lab struct {
	OnPrem, AWS *Node
}

// Node is one side of the lab.
type Node struct {
	// Role names the side in messages ("on-prem", "aws").
	Role string
	// NS is the network namespace; Dir the side's private files.
	NS  string
	Dir string
	// Outside are its addresses on the veth; Protected its address on lo.
	Outside   []netip.Addr
	Protected netip.Prefix
}

var labSeq atomic.Int64

// NewLab creates the namespaces and the veth pair, and registers their
// deletion (and the deletion of the private directories) with t.Cleanup, so
// they go even when the test fails. Processes started later on the lab's
// nodes register their own cleanup, which runs first.
func NewLab(ctx context.Context, t testing.TB, cfg LabConfig) *Lab {
	t.Helper()
	sweepStale(ctx, t)
	seq := labSeq.Add(1)
	id := fmt.Sprintf("%d-%d", os.Getpid(), seq)
	dir, err := os.MkdirTemp("", nsPrefix+id+"-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })

	l := &Lab{
		OnPrem: &Node{Role: "on-prem", NS: nsPrefix + id + "-onprem", Dir: filepath.Join(dir, "onprem"),
			Outside: []netip.Addr{OnPremOutside}, Protected: firstHost(cfg.OnPremCidr)},
		AWS: &Node{Role: "aws", NS: nsPrefix + id + "-aws", Dir: filepath.Join(dir, "aws"),
			Outside: AWSOutside, Protected: firstHost(cfg.AWSCidr)},
	}
	// Interface names are at most 15 bytes; the sequence number keeps two
	// labs of one run apart, and each lives in its own namespace anyway.
	vethOnPrem, vethAWS := "ikeo"+strconv.FormatInt(seq, 10), "ikea"+strconv.FormatInt(seq, 10)

	for _, n := range []*Node{l.OnPrem, l.AWS} {
		if err := os.MkdirAll(n.Dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := ip(ctx, "netns", "add", n.NS); err != nil {
			t.Fatal(err)
		}
		ns := n.NS
		t.Cleanup(func() {
			// Not ctx: it may be done when the cleanup runs.
			if err := ip(context.Background(), "netns", "del", ns); err != nil {
				t.Errorf("cleanup: %v", err)
			}
		})
	}
	// Created straight inside the namespaces: the pair never exists on the host.
	steps := [][]string{
		{"link", "add", vethOnPrem, "netns", l.OnPrem.NS, "type", "veth", "peer", "name", vethAWS, "netns", l.AWS.NS},
		{"-n", l.OnPrem.NS, "addr", "add", prefix(OnPremOutside), "dev", vethOnPrem},
		{"-n", l.OnPrem.NS, "link", "set", vethOnPrem, "up"},
		{"-n", l.OnPrem.NS, "link", "set", "lo", "up"},
		{"-n", l.OnPrem.NS, "addr", "add", l.OnPrem.Protected.String(), "dev", "lo"},
		// The rendered conf says left=%defaultroute: the gateway's default
		// route points at the "internet", here the AWS side.
		{"-n", l.OnPrem.NS, "route", "add", "default", "via", AWSOutside[0].String()},
		{"-n", l.AWS.NS, "link", "set", vethAWS, "up"},
		{"-n", l.AWS.NS, "link", "set", "lo", "up"},
		{"-n", l.AWS.NS, "addr", "add", l.AWS.Protected.String(), "dev", "lo"},
	}
	for _, a := range AWSOutside {
		steps = append(steps, []string{"-n", l.AWS.NS, "addr", "add", prefix(a), "dev", vethAWS})
	}
	for _, s := range steps {
		if err := ip(ctx, s...); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

// Exec returns a command that runs inside the node's namespace.
func (n *Node) Exec(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.NS, name}, args...)...)
}

// Run runs a command inside the node's namespace and returns its output.
func (n *Node) Run(ctx context.Context, name string, args ...string) (string, error) {
	out, err := n.Exec(ctx, name, args...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s: %s %s: %w: %s", n.Role, name, strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

func ip(ctx context.Context, args ...string) error {
	out, err := exec.CommandContext(ctx, "ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %w: %s", strings.Join(args, " "), err, out)
	}
	return nil
}

func prefix(a netip.Addr) string {
	return netip.PrefixFrom(a, outsideBits).String()
}

// firstHost is the range's first host address with the range's length.
func firstHost(p netip.Prefix) netip.Prefix {
	return netip.PrefixFrom(p.Masked().Addr().Next(), p.Bits())
}

// sweepStale deletes the namespaces and directories of earlier runs that
// died before their cleanup (their PID is gone). Processes of such a run
// died with it: pluto is started with a parent-death signal.
func sweepStale(ctx context.Context, t testing.TB) {
	out, err := exec.CommandContext(ctx, "ip", "netns", "list").Output()
	if err != nil {
		t.Fatalf("ip netns list: %v", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		name, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		if !stale(name) {
			continue
		}
		if err := ip(ctx, "netns", "del", name); err != nil {
			t.Logf("stale namespace %s: %v", name, err)
		}
	}
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), nsPrefix+"*"))
	for _, d := range dirs {
		if stale(filepath.Base(d)) {
			os.RemoveAll(d)
		}
	}
}

// stale reports whether name is ours ("ikehs-PID-...") from a dead process.
func stale(name string) bool {
	rest, ok := strings.CutPrefix(name, nsPrefix)
	if !ok {
		return false
	}
	pidText, _, _ := strings.Cut(rest, "-")
	pid, err := strconv.Atoi(pidText)
	return err == nil && pid != os.Getpid() && !processExists(pid)
}

func processExists(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
