package main

import (
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The lecture note beside the repository (README: "../shared/seed/"). A clean
// clone has no such file; then the table's line numbers go unchecked.
const lectureNotePath = "../shared/seed/000_ab364890be98554e.txt"

// noteRow is one row of docs/lecture-note.md's table.
type noteRow struct {
	docLine        int // line in docs/lecture-note.md, for messages
	from, to       int // the note's lines
	step           string
	note, noteText string // note: the backticked literal, if any; noteText: the cell
	key            string // config key under hybrid-cloud:, or ""
	dev            string // the Pulumi.dev.yaml cell: literal, "(default)" or "—"
	devLiteral     bool
	status, why    string
}

var (
	literalCell = regexp.MustCompile("^`([^`]*)`$")
	evidence    = regexp.MustCompile(`\(#(e[0-9]+)\)`)
	rowStatuses = []string{"same", "respelt", "changed", "not built", "not in the note", "yours"}
)

// parseNoteTable reads the table under "| line | the note's step |".
func parseNoteTable(doc string) ([]noteRow, error) {
	lines := strings.Split(doc, "\n")
	start := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "| line | the note's step |") })
	if start < 0 {
		return nil, fmt.Errorf("no table with the header \"| line | the note's step | ...\"")
	}
	var rows []noteRow
	for i := start + 2; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
		cells := strings.Split(strings.Trim(lines[i], "|"), "|")
		if len(cells) != 7 {
			return nil, fmt.Errorf("docs/lecture-note.md:%d: %d cells, want 7 (no '|' inside a cell)", i+1, len(cells))
		}
		for j := range cells {
			cells[j] = strings.TrimSpace(cells[j])
		}
		r := noteRow{docLine: i + 1, step: cells[1], noteText: cells[2], dev: cells[4], status: cells[5], why: cells[6]}
		from, to, ok := strings.Cut(cells[0], "-")
		var err1, err2 error
		r.from, err1 = strconv.Atoi(from)
		r.to, err2 = r.from, nil
		if ok {
			r.to, err2 = strconv.Atoi(to)
		}
		if err1 != nil || err2 != nil || r.from < 1 || r.to < r.from {
			return nil, fmt.Errorf("docs/lecture-note.md:%d: line %q is not N or N-M", i+1, cells[0])
		}
		if m := literalCell.FindStringSubmatch(cells[2]); m != nil {
			r.note = m[1]
		}
		if m := literalCell.FindStringSubmatch(cells[3]); m != nil {
			r.key = m[1]
		} else if cells[3] != "—" {
			return nil, fmt.Errorf("docs/lecture-note.md:%d: key %q is neither `key` nor —", i+1, cells[3])
		}
		if m := literalCell.FindStringSubmatch(cells[4]); m != nil {
			r.dev, r.devLiteral = m[1], true
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// devLeaf is one scalar of Pulumi.dev.yaml, with the comment on its line.
type devLeaf struct {
	value, comment string
}

// devValues flattens Pulumi.dev.yaml under `config:` to paths without the
// project prefix ("vpn.connNames[0]", "network.publicSubnets[1].cidr").
// Lists of scalars are also kept whole, joined with ", ".
func devValues(src string) (leaves map[string]devLeaf, lists map[string]string, err error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		return nil, nil, err
	}
	leaves, lists = map[string]devLeaf{}, map[string]string{}
	var walk func(path string, key, n *yaml.Node)
	walk = func(path string, key, n *yaml.Node) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(path+"."+n.Content[i].Value, n.Content[i], n.Content[i+1])
			}
		case yaml.SequenceNode:
			if len(n.Content) == 0 {
				// An empty list is one value, "[]", with its own comment.
				comment := n.LineComment
				if key != nil {
					comment += key.LineComment
				}
				leaves[path] = devLeaf{value: "[]", comment: comment}
				return
			}
			var all []string
			for i, el := range n.Content {
				walk(fmt.Sprintf("%s[%d]", path, i), nil, el)
				all = append(all, el.Value)
			}
			if n.Content[0].Kind == yaml.ScalarNode {
				lists[path] = strings.Join(all, ", ")
			}
		case yaml.ScalarNode:
			comment := n.LineComment
			if key != nil {
				comment += key.LineComment
			}
			leaves[path] = devLeaf{value: n.Value, comment: comment}
		}
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "config" {
			continue
		}
		cfg := root.Content[i+1]
		for j := 0; j+1 < len(cfg.Content); j += 2 {
			section, ok := strings.CutPrefix(cfg.Content[j].Value, "hybrid-cloud:")
			if ok {
				walk(section, cfg.Content[j], cfg.Content[j+1])
			}
		}
	}
	return leaves, lists, nil
}

