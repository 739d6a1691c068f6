package mockengine

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"gopkg.in/yaml.v3"
)

// Config is a stack's config as the Pulumi engine hands it to a Go program:
// "namespace:key" -> value, with objects and arrays as JSON.
type Config struct {
	Values     map[string]string
	SecretKeys []string
	// Dir is the project's directory, which the program sees as its root
	// directory (ctx.RootDirectory), as under the CLI; "" for none.
	Dir string
}

// Set returns a copy of c with key set to value (JSON-encoded unless a string).
func (c Config) Set(key string, value any) Config {
	out := Config{Values: map[string]string{}, SecretKeys: slices.Clone(c.SecretKeys), Dir: c.Dir}
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

// SecretPlaceholderPrefix starts every value that stands for a `secure:`
// config value, which cannot be decrypted offline. Each ciphertext gets its
// own placeholder (the prefix and a digest of the ciphertext), made of
// characters every rule here accepts for a key, so a stack whose PSKs are
// secrets plans; two tunnels given the same ciphertext get the same one.
const SecretPlaceholderPrefix = "offline.secret."

type projectFile struct {
	Name   string               `yaml:"name"`
	Config map[string]yaml.Node `yaml:"config"`
}

// LoadStackConfig reads dir/Pulumi.yaml (its project name and the defaults of
// its declared keys) and dir/Pulumi.<stack>.yaml, as `pulumi up` would merge
// them. The stack file goes through the Pulumi SDK's own loader and config
// map, the code the CLI uses, so `secure:` values are found where the CLI
// finds them: at the top level, inside objects and inside arrays. As the CLI
// does, the program then gets the object with each secure value replaced
// (here by a placeholder) and, in SecretKeys, every top-level key that holds
// a secure value anywhere. The CLI says no more than that; a program that
// must know which field was the secret reads the stack file in its root
// directory, which Run sets to dir as the CLI does.
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
	values, secretKeys, err := loadStackFile(dir, proj.Name, stack)
	if err != nil {
		return "", Config{}, err
	}
	for k, v := range values {
		cfg.Values[k] = v
	}
	cfg.SecretKeys = secretKeys
	cfg.Dir = dir
	return proj.Name, cfg, nil
}

// loadStackFile decodes dir/Pulumi.<stack>.yaml as the CLI does before it
// runs a program: config.Map.Decrypt for the values (here with placeholders
// for the plaintexts) and config.Map.SecureKeys for the secret keys.
func loadStackFile(dir, projectName, stack string) (map[string]string, []string, error) {
	path := filepath.Join(dir, "Pulumi."+stack+".yaml")
	// The SDK's loader treats a missing stack file as empty config; a plan of
	// a stack that has no file is a typo.
	if _, err := os.Stat(path); err != nil {
		return nil, nil, err
	}
	proj, err := workspace.LoadProject(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil {
		return nil, nil, err
	}
	if proj.Name.String() != projectName {
		return nil, nil, fmt.Errorf("%s: project name %q, want %q", dir, proj.Name, projectName)
	}
	st, err := workspace.LoadProjectStack(nil, proj, path)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	plain, err := st.Config.Decrypt(placeholderDecrypter{})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	values := map[string]string{}
	for k, v := range plain {
		values[k.String()] = v
	}
	var secret []string
	for _, k := range st.Config.SecureKeys() {
		secret = append(secret, k.String())
	}
	slices.Sort(secret)
	return values, secret, nil
}

// placeholderDecrypter "decrypts" a ciphertext into its placeholder.
type placeholderDecrypter struct{}

func (placeholderDecrypter) DecryptValue(_ context.Context, ciphertext string) (string, error) {
	return SecretPlaceholder(ciphertext), nil
}

func (d placeholderDecrypter) BatchDecrypt(ctx context.Context, ciphertexts []string) ([]string, error) {
	out := make([]string, len(ciphertexts))
	for i, c := range ciphertexts {
		out[i], _ = d.DecryptValue(ctx, c)
	}
	return out, nil
}

// SecretPlaceholder is the value the offline plan gives the program for a
// `secure:` value with this ciphertext.
func SecretPlaceholder(ciphertext string) string {
	return fmt.Sprintf("%s%.8x", SecretPlaceholderPrefix, sha256.Sum256([]byte(ciphertext)))
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

// AssertInputs fails t for every input of r at a dotted path ("tags.Name",
// "aliases[0].name") whose text (see Text) is not the wanted one.
func AssertInputs(t testing.TB, r *Resource, want map[string]string) {
	t.Helper()
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if got := r.Text(k); got != want[k] {
			t.Errorf("%s %s: %s = %q, want %q", r.Type, r.Name, k, got, want[k])
		}
	}
}
