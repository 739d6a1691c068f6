// Command gateway-files writes the on-prem Libreswan gateway's files from the
// stack's outputs:
//
//	pulumi stack output --json --show-secrets | gateway-files -out /etc/ipsec.d
//
// It writes aws.conf (0644) and aws.secrets (0600) into the -out directory
// and the sysctl drop-in 60-libreswan-gateway.conf (0644) into -sysctl-out
// (default /etc/sysctl.d). The sysctl file must not go into -out: the
// distributions' ipsec.conf includes /etc/ipsec.d/*.conf, and Libreswan
// cannot parse sysctl lines, so no tunnel would load. Each file is written
// to a temporary file that already has its final mode and then renamed over
// the old one, so the secrets are never readable by others, not even for a
// moment. Then run `sysctl --system` and `ipsec restart`.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// The stack outputs this command reads (their names are the operators' interface).
const (
	outputConf    = "libreswanConf"
	outputSecrets = "libreswanSecrets"
	outputSysctl  = "libreswanSysctl"
)

// DefaultSysctlDir is where -sysctl-out points unless told otherwise:
// systemd-sysctl and `sysctl --system` read it at boot.
const DefaultSysctlDir = "/etc/sysctl.d"

// sysctlName is the sysctl drop-in's file name (vpn.SysctlPath's base).
const sysctlName = "60-libreswan-gateway.conf"

// file is one file to write: its name, the output it comes from, its mode
// and whether it goes to -sysctl-out rather than -out.
type file struct {
	name, output string
	mode         os.FileMode
	sysctl       bool
}

var files = []file{
	{"aws.conf", outputConf, 0o644, false},
	{"aws.secrets", outputSecrets, 0o600, false},
	{sysctlName, outputSysctl, 0o644, true},
}

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gateway-files:", err)
		os.Exit(1)
	}
}

func run(args []string, stdin io.Reader, stderr io.Writer) error {
	fs := flag.NewFlagSet("gateway-files", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "-", "`file` with `pulumi stack output --json --show-secrets`; - for stdin")
	out := fs.String("out", "", "`directory` to write aws.conf and aws.secrets into, e.g. /etc/ipsec.d (required)")
	sysctlOut := fs.String("sysctl-out", DefaultSysctlDir, "`directory` to write "+sysctlName+" into; not -out, whose *.conf Libreswan includes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || *sysctlOut == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("-out is required, -sysctl-out must not be empty, and no arguments are taken")
	}
	if sameDir(*out, *sysctlOut) {
		return fmt.Errorf("-sysctl-out %s is the -out directory: Libreswan includes every *.conf there and cannot parse sysctl lines; use %s", *sysctlOut, DefaultSysctlDir)
	}
	r := stdin
	if *in != "-" {
		f, err := os.Open(*in)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	outputs, err := readOutputs(r)
	if err != nil {
		return err
	}
	for _, dir := range []string{*out, *sysctlOut} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	for _, f := range files {
		dir := *out
		if f.sysctl {
			dir = *sysctlOut
		}
		if err := writeFile(filepath.Join(dir, f.name), outputs[f.output], f.mode); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	return nil
}

// sameDir reports whether a and b name one directory, also through a
// symlink or a different spelling (/etc/ipsec.d/ and /etc/./ipsec.d).
func sameDir(a, b string) bool {
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	if errA == nil && errB == nil && absA == absB {
		return true
	}
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(ia, ib)
}

// readOutputs decodes the stack outputs and checks that every one needed is
// a non-empty string (and not a hidden secret).
func readOutputs(r io.Reader) (map[string]string, error) {
	var raw map[string]any
	if err := json.NewDecoder(r).Decode(&raw); err != nil {
		return nil, fmt.Errorf("reading stack outputs (pulumi stack output --json --show-secrets): %w", err)
	}
	got := map[string]string{}
	var errs []error
	for _, f := range files {
		s, ok := raw[f.output].(string)
		switch {
		case !ok || strings.TrimSpace(s) == "":
			errs = append(errs, fmt.Errorf("stack output %s is missing or not text", f.output))
		case s == "[secret]":
			errs = append(errs, fmt.Errorf("stack output %s is hidden: run pulumi stack output with --show-secrets", f.output))
		default:
			got[f.output] = s
		}
	}
	return got, errors.Join(errs...)
}

// writeFile replaces path with content, atomically and with mode from the start.
func writeFile(path, content string, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