// noteInputs are the files the check reads; note is nil when the note is absent.
type noteInputs struct {
	doc, devYAML, projectYAML, readme string
	note                              []string
}

// requiredName is something the note gives that the table must show on a
// row with one of statuses (and, for a name, with a config key).
type requiredName struct {
	literal  string
	statuses []string
	isConfig bool
}

// notesNames are every name the note gives: each must be config.
var notesNames = []string{
	"MY-CGW", "MY-VGW", "MY-VPC", "MY-VPN", "MY-PUBLIC-SUBNET-RTB", "MY-PRIVATE-SUBNET-RTB",
	"Tunnel1", "Tunnel2", "Seoul", "RG-TEST", "london", "oregon", "us-west1-b", "e2-micro",
	"HA-seoul", "MY-AMI", "HA-tokyo", "http-in", "backend_servers", "SVID",
	"seoul", "hongkong", "seoul-alb", "tokyo-alb", "SG-ALB", "TG-Seoul", "TG-TOKYO",
	"active", "passive", "gslb", "Seoul-Actice", "Tokyo-Active", "seojun.shop",
}

// notesDeviations are the note's steps the stack does differently or not at
// all (the list): each must be explained.
var notesDeviations = []requiredName{
	{literal: "dpdaction=restart_by_peer", statuses: []string{"changed"}},
	{literal: "overlapip=yes", statuses: []string{"changed"}},
	{literal: "net.ipv4.conf.default.accept_source_route = 0", statuses: []string{"changed"}},
	{literal: "keylife=1h", statuses: []string{"changed"}},
	{literal: "phase2alg=aes128-sha1;modp1024", statuses: []string{"changed"}},
	{literal: "daemon", statuses: []string{"changed"}},
	{literal: "firewall-cmd --permanent --zone=external --add-service=http", statuses: []string{"changed"}},
	{literal: "yum install -y httpd", statuses: []string{"changed"}},
	{literal: "CentOS 7", statuses: []string{"changed"}},
	{literal: "SELINUX=disabled", statuses: []string{"changed"}},
	{literal: "Seoul-Actice", statuses: []string{"changed", "same"}},
	{literal: "Storage Gateway", statuses: []string{"not built"}},
	{literal: "VRRP", statuses: []string{"not built"}},
	{literal: "HOT Standby", statuses: []string{"not built"}},
}

