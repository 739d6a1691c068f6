package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// What the preview job may read: read-only identities only. Everything
// else (the deploy identities and keys) lives in the `dev` environment.
var (
	previewSecrets = []string{
		"AZURE_PREVIEW_CLIENT_ID", "PULUMI_PREVIEW_ACCESS_TOKEN",
		"ALICLOUD_PREVIEW_ACCESS_KEY", "ALICLOUD_PREVIEW_SECRET_KEY",
		"OS_PREVIEW_APPLICATION_CREDENTIAL_ID", "OS_PREVIEW_APPLICATION_CREDENTIAL_SECRET",
		// A preview must decrypt the stack's config; the passphrase grants no
		// cloud access (the README's Security model says what it does grant).
		"PULUMI_CONFIG_PASSPHRASE",
		"GITHUB_TOKEN",
	}
	previewVars = []string{
		"AWS_PREVIEW_ROLE_ARN", "GCP_PREVIEW_SERVICE_ACCOUNT",
		"AZURE_TENANT_ID", "AZURE_SUBSCRIPTION_ID", "GCP_WORKLOAD_IDENTITY_PROVIDER",
		"PULUMI_BACKEND_URL", "OS_AUTH_URL",
	}
)

// ciFile is one parsed workflow, action or Dependabot file.
type ciFile struct {
	path string
	root *yaml.Node
}

func loadCIFile(t *testing.T, path string) ciFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parseCIFile(t, path, string(b))
}

func parseCIFile(t *testing.T, path, text string) ciFile {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(doc.Content) != 1 {
		t.Fatalf("%s: not one YAML document", path)
	}
	return ciFile{path, doc.Content[0]}
}

// get returns the value of key in mapping node m, or nil.
func get(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// walk calls f on every mapping key and its value under n.
func walk(n *yaml.Node, f func(key, value *yaml.Node)) {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			f(n.Content[i], n.Content[i+1])
		}
	}
	for _, c := range n.Content {
		walk(c, f)
	}
}

var (
	pinnedUses     = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$`)
	versionComment = regexp.MustCompile(`^# v\d+(\.\d+){0,2}$`)
)

// unpinnedActions lists every `uses:` of an action from outside this
// repository that is not pinned to a full commit SHA with its version as a
// comment, and every SHA given two different versions.
func unpinnedActions(files []ciFile) []string {
	var problems []string
	versions := map[string]string{}
	for _, f := range files {
		walk(f.root, func(k, v *yaml.Node) {
			if k.Value != "uses" || strings.HasPrefix(v.Value, "./") {
				return
			}
			where := fmt.Sprintf("%s:%d: %s", f.path, v.Line, v.Value)
			switch {
			case !pinnedUses.MatchString(v.Value):
				problems = append(problems, where+": not pinned to a full commit SHA")
			case !versionComment.MatchString(v.LineComment):
				problems = append(problems, where+": no `# vX.Y.Z` comment naming the pinned version")
			default:
				if old, ok := versions[v.Value]; ok && old != v.LineComment {
					problems = append(problems, where+": the same SHA is "+old+" elsewhere")
				}
				versions[v.Value] = v.LineComment
			}
		})
	}
	return problems
}

var (
	contextRef = regexp.MustCompile(`\b(secrets|vars)(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*\])`)
	wholeRef   = regexp.MustCompile(`\b(secrets|vars)\b\s*\)`)
)

// references returns the secrets and variables a job reads, by context.
func references(job *yaml.Node) (map[string][]string, []string) {
	text, _ := yaml.Marshal(job)
	refs := map[string][]string{}
	for _, m := range contextRef.FindAllStringSubmatch(string(text), -1) {
		name := m[2] + m[3]
		if !slices.Contains(refs[m[1]], name) {
			refs[m[1]] = append(refs[m[1]], name)
		}
	}
	var whole []string
	for _, m := range wholeRef.FindAllStringSubmatch(string(text), -1) {
		whole = append(whole, m[1])
	}
	return refs, whole
}

