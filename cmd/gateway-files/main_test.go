package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func stackOutputs(t *testing.T, override map[string]any) string {
	t.Helper()
	outputs := map[string]any{
		"vpnConnectionId": "vpn-0123456789abcdef0",
		outputConf:        "conn Tunnel1\n\tauto=start\n",
		outputSecrets:     "123.142.252.25 192.0.2.10 : PSK \"placeholder.key\"\n",
		outputSysctl:      "net.ipv4.ip_forward = 1\n",
	}
	for k, v := range override {
		if v == nil {
			delete(outputs, k)
		} else {
			outputs[k] = v
		}
	}
	b, err := json.Marshal(outputs)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWritesTheFilesWithSafeModes(t *testing.T) {
	t.Parallel()
	for _, viaFile := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "ipsec.d")
		input := stackOutputs(t, nil)
		args := []string{"-out", dir}
		stdin := strings.NewReader(input)
		if viaFile {
			path := filepath.Join(t.TempDir(), "outputs.json")
			if err := os.WriteFile(path, []byte(input), 0o600); err != nil {
				t.Fatal(err)
			}
			args = append(args, "-in", path)
			stdin = strings.NewReader("not json")
		}
		// A stale, world-readable secrets file must not keep its mode.
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "aws.secrets"), []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		if err := run(args, stdin, &stderr); err != nil {
			t.Fatalf("run %v: %v\n%s", args, err, stderr.String())
		}
		for name, want := range map[string]struct {
			content string
			mode    os.FileMode
		}{
			"aws.conf":                  {"conn Tunnel1\n\tauto=start\n", 0o644},
			"aws.secrets":               {"123.142.252.25 192.0.2.10 : PSK \"placeholder.key\"\n", 0o600},
			"60-libreswan-gateway.conf": {"net.ipv4.ip_forward = 1\n", 0o644},
		} {
			path := filepath.Join(dir, name)
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != want.content {
				t.Errorf("%s = %q, want %q", name, got, want.content)
			}
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if info.Mode().Perm() != want.mode {
				t.Errorf("%s mode %v, want %v", name, info.Mode().Perm(), want.mode)
			}
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 3 {
			t.Errorf("%d entries in %s, want 3 (no temporary files left)", len(entries), dir)
		}
	}
}

func TestRefusesIncompleteOutputs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		input string
		args  []string
		want  string
	}{
		{"hidden secret", stackOutputs(t, map[string]any{outputSecrets: "[secret]"}), nil, "--show-secrets"},
		{"missing output", stackOutputs(t, map[string]any{outputConf: nil}), nil, "libreswanConf is missing"},
		{"not text", stackOutputs(t, map[string]any{outputSysctl: 3}), nil, "libreswanSysctl is missing or not text"},
		{"not json", "pulumi: no stack selected", nil, "reading stack outputs"},
		{"no -out", stackOutputs(t, nil), []string{}, "-out is required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "out")
			args := tc.args
			if args == nil {
				args = []string{"-out", dir}
			}
			err := run(args, strings.NewReader(tc.input), &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
			if _, statErr := os.Stat(filepath.Join(dir, "aws.conf")); statErr == nil {
				t.Error("wrote files despite the error")
			}
		})
	}
}