// checkLectureNote returns every disagreement between docs/lecture-note.md's
// table and the files it describes.
func checkLectureNote(in noteInputs) []string {
	var problems []string
	bad := func(r noteRow, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("docs/lecture-note.md:%d (note line %d, %s): %s", r.docLine, r.from, r.step, fmt.Sprintf(format, args...)))
	}
	rows, err := parseNoteTable(in.doc)
	if err != nil {
		return []string{err.Error()}
	}
	leaves, lists, err := devValues(in.devYAML)
	if err != nil {
		return []string{"Pulumi.dev.yaml: " + err.Error()}
	}
	var project struct {
		Config map[string]struct {
			Description string `yaml:"description"`
		} `yaml:"config"`
	}
	if err := yaml.Unmarshal([]byte(in.projectYAML), &project); err != nil {
		return []string{"Pulumi.yaml: " + err.Error()}
	}
	firstStep := readmeFirstStep(in.readme)
	anchors := map[string]bool{}
	for _, m := range regexp.MustCompile(`<a id="(e[0-9]+)"></a>`).FindAllStringSubmatch(in.doc, -1) {
		anchors[m[1]] = true
	}

	lookup := func(key string) (devLeaf, bool) {
		if l, ok := leaves[key]; ok {
			return l, true
		}
		if v, ok := lists[key]; ok {
			return devLeaf{value: v}, true
		}
		return devLeaf{}, false
	}
	for _, r := range rows {
		if !slices.Contains(rowStatuses, r.status) {
			bad(r, "status %q is not one of %s", r.status, strings.Join(rowStatuses, ", "))
		}
		if in.note != nil {
			if r.to > len(in.note) {
				bad(r, "the note has %d lines", len(in.note))
			} else if r.note != "" && !slices.ContainsFunc(in.note[r.from-1:r.to], func(l string) bool { return strings.Contains(l, r.note) }) {
				bad(r, "the note's lines %d-%d do not contain %q", r.from, r.to, r.note)
			}
		}
		leaf, inDev := lookup(r.key)
		switch {
		case r.key == "" && r.dev != "—":
			bad(r, "a Pulumi.dev.yaml value %q without a key", r.dev)
		case r.key != "" && r.dev == "(default)" && inDev:
			bad(r, "%s is set in Pulumi.dev.yaml (%q), not left to its default", r.key, leaf.value)
		case r.key != "" && r.dev != "(default)" && !r.devLiteral:
			bad(r, "key %s needs a `value` or (default) in the Pulumi.dev.yaml column", r.key)
		case r.devLiteral && !inDev:
			bad(r, "Pulumi.dev.yaml has no hybrid-cloud:%s", r.key)
		case r.devLiteral && leaf.value != r.dev:
			bad(r, "Pulumi.dev.yaml has hybrid-cloud:%s = %q, the table says %q", r.key, leaf.value, r.dev)
		}
		if r.key != "" {
			section, field, _ := strings.Cut(r.key, ".")
			decl, ok := project.Config[section]
			last := regexp.MustCompile(`\[[0-9]+\]`).ReplaceAllString(field[strings.LastIndex(field, ".")+1:], "")
			if !ok {
				bad(r, "Pulumi.yaml declares no %s", section)
			} else if !strings.Contains(decl.Description, last) {
				bad(r, "Pulumi.yaml's description of %s does not mention %s", section, last)
			}
		}
		if r.status == "same" && r.note != "" && r.devLiteral && normalList(r.note) != normalList(r.dev) {
			bad(r, "status same, but the note gives %q and Pulumi.dev.yaml %q", r.note, r.dev)
		}
		if r.status == "respelt" && (r.note == "" || !r.devLiteral || r.note == r.dev) {
			bad(r, "respelt needs the note's value and a different Pulumi.dev.yaml value")
		}
		if r.status == "changed" || r.status == "not built" {
			m := evidence.FindStringSubmatch(r.why)
			if m == nil || !anchors[m[1]] {
				bad(r, "%s without a link to its evidence (#eN, with <a id=\"eN\"></a> below)", r.status)
			}
		}
		if r.status == "not in the note" && (r.note != "" || !strings.Contains(leaf.comment, "not in the note")) {
			bad(r, "not in the note: the note column must be — and hybrid-cloud:%s's line in Pulumi.dev.yaml must say \"# not in the note\"", r.key)
		}
		if r.status == "yours" {
			if !strings.Contains(leaf.comment, "set your own") {
				bad(r, "yours: hybrid-cloud:%s's line in Pulumi.dev.yaml must say \"# set your own\"", r.key)
			}
			if !strings.Contains(firstStep, "`"+r.key+"`") {
				bad(r, "yours: the README's first step of \"Running it for real\" does not list `%s`", r.key)
			}
		}
	}

	// Every value in Pulumi.dev.yaml is on a row, and every marker matches one.
	for _, path := range slices.Sorted(maps.Keys(leaves)) {
		covered := slices.ContainsFunc(rows, func(r noteRow) bool {
			return r.key != "" && (path == r.key || strings.HasPrefix(path, r.key+".") || strings.HasPrefix(path, r.key+"["))
		})
		if !covered {
			problems = append(problems, fmt.Sprintf("Pulumi.dev.yaml: hybrid-cloud:%s is on no row of docs/lecture-note.md", path))
		}
		for marker, status := range map[string]string{"not in the note": "not in the note", "set your own": "yours"} {
			if strings.Contains(leaves[path].comment, marker) && !slices.ContainsFunc(rows, func(r noteRow) bool { return r.key == path && r.status == status }) {
				problems = append(problems, fmt.Sprintf("Pulumi.dev.yaml: hybrid-cloud:%s is marked %q but has no row with status %q", path, marker, status))
			}
		}
	}
	// Every name the note gives is config; every deviation is explained.
	for _, name := range notesNames {
		if !slices.ContainsFunc(rows, func(r noteRow) bool { return r.note == name && r.key != "" }) {
			problems = append(problems, fmt.Sprintf("docs/lecture-note.md: no row gives the note's name %q with its config key", name))
		}
	}
	for _, d := range notesDeviations {
		if !slices.ContainsFunc(rows, func(r noteRow) bool { return r.note == d.literal && slices.Contains(d.statuses, r.status) }) {
			problems = append(problems, fmt.Sprintf("docs/lecture-note.md: no row with the note's %q and status %s", d.literal, strings.Join(d.statuses, " or ")))
		}
	}
	if !strings.Contains(in.readme, "(docs/lecture-note.md)") {
		problems = append(problems, "README.md does not link docs/lecture-note.md")
	}
	return problems
}

