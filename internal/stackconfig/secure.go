package stackconfig

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hybridlab/hybrid-cloud/internal/validate"
	"gopkg.in/yaml.v3"
)

// secureFields reads the stack file beside the project (root/Pulumi.<stack>.yaml)
// and returns, per section, the fields stored as `secure:` values, e.g.
// {"vpn": {"presharedKeys.tunnel1": true}}. The engine tells a program only
// which top-level keys hold a secret somewhere; the file says which field.
// ok is false when there is no such file (config kept elsewhere, or no
// project directory): then only the engine's coarser answer is known.
func secureFields(root, stack string) (fields map[string]map[string]bool, ok bool, err error) {
	if root == "" || stack == "" {
		return nil, false, nil
	}
	path := filepath.Join(root, "Pulumi."+stack+".yaml")
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	var doc struct {
		Config map[string]yaml.Node `yaml:"config"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	fields = map[string]map[string]bool{}
	for key, node := range doc.Config {
		section, _ := strings.CutPrefix(key, validate.Project+":")
		found := map[string]bool{}
		walkSecure(&node, "", found)
		if len(found) > 0 {
			fields[section] = found
		}
	}
	return fields, true, nil
}

// walkSecure records the path of every `{secure: ...}` value under n.
func walkSecure(n *yaml.Node, path string, found map[string]bool) {
	join := func(p, k string) string {
		if p == "" {
			return k
		}
		return p + "." + k
	}
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content) == 2 && n.Content[0].Value == "secure" {
			found[path] = true
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			walkSecure(n.Content[i+1], join(path, n.Content[i].Value), found)
		}
	case yaml.SequenceNode:
		for i, el := range n.Content {
			walkSecure(el, fmt.Sprintf("%s[%d]", path, i), found)
		}
	}
}
