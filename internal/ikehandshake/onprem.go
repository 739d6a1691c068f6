package ikehandshake

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Swap replaces the deployment's addresses (the customer gateway's public
// IP, which is the on-prem leftid, and the tunnel outside addresses) with
// the lab's in the rendered Libreswan files; nothing else changes.
type Swap map[string]string

// Apply replaces every whole occurrence of each address in text, all at once
// (so a replacement is never replaced again). An address that does not occur
// is an error: the rendering changed shape and the lab would test nothing.
// Errors name the file and the address, never the text (the secrets file
// holds the PSKs).
func (s Swap) Apply(file, text string) (string, error) {
	olds := make([]string, 0, len(s))
	for old := range s {
		olds = append(olds, regexp.QuoteMeta(old))
	}
	// Longest first, and \b so 192.0.2.1 never matches inside 192.0.2.11.
	slices.SortFunc(olds, func(a, b string) int { return len(b) - len(a) })
	re := regexp.MustCompile(`\b(?:` + strings.Join(olds, "|") + `)\b`)
	seen := map[string]bool{}
	out := re.ReplaceAllStringFunc(text, func(m string) string {
		seen[m] = true
		return s[m]
	})
	for old := range s {
		if !seen[old] {
			return "", fmt.Errorf("%s: address %s does not occur: cannot move it into the lab", file, old)
		}
	}
	return out, nil
}

// Conn is one `conn` section of an ipsec.conf.
type Conn struct {
	Name string
	Keys map[string]string
}

var (
	connLine = regexp.MustCompile(`^conn\s+(\S+)\s*$`)
	keyLine  = regexp.MustCompile(`^\s+([a-z0-9_-]+)\s*=\s*(.*?)\s*$`)
)

// ParseConns returns the conn sections of an ipsec.conf in order (enough of
// the format for the rendered files: no `also=`, no includes).
func ParseConns(conf string) []Conn {
	var conns []Conn
	in := false // inside a conn section
	for _, line := range strings.Split(conf, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
		case line[0] == ' ' || line[0] == '\t':
			if m := keyLine.FindStringSubmatch(line); m != nil && in {
				conns[len(conns)-1].Keys[m[1]] = strings.Trim(m[2], `"`)
			}
		default:
			// A top-level line starts a section: a conn, config setup, ...
			m := connLine.FindStringSubmatch(line)
			in = m != nil
			if in {
				conns = append(conns, Conn{Name: m[1], Keys: map[string]string{}})
			}
		}
	}
	return conns
}

// WithConfigSetup makes a /etc/ipsec.d/*.conf file a whole ipsec.conf, as
// addconn needs one.
func WithConfigSetup(conf string) string {
	return "config setup\n\tdnssec-enable=no\n\n" + conf
}