// readmeFirstStep is item 1. of the README's "Running it for real".
func readmeFirstStep(readme string) string {
	_, section, _ := strings.Cut(readme, "## Running it for real")
	_, step, _ := strings.Cut(section, "\n1. ")
	step, _, _ = strings.Cut(step, "\n2. ")
	return step
}

// normalList compares "a / b" in the note with "a, b" in Pulumi.dev.yaml.
func normalList(s string) string {
	parts := regexp.MustCompile(`\s*[,/]\s*`).Split(strings.TrimSpace(s), -1)
	return strings.Join(parts, ", ")
}

func readNoteInputs(t *testing.T) noteInputs {
	t.Helper()
	read := func(path string) string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	in := noteInputs{
		doc: read("docs/lecture-note.md"), devYAML: read("Pulumi.dev.yaml"),
		projectYAML: read("Pulumi.yaml"), readme: read("README.md"),
	}
	if b, err := os.ReadFile(lectureNotePath); err == nil {
		in.note = strings.Split(string(b), "\n")
	} else {
		t.Logf("%s is not here (%v): the table's line numbers and the note's values on them go unchecked", lectureNotePath, err)
	}
	return in
}

// TestLectureNoteTableMatchesTheStack checks docs/lecture-note.md against
// Pulumi.dev.yaml, Pulumi.yaml, the README and the note: every name the note
// gives is a config key whose dev value is the note's (or the row explains
// why not), every value the note does not give is marked in Pulumi.dev.yaml,
// and every deviation links to its evidence.
func TestLectureNoteTableMatchesTheStack(t *testing.T) {
	t.Parallel()
	for _, p := range checkLectureNote(readNoteInputs(t)) {
		t.Error(p)
	}
}

// TestLectureNoteCheckCanFail breaks each kind of agreement once and expects
// the check to say so.
func TestLectureNoteCheckCanFail(t *testing.T) {
	t.Parallel()
	good := readNoteInputs(t)
	replace := func(s, old, new string) string {
		t.Helper()
		if !strings.Contains(s, old) {
			t.Fatalf("fixture text %q is gone; update this test", old)
		}
		return strings.Replace(s, old, new, 1)
	}
	cases := []struct {
		name string
		edit func(in *noteInputs)
		want string
	}{
		{"a dev value differs from the table", func(in *noteInputs) {
			in.devYAML = replace(in.devYAML, "backendName: backend_servers", "backendName: web")
		}, `hybrid-cloud:haproxy.backendName = "web", the table says "backend_servers"`},
		{"a placeholder loses its marker", func(in *noteInputs) {
			in.devYAML = replace(in.devYAML, "gcpProject: hybrid-lab-dev  # set your own", "gcpProject: hybrid-lab-dev  #")
		}, `hybrid-cloud:clouds.gcpProject's line in Pulumi.dev.yaml must say "# set your own"`},
		{"a new dev value on no row", func(in *noteInputs) {
			in.devYAML = replace(in.devYAML, "    cookieName: SVID\n", "    cookieName: SVID\n    statsPort: 8404\n")
		}, "hybrid-cloud:haproxy.statsPort is on no row"},
		{"a note name without its row", func(in *noteInputs) {
			in.doc = replace(in.doc, "| `Tunnel2` | `vpn.connNames[1]`", "| `TunnelB` | `vpn.connNames[1]`")
		}, `no row gives the note's name "Tunnel2"`},
		{"a deviation without evidence", func(in *noteInputs) {
			in.doc = replace(in.doc, "see [E8](#e8)", "see E8")
		}, "changed without a link to its evidence"},
		{"same, but different values", func(in *noteInputs) {
			in.doc = replace(in.doc, "| `Seoul-Active` | changed |", "| `Seoul-Active` | same |")
		}, `status same, but the note gives "Seoul-Actice" and Pulumi.dev.yaml "Seoul-Active"`},
		{"a yours key missing from the README", func(in *noteInputs) {
			in.readme = replace(in.readme, "`vpn.openstack.routerId`", "the router ID")
		}, "does not list `vpn.openstack.routerId`"},
	}
	if good.note != nil {
		cases = append(cases, struct {
			name string
			edit func(in *noteInputs)
			want string
		}{"a wrong note line", func(in *noteInputs) {
			in.doc = replace(in.doc, "| 239 | Seoul's health check |", "| 238 | Seoul's health check |")
		}, `the note's lines 238-238 do not contain "active"`})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := good
			tc.edit(&in)
			problems := checkLectureNote(in)
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tc.want) }) {
				t.Errorf("no problem mentions %q; got:\n%s", tc.want, strings.Join(problems, "\n"))
			}
		})
	}
}
