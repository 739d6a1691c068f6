package mockengine

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// replace_facts.json says, per resource type the stack registers, which
// inputs make the pinned provider replace the resource, read from the
// providers' sources with where each fact was read. cmd/replacefacts
// regenerates it at an SDK bump; nothing here edits it by hand.
//
//go:embed replace_facts.json
var replaceFactsJSON []byte

// ReplaceFacts is what the pinned provider does on a change to one type.
type ReplaceFacts struct {
	Provider string `json:"provider"`
	Source   struct {
		Repository string `json:"repository"`
		Ref        string `json:"ref"`
		File       string `json:"file"`
		Method     string `json:"method"`
	} `json:"source"`
	// ReplaceOn are input paths ("a.b" nested, through lists; "a.#" the
	// number of a's blocks; "*" every input) whose change replaces.
	ReplaceOn []string `json:"replaceOn"`
	// Conditional inputs replace only in some cases (a CustomizeDiff); the
	// engine models the one the stack depends on (aws_instance user data).
	Conditional []string `json:"conditional"`
	// AutoName is the input the bridge auto-names: a program that sets it
	// makes a replacement delete the old resource first.
	AutoName            string `json:"autoName"`
	DeleteBeforeReplace bool   `json:"deleteBeforeReplace"`
}

var replaceFacts = func() map[string]ReplaceFacts {
	var f struct {
		Types map[string]ReplaceFacts `json:"types"`
	}
	if err := json.Unmarshal(replaceFactsJSON, &f); err != nil {
		panic(fmt.Sprintf("mockengine: replace_facts.json: %v", err))
	}
	return f.Types
}()

// FactsOf returns the replace facts of a resource type, and whether the
// facts file has them. Provider resources (pulumi:providers:*) have none:
// the engine does not model a provider's own replacement.
func FactsOf(typ string) (ReplaceFacts, bool) {
	f, ok := replaceFacts[typ]
	return f, ok
}

// decision is what the engine decides for a registration that matches a
// resource of the previous run.
type decision struct {
	changed     []string // top-level inputs that differ, after ignoreChanges
	replace     bool
	deleteFirst bool
}

// decide compares prev (the previous run's registration) with r, as the
// engine and the provider do: ignoreChanges paths keep their old values,
// then the resource is replaced when a value at one of the provider's
// replace paths or the replaceOnChanges option's paths differs.
func decide(prev, r *Resource) decision {
	news := withIgnoredChanges(prev.Inputs, r.Inputs, r.Options.IgnoreChanges)
	d := decision{changed: changedInputs(prev.Inputs, news)}
	if len(d.changed) == 0 {
		return d
	}
	facts := replaceFacts[r.Type]
	paths := append(slices.Clone(facts.ReplaceOn), r.Options.ReplaceOnChanges...)
	// aws_instance replaces for its user data only when asked to
	// (customdiff.ForceNewIf on user_data_replace_on_change).
	if r.Type == "aws:ec2/instance:Instance" && Lookup(news, "userDataReplaceOnChange").IsBool() && Lookup(news, "userDataReplaceOnChange").BoolValue() {
		paths = append(paths, "userData", "userDataBase64")
	}
	for _, p := range paths {
		if pathChanged(prev.Inputs, news, p) {
			d.replace = true
			break
		}
	}
	if d.replace {
		_, explicitName := news[resource.PropertyKey(facts.AutoName)]
		d.deleteFirst = r.Options.DeleteBeforeReplace || facts.DeleteBeforeReplace || (facts.AutoName != "" && explicitName)
	}
	return d
}

// changedInputs are the top-level keys whose values differ.
func changedInputs(a, b resource.PropertyMap) []string {
	var keys []string
	for k, v := range a {
		if w, ok := b[k]; !ok || !v.DeepEquals(w) {
			keys = append(keys, string(k))
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, string(k))
		}
	}
	slices.Sort(keys)
	return keys
}

