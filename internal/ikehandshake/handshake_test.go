package ikehandshake

import (
	"context"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hybridlab/hybrid-cloud/internal/tooltest"
)

// budget bounds the whole test, however many cases wait for a free slot
// (go test -parallel): pluto answers within milliseconds here, and a case
// whose handshake cannot succeed fails at the first line saying so, so the
// budget only stops a hung case.
const budget = 40 * time.Second

// deployment is what the program produced: the on-prem files and the AWS
// tunnel options, before they are moved into a lab.
type deployment struct {
	Conf, Secrets     string // aws.conf and aws.secrets, as rendered
	CustomerGatewayIP string // the on-prem leftid
	OnPremCidr        netip.Prefix
	VpcCidr           netip.Prefix
	Connection        Connection
}

// handshake is one lab with both plutos running and every tunnel initiated.
type handshake struct {
	lab         *Lab
	onPrem, aws *Pluto
	onPremConn  [2]string // the on-prem conn of tunnel 1 and 2
	onPremAuto  [2]string // and its auto=
	awsConn     [2]string
}

// startHandshake moves d into a new lab (addresses swapped, nothing else),
// starts the AWS stand-in from conn's tunnel options and the on-prem side
// from the rendered files, and initiates every on-prem conn that does not
// start by itself.
func startHandshake(ctx context.Context, t *testing.T, d deployment, conn Connection) *handshake {
	t.Helper()
	tooltest.RequireRoot(t)
	tooltest.Require(t, "ipsec", "libreswan")
	tooltest.Require(t, "ip", "iproute2")

	h := &handshake{lab: NewLab(ctx, t, LabConfig{OnPremCidr: d.OnPremCidr, AWSCidr: d.VpcCidr})}

	swap := Swap{d.CustomerGatewayIP: OnPremOutside.String()}
	var tunnels []ResponderTunnel
	for i, o := range conn.Tunnels {
		swap[o.Outside] = AWSOutside[i].String()
		h.awsConn[i] = TunnelName(i)
		tunnels = append(tunnels, ResponderTunnel{
			Name: h.awsConn[i], Options: o, Local: AWSOutside[i], Peer: OnPremOutside,
			AWSCidr: conn.AWSCidr, CustomerCidr: conn.CustomerCidr,
		})
	}
	awsConf, awsSecrets, err := RenderResponder(tunnels)
	if err != nil {
		t.Fatalf("AWS side from the tunnel options: %v", err)
	}
	onPremConf, err := swap.Apply("aws.conf", d.Conf)
	if err != nil {
		t.Fatal(err)
	}
	onPremSecrets, err := swap.Apply("aws.secrets", d.Secrets)
	if err != nil {
		t.Fatal(err)
	}

	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("on-prem aws.conf in the lab:\n%s\nAWS stand-in's ipsec.conf:\n%s", onPremConf, awsConf)
		}
	})

	conns := ParseConns(onPremConf)
	for i := range h.onPremConn {
		j := slices.IndexFunc(conns, func(c Conn) bool { return c.Keys["right"] == AWSOutside[i].String() })
		if j < 0 {
			t.Fatalf("aws.conf has no conn with right= tunnel %d's outside address:\n%s", i+1, d.Conf)
		}
		h.onPremConn[i], h.onPremAuto[i] = conns[j].Name, conns[j].Keys["auto"]
	}

	// The responder first, so the initiator's first packet finds it.
	h.aws = StartPluto(ctx, t, h.lab.AWS, awsSecrets)
	if err := h.aws.AddConns(ctx, awsConf); err != nil {
		t.Fatal(err)
	}
	h.onPrem = StartPluto(ctx, t, h.lab.OnPrem, onPremSecrets)
	if err := h.onPrem.AddConns(ctx, WithConfigSetup(onPremConf)); err != nil {
		t.Fatal(err)
	}
	for _, c := range conns {
		// addconn already initiated auto=start conns.
		if c.Keys["auto"] == "start" {
			continue
		}
		if err := h.onPrem.Initiate(ctx, c.Name); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// conn returns the pattern of a log line about conn.
func conn(name, rest string) *regexp.Regexp {
	return regexp.MustCompile(connPrefix(name) + rest)
}

// connPrefix matches how pluto names a conn's state in its log: an instance
// of a conn (the AWS side's narrow to the proposed traffic selectors) also
// carries its number and peer.
func connPrefix(name string) string {
	return `"` + regexp.QuoteMeta(name) + `"(\[\d+\] \S+)? #\d+: `
}

// expect waits for a line in p's log matching want and logs it as
// evidence; a line matching unless (if not nil) first fails at once.
func expect(ctx context.Context, t *testing.T, p *Pluto, want, unless *regexp.Regexp, what string) string {
	t.Helper()
	line, err := p.Log.WaitUnless(ctx, want, unless)
	if err != nil {
		t.Fatalf("%s: %s: %v", p.Node.Role, what, err)
	}
	t.Logf("%s: %s\n\t%s", p.Node.Role, what, strings.TrimSpace(line))
	return line
}

// expectNone fails if p has logged a line matching re.
func expectNone(t *testing.T, p *Pluto, re *regexp.Regexp, what string) {
	t.Helper()
	if lines := p.Log.Matching(re); len(lines) > 0 {
		t.Errorf("%s: %s, but:\n\t%s", p.Node.Role, what, strings.Join(lines, "\n\t"))
	}
}

var (
	ikeEstablished = `(initiator|responder) established IKE SA`
	ikeChosen      = `proposal \S*IKE=\S+ chosen from remote proposals`
	childChosen    = `proposal \S*ESP=\S+ .*chosen from remote proposals`
	// Lines after which the IKE SA or the Child SA cannot come up.
	ikeFailed   = `.*(NO_PROPOSAL_CHOSEN|AUTHENTICATION_FAILED|authentication failed|no local proposal matches remote proposals \d+:IKE)`
	childFailed = `.*(NO_PROPOSAL_CHOSEN|matching remote ESP/AH proposals failed)`
	// Lines after which a negative case's expected failure cannot come.
	notProposalFailure = `(?:` + ikeEstablished + `|.*AUTHENTICATION_FAILED|authentication failed)`
	notAuthFailure     = `(?:` + ikeEstablished + `|.*NO_PROPOSAL_CHOSEN|no local proposal matches remote proposals \d+:IKE)`
	notChildFailure    = `(?:` + childChosen + `|.*AUTHENTICATION_FAILED|authentication failed|no local proposal matches remote proposals \d+:IKE)`
)

// expectTunnelUp asserts tunnel i's IKE SA on both sides and the Child SA
// proposal the AWS side chose, then that installing it meets exactly what
// this kernel does with such an SA (probed beforehand, in the namespace).
func (h *handshake) expectTunnelUp(ctx context.Context, t *testing.T, i int) {
	t.Helper()
	on, aws := h.onPremConn[i], h.awsConn[i]
	expect(ctx, t, h.aws, conn(aws, ikeChosen), conn(aws, ikeFailed), fmt.Sprintf("tunnel %d: IKE SA proposal chosen", i+1))
	expect(ctx, t, h.onPrem, conn(on, ikeEstablished), conn(on, ikeFailed), fmt.Sprintf("tunnel %d: IKE SA established", i+1))
	expect(ctx, t, h.aws, conn(aws, ikeEstablished), conn(aws, ikeFailed), fmt.Sprintf("tunnel %d: IKE SA established", i+1))
	chosen := expect(ctx, t, h.aws, conn(aws, childChosen), conn(aws, childFailed), fmt.Sprintf("tunnel %d: Child SA proposal chosen", i+1))
	transform, err := ChosenTransform(chosen)
	if err != nil {
		t.Fatal(err)
	}
	kernel, err := h.lab.AWS.ProbeSA(ctx, transform)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case kernel != SAInstalls:
		// The responder installs first; the kernel refuses, so the
		// initiator is told the Child SA is refused.
		expect(ctx, t, h.aws, regexp.MustCompile(`ERROR: `+connPrefix(aws)+`netlink response for Add SA esp\.\S+: `+kernel.PlutoError()), nil,
			fmt.Sprintf("tunnel %d: EXPECTED: installing the %s Child SA fails with %q: %s", i+1, transform, kernel.PlutoError(), kernel))
		expect(ctx, t, h.onPrem, conn(on, `IKE_AUTH response rejected Child SA with TS_UNACCEPTABLE`), nil,
			fmt.Sprintf("tunnel %d: EXPECTED: so the AWS side refuses the Child SA", i+1))
	case h.onPremAuto[i] == "start":
		expect(ctx, t, h.onPrem, conn(on, `.*established Child SA`), conn(on, `.*rejected Child SA`), fmt.Sprintf("tunnel %d (active): Child SA established, %s", i+1, kernel))
	default:
		// A standby policy-based tunnel carries the active one's subnets:
		// whether the kernel takes its SA too is not what this test is about.
		t.Logf("tunnel %d is a standby (auto=%s): its Child SA install is not asserted", i+1, h.onPremAuto[i])
	}
}

