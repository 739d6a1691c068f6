package haproxy

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/golden"
	"github.com/hybridlab/hybrid-cloud/internal/tooltest"
)

func instanceUserData(t *testing.T, o Options) (config, script string) {
	t.Helper()
	config, err := Render(noteServers, o)
	if err != nil {
		t.Fatal(err)
	}
	script, err = UserData(config)
	if err != nil {
		t.Fatal(err)
	}
	return config, script
}

func TestUserDataGolden(t *testing.T) {
	t.Parallel()
	_, script := instanceUserData(t, noteOptions())
	golden.Assert(t, "userdata.sh", script)
}

func TestUserDataPassesShellcheck(t *testing.T) {
	t.Parallel()
	shellcheck := tooltest.Require(t, "shellcheck", "shellcheck")
	for name, o := range map[string]Options{"plain": noteOptions(), "sticky": with(noteOptions(), func(o *Options) { o.StickyCookie = true })} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, script := instanceUserData(t, o)
			path := filepath.Join(t.TempDir(), "userdata.sh")
			if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(shellcheck, "--severity=style", path).CombinedOutput(); err != nil {
				t.Errorf("shellcheck: %v\n%s", err, out)
			}
		})
	}
}

// TestUserDataWritesTheConfigVerbatim runs the script's here-document with
// bash and compares the file it writes with the rendered config.
func TestUserDataWritesTheConfigVerbatim(t *testing.T) {
	t.Parallel()
	bash := tooltest.Require(t, "bash", "bash")
	config, script := instanceUserData(t, with(noteOptions(), func(o *Options) { o.StickyCookie = true }))
	start := strings.Index(script, "cat >")
	end := strings.Index(script, "\n"+heredocEnd+"\n")
	if start < 0 || end < 0 {
		t.Fatalf("no here-document in the script:\n%s", script)
	}
	out := filepath.Join(t.TempDir(), "haproxy.cfg")
	heredoc := strings.Replace(script[start:end+len(heredocEnd)+2], ConfigPath+".new", out, 1)
	if err := exec.Command(bash, "-euc", heredoc).Run(); err != nil {
		t.Fatalf("bash: %v\n%s", err, heredoc)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != config {
		t.Errorf("the script writes\n%s\nwant\n%s", got, config)
	}
	for _, want := range []string{"dnf install -y haproxy", "haproxy -c -f " + ConfigPath + ".new", "systemctl enable haproxy", "systemctl restart haproxy"} {
		if !strings.Contains(script, want) {
			t.Errorf("script lacks %q", want)
		}
	}
}

func TestUserDataRefusesAConfigThatEndsTheHereDocument(t *testing.T) {
	t.Parallel()
	if _, err := UserData("global\n" + heredocEnd + "\nrm -rf /\n"); err == nil {
		t.Fatal("UserData accepted a config containing its here-document terminator")
	}
}
