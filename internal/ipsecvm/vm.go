// Package ipsecvm runs the rendered VPN gateway's files with a full IPsec
// data plane: ESP, XFRM interfaces and real traffic, in a small virtual
// machine, because the kernel of the host that runs the tests may have none
// of them.
//
// The guest is qemu (KVM when a probe boot shows it works, software
// emulation otherwise) running the distribution kernel (Debian's
// linux-image-amd64) with a tiny initramfs this package builds: busybox and
// the modules that mount the host's root file system read-only over 9p
// (virtfs), with a tmpfs overlay on top for what must be written. Inside,
// the test binary itself runs again (TestGuest), so the host's own
// Libreswan, iproute2 and ping, and a private unpack of strongSwan for the
// AWS side, run on the rendered files. Nothing in the guest reaches the
// host's network: the guest has no network device.
package ipsecvm

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hybridlab/hybrid-cloud/internal/tooltest"
)

// The Debian packages the guest needs on the host.
const (
	qemuPackage    = "qemu-system-x86"
	kernelPackage  = "linux-image-amd64"
	busyboxPackage = "busybox-static"
)

// Host is what booting a guest needs from the host, found by FindHost.
type Host struct {
	Qemu    string
	Kernel  string // /boot/vmlinuz-VERSION
	Modules string // /lib/modules/VERSION
	Busybox string // a static busybox (the initramfs runs it before any library is there)
}

// FindHost finds qemu, a kernel whose modules include XFRM interfaces and
// ESP, and a static busybox. What is missing fails the test under CI=true
// and skips it elsewhere, naming the Debian package.
func FindHost(t testing.TB) Host {
	t.Helper()
	tooltest.RequireRoot(t)
	h := Host{Qemu: tooltest.Require(t, "qemu-system-x86_64", qemuPackage)}
	var err error
	if h.Kernel, h.Modules, err = findKernel("/boot", "/lib/modules"); err != nil {
		missing(t, err.Error()+": install Debian package "+kernelPackage)
	}
	h.Busybox = "/bin/busybox"
	if err := requireStatic(h.Busybox); err != nil {
		missing(t, err.Error()+": install Debian package "+busyboxPackage)
	}
	return h
}

func missing(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// guestModules are what the guest must have before a root exists: the
// 9p transport over virtio and overlayfs. modules.dep adds their
// dependencies. The rest (esp4, xfrm_interface, veth, ...) load later from
// the host's /lib/modules through the mounted root.
var guestModules = []string{"virtio_pci", "9pnet_virtio", "9p", "overlay"}

// dataPlaneModules are what the guest test needs; each is a file in the
// kernel's modules (so a kernel without one is refused up front).
var dataPlaneModules = []string{"kernel/net/xfrm/xfrm_interface.ko", "kernel/net/ipv4/esp4.ko", "kernel/drivers/net/veth.ko"}

// findKernel picks the newest /boot/vmlinuz-V whose /lib/modules/V has the
// data-plane modules.
func findKernel(boot, modules string) (kernel, modDir string, err error) {
	images, _ := filepath.Glob(filepath.Join(boot, "vmlinuz-*"))
	slices.Sort(images)
	slices.Reverse(images)
	for _, img := range images {
		dir := filepath.Join(modules, strings.TrimPrefix(filepath.Base(img), "vmlinuz-"))
		ok := true
		for _, m := range dataPlaneModules {
			if _, err := os.Stat(filepath.Join(dir, m)); err != nil {
				ok = false
			}
		}
		if ok {
			return img, dir, nil
		}
	}
	return "", "", fmt.Errorf("no kernel in %s with %s under %s", boot, strings.Join(dataPlaneModules, ", "), modules)
}

func requireStatic(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("%s is dynamically linked", path)
		}
	}
	return nil
}

// moduleOrder is the .ko files (relative to modDir) to load for names, each
// after its dependencies, from modules.dep.
func moduleOrder(modDir string, names []string) ([]string, error) {
	data, err := os.ReadFile(filepath.Join(modDir, "modules.dep"))
	if err != nil {
		return nil, err
	}
	deps := map[string][]string{}
	byName := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		mod, rest, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		deps[mod] = strings.Fields(rest)
		name := strings.TrimSuffix(filepath.Base(mod), ".ko")
		byName[strings.ReplaceAll(name, "-", "_")] = mod
	}
	var order []string
	var visit func(string)
	visit = func(mod string) {
		if slices.Contains(order, mod) {
			return
		}
		// modules.dep lists every dependency, nearest first.
		for i := len(deps[mod]) - 1; i >= 0; i-- {
			visit(deps[mod][i])
		}
		order = append(order, mod)
	}
	for _, n := range names {
		mod, ok := byName[n]
		if !ok {
			return nil, fmt.Errorf("module %s not in %s/modules.dep (built in? then this kernel needs no change here)", n, modDir)
		}
		visit(mod)
	}
	return order, nil
}

