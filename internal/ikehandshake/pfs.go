package ikehandshake

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// plutoDHGroup maps the names pluto's log gives DH groups in proposals
// (IKEv2 transform names: "ECP_256", not the "dh19" of ipsec.conf) to the
// group numbers AWS's tunnel options use. Written from RFC 3526/5903 and
// pluto's log, apart from the stand-in's awsDHGroup, so the two check each
// other.
var plutoDHGroup = map[string]int{
	"MODP1536": 5, "MODP2048": 14, "MODP3072": 15, "MODP4096": 16, "MODP6144": 17, "MODP8192": 18,
	"ECP_256": 19, "ECP_384": 20, "ECP_521": 21,
}

// dhGroups are the DH groups named in a proposal as pluto prints it: its
// own ("ESP=AES_GCM_C_256-NONE-MODP2048+ECP_256-ENABLED+DISABLED"), a chosen
// one ("ESP=AES_GCM_C_256-MODP2048-ENABLED") or a peer's
// ("ESP:ENCR=AES_GCM_C_256;DH=MODP2048;DH=ECP_256;ESN=ENABLED"). A proposal
// without PFS names none.
func dhGroups(proposal string) ([]int, error) {
	var out []int
	for _, tok := range strings.FieldsFunc(proposal, func(r rune) bool { return strings.ContainsRune("-+;=:", r) }) {
		g, ok := plutoDHGroup[tok]
		if !ok {
			if strings.HasPrefix(tok, "MODP") || strings.HasPrefix(tok, "ECP_") || strings.HasPrefix(tok, "CURVE") || strings.HasPrefix(tok, "DH") && tok != "DH" {
				return nil, fmt.Errorf("DH group %s in %q: no AWS group number for it here", tok, proposal)
			}
			continue
		}
		if !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out, nil
}

var (
	chosenProposal = regexp.MustCompile(`proposal \d+:(?:IKE|ESP)=(\S+) (?:SPI=\S+ )?chosen from remote proposals`)
	remoteProposal = regexp.MustCompile(`remote proposals (.*)$`)
	ownProposal    = regexp.MustCompile(`#\d+: +\d+:ESP=(\S+)$`)
)

// ChosenDH is the DH group of the proposal in pluto's "proposal N:IKE=...
// chosen" or "proposal N:ESP=... chosen" line, as AWS numbers it; 0 when the
// chosen proposal has none (a Child SA made in IKE_AUTH, or no PFS).
func ChosenDH(line string) (int, error) {
	m := chosenProposal.FindStringSubmatch(line)
	if m == nil {
		return 0, fmt.Errorf("no chosen proposal in %q", line)
	}
	groups, err := dhGroups(m[1])
	switch {
	case err != nil:
		return 0, err
	case len(groups) > 1:
		return 0, fmt.Errorf("more than one DH group chosen in %q", line)
	case len(groups) == 0:
		return 0, nil
	}
	return groups[0], nil
}

// RemoteDH are the DH groups the peer offered, read from the "remote
// proposals ..." part of a responder's "chosen" or "no local proposal
// matches" line; none means the peer's request carried no PFS.
func RemoteDH(line string) ([]int, error) {
	m := remoteProposal.FindStringSubmatch(line)
	if m == nil {
		return nil, fmt.Errorf("no remote proposals in %q", line)
	}
	return dhGroups(m[1])
}

// OwnDH are the DH groups in pluto's listing of its own Child SA proposals
// ("#4:   1:ESP=AES_GCM_C_256-NONE-MODP2048+ECP_256-ENABLED+DISABLED"),
// one line per proposal.
func OwnDH(lines []string) ([]int, error) {
	var out []int
	for _, l := range lines {
		m := ownProposal.FindStringSubmatch(l)
		if m == nil {
			return nil, fmt.Errorf("no own proposal in %q", l)
		}
		groups, err := dhGroups(m[1])
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			if !slices.Contains(out, g) {
				out = append(out, g)
			}
		}
	}
	return out, nil
}

// pfsMismatch says why a CREATE_CHILD_SA with a key exchange found no
// proposal, from the DH groups the initiator offered and those the
// responder's own proposals allow (none: that side has pfs=no).
func pfsMismatch(initiator string, offered []int, responder string, allowed []int) string {
	switch {
	case len(offered) == 0 && len(allowed) == 0:
		return "neither side offers a DH group: the proposals differ in another transform"
	case len(offered) == 0:
		return fmt.Sprintf("the %s side's request carries no DH group, so it offers no PFS (pfs=no), and the %s side requires one of DH %v",
			initiator, responder, allowed)
	case len(allowed) == 0:
		return fmt.Sprintf("the %s side offers DH %v, but the %s side has no PFS (pfs=no) and takes no key exchange",
			initiator, offered, responder)
	}
	for _, g := range offered {
		if slices.Contains(allowed, g) {
			return fmt.Sprintf("the DH groups meet (the %s side offers %v, the %s side allows %v): the proposals differ in another transform",
				initiator, offered, responder, allowed)
		}
	}
	return fmt.Sprintf("no phase 2 DH group in common: the %s side offers DH %v, the %s side allows DH %v",
		initiator, offered, responder, allowed)
}