func environment(job *yaml.Node) string {
	env := get(job, "environment")
	if env != nil && env.Kind == yaml.MappingNode {
		env = get(env, "name")
	}
	if env == nil {
		return ""
	}
	return env.Value
}

// credentialProblems checks who may read what: only a job in an
// environment reads secrets; a `preview` job reads only the read-only
// identities; an `up` job runs only for main, in `dev`.
func credentialProblems(files []ciFile) []string {
	var problems []string
	for _, j := range ciJobs(files) {
		job, where := j.node, j.where
		refs, whole := references(job)
		env := environment(job)
		if len(whole) > 0 {
			problems = append(problems, fmt.Sprintf("%s: hands over whole contexts %v", where, whole))
		}
		for _, s := range refs["secrets"] {
			if env == "" && s != "GITHUB_TOKEN" {
				problems = append(problems, where+": reads secret "+s+" outside a GitHub environment (every credential lives in one)")
			}
		}
		cmd := jobKind(job)
		switch {
		case cmd == "preview" || env == "preview":
			if env != "preview" {
				problems = append(problems, where+": runs pulumi preview outside the `preview` environment")
			}
			for _, s := range refs["secrets"] {
				if !slices.Contains(previewSecrets, s) {
					problems = append(problems, where+": the preview reads secret "+s+", which is not a read-only identity")
				}
			}
			for _, v := range refs["vars"] {
				if !slices.Contains(previewVars, v) {
					problems = append(problems, where+": the preview reads variable "+v+", which is not a read-only identity")
				}
			}
			if !pulumiStepSays(job, "refresh", "true") {
				problems = append(problems, where+": the preview does not refresh first (refresh: true), so it hides drift")
			}
		case cmd != "":
			if env != "dev" {
				problems = append(problems, where+": runs pulumi "+cmd+" outside the `dev` environment")
			}
			if cond := get(job, "if"); cond == nil || !strings.Contains(cond.Value, "github.ref == 'refs/heads/main'") {
				problems = append(problems, where+": pulumi "+cmd+" is not limited to refs/heads/main (workflow_dispatch can pick any branch)")
			}
		}
	}
	return problems
}

// cliVersionProblems checks that every pulumi/actions step installs the
// Pulumi CLI of the SDK in go.mod, not whatever is newest on the day a job
// that holds every credential runs.
func cliVersionProblems(files []ciFile, version string) []string {
	var problems []string
	for _, j := range ciJobs(files) {
		if len(stepsUsing(j.node, "pulumi/actions@")) > 0 && !pulumiStepSays(j.node, "pulumi-version", version) {
			problems = append(problems, fmt.Sprintf("%s: pulumi/actions does not pin pulumi-version: %s (the SDK's version in go.mod)", j.where, version))
		}
	}
	return problems
}

// ciJob is one job of a workflow; where names it in messages.
type ciJob struct {
	where string
	node  *yaml.Node
}

// ciJobs are the jobs of every file, in order.
func ciJobs(files []ciFile) []ciJob {
	var out []ciJob
	for _, f := range files {
		if jobs := get(f.root, "jobs"); jobs != nil {
			for i := 0; i+1 < len(jobs.Content); i += 2 {
				out = append(out, ciJob{where: f.path + ": job " + jobs.Content[i].Value, node: jobs.Content[i+1]})
			}
		}
	}
	return out
}

// sdkVersion is the Pulumi Go SDK's version in go.mod, without the v.
func sdkVersion(t *testing.T) string {
	t.Helper()
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`github\.com/pulumi/pulumi/sdk/v3 v(\S+)`).FindSubmatch(mod)
	if m == nil {
		t.Fatal("go.mod requires no github.com/pulumi/pulumi/sdk/v3")
	}
	return string(m[1])
}