// initScript is the initramfs's /init: load the modules, mount the host's
// root read-only over 9p with a tmpfs overlay on top, and switch to it to
// run the guest command. %s is the modules to insmod, in order.
const initScript = `#!/bin/busybox sh
B=/bin/busybox
$B mount -t proc proc /proc
$B mount -t devtmpfs dev /dev
for m in %s; do $B insmod "/modules/$m" || echo "ipsecvm: insmod $m failed"; done
$B mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000 hostroot /lower || echo "ipsecvm: 9p mount failed"
$B mount -t tmpfs -o mode=0755 rw /rw
$B mkdir -p /rw/upper /rw/work
$B mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work root /newroot || echo "ipsecvm: overlay mount failed"
$B mount -t tmpfs -o mode=0755 run /newroot/run
$B cp /guest.sh /newroot/run/ipsecvm-guest.sh
$B mount --move /dev /newroot/dev
$B umount /proc
exec $B switch_root /newroot /bin/sh /run/ipsecvm-guest.sh
`

// guestScript runs in the guest's root (the host's files): it mounts what
// programs expect, runs the test binary's TestGuest from the package's
// directory and powers off. The marker line carries the exit status.
const guestScript = `mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
ip link set lo up
cd %[1]s
env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root %[2]s
echo "` + exitMarker + `$?"
/bin/busybox poweroff -f
`

// exitMarker starts the guest's last line: the guest command's exit status.
const exitMarker = "ipsecvm-exit="

// buildInitramfs writes the initramfs (a newc cpio archive) to path.
func buildInitramfs(h Host, path, guest string) error {
	mods, err := moduleOrder(h.Modules, guestModules)
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := newCpio(f)
	for _, d := range []string{"bin", "dev", "proc", "lower", "rw", "newroot", "modules"} {
		w.dir(d)
	}
	busybox, err := os.ReadFile(h.Busybox)
	if err != nil {
		return err
	}
	w.file("bin/busybox", 0o755, busybox)
	var names []string
	for _, m := range mods {
		data, err := os.ReadFile(filepath.Join(h.Modules, m))
		if err != nil {
			return err
		}
		names = append(names, filepath.Base(m))
		w.file("modules/"+filepath.Base(m), 0o644, data)
	}
	w.file("init", 0o755, []byte(fmt.Sprintf(initScript, strings.Join(names, " "))))
	w.file("guest.sh", 0o644, []byte(guest))
	if err := w.close(); err != nil {
		return err
	}
	return f.Close()
}

// cpio writes a newc ("070701") archive, the format the kernel unpacks.
type cpio struct {
	w   io.Writer
	ino int
	err error
}

func newCpio(w io.Writer) *cpio { return &cpio{w: w, ino: 1} }

