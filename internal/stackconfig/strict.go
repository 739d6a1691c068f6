package stackconfig

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// misspelt finds object keys that encoding/json would accept only because it
// matches field names case-insensitively (`instancetype` for `instanceType`):
// Pulumi config is case-sensitive everywhere else, so such a key is a typo.
func misspelt(path string, raw any, t reflect.Type) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var problems []string
	switch v := raw.(type) {
	case map[string]any:
		switch t.Kind() {
		case reflect.Struct:
			fields := jsonFields(t)
			for _, key := range sortedKeys(v) {
				ft, ok := fields[key]
				if !ok {
					// Unknown keys in any case are reported by the decoder.
					for name := range fields {
						if strings.EqualFold(name, key) {
							problems = append(problems, fmt.Sprintf("%s.%s: unknown field (did you mean %q? config keys are case-sensitive)", path, key, name))
						}
					}
					continue
				}
				problems = append(problems, misspelt(path+"."+key, v[key], ft)...)
			}
		case reflect.Map:
			for _, key := range sortedKeys(v) {
				problems = append(problems, misspelt(path+"."+key, v[key], t.Elem())...)
			}
		}
	case []any:
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			for i, el := range v {
				problems = append(problems, misspelt(fmt.Sprintf("%s[%d]", path, i), el, t.Elem())...)
			}
		}
	}
	return problems
}

// jsonFields maps each JSON name of a struct (embedded structs flattened, as
// encoding/json does) to its field's type.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for k, v := range jsonFields(f.Type) {
				fields[k] = v
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = f.Type
	}
	return fields
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