// deployCommand is how a job updates a stack: scripts/deploy, which rolls
// Tokyo's HAProxy and waits for it before it updates the rest.
var (
	deployCommand = regexp.MustCompile(`(?m)^\s*\./scripts/deploy\s+\S+\s*$`)
	// pulumiUpdates are the CLI commands that change a stack's resources.
	pulumiUpdates = regexp.MustCompile(`\bpulumi\s+(up|update)\b`)
)

// jobKind is "preview" for a job whose pulumi/actions step previews, "up"
// for one that runs scripts/deploy, else the pulumi/actions command, if any.
func jobKind(job *yaml.Node) string {
	if slices.ContainsFunc(runScripts(job), deployCommand.MatchString) {
		return "up"
	}
	return pulumiCommand(job)
}

// runScripts are the `run:` texts of a job's steps.
func runScripts(job *yaml.Node) []string {
	var out []string
	if steps := get(job, "steps"); steps != nil {
		for _, s := range steps.Content {
			if r := get(s, "run"); r != nil {
				out = append(out, r.Value)
			}
		}
	}
	return out
}

// deployProblems: no job updates a stack but through scripts/deploy, so a
// rollout can never reach Seoul before Tokyo's refresh succeeded: no
// pulumi/actions step runs up (or any command but preview), no step runs
// `pulumi up` itself, and the deploy workflow has exactly one job that
// runs scripts/deploy.
func deployProblems(files []ciFile) []string {
	var problems []string
	deploys := 0
	for _, j := range ciJobs(files) {
		if c := pulumiCommand(j.node); c != "" && c != "preview" {
			problems = append(problems, j.where+": pulumi/actions runs `"+c+"`: update the stack with ./scripts/deploy, which rolls Tokyo first")
		}
		for _, r := range runScripts(j.node) {
			if pulumiUpdates.MatchString(r) {
				problems = append(problems, j.where+": runs `pulumi up` itself: update the stack with ./scripts/deploy, which rolls Tokyo first")
			}
		}
		if jobKind(j.node) == "up" {
			deploys++
		}
	}
	if deploys != 1 {
		problems = append(problems, fmt.Sprintf("%d jobs run ./scripts/deploy, want one", deploys))
	}
	return problems
}

// pulumiCommand is the command of the job's pulumi/actions step, if any.
func pulumiCommand(job *yaml.Node) string {
	for _, step := range stepsUsing(job, "pulumi/actions@") {
		if c := get(get(step, "with"), "command"); c != nil {
			return c.Value
		}
	}
	return ""
}

func pulumiStepSays(job *yaml.Node, key, want string) bool {
	for _, step := range stepsUsing(job, "pulumi/actions@") {
		if v := get(get(step, "with"), key); v == nil || v.Value != want {
			return false
		}
	}
	return len(stepsUsing(job, "pulumi/actions@")) > 0
}

func stepsUsing(job *yaml.Node, prefix string) []*yaml.Node {
	var out []*yaml.Node
	if steps := get(job, "steps"); steps != nil {
		for _, s := range steps.Content {
			if u := get(s, "uses"); u != nil && strings.HasPrefix(u.Value, prefix) {
				out = append(out, s)
			}
		}
	}
	return out
}

// dependabotProblems: Dependabot watches the Go modules and the actions,
// in the workflows and in every local composite action.
func dependabotProblems(f ciFile, actionDirs []string) []string {
	var problems []string
	dirs := map[string][]string{}
	if updates := get(f.root, "updates"); updates != nil {
		for _, u := range updates.Content {
			eco := get(u, "package-ecosystem")
			if eco == nil {
				continue
			}
			if d := get(u, "directory"); d != nil {
				dirs[eco.Value] = append(dirs[eco.Value], d.Value)
			}
			if ds := get(u, "directories"); ds != nil {
				for _, d := range ds.Content {
					dirs[eco.Value] = append(dirs[eco.Value], d.Value)
				}
			}
		}
	}
	if !slices.Contains(dirs["gomod"], "/") {
		problems = append(problems, f.path+": no gomod updates for /")
	}
	for _, want := range append([]string{"/"}, actionDirs...) {
		if !slices.Contains(dirs["github-actions"], want) {
			problems = append(problems, f.path+": github-actions updates do not cover "+want)
		}
	}
	return problems
}

