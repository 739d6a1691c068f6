package ikehandshake

import (
	"context"
	"fmt"
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

// handshake is one lab with both plutos running and every tunnel initiated.
type handshake struct {
	lab         *Lab
	onPrem, aws *Pluto
	onPremConn  [2]string // the on-prem conn of tunnel 1 and 2
	onPremAuto  [2]string // and its auto=
	awsConn     [2]string
	awsOptions  [2]TunnelOptions // what the AWS side runs
	ikeDH       [2]int           // the DH group of each tunnel's IKE SA, once up
}

// startHandshake moves d into a new lab (addresses swapped, nothing else),
// starts the AWS stand-in from conn's tunnel options and the on-prem side
// from the rendered files, and initiates every on-prem conn that does not
// start by itself.
func startHandshake(ctx context.Context, t *testing.T, d Deployment, conn Connection) *handshake {
	t.Helper()
	tooltest.RequireRoot(t)
	tooltest.Require(t, "ipsec", "libreswan")
	tooltest.Require(t, "ip", "iproute2")

	h := &handshake{lab: NewLab(ctx, t, LabConfig{OnPremCidr: d.OnPremCidr, AWSCidr: d.VpcCidr}), awsOptions: conn.Tunnels}

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
	// The rendered conns are route-based (ipsec-interface=): a kernel
	// without XFRM interfaces would have pluto refuse them before any IKE.
	// The handshake does not depend on the interface; the data-plane test
	// (internal/ipsecvm) runs the file unchanged in a kernel that has them.
	xfrmi, err := h.lab.OnPrem.HasXFRMInterfaces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !xfrmi {
		onPremConf = WithoutXFRMInterfaces(onPremConf)
		t.Log("EXPECTED: this kernel has no XFRM interfaces: the lab drops the conns' ipsec-interface= lines (internal/ipsecvm runs them)")
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
	ikeLine := expect(ctx, t, h.aws, conn(aws, ikeChosen), conn(aws, ikeFailed), fmt.Sprintf("tunnel %d: IKE SA proposal chosen", i+1))
	dh, err := ChosenDH(ikeLine)
	if err != nil || dh == 0 {
		t.Fatalf("tunnel %d: the IKE SA's DH group from %q: %d, %v", i+1, ikeLine, dh, err)
	}
	h.ikeDH[i] = dh
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

// side says which end of a tunnel starts an exchange.
type side int

const (
	onPremStarts side = iota
	awsStarts
)

// waitAfter is expect without failing the test: it waits for a line in p's
// log after mark and logs it as evidence.
func waitAfter(ctx context.Context, t *testing.T, p *Pluto, mark int, want, unless *regexp.Regexp, what string) (string, error) {
	t.Helper()
	line, err := p.Log.WaitAfter(ctx, mark, want, unless)
	if err != nil {
		return "", fmt.Errorf("%s: %s: %w", p.Node.Role, what, err)
	}
	t.Logf("%s: %s\n\t%s", p.Node.Role, what, strings.TrimSpace(line))
	return line, nil
}

// childWithPFS makes one end of tunnel i (its IKE SA up) start a second
// Child SA on that IKE SA. pluto then sends CREATE_CHILD_SA with a KE
// payload (pfs=yes), as in a Child SA rekey, so the phase 2 DH groups of
// both ends must meet; the Child SA made inside IKE_AUTH has no key
// exchange and never shows whether they do. It returns the group the
// responder chose (AWS's number; one of the AWS side's phase 2 groups) once
// the key exchange went through, or an error saying why there is none, e.g.
// NO_PROPOSAL_CHOSEN and which groups each side offered.
func (h *handshake) childWithPFS(ctx context.Context, t *testing.T, i int, starter side) (int, error) {
	t.Helper()
	init, resp, initConn, respConn := h.onPrem, h.aws, h.onPremConn[i], h.awsConn[i]
	if starter == awsStarts {
		init, resp, initConn, respConn = h.aws, h.onPrem, h.awsConn[i], h.onPremConn[i]
	}
	who := fmt.Sprintf("tunnel %d, %s starts a Child SA with PFS", i+1, init.Node.Role)
	markI, markR := init.Log.Len(), resp.Log.Len()
	if err := init.Initiate(ctx, initConn); err != nil {
		return 0, err
	}
	// A new IKE SA would make its Child SA in IKE_AUTH again, without KE.
	if _, err := waitAfter(ctx, t, init, markI, conn(initConn, `initiating Child SA using IKE SA #\d+`), conn(initConn, `initiating IKEv2 connection`),
		who+": CREATE_CHILD_SA on the established IKE SA"); err != nil {
		return 0, fmt.Errorf("%s: %w", who, err)
	}
	verdict, err := waitAfter(ctx, t, resp, markR,
		conn(respConn, `(proposal \S*ESP=\S+ .*chosen from remote proposals|no local proposal matches remote proposals)`),
		conn(respConn, `responding to CREATE_CHILD_SA message`), who+": the responder's choice")
	if err != nil {
		return 0, fmt.Errorf("%s: %w", who, err)
	}
	if strings.Contains(verdict, "no local proposal matches") {
		offered, err := RemoteDH(verdict)
		if err != nil {
			return 0, err
		}
		// pluto lists the proposals it held against them just before.
		state := regexp.MustCompile(`#(\d+): `).FindStringSubmatch(verdict)[1]
		allowed, err := OwnDH(resp.Log.Matching(regexp.MustCompile(`"` + regexp.QuoteMeta(respConn) + `"(\[\d+\] \S+)? #` + state + `: +\d+:ESP=`)))
		if err != nil {
			return 0, err
		}
		if _, err := waitAfter(ctx, t, init, markI, conn(initConn, `CREATE_CHILD_SA failed with error notification NO_PROPOSAL_CHOSEN`), nil,
			who+": told NO_PROPOSAL_CHOSEN"); err != nil {
			return 0, fmt.Errorf("%s: %w", who, err)
		}
		return 0, fmt.Errorf("%s: the %s side answers CREATE_CHILD_SA with NO_PROPOSAL_CHOSEN: %s "+
			"(the first Child SA, made in IKE_AUTH without a key exchange, does come up: the tunnel would drop at its first Child SA rekey)",
			who, resp.Node.Role, pfsMismatch(init.Node.Role, offered, resp.Node.Role, allowed))
	}
	group, err := ChosenDH(verdict)
	switch {
	case err != nil:
		return 0, err
	case group == 0:
		return 0, fmt.Errorf("%s: the %s side chose a proposal without a DH group: the Child SA would have no PFS:\n\t%s", who, resp.Node.Role, verdict)
	case !slices.Contains(h.awsOptions[i].Phase2DHGroups, group):
		return 0, fmt.Errorf("%s: DH group %d chosen, not one of the AWS side's phase 2 groups %v", who, group, h.awsOptions[i].Phase2DHGroups)
	}
	t.Logf("%s: phase 2 DH group %d (PFS) chosen", who, group)

	transform, err := ChosenTransform(verdict)
	if err != nil {
		return 0, err
	}
	kernel, err := resp.Node.ProbeSA(ctx, transform)
	if err != nil {
		return 0, err
	}
	// The responder checks the initiator's KE against the chosen group
	// before it installs anything.
	keRefused := conn(respConn, `(KE has \d+ byte DH public value.*|.*notification (INVALID_SYNTAX|INVALID_KE_PAYLOAD))`)
	switch {
	case kernel != SAInstalls:
		if _, err := waitAfter(ctx, t, resp, markR, regexp.MustCompile(`ERROR: `+connPrefix(respConn)+`netlink response for Add SA esp\.\S+: `+kernel.PlutoError()), keRefused,
			fmt.Sprintf("%s: key exchange done; EXPECTED: installing the %s Child SA fails with %q: %s", who, transform, kernel.PlutoError(), kernel)); err != nil {
			// "KE has N byte DH public value": the initiator's KE is for
			// another group than the chosen one.
			return 0, fmt.Errorf("%s: DH group %d chosen, then: %w (pluto 4.10 sends its KE for the first group of its esp= list "+
				"and does not switch groups within CREATE_CHILD_SA)", who, group, err)
		}
		if _, err := waitAfter(ctx, t, init, markI, conn(initConn, `CREATE_CHILD_SA failed with error notification TS_UNACCEPTABLE`), nil,
			who+": EXPECTED: so the Child SA is refused"); err != nil {
			return 0, fmt.Errorf("%s: %w", who, err)
		}
	case h.onPremAuto[i] == "start":
		if _, err := waitAfter(ctx, t, init, markI, conn(initConn, `.*established Child SA`), conn(initConn, `CREATE_CHILD_SA failed.*`),
			fmt.Sprintf("%s: Child SA established, %s", who, kernel)); err != nil {
			return 0, fmt.Errorf("%s: %w", who, err)
		}
	default:
		t.Logf("%s: tunnel %d is a standby (auto=%s): its Child SA install is not asserted", who, i+1, h.onPremAuto[i])
	}
	return group, nil
}

// rekeyDH checks the group the first rekey of tunnel i's Child SA will use.
// Libreswan 4.10 rekeys a Child SA made in IKE_AUTH (so negotiated without
// DH) with the IKE SA's DH group as the only PFS group, whichever end
// starts the rekey (ikev2_proposals.c, get_v2_CREATE_CHILD_SA_rekey_child_proposals):
// that group must be one of the AWS side's phase 2 groups. No rekey runs
// here (it needs an installed Child SA), so this reads the IKE SA's group
// from the handshake and compares.
func (h *handshake) rekeyDH(i int) error {
	allowed := h.awsOptions[i].Phase2DHGroups
	if !slices.Contains(allowed, h.ikeDH[i]) {
		return fmt.Errorf("tunnel %d: the IKE SA uses DH group %d, which Libreswan 4.10 offers alone at the first Child SA rekey, "+
			"but the AWS side's phase 2 DH groups are %v: that rekey fails with NO_PROPOSAL_CHOSEN", i+1, h.ikeDH[i], allowed)
	}
	return nil
}

// expectPFS asserts a Child SA with PFS on tunnel i started by each of
// starters in turn, and returns the groups chosen.
func (h *handshake) expectPFS(ctx context.Context, t *testing.T, i int, starters ...side) []int {
	t.Helper()
	var groups []int
	for _, s := range starters {
		g, err := h.childWithPFS(ctx, t, i, s)
		if err != nil {
			t.Fatal(err)
		}
		groups = append(groups, g)
	}
	return groups
}

// handshakeCase changes the AWS side of tunnel 1 or the rendered on-prem
// file (tunnel 2 stays as the program set it: a control in every case) and
// says what must happen.
type handshakeCase struct {
	name   string
	change func(t *testing.T, o *TunnelOptions)
	// onPrem changes the rendered aws.conf (before the lab's addresses).
	onPrem func(t *testing.T, conf string) string
	expect func(ctx context.Context, t *testing.T, h *handshake)
}

func TestHandshake(t *testing.T) {
	t.Parallel()
	deadline := time.Now().Add(budget)
	d := ProgramDeployment(t, "../..")

	cases := []handshakeCase{{
		name: "tunnel options and rendered files agree",
		expect: func(ctx context.Context, t *testing.T, h *handshake) {
			for i := range h.onPremConn {
				h.expectTunnelUp(ctx, t, i)
				groups := h.expectPFS(ctx, t, i, onPremStarts, awsStarts)
				t.Logf("PROVEN: tunnel %d: a Child SA with PFS is agreed whichever end starts it (phase 2 DH groups %v chosen)", i+1, groups)
				if err := h.rekeyDH(i); err != nil {
					t.Error(err)
				} else {
					t.Logf("CHECKED: tunnel %d: the IKE SA's DH group %d, which Libreswan 4.10 offers alone at the first Child SA rekey, "+
						"is one of the AWS side's phase 2 groups %v", i+1, h.ikeDH[i], h.awsOptions[i].Phase2DHGroups)
				}
			}
			t.Log("PROVEN: both tunnels establish their IKEv2 SA and agree on a Child SA proposal, with and without PFS, with the program's profile " +
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
		name: "AWS side's phase 2 DH groups disjoint from the rendered esp= groups",
		change: func(t *testing.T, o *TunnelOptions) {
			o.Phase2DHGroups = otherGroups(t, slices.Concat(o.Phase2DHGroups, espGroups(t, d.Conf, o.Outside)))
		},
		expect: func(ctx context.Context, t *testing.T, h *handshake) {
			// What every test saw before: the first Child SA has no key
			// exchange, so this tunnel looks fine.
			h.expectTunnelUp(ctx, t, 0)
			_, err := h.childWithPFS(ctx, t, 0, onPremStarts)
			expectDetected(t, err, "NO_PROPOSAL_CHOSEN", "no phase 2 DH group in common")
			expectDetected(t, h.rekeyDH(0), "first Child SA rekey", "NO_PROPOSAL_CHOSEN")
			h.expectTunnelUp(ctx, t, 1)
			h.expectPFS(ctx, t, 1, onPremStarts)
			t.Log("PROVEN: phase 2 DH groups that do not meet fail CREATE_CHILD_SA with NO_PROPOSAL_CHOSEN, though the IKE_AUTH Child SA is agreed")
		},
	}, {
		name: "pfs=no on the on-prem side",
		onPrem: func(t *testing.T, conf string) string {
			return setConnKey(t, conf, d.Connection.Tunnels[0].Outside, "pfs", "no")
		},
		expect: func(ctx context.Context, t *testing.T, h *handshake) {
			h.expectTunnelUp(ctx, t, 0)
			_, err := h.childWithPFS(ctx, t, 0, onPremStarts)
			expectDetected(t, err, "NO_PROPOSAL_CHOSEN", "offers no PFS (pfs=no)")
			_, err = h.childWithPFS(ctx, t, 0, awsStarts)
			expectDetected(t, err, "NO_PROPOSAL_CHOSEN", "on-prem side has no PFS (pfs=no)")
			h.expectTunnelUp(ctx, t, 1)
			h.expectPFS(ctx, t, 1, onPremStarts)
			t.Log("PROVEN: pfs=no on the on-prem side fails CREATE_CHILD_SA with NO_PROPOSAL_CHOSEN from either end, though the IKE_AUTH Child SA is agreed")
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
	// integrity and DH group (phase 1, and phase 2 in a Child SA with PFS)
	// is the only choice at least once. The AWS side starts that Child SA:
	// pluto 4.10 sends its KE for the first group of its esp= list and
	// cannot switch within CREATE_CHILD_SA, so started on-prem it would
	// prove only the first group; answering, the on-prem side must pick the
	// one group offered from its whole esp= list.
	p := d.Connection.Tunnels[0]
	for k := range max(len(p.Phase1Encryption), len(p.Phase1Integrity), len(p.Phase1DHGroups), len(p.Phase2Encryption), len(p.Phase2Integrity), len(p.Phase2DHGroups)) {
		only := func(o *TunnelOptions) {
			o.Phase1Encryption = []string{nth(p.Phase1Encryption, k)}
			o.Phase1Integrity = []string{nth(p.Phase1Integrity, k)}
			o.Phase1DHGroups = []int{nth(p.Phase1DHGroups, k)}
			o.Phase2Encryption = []string{nth(p.Phase2Encryption, k)}
			o.Phase2Integrity = []string{nth(p.Phase2Integrity, k)}
			o.Phase2DHGroups = []int{nth(p.Phase2DHGroups, k)}
		}
		var o TunnelOptions
		only(&o)
		what := fmt.Sprintf("phase 1 %s/%s/DH %d, phase 2 %s/%s/DH %d", o.Phase1Encryption[0], o.Phase1Integrity[0], o.Phase1DHGroups[0],
			o.Phase2Encryption[0], o.Phase2Integrity[0], o.Phase2DHGroups[0])
		cases = append(cases, handshakeCase{
			name:   "AWS side offers only " + what,
			change: func(t *testing.T, o *TunnelOptions) { only(o) },
			expect: func(ctx context.Context, t *testing.T, h *handshake) {
				h.expectTunnelUp(ctx, t, 0)
				if g := h.expectPFS(ctx, t, 0, awsStarts)[0]; g != o.Phase2DHGroups[0] {
					t.Fatalf("phase 2 DH group %d chosen, the AWS side offers only %d", g, o.Phase2DHGroups[0])
				}
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
			c, dc := d.Connection, d
			if tc.change != nil {
				tc.change(t, &c.Tunnels[0])
			}
			if tc.onPrem != nil {
				dc.Conf = tc.onPrem(t, d.Conf)
			}
			h := startHandshake(ctx, t, dc, c)
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

// expectDetected asserts that err reports a failure and its reason.
func expectDetected(t *testing.T, err error, reasons ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no failure detected, want one saying %q", reasons)
	}
	for _, r := range reasons {
		if !strings.Contains(err.Error(), r) {
			t.Fatalf("the failure does not say %q:\n\t%v", r, err)
		}
	}
	t.Logf("DETECTED: %v", err)
}

// otherGroups are the DH groups AWS offers, and the stand-in can, that are
// not in groups.
func otherGroups(t *testing.T, groups []int) []int {
	t.Helper()
	var out []int
	for g := range awsDHGroup {
		if !slices.Contains(groups, g) {
			out = append(out, g)
		}
	}
	if len(out) == 0 {
		t.Fatalf("the profile offers every DH group %v: no mismatch to test", groups)
	}
	slices.Sort(out)
	return out
}

// espGroups are the DH groups (AWS's numbers) in the esp= of the rendered
// conn whose right= is the tunnel's outside address.
func espGroups(t *testing.T, conf, outside string) []int {
	t.Helper()
	byName := map[string]int{}
	for g, name := range awsDHGroup {
		byName[name] = g
	}
	c := connTo(t, conf, outside)
	var out []int
	for _, proposal := range strings.Split(c.Keys["esp"], ",") {
		// The groups follow ";" (or the last "-" in the older syntax).
		dh := proposal[strings.LastIndexAny(proposal, ";-")+1:]
		for _, name := range strings.Split(dh, "+") {
			g, ok := byName[name]
			if !ok {
				t.Fatalf("conn %s: esp=%s: %q is not a DH group this test knows", c.Name, c.Keys["esp"], name)
			}
			if !slices.Contains(out, g) {
				out = append(out, g)
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("conn %s: esp=%s names no DH group", c.Name, c.Keys["esp"])
	}
	return out
}

func connTo(t *testing.T, conf, outside string) Conn {
	t.Helper()
	conns := ParseConns(conf)
	j := slices.IndexFunc(conns, func(c Conn) bool { return c.Keys["right"] == outside })
	if j < 0 {
		t.Fatalf("aws.conf has no conn with right=%s", outside)
	}
	return conns[j]
}

// setConnKey sets key=value in the rendered conn whose right= is outside;
// the key must be there already (a changed rendering fails the test, rather
// than testing nothing).
func setConnKey(t *testing.T, conf, outside, key, value string) string {
	t.Helper()
	name := connTo(t, conf, outside).Name
	var out []string
	in, done := false, false
	for _, line := range strings.Split(conf, "\n") {
		if m := connLine.FindStringSubmatch(line); m != nil {
			in = m[1] == name
		} else if m := keyLine.FindStringSubmatch(line); in && m != nil && m[1] == key {
			line, done = line[:strings.Index(line, "=")+1]+value, true
		}
		out = append(out, line)
	}
	if !done {
		t.Fatalf("conn %s has no %s=", name, key)
	}
	return strings.Join(out, "\n")
}