func (c *cpio) entry(name string, mode uint32, data []byte) {
	if c.err != nil {
		return
	}
	c.ino++
	nlink := 1
	if mode&syscall.S_IFDIR != 0 {
		nlink = 2
	}
	hdr := fmt.Sprintf("070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		c.ino, mode, 0, 0, nlink, 0, len(data), 0, 0, 0, 0, len(name)+1, 0)
	var b bytes.Buffer
	b.WriteString(hdr)
	b.WriteString(name)
	b.WriteByte(0)
	pad(&b)
	b.Write(data)
	pad(&b)
	_, c.err = c.w.Write(b.Bytes())
}

// pad aligns to 4 bytes (the header is 110 bytes, so this also pads names).
func pad(b *bytes.Buffer) {
	for b.Len()%4 != 0 {
		b.WriteByte(0)
	}
}

func (c *cpio) dir(name string)                            { c.entry(name, syscall.S_IFDIR|0o755, nil) }
func (c *cpio) file(name string, perm uint32, data []byte) { c.entry(name, syscall.S_IFREG|perm, data) }

func (c *cpio) close() error {
	c.entry("TRAILER!!!", 0, nil)
	return c.err
}

// Run is one finished guest: its console, and what the guest command
// exited with.
type Run struct {
	Console []string
	Exit    int
	Accel   string
	Took    time.Duration
}

// Lines returns the console lines that start with prefix, without it.
func (r Run) Lines(prefix string) []string {
	var out []string
	for _, l := range r.Console {
		if rest, ok := strings.CutPrefix(l, prefix); ok {
			out = append(out, rest)
		}
	}
	return out
}

// Boot runs argv (a command of the host's, run as root in the guest from the
// directory dir) in a new guest and returns its console once the guest has
// powered off. It tries KVM when /dev/kvm is there and a probe boot with it
// finishes; else software emulation. A KVM guest that passed the probe and
// then crashed (qemu's "KVM internal error", or the guest gone before its
// command ended, with time left) is run once more under emulation: the
// crash is the host's KVM, not the command's. A command that ended, with
// whatever exit code, is not run again.
func Boot(ctx context.Context, t testing.TB, h Host, dir string, argv []string) (Run, error) {
	t.Helper()
	tmp := t.TempDir()
	if !kvmWorks(ctx, t, h, tmp) {
		return boot(ctx, h, filepath.Join(tmp, "tcg"), "tcg", dir, argv)
	}
	r, err := boot(ctx, h, filepath.Join(tmp, "kvm"), "kvm", dir, argv)
	if err == nil || ctx.Err() != nil {
		return r, err
	}
	t.Logf("the KVM guest crashed after %s (%v): running it again under software emulation", r.Took.Round(time.Second), err)
	return boot(ctx, h, filepath.Join(tmp, "tcg"), "tcg", dir, argv)
}

// kvmProbe bounds the probe boot: a KVM guest that works is at its shell in
// a second or two; one that does not hangs or stops with "KVM internal error".
const kvmProbe = 8 * time.Second

func kvmWorks(ctx context.Context, t testing.TB, h Host, tmp string) bool {
	t.Helper()
	if f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0); err != nil {
		t.Logf("no KVM (%v): software emulation", err)
		return false
	} else {
		f.Close()
	}
	probe, cancel := context.WithTimeout(ctx, kvmProbe)
	defer cancel()
	r, err := boot(probe, h, filepath.Join(tmp, "kvm-probe"), "kvm", "/", []string{"true"})
	if err != nil || r.Exit != 0 {
		t.Logf("KVM probe boot did not finish in %s (%v): software emulation", kvmProbe, err)
		return false
	}
	return true
}

func boot(ctx context.Context, h Host, tmp, accel, dir string, argv []string) (Run, error) {
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return Run{}, err
	}
	initrd := filepath.Join(tmp, "initramfs.cpio")
	if err := buildInitramfs(h, initrd, fmt.Sprintf(guestScript, shellQuote(dir), shellJoin(argv))); err != nil {
		return Run{}, fmt.Errorf("initramfs: %w", err)
	}
	cpu := "max"
	if accel == "kvm" {
		cpu = "host"
	}
	args := []string{
		"-machine", "q35,accel=" + accel, "-cpu", cpu, "-smp", "2", "-m", "1536",
		"-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot", "-nic", "none",
		"-kernel", h.Kernel, "-initrd", initrd,
		"-append", "console=ttyS0 panic=-1 quiet",
		"-virtfs", "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap",
	}
	cmd := exec.CommandContext(ctx, h.Qemu, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return Run{}, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Run{}, err
	}
	r := Run{Exit: -1, Accel: accel}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		r.Console = append(r.Console, line)
		if rest, ok := strings.CutPrefix(line, exitMarker); ok {
			fmt.Sscan(rest, &r.Exit)
		}
	}
	werr := cmd.Wait()
	r.Took = time.Since(start)
	switch {
	case r.Exit < 0 && ctx.Err() != nil:
		return r, fmt.Errorf("guest (%s) did not finish: %w", accel, context.Cause(ctx))
	case r.Exit < 0:
		return r, fmt.Errorf("guest (%s) stopped before its command ended: %v: %s", accel, werr, stderr.String())
	case strings.Contains(stderr.String(), "KVM internal error"):
		return r, errors.New("KVM internal error: " + stderr.String())
	}
	return r, nil
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func shellJoin(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = shellQuote(a)
	}
	return strings.Join(q, " ")
}
