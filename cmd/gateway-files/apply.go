package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// changes are the files this run rewrote, by name, with their old content
// ("" for a new file).
type changes struct{ old map[string]string }

func (c changes) changed(name string) bool {
	_, ok := c.old[name]
	return ok
}

// runner runs one command on the gateway; ok reports whether it succeeded
// (for the questions -apply asks, such as `systemctl is-active`), output
// returns what it printed, and sleep waits between polls.
type runner interface {
	run(name string, args ...string) error
	ok(name string, args ...string) bool
	output(name string, args ...string) (string, error)
	sleep(d time.Duration)
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

func (r execRunner) output(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return string(out), nil
}

func (execRunner) sleep(d time.Duration) { time.Sleep(d) }

// upTimeout bounds the wait for a replaced conn to carry the VPC's route
// again (IKE_SA_INIT, IKE_AUTH, then the health check's first answered
// probe: seconds when the peer answers); upPoll is how often it looks.
const (
	upTimeout = 60 * time.Second
	upPoll    = time.Second
)

// applyFiles applies the files just written (outputs; ch, what changed) to
// the gateway, keeping in dir (appliedName) the conns as last applied: after
// each conn replaced, and the whole aws.conf once all of it is applied.
func applyFiles(r runner, dir string, ch changes, outputs map[string]string, sysctlFile string) error {
	conf := outputs[outputConf]
	applied, err := lastApplied(dir, ch, conf)
	if err != nil {
		return err
	}
	path := filepath.Join(dir, appliedName)
	p := plan{
		applied: applied, conf: conf, vpcCidr: vpcCidr(outputs[outputScript]), sysctlFile: sysctlFile,
		record: func(conns map[string]string) error { return writeFile(path, renderConns(conns), 0o644) },
	}
	if err := applyChanges(r, ch, p); err != nil {
		return err
	}
	return writeFile(path, conf, 0o644)
}

// plan is what applyChanges applies: aws.conf as last applied and as now,
// the VPC range the tunnels route (for the wait after each conn), the
// sysctl file, and record, called with the conns as applied after each
// one replaced.
type plan struct {
	applied, conf, vpcCidr, sysctlFile string
	record                             func(conns map[string]string) error
}

// applyChanges makes the running gateway use the files, without dropping a
// tunnel that is up: every step is idempotent, and a conn is replaced only
// when its own section differs from the aws.conf last applied in full
// (applied; "" when none was), one conn at a time, tunnel 2 first, each
// carrying the VPC's route again before the next is touched, so the other
// tunnel carries the traffic meanwhile. Run twice, the second run replaces
// nothing; run again after a run that failed halfway, it replaces the
// conns that run did not get to.
func applyChanges(r runner, ch changes, p plan) error {
	if err := r.run("sysctl", "-q", "-p", p.sysctlFile); err != nil {
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
		// Started by hand, it would not come back after a reboot.
		if err := r.run("systemctl", "enable", "ipsec"); err != nil {
			return err
		}
		if ch.changed(secretsName) {
			if err := r.run("ipsec", "auto", "--rereadsecrets"); err != nil {
				return err
			}
		}
		// Only a running health check puts the VPC's route on a tunnel
		// (not yet on a gateway moving from the policy-based files): then
		// a conn's SA is what is waited for.
		if !r.ok("systemctl", "is-active", "--quiet", "aws-tunnels.service") {
			p.vpcCidr = ""
		}
		if err := replaceChangedConns(r, connSections(p.applied), connSections(p.conf), p); err != nil {
			return err
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
// up, in reverse order, those that are new or whose section changed,
// waiting after each until it carries the VPC's route, and recording each
// step (p.record) as it is done.
func replaceChangedConns(r runner, old, cur map[string]string, p plan) error {
	done := maps.Clone(old)
	for name := range old {
		if _, ok := cur[name]; !ok {
			if err := r.run("ipsec", "auto", "--delete", name); err != nil {
				return err
			}
			delete(done, name)
			if err := p.record(done); err != nil {
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
	for i, name := range names {
		if err := r.run("ipsec", "auto", "--replace", name); err != nil {
			return err
		}
		// `ipsec auto --up` can fail and still exit 0 (issue 22): the
		// route is the proof.
		if err := r.run("ipsec", "auto", "--up", name); err != nil {
			return err
		}
		if err := waitCarries(r, name, cur[name], p.vpcCidr); err != nil {
			if rest := names[i+1:]; len(rest) > 0 {
				return fmt.Errorf("%w; %s left as it was: run -apply again once %s is up (the files are in place; it replaces what is left)",
					err, strings.Join(rest, ", "), name)
			}
			return err
		}
		done[name] = cur[name]
		if err := p.record(done); err != nil {
			return err
		}
	}
	return nil
}

// renderConns writes conns (connSections' form) back as conn sections.
func renderConns(conns map[string]string) string {
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(conns)) {
		fmt.Fprintf(&b, "conn %s\n", name)
		for _, line := range strings.Split(strings.TrimSuffix(conns[name], "\n"), "\n") {
			if line != "" {
				fmt.Fprintf(&b, "\t%s\n", line)
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// waitCarries waits, up to upTimeout, until conn (its section) carries the
// VPC's route: the route to vpcCidr on its XFRM interface (ipsec-interface=N
// makes ipsecN), which the health check puts there once the tunnel
// answers. A conn without an interface, or no VPC range known (or no health
// check running), is waited for until `ipsec trafficstatus` lists an SA of
// it.
func waitCarries(r runner, conn, section, vpcCidr string) error {
	dev := ""
	for _, line := range strings.Split(section, "\n") {
		if n, ok := strings.CutPrefix(line, "ipsec-interface="); ok {
			dev = "ipsec" + strings.TrimSpace(n)
		}
	}
	what, carries := fmt.Sprintf("SA of %s in `ipsec trafficstatus`", conn), func() bool {
		out, err := r.output("ipsec", "trafficstatus")
		return err == nil && strings.Contains(out, `"`+conn+`"`)
	}
	if dev != "" && vpcCidr != "" {
		what, carries = fmt.Sprintf("route to %s on %s", vpcCidr, dev), func() bool {
			out, err := r.output("ip", "route", "show", "exact", vpcCidr, "dev", dev)
			return err == nil && strings.TrimSpace(out) != ""
		}
	}
	for range upTimeout / upPoll {
		if carries() {
			return nil
		}
		r.sleep(upPoll)
	}
	if carries() {
		return nil
	}
	return fmt.Errorf("%s is not up: %s after `ipsec auto --up %s`, still no %s (see ipsec status, journalctl -u ipsec, /etc/ipsec.d/aws-tunnels status)",
		conn, upTimeout, conn, what)
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

// vpcCidr is the VPC range the tunnel script routes over the tunnels (its
// vpc_cidr= line), "" when it names none.
func vpcCidr(script string) string {
	for _, line := range strings.Split(script, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "vpc_cidr="); ok {
			return strings.Trim(v, `"'`)
		}
	}
	return ""
}

// appliedName is the copy of aws.conf as last applied in full; -apply
// compares the new aws.conf with it, not with the file it replaced, so a
// run that stopped halfway is finished by the next. Not *.conf: Libreswan
// includes those.
const appliedName = confName + ".applied"

// lastApplied is the aws.conf -apply last applied in full: the copy in dir,
// else (no run since this copy was kept) the aws.conf this run replaced, or
// the one in place when it is unchanged.
func lastApplied(dir string, ch changes, conf string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, appliedName))
	switch {
	case err == nil:
		return string(b), nil
	case !errors.Is(err, fs.ErrNotExist):
		return "", err
	case ch.changed(confName):
		return ch.old[confName], nil
	}
	return conf, nil
}
