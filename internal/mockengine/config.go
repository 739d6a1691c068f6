package mockengine

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// Config is a stack's config as the Pulumi engine hands it to a Go program:
// "namespace:key" -> value, with objects and arrays as JSON.
type Config struct {
	Values     map[string]string
	SecretKeys []string
}

// Set returns a copy of c with key set to value (JSON-encoded unless a string).
func (c Config) Set(key string, value any) Config {
	out := Config{Values: map[string]string{}, SecretKeys: slices.Clone(c.SecretKeys)}
	for k, v := range c.Values {
		out.Values[k] = v
	}
	out.Values[key] = encode(value)
	return out
}

// Without returns a copy of c with key removed.
func (c Config) Without(key string) Config {
	out := c.Set(key, "")
	delete(out.Values, key)
	return out
}

// SecretPlaceholder stands for a `secure:` value, which cannot be decrypted offline.
const SecretPlaceholder = "offline-placeholder-secret"

type projectFile struct {
	Name   string               `yaml:"name"`
	Config map[string]yaml.Node `yaml:"config"`
}

type stackFile struct {
	Config map[string]any `yaml:"config"`
}

// LoadStackConfig reads dir/Pulumi.yaml (its project name and the defaults of
// its declared keys) and dir/Pulumi.<stack>.yaml, as `pulumi up` would merge them.
func LoadStackConfig(dir, stack string) (project string, cfg Config, err error) {
	var proj projectFile
	if err := readYAML(filepath.Join(dir, "Pulumi.yaml"), &proj); err != nil {
		return "", Config{}, err
	}
	cfg = Config{Values: map[string]string{}}
	for key, node := range proj.Config {
		full := qualify(proj.Name, key)
		var decl struct {
			Default any `yaml:"default"`
			Value   any `yaml:"value"`
		}
		if node.Kind == yaml.MappingNode && node.Decode(&decl) == nil && (decl.Default != nil || decl.Value != nil) {
			if decl.Value != nil {
				cfg.Values[full] = encode(decl.Value)
			} else {
				cfg.Values[full] = encode(decl.Default)
			}
			continue
		}
		var plain any
		if node.Kind != yaml.MappingNode && node.Decode(&plain) == nil {
			cfg.Values[full] = encode(plain)
		}
	}
	var st stackFile
	if err := readYAML(filepath.Join(dir, "Pulumi."+stack+".yaml"), &st); err != nil {
		return "", Config{}, err
	}
	for key, v := range st.Config {
		full := qualify(proj.Name, key)
		if m, ok := v.(map[string]any); ok && len(m) == 1 && m["secure"] != nil {
			cfg.Values[full] = SecretPlaceholder
			cfg.SecretKeys = append(cfg.SecretKeys, full)
			continue
		}
		cfg.Values[full] = encode(v)
	}
	slices.Sort(cfg.SecretKeys)
	return proj.Name, cfg, nil
}

func readYAML(path string, into any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := yaml.Unmarshal(b, into); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func qualify(project, key string) string {
	if strings.Contains(key, ":") {
		return key
	}
	return project + ":" + key
}

func encode(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// Object decodes the object value of key, for a test to change and Set again.
func (c Config) Object(t testing.TB, key string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(c.Values[key]), &m); err != nil {
		t.Fatalf("config %s is not an object: %v", key, err)
	}
	return m
}

// AssertOnlyProviders fails t for every registered resource that is not a
// provider: after bad arguments a component must register nothing, while the
// providers a test made for it already exist.
func (e *Engine) AssertOnlyProviders(t testing.TB) {
	t.Helper()
	for _, r := range e.Resources() {
		if !r.IsProvider() {
			t.Errorf("%s registered despite the bad config", r)
		}
	}
}

// AssertErrorMentions fails t unless err is an error mentioning every one of
// want (config keys, allowed values): what every bad-config test checks.
func AssertErrorMentions(t testing.TB, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one mentioning %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not mention %q:\n%v", w, err)
		}
	}
}
