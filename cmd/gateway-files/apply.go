package main

import (
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
)

// changes are the files this run rewrote, by name, with their old content
// ("" for a new file).
type changes struct{ old map[string]string }

func (c changes) changed(name string) bool {
	_, ok := c.old[name]
	return ok
}

// runner runs one command on the gateway; ok reports whether it succeeded
// (for the questions -apply asks, such as `systemctl is-active`).
type runner interface {
	run(name string, args ...string) error
	ok(name string, args ...string) bool
}

type execRunner struct{ log io.Writer }

func (r execRunner) run(name string, args ...string) error {
	fmt.Fprintf(r.log, "gateway-files: %s %s\n", name, strings.Join(args, " "))
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = r.log, r.log
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return nil
}

func (r execRunner) ok(name string, args ...string) bool {
	return exec.Command(name, args...).Run() == nil
}

// applyChanges makes the running gateway use the files, without dropping a
// tunnel that is up: every step is idempotent, and a conn is replaced only
// when its own section of aws.conf changed, one conn at a time, tunnel 2
// first (`ipsec auto --up` returns once the conn is up), so the other
// tunnel carries the traffic meanwhile. Run twice, the second run replaces
// nothing.
func applyChanges(r runner, ch changes, conf, sysctlFile string) error {
	if err := r.run("sysctl", "-q", "-p", sysctlFile); err != nil {
		return err
	}
	if ch.changed(serviceName) {
		if err := r.run("systemctl", "daemon-reload"); err != nil {
			return err
		}
	}
	if !r.ok("systemctl", "is-active", "--quiet", "ipsec") {
		// Not running: starting it loads both conns (auto=start).
		if err := r.run("systemctl", "enable", "--now", "ipsec"); err != nil {
			return err
		}
	} else {
		if ch.changed(secretsName) {
			if err := r.run("ipsec", "auto", "--rereadsecrets"); err != nil {
				return err
			}
		}
		if ch.changed(confName) {
			if err := replaceChangedConns(r, connSections(ch.old[confName]), connSections(conf)); err != nil {
				return err
			}
		}
	}
	// The health check re-adds only routes that answer: restarting it
	// drops nothing.
	if ch.changed(scriptName) || ch.changed(serviceName) {
		if err := r.run("systemctl", "enable", "aws-tunnels.service"); err != nil {
			return err
		}
		return r.run("systemctl", "restart", "aws-tunnels.service")
	}
	return r.run("systemctl", "enable", "--now", "aws-tunnels.service")
}

// replaceChangedConns deletes the conns that went, and replaces and brings
// up, in reverse order, those that are new or whose section changed.
func replaceChangedConns(r runner, old, cur map[string]string) error {
	for name := range old {
		if _, ok := cur[name]; !ok {
			if err := r.run("ipsec", "auto", "--delete", name); err != nil {
				return err
			}
		}
	}
	names := make([]string, 0, len(cur))
	for name := range cur {
		if old[name] != cur[name] {
			names = append(names, name)
		}
	}
	// Tunnel2 before Tunnel1: the preferred tunnel goes last.
	slices.Sort(names)
	slices.Reverse(names)
	for _, name := range names {
		if err := r.run("ipsec", "auto", "--replace", name); err != nil {
			return err
		}
		if err := r.run("ipsec", "auto", "--up", name); err != nil {
			return err
		}
	}
	return nil
}

// connSections splits an ipsec.conf into its conn sections, by name (each
// with its lines, comments and blank lines left out).
func connSections(conf string) map[string]string {
	out := map[string]string{}
	name := ""
	for _, line := range strings.Split(conf, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
		case !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "\t"):
			name = ""
			if rest, ok := strings.CutPrefix(trimmed, "conn "); ok {
				name = strings.TrimSpace(rest)
				out[name] = ""
			}
		case name != "":
			out[name] += trimmed + "\n"
		}
	}
	return out
}
