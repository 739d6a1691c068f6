package mockengine

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestLoadStackConfigHandsSecureValuesOverAsTheCLIDoes: `secure:` values at
// the top level, in objects and in arrays reach the program as the CLI
// hands them over (the object with each secret in place, its top-level key
// among the secret keys), with a placeholder instead of the plaintext, and
// no ciphertext anywhere.
func TestLoadStackConfigHandsSecureValuesOverAsTheCLIDoes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("Pulumi.yaml", `name: proj
runtime: go
config:
  region:
    type: string
    default: here
`)
	write("Pulumi.sec.yaml", `config:
  proj:top:
    secure: v1:CIPHERTEXT-top
  obj:
    plain: 1
    zone: "1"
    nested:
      key:
        secure: v1:CIPHERTEXT-nested
      other:
        secure: v1:CIPHERTEXT-other
  proj:list:
    - plain
    - secure: v1:CIPHERTEXT-list
  proj:clear:
    a: b
  aws:region: ap-northeast-2
`)
	_, cfg, err := LoadStackConfig(dir, "sec")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"proj:list", "proj:obj", "proj:top"}; !slices.Equal(cfg.SecretKeys, want) {
		t.Errorf("secret keys %v, want %v (every top-level key holding a secure value, no other)", cfg.SecretKeys, want)
	}
	ph := SecretPlaceholder
	for key, want := range map[string]any{
		"proj:top":    ph("v1:CIPHERTEXT-top"),
		"proj:obj":    map[string]any{"plain": 1.0, "zone": "1", "nested": map[string]any{"key": ph("v1:CIPHERTEXT-nested"), "other": ph("v1:CIPHERTEXT-other")}},
		"proj:list":   []any{"plain", ph("v1:CIPHERTEXT-list")},
		"proj:clear":  map[string]any{"a": "b"},
		"proj:region": "here",
		"aws:region":  "ap-northeast-2",
	} {
		raw, ok := cfg.Values[key]
		if !ok {
			t.Errorf("%s missing", key)
			continue
		}
		var got any = raw
		if _, isText := want.(string); !isText {
			if err := json.Unmarshal([]byte(raw), &got); err != nil {
				t.Errorf("%s = %q is not JSON: %v", key, raw, err)
				continue
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", key, got, want)
		}
	}
	for key, v := range cfg.Values {
		if strings.Contains(v, "CIPHERTEXT") {
			t.Errorf("%s carries a ciphertext to the program: %s", key, v)
		}
	}
	// Placeholders differ per ciphertext and pass the strictest rule a
	// secret here meets (AWS's pre-shared key rule), so secret stacks plan.
	if ph("a") == ph("b") {
		t.Error("two ciphertexts share a placeholder")
	}
	if p := ph("v1:x"); !regexp.MustCompile(`^[A-Za-z1-9][A-Za-z0-9._]{7,63}$`).MatchString(p) {
		t.Errorf("placeholder %q is not a key AWS accepts", p)
	}
}

func TestLoadStackConfigNamesAMissingStackFile(t *testing.T) {
	t.Parallel()
	_, _, err := LoadStackConfig("../..", "nope")
	if err == nil || !strings.Contains(err.Error(), "Pulumi.nope.yaml") {
		t.Errorf("err = %v, want it to name Pulumi.nope.yaml", err)
	}
}