func TestCIPinsActionsAndKeepsDeployCredentialsFromPreviews(t *testing.T) {
	t.Parallel()
	paths, err := filepath.Glob(".github/workflows/*.yml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no workflows (%v)", err)
	}
	actions, err := filepath.Glob(".github/actions/*/action.yml")
	if err != nil || len(actions) == 0 {
		t.Fatalf("no local actions (%v)", err)
	}
	var files []ciFile
	var actionDirs []string
	for _, p := range append(paths, actions...) {
		files = append(files, loadCIFile(t, p))
	}
	for _, a := range actions {
		actionDirs = append(actionDirs, "/"+filepath.Dir(a))
	}
	problems := append(unpinnedActions(files), credentialProblems(files)...)
	problems = append(problems, cliVersionProblems(files, sdkVersion(t))...)
	problems = append(problems, deployProblems(files)...)
	problems = append(problems, dependabotProblems(loadCIFile(t, ".github/dependabot.yml"), actionDirs)...)
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}

	// Both kinds of pulumi job exist, so the checks above had work to do.
	var cmds []string
	for _, j := range ciJobs(files) {
		if c := jobKind(j.node); c != "" {
			cmds = append(cmds, c)
		}
	}
	sort.Strings(cmds)
	if !slices.Equal(cmds, []string{"preview", "up"}) {
		t.Errorf("pulumi jobs %v, want one preview and one up (./scripts/deploy)", cmds)
	}
}

