package ikehandshake

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// SAOutcome is what a kernel makes of adding an ESP security association.
type SAOutcome int

const (
	// SAInstalls: the kernel has ESP and the algorithms.
	SAInstalls SAOutcome = iota
	// SANoAlgorithm: the kernel's crypto lacks an algorithm (ENOSYS). The
	// kernel looks the algorithms up before the protocol, so a kernel with
	// neither says this.
	SANoAlgorithm
	// SANoESP: the kernel has no ESP (EPROTONOSUPPORT).
	SANoESP
)

// PlutoError is the error pluto logs when the kernel refuses the SA.
func (o SAOutcome) PlutoError() string {
	switch o {
	case SANoAlgorithm:
		return "Function not implemented"
	case SANoESP:
		return "Protocol not supported"
	}
	return ""
}

func (o SAOutcome) String() string {
	switch o {
	case SANoAlgorithm:
		return "the kernel lacks the algorithm"
	case SANoESP:
		return "the kernel has no ESP"
	}
	return "the kernel installs it"
}

// Transform is a negotiated ESP transform in pluto's names
// (AES_GCM_C_256; AES_CBC_256 with HMAC_SHA2_256_128).
type Transform struct {
	Cipher, Integrity string
}

func (t Transform) String() string {
	if t.Integrity == "" {
		return t.Cipher
	}
	return t.Cipher + "-" + t.Integrity
}

var chosenESP = regexp.MustCompile(`proposal \d+:ESP=([A-Z0-9_]+)(?:-(HMAC_[A-Z0-9_]+))?-`)

// ChosenTransform reads the transform from pluto's "proposal N:ESP=...
// chosen" line.
func ChosenTransform(line string) (Transform, error) {
	m := chosenESP.FindStringSubmatch(line)
	if m == nil {
		return Transform{}, fmt.Errorf("no ESP proposal in %q", line)
	}
	return Transform{Cipher: m[1], Integrity: m[2]}, nil
}

var (
	cbcCipher = regexp.MustCompile(`^AES_CBC_(128|192|256)$`)
	gcmCipher = regexp.MustCompile(`^AES_GCM_C_(128|192|256)$`)
	// pluto's integrity name -> the kernel's, key bits, truncated ICV bits.
	kernelIntegrity = map[string]struct {
		name       string
		keyBits    int
		truncation int
	}{
		"HMAC_SHA1_96":      {"hmac(sha1)", 160, 96},
		"HMAC_SHA2_256_128": {"hmac(sha256)", 256, 128},
		"HMAC_SHA2_384_192": {"hmac(sha384)", 384, 192},
		"HMAC_SHA2_512_256": {"hmac(sha512)", 512, 256},
	}
)

// xfrmArgs are `ip xfrm state add` arguments for t, with all-zero keys.
func (t Transform) xfrmArgs() ([]string, error) {
	zeros := func(bits int) string { return "0x" + strings.Repeat("00", bits/8) }
	if m := gcmCipher.FindStringSubmatch(t.Cipher); m != nil && t.Integrity == "" {
		bits, _ := strconv.Atoi(m[1])
		// RFC 4106: the key carries a 4-octet salt; _C is a 16-octet ICV.
		return []string{"aead", "rfc4106(gcm(aes))", zeros(bits + 32), "128"}, nil
	}
	m := cbcCipher.FindStringSubmatch(t.Cipher)
	integ, ok := kernelIntegrity[t.Integrity]
	if m == nil || !ok {
		return nil, fmt.Errorf("transform %s: no kernel names for it here", t)
	}
	bits, _ := strconv.Atoi(m[1])
	return []string{"enc", "cbc(aes)", zeros(bits), "auth-trunc", integ.name, zeros(integ.keyBits), strconv.Itoa(integ.truncation)}, nil
}

// ProbeSA asks the kernel, inside the node's namespace, to add (and then
// delete) an ESP SA with transform t and throwaway keys, and says how it
// answered: exactly what pluto's install of that Child SA will meet.
func (n *Node) ProbeSA(ctx context.Context, t Transform) (SAOutcome, error) {
	alg, err := t.xfrmArgs()
	if err != nil {
		return 0, err
	}
	id := []string{"src", n.Outside[0].String(), "dst", "198.18.0.254", "proto", "esp", "spi", "0x00001000"}
	out, err := n.Run(ctx, "ip", append(append(append([]string{"xfrm", "state", "add"}, id...), "mode", "tunnel"), alg...)...)
	switch {
	case err == nil:
		_, err = n.Run(ctx, "ip", append([]string{"xfrm", "state", "delete"}, id...)...)
		return SAInstalls, err
	// iproute2 prints the kernel's extended message when there is one.
	case strings.Contains(out, "algorithm not found") || strings.Contains(out, "Function not implemented"):
		return SANoAlgorithm, nil
	case strings.Contains(out, "Requested type not found") || strings.Contains(out, "Protocol not supported"):
		return SANoESP, nil
	}
	return 0, err
}

// HasXFRMInterfaces reports whether the kernel, asked inside the node's
// namespace, makes an XFRM interface (CONFIG_XFRM_INTERFACE), which
// Libreswan's ipsec-interface= needs: without one, pluto refuses to add the
// conn ("ipsec-interface=1 not supported").
func (n *Node) HasXFRMInterfaces(ctx context.Context) (bool, error) {
	const probe = "xfrmprobe0"
	out, err := n.Run(ctx, "ip", "link", "add", probe, "type", "xfrm", "if_id", "4095")
	switch {
	case err == nil:
		_, err = n.Run(ctx, "ip", "link", "del", probe)
		return true, err
	// iproute2 says "Unknown device type" when the module is missing,
	// and the kernel EOPNOTSUPP when the feature is.
	case strings.Contains(out, "Unknown device type") || strings.Contains(out, "not supported"):
		return false, nil
	}
	return false, err
}

// WithoutXFRMInterfaces removes the ipsec-interface= lines from a rendered
// conf, for a kernel without XFRM interfaces: the conns then load and
// negotiate as before, their SAs just have no interface to go to.
func WithoutXFRMInterfaces(conf string) string {
	var out []string
	for _, line := range strings.SplitAfter(conf, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "ipsec-interface=") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}