// handshakeCase changes the AWS side of tunnel 1 (tunnel 2 stays as the
// program set it: a control in every case) and says what must happen.
type handshakeCase struct {
	name   string
	change func(t *testing.T, o *TunnelOptions)
	expect func(ctx context.Context, t *testing.T, h *handshake)
}

func TestHandshake(t *testing.T) {
	t.Parallel()
	deadline := time.Now().Add(budget)
	d := programDeployment(t)

	cases := []handshakeCase{{
		name: "tunnel options and rendered files agree",
		expect: func(ctx context.Context, t *testing.T, h *handshake) {
			for i := range h.onPremConn {
				h.expectTunnelUp(ctx, t, i)
			}
			t.Log("PROVEN: both tunnels establish their IKEv2 SA and agree on a Child SA proposal with the program's profile " +
				"(what the kernel then does with the SA is logged above as EXPECTED)")
		},
	}, {
		name: "phase 1 proposal the on-prem side does not offer",
		change: func(t *testing.T, o *TunnelOptions) {
			o.Phase1Encryption = others(t, o.Phase1Encryption)
		},
		expect: func(ctx context.Context, t *testing.T, h *handshake) {
			expect(ctx, t, h.aws, conn(h.awsConn[0], `responding to IKE_SA_INIT .*NO_PROPOSAL_CHOSEN`), conn(h.awsConn[0], notProposalFailure), "tunnel 1: AWS side finds no proposal")
			expect(ctx, t, h.onPrem, conn(h.onPremConn[0], `.*NO_PROPOSAL_CHOSEN`), conn(h.onPremConn[0], notProposalFailure), "tunnel 1: on-prem side is told NO_PROPOSAL_CHOSEN")
			expectNone(t, h.onPrem, conn(h.onPremConn[0], ikeEstablished), "tunnel 1 must not establish")
			h.expectTunnelUp(ctx, t, 1)
			t.Log("PROVEN: a phase 1 profile the on-prem side does not offer fails with NO_PROPOSAL_CHOSEN")
		},
	}, {
		name: "phase 2 proposal the on-prem side does not offer",
		change: func(t *testing.T, o *TunnelOptions) {
			o.Phase2Encryption = others(t, o.Phase2Encryption)
		},
		expect: func(ctx context.Context, t *testing.T, h *handshake) {
			expect(ctx, t, h.onPrem, conn(h.onPremConn[0], ikeEstablished), conn(h.onPremConn[0], ikeFailed), "tunnel 1: IKE SA established")
			expect(ctx, t, h.aws, conn(h.awsConn[0], `.*matching remote ESP/AH proposals failed.*NO_PROPOSAL_CHOSEN`), conn(h.awsConn[0], notChildFailure), "tunnel 1: AWS side finds no Child SA proposal")
			expect(ctx, t, h.onPrem, conn(h.onPremConn[0], `.*Child SA .*NO_PROPOSAL_CHOSEN`), nil, "tunnel 1: on-prem side is told NO_PROPOSAL_CHOSEN for the Child SA")
			expectNone(t, h.aws, conn(h.awsConn[0], childChosen), "tunnel 1: no Child SA proposal may be chosen")
			h.expectTunnelUp(ctx, t, 1)
			t.Log("PROVEN: a phase 2 profile the on-prem side does not offer fails with NO_PROPOSAL_CHOSEN")
		},
	}, {
		name: "wrong pre-shared key",
		change: func(t *testing.T, o *TunnelOptions) {
			o.PresharedKey = wrong(o.PresharedKey)
		},
		expect: func(ctx context.Context, t *testing.T, h *handshake) {
			expect(ctx, t, h.aws, conn(h.awsConn[0], `authentication failed`), conn(h.awsConn[0], notAuthFailure), "tunnel 1: AWS side rejects the on-prem AUTH")
			expect(ctx, t, h.onPrem, conn(h.onPremConn[0], `.*AUTHENTICATION_FAILED`), conn(h.onPremConn[0], notAuthFailure), "tunnel 1: on-prem side is told AUTHENTICATION_FAILED")
			expectNone(t, h.onPrem, conn(h.onPremConn[0], ikeEstablished), "tunnel 1 must not establish")
			h.expectTunnelUp(ctx, t, 1)
			t.Log("PROVEN: a different PSK on one side fails authentication")
		},
	}}
	// Offered together, a wrongly named algorithm hides behind one that
	// works: make the AWS side offer each of the program's algorithms alone.
	// Case k keeps the k-th entry of every list, so every listed cipher,
	// integrity and phase 1 DH group is the only choice at least once. (A
	// phase 2 DH group is used only when a Child SA is rekeyed, which needs
	// an installed SA; the first Child SA is keyed by the IKE SA.)
	p := d.Connection.Tunnels[0]
	for k := range max(len(p.Phase1Encryption), len(p.Phase1Integrity), len(p.Phase1DHGroups), len(p.Phase2Encryption), len(p.Phase2Integrity)) {
		only := func(o *TunnelOptions) {
			o.Phase1Encryption = []string{nth(p.Phase1Encryption, k)}
			o.Phase1Integrity = []string{nth(p.Phase1Integrity, k)}
			o.Phase1DHGroups = []int{nth(p.Phase1DHGroups, k)}
			o.Phase2Encryption = []string{nth(p.Phase2Encryption, k)}
			o.Phase2Integrity = []string{nth(p.Phase2Integrity, k)}
		}
		var o TunnelOptions
		only(&o)
		what := fmt.Sprintf("phase 1 %s/%s/DH %d, phase 2 %s/%s", o.Phase1Encryption[0], o.Phase1Integrity[0], o.Phase1DHGroups[0], o.Phase2Encryption[0], o.Phase2Integrity[0])
		cases = append(cases, handshakeCase{
			name:   "AWS side offers only " + what,
			change: func(t *testing.T, o *TunnelOptions) { only(o) },
			expect: func(ctx context.Context, t *testing.T, h *handshake) {
				h.expectTunnelUp(ctx, t, 0)
				t.Logf("PROVEN: the on-prem side offers %s, as the AWS side names it", what)
			},
		})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithDeadline(t.Context(), deadline)
			defer cancel()
			start := time.Now()
			c := d.Connection
			if tc.change != nil {
				tc.change(t, &c.Tunnels[0])
			}
			h := startHandshake(ctx, t, d, c)
			tc.expect(ctx, t, h)
			t.Logf("handshake case took %s", time.Since(start).Round(time.Millisecond))
		})
	}
}

func nth[T any](list []T, k int) T { return list[k%len(list)] }

// others are AWS's encryption algorithms not in algs.
func others(t *testing.T, algs []string) []string {
	t.Helper()
	var out []string
	for _, a := range AWSEncryptions() {
		if !slices.Contains(algs, a) {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		t.Fatalf("the profile offers every AWS algorithm %v: no mismatch to test", algs)
	}
	return out
}

// wrong is a different key of AWS's alphabet and the same length.
func wrong(psk string) string {
	b := []byte(psk)
	if b[len(b)-1] == 'x' {
		b[len(b)-1] = 'y'
	} else {
		b[len(b)-1] = 'x'
	}
	return string(b)
}