// TestCIChecksCatchMistakes feeds each check a file with one mistake.
func TestCIChecksCatchMistakes(t *testing.T) {
	t.Parallel()
	const sha = "3d3c42e5aac5ba805825da76410c181273ba90b1"
	preview := func(extra string) string {
		return `jobs:
  preview:
    environment: preview
    steps:
      - uses: actions/checkout@` + sha + ` # v7.0.1
      - uses: pulumi/actions@` + sha + ` # v7.0.1
        with:
          command: preview
          refresh: true
` + extra
	}
	up := func(cond, env string) string {
		return `jobs:
  up:
` + cond + env + `    steps:
      - uses: pulumi/actions@` + sha + ` # v7.0.1
        with:
          pulumi-version: 3.274.1
      - run: |
          pulumi login "$URL"
          ./scripts/deploy dev
        env:
          ALICLOUD_ACCESS_KEY: ${{ secrets.ALICLOUD_ACCESS_KEY }}
`
	}
	okUp := up("    if: github.ref == 'refs/heads/main'\n", "    environment: dev\n")
	tests := []struct {
		name, text, want string
	}{
		{"tag, not SHA", "steps:\n  - uses: actions/checkout@v4\n", "not pinned to a full commit SHA"},
		{"short SHA", "steps:\n  - uses: actions/checkout@3d3c42e # v7.0.1\n", "not pinned"},
		{"no version comment", "steps:\n  - uses: actions/checkout@" + sha + "\n", "no `# vX.Y.Z` comment"},
		{"one SHA, two versions", "a:\n  - uses: actions/checkout@" + sha + " # v7.0.1\nb:\n  - uses: actions/checkout@" + sha + " # v6.0.0\n", "the same SHA is # v7.0.1 elsewhere"},
		{"preview reads a deploy key", preview("        env:\n          K: ${{ secrets.ALICLOUD_ACCESS_KEY }}\n"), "the preview reads secret ALICLOUD_ACCESS_KEY"},
		{"preview reads a deploy identity", preview("        env:\n          K: ${{ vars.AZURE_CLIENT_ID }}\n"), "the preview reads variable AZURE_CLIENT_ID"},
		{"preview reads by index", preview("        env:\n          K: ${{ secrets['OS_APPLICATION_CREDENTIAL_SECRET'] }}\n"), "reads secret OS_APPLICATION_CREDENTIAL_SECRET"},
		{"preview hands over all secrets", preview("        env:\n          K: ${{ toJSON(secrets) }}\n"), "hands over whole contexts [secrets]"},
		{"preview without refresh", strings.Replace(preview(""), "refresh: true", "refresh: false", 1), "does not refresh first"},
		{"preview outside its environment", strings.Replace(preview(""), "environment: preview", "environment: dev", 1), "outside the `preview` environment"},
		{"up for any branch", up("", "    environment: dev\n"), "not limited to refs/heads/main"},
		{"up outside dev", up("    if: github.ref == 'refs/heads/main'\n", ""), "outside the `dev` environment"},
		{"secret without environment", "jobs:\n  test:\n    steps:\n      - run: echo ${{ secrets.PULUMI_ACCESS_TOKEN }}\n", "reads secret PULUMI_ACCESS_TOKEN outside a GitHub environment"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			files := []ciFile{parseCIFile(t, "x.yml", tc.text)}
			problems := strings.Join(append(unpinnedActions(files), credentialProblems(files)...), "\n")
			if !strings.Contains(problems, tc.want) {
				t.Errorf("problems %q, want one mentioning %q", problems, tc.want)
			}
		})
	}
	if p := cliVersionProblems([]ciFile{parseCIFile(t, "x.yml", preview(""))}, "3.274.1"); len(p) != 1 {
		t.Errorf("a pulumi/actions step without pulumi-version: problems %q, want one", p)
	}
	if p := cliVersionProblems([]ciFile{parseCIFile(t, "x.yml", strings.Replace(preview(""), "refresh: true", "refresh: true\n          pulumi-version: 3.274.1", 1))}, "3.274.1"); len(p) != 0 {
		t.Errorf("a pinned CLI: problems %q, want none", p)
	}
	// A stack is updated through scripts/deploy only.
	for name, text := range map[string]string{
		"pulumi/actions up":      strings.Replace(okUp, "pulumi-version: 3.274.1", "command: up", 1),
		"pulumi up in a step":    strings.Replace(okUp, "./scripts/deploy dev", "pulumi up --yes --stack dev", 1),
		"pulumi up beside it":    strings.Replace(okUp, "./scripts/deploy dev", "./scripts/deploy dev\n          pulumi up -y", 1),
		"no deploy at all":       strings.Replace(okUp, "./scripts/deploy dev", "echo dev", 1),
		"the driver echoed only": strings.Replace(okUp, "./scripts/deploy dev", "echo ./scripts/deploy dev", 1),
	} {
		if p := deployProblems([]ciFile{parseCIFile(t, "x.yml", text)}); len(p) == 0 {
			t.Errorf("%s: no deploy problem found in\n%s", name, text)
		}
	}
	if p := deployProblems([]ciFile{parseCIFile(t, "ok.yml", okUp)}); len(p) != 0 {
		t.Errorf("a job that deploys with scripts/deploy: problems %q", p)
	}
	// The correct forms pass.
	for _, ok := range []string{preview(""), okUp} {
		files := []ciFile{parseCIFile(t, "ok.yml", ok)}
		if problems := append(unpinnedActions(files), credentialProblems(files)...); len(problems) != 0 {
			t.Errorf("problems in a correct file: %v\n%s", problems, ok)
		}
	}
	dependabot := parseCIFile(t, "dependabot.yml", "updates:\n  - package-ecosystem: github-actions\n    directory: /\n")
	got := strings.Join(dependabotProblems(dependabot, []string{"/.github/actions/cloud-login"}), "\n")
	for _, want := range []string{"no gomod updates", "do not cover /.github/actions/cloud-login"} {
		if !strings.Contains(got, want) {
			t.Errorf("dependabot problems %q lack %q", got, want)
		}
	}
}
