// Package tooltest lets tests run the real tools (haproxy, Libreswan,
// shellcheck) on what the program renders. A missing tool skips the test on a
// developer's machine and fails it under CI=true, so CI never passes by
// silently skipping.
package tooltest

import (
	"os"
	"os/exec"
	"testing"
)

// Require returns the path of command, or ends the test: Fatal under CI=true,
// Skip otherwise (scripts/test installs the tools first).
func Require(t testing.TB, command, debianPackage string) string {
	t.Helper()
	path, err := exec.LookPath(command)
	if err == nil {
		return path
	}
	msg := command + " not found: install Debian package " + debianPackage + " (scripts/test does)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// RequireRoot ends the test unless it runs as root (network namespaces need
// it): Fatal under CI=true, Skip otherwise.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("this test needs root (network namespaces)")
	}
	t.Skip("this test needs root (network namespaces)")
}
