package mockengine

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Input returns the input at path ("aliases[0].name", "tags.Name"), with
// secrets and known outputs unwrapped; a null value when there is none.
func (r *Resource) Input(path string) resource.PropertyValue {
	return Lookup(r.Inputs, path)
}

// Str is the string input at path, or "" (secrets unwrapped).
func (r *Resource) Str(path string) string {
	return Str(r.Inputs, path)
}

// Strs is the string array input at path (secrets unwrapped).
func (r *Resource) Strs(path string) []string {
	return Strs(r.Inputs, path)
}

// Str is the string at path in m, or "" (secrets unwrapped).
func Str(m resource.PropertyMap, path string) string {
	if v := Lookup(m, path); v.IsString() {
		return v.StringValue()
	}
	return ""
}

// Strs is the string array at path in m (secrets unwrapped).
func Strs(m resource.PropertyMap, path string) []string {
	var out []string
	if v := Lookup(m, path); v.IsArray() {
		for _, el := range v.ArrayValue() {
			if el = Plain(el); el.IsString() {
				out = append(out, el.StringValue())
			}
		}
	}
	return out
}

// Text is the input at path rendered for comparison (see Text).
func (r *Resource) Text(path string) string {
	return Text(r.Inputs, path)
}

// Text renders the value at path in m for comparison with a wanted string:
// strings as they are, numbers and bools with fmt, arrays as [a b] and
// "<unset>" where there is no value (secrets and outputs unwrapped).
func Text(m resource.PropertyMap, path string) string {
	return text(Lookup(m, path))
}

func text(v resource.PropertyValue) string {
	switch v = Plain(v); {
	case v.IsString():
		return v.StringValue()
	case v.IsNumber():
		return fmt.Sprint(v.NumberValue())
	case v.IsBool():
		return fmt.Sprint(v.BoolValue())
	case v.IsArray():
		parts := make([]string, len(v.ArrayValue()))
		for i, el := range v.ArrayValue() {
			parts[i] = text(el)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case v.IsNull():
		return "<unset>"
	}
	return v.String()
}

// IsSecret reports whether the input at path is marked secret.
func (r *Resource) IsSecret(path string) bool {
	v := lookup(r.Inputs, path, false)
	return v.IsSecret() || (v.IsOutput() && v.OutputValue().Secret)
}

// Lookup returns the value at path in m, secrets and outputs unwrapped.
func Lookup(m resource.PropertyMap, path string) resource.PropertyValue {
	return lookup(m, path, true)
}

func lookup(m resource.PropertyMap, path string, unwrapLast bool) resource.PropertyValue {
	v := resource.NewObjectProperty(m)
	for _, part := range splitPath(path) {
		v = Plain(v)
		switch idx, err := strconv.Atoi(part); {
		case err == nil && v.IsArray() && idx >= 0 && idx < len(v.ArrayValue()):
			v = v.ArrayValue()[idx]
		case err != nil && v.IsObject():
			v = v.ObjectValue()[resource.PropertyKey(part)]
		default:
			return resource.NewNullProperty()
		}
	}
	if unwrapLast {
		v = Plain(v)
	}
	return v
}

// Value is the input at path as a plain Go value (see Value).
func (r *Resource) Value(path string) any {
	return Value(r.Inputs, path)
}

// Value is the value at path in m as a plain Go value (string, float64,
// bool, []any, map[string]any; nil when there is none), secrets and outputs
// unwrapped, so that == compares its type as well.
func Value(m resource.PropertyMap, path string) any {
	return Lookup(m, path).Mappable()
}

// Plain unwraps secrets and known outputs down to the value inside.
func Plain(v resource.PropertyValue) resource.PropertyValue {
	for {
		switch {
		case v.IsSecret():
			v = v.SecretValue().Element
		case v.IsOutput() && v.OutputValue().Known:
			v = v.OutputValue().Element
		default:
			return v
		}
	}
}

// splitPath turns "a.b[2].c" into a, b, 2, c.
func splitPath(path string) []string {
	path = strings.ReplaceAll(path, "[", ".")
	path = strings.ReplaceAll(path, "]", "")
	var parts []string
	for _, p := range strings.Split(path, ".") {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return parts
}

// String names r for test failures.
func (r *Resource) String() string {
	return fmt.Sprintf("%s %s", r.Type, r.Name)
}

// IsProvider reports whether r is a provider resource.
func (r *Resource) IsProvider() bool {
	return strings.HasPrefix(r.Type, "pulumi:providers:")
}