// withIgnoredChanges is news with the value at each ignoreChanges path put
// back to its old one (or removed where it had none), as the engine does
// before it asks the provider to diff.
func withIgnoredChanges(olds, news resource.PropertyMap, ignore []string) resource.PropertyMap {
	if len(ignore) == 0 {
		return news
	}
	out := resource.NewObjectProperty(news)
	for _, path := range ignore {
		if normalizePath(path) == "*" {
			return olds.Copy()
		}
		out = restored(out, resource.NewObjectProperty(olds), strings.Split(normalizePath(path), "."))
	}
	return out.ObjectValue()
}

// normalizePath turns Pulumi's property path syntax ("a[*].b", "a[0].b",
// `a["b"]`) into the dotted form the facts use.
func normalizePath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '[':
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				b.WriteString(p[i:])
				return b.String()
			}
			inner := strings.Trim(p[i+1:i+j], `"`)
			if inner != "*" && strings.Trim(inner, "0123456789") != "" {
				b.WriteString("." + inner)
			}
			i += j
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// lookupPath is the value at parts inside v: an object's key, the same
// path in each element of an array; "#" is an array's length (an object
// counts as one block).
func lookupPath(v resource.PropertyValue, parts []string) (resource.PropertyValue, bool) {
	if len(parts) == 0 {
		return v, true
	}
	switch {
	case parts[0] == "#":
		switch {
		case v.IsArray():
			return resource.NewNumberProperty(float64(len(v.ArrayValue()))), true
		case v.IsObject():
			return resource.NewNumberProperty(1), true
		}
		return resource.NewNumberProperty(0), true
	case v.IsArray():
		var out []resource.PropertyValue
		for _, e := range v.ArrayValue() {
			if x, ok := lookupPath(e, parts); ok {
				out = append(out, x)
			} else {
				out = append(out, resource.NewNullProperty())
			}
		}
		return resource.NewArrayProperty(out), true
	case v.IsObject():
		x, ok := v.ObjectValue()[resource.PropertyKey(parts[0])]
		if !ok {
			if len(parts) == 2 && parts[1] == "#" {
				return resource.NewNumberProperty(0), true
			}
			return resource.PropertyValue{}, false
		}
		return lookupPath(x, parts[1:])
	case v.IsSecret():
		return lookupPath(v.SecretValue().Element, parts)
	}
	return resource.PropertyValue{}, false
}

// restored is n with the value at parts put back to the one at the same
// place in o (removed where o has none), through objects and, element by
// element, through arrays. n itself is not modified.
func restored(n, o resource.PropertyValue, parts []string) resource.PropertyValue {
	switch {
	case n.IsArray():
		arr := slices.Clone(n.ArrayValue())
		for i := range arr {
			var oi resource.PropertyValue
			if o.IsArray() && i < len(o.ArrayValue()) {
				oi = o.ArrayValue()[i]
			}
			arr[i] = restored(arr[i], oi, parts)
		}
		return resource.NewArrayProperty(arr)
	case n.IsObject():
		obj, k := n.ObjectValue().Copy(), resource.PropertyKey(parts[0])
		var old resource.PropertyValue
		hasOld := false
		if o.IsObject() {
			old, hasOld = o.ObjectValue()[k]
		}
		switch child, has := obj[k]; {
		case len(parts) == 1 && hasOld:
			obj[k] = old
		case len(parts) == 1:
			delete(obj, k)
		case has:
			obj[k] = restored(child, old, parts[1:])
		}
		return resource.NewObjectProperty(obj)
	}
	return n
}

// pathChanged reports whether the value at path differs between two input
// maps. "*" is any input.
func pathChanged(olds, news resource.PropertyMap, path string) bool {
	path = normalizePath(path)
	if path == "*" {
		return !resource.NewObjectProperty(olds).DeepEquals(resource.NewObjectProperty(news))
	}
	parts := strings.Split(path, ".")
	a, okA := lookupPath(resource.NewObjectProperty(olds), parts)
	b, okB := lookupPath(resource.NewObjectProperty(news), parts)
	if okA != okB {
		return true
	}
	return okA && !a.DeepEquals(b)
}
