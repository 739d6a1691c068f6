// Command gateway-files writes the on-prem Libreswan gateway's files from the
// stack's outputs, and with -apply makes the running gateway use them:
//
//	pulumi stack output --json --show-secrets | gateway-files -out /etc/ipsec.d -apply
//
// It writes aws.conf (0644), aws.secrets (0600) and the tunnel script
// aws-tunnels (0755; aws.conf calls /etc/ipsec.d/aws-tunnels as its updown
// hook, so -out must be /etc/ipsec.d on a gateway) into -out, the sysctl
// drop-in 60-libreswan-gateway.conf (0644) into -sysctl-out (default
// /etc/sysctl.d) and aws-tunnels.service (0644) into -unit-out (default
// /etc/systemd/system). The sysctl file must not go into -out: the
// distributions' ipsec.conf includes /etc/ipsec.d/*.conf, and Libreswan
// cannot parse sysctl lines, so no tunnel would load. A file whose content
// is unchanged is left alone; a changed one is written to a temporary file
// that already has its final mode and then renamed over the old one, so the
// secrets are never readable by others, not even for a moment.
//
// -apply (apply.go) then applies what changed without dropping a tunnel
// that is up.
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
	outputScript  = "libreswanTunnelScript"
	outputService = "libreswanTunnelService"
)

// DefaultSysctlDir is where -sysctl-out points unless told otherwise:
// systemd-sysctl and `sysctl --system` read it at boot.
const DefaultSysctlDir = "/etc/sysctl.d"

// DefaultUnitDir is where -unit-out points unless told otherwise.
const DefaultUnitDir = "/etc/systemd/system"

// sysctlName is the sysctl drop-in's file name (vpn.SysctlPath's base).
const sysctlName = "60-libreswan-gateway.conf"

// The other files' names (the bases of vpn.ConfPath, vpn.SecretsPath,
// vpn.TunnelScriptPath and vpn.TunnelServicePath).
const (
	confName    = "aws.conf"
	secretsName = "aws.secrets"
	scriptName  = "aws-tunnels"
	serviceName = "aws-tunnels.service"
)

// Where a file goes: -out, -sysctl-out or -unit-out.
const (
	toOut = iota
	toSysctl
	toUnit
)

// file is one file to write: its name, the output it comes from, its mode
// and the directory flag it goes to.
type file struct {
	name, output string
	mode         os.FileMode
	dir          int
}

var files = []file{
	{confName, outputConf, 0o644, toOut},
	{secretsName, outputSecrets, 0o600, toOut},
	{scriptName, outputScript, 0o755, toOut},
	{sysctlName, outputSysctl, 0o644, toSysctl},
	{serviceName, outputService, 0o644, toUnit},
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
	unitOut := fs.String("unit-out", DefaultUnitDir, "`directory` to write "+serviceName+" into")
	apply := fs.Bool("apply", false, "then apply what changed on this gateway (sysctl, the health check, ipsec), replacing only changed conns, one at a time")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || *sysctlOut == "" || *unitOut == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("-out is required, -sysctl-out and -unit-out must not be empty, and no arguments are taken")
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
	dirs := map[int]string{toOut: *out, toSysctl: *sysctlOut, toUnit: *unitOut}
	for _, dir := range dirs {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	ch := changes{old: map[string]string{}}
	for _, f := range files {
		path := filepath.Join(dirs[f.dir], f.name)
		old, err := os.ReadFile(path)
		if err == nil && string(old) == outputs[f.output] {
			if err := os.Chmod(path, f.mode); err != nil {
				return err
			}
			continue
		}
		ch.old[f.name] = string(old)
		if err := writeFile(path, outputs[f.output], f.mode); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		fmt.Fprintf(stderr, "gateway-files: wrote %s\n", path)
	}
	if !*apply {
		return nil
	}
	return applyFiles(execRunner{stderr}, *out, ch, outputs, filepath.Join(*sysctlOut, sysctlName))
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
