// Command gateway-files writes the on-prem Libreswan gateway's files from the
// stack's outputs:
//
//	pulumi stack output --json --show-secrets | gateway-files -out /etc/ipsec.d
//
// It writes aws.conf (0644), aws.secrets (0600) and the sysctl drop-in
// (0644) into the -out directory. Each file is written to a temporary file
// that already has its final mode and then renamed over the old one, so the
// secrets are never readable by others, not even for a moment. Copy the
// sysctl file to /etc/sysctl.d/ and run `sysctl --system`; then
// `ipsec restart`.
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

// file is one file to write: its name in -out, the output it comes from and its mode.
type file struct {
	name, output string
	mode         os.FileMode
}

var files = []file{
	{"aws.conf", outputConf, 0o644},
	{"aws.secrets", outputSecrets, 0o600},
	{"60-libreswan-gateway.conf", outputSysctl, 0o644},
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
	out := fs.String("out", "", "`directory` to write aws.conf, aws.secrets and the sysctl file into (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("-out is required and no arguments are taken")
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
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		if err := writeFile(filepath.Join(*out, f.name), outputs[f.output], f.mode); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	return nil
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
