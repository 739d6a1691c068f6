package mockengine

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// ChangeKind is what a second run would do to one resource.
type ChangeKind string

// The kinds of change between two runs, as `pulumi preview` names them.
const (
	Create  ChangeKind = "create"
	Delete  ChangeKind = "delete"
	Update  ChangeKind = "update"
	Replace ChangeKind = "replace"
)

// Change is one resource that differs between two runs of a program.
type Change struct {
	Kind ChangeKind
	URN  string
	// Type and Name identify the resource for people and for tests.
	Type, Name string
	// Inputs are the input properties whose values differ (update and
	// replace), after the resource's ignoreChanges.
	Inputs []string
	// Options are the resource options that differ (update only): protect,
	// retainOnDelete, deleteBeforeReplace, ignoreChanges, replaceOnChanges.
	Options []string
	// DeleteFirst marks a replacement that deletes the old resource before
	// it creates the new one (deleteBeforeReplace, or the bridge's rule for
	// an explicitly named resource): the resource is gone in between.
	DeleteFirst bool
}

func (c Change) String() string {
	kind := string(c.Kind)
	if c.Kind == Replace && c.DeleteFirst {
		kind = "replace (delete first)"
	}
	s := fmt.Sprintf("%s %s %s", kind, c.Type, c.Name)
	if len(c.Inputs) > 0 {
		s += " inputs[" + strings.Join(c.Inputs, ",") + "]"
	}
	if len(c.Options) > 0 {
		s += " options[" + strings.Join(c.Options, ",") + "]"
	}
	return s
}

// Diff compares what two runs registered, as the engine compares a program's
// registrations with the stack's state: resources are matched by URN (or by
// an alias of the new one naming the old URN), and a matched resource changes
// when an input (after its ignoreChanges) or a resource option differs; it is
// replaced when a value at one of its provider's replace paths
// (replace_facts.json) or its replaceOnChanges paths differs, nested paths
// compared value by value. Dependencies and outputs are not compared; the
// resources whose inputs an output feeds are. Run the second engine with
// Follow(before) so that a replaced resource's new ID and outputs reach its
// dependents, as they do in `pulumi up`.
func Diff(before, after *Engine) []Change {
	old := map[string]*Resource{}
	for _, r := range before.Resources() {
		old[r.URN] = r
	}
	var changes []Change
	seen := map[string]bool{}
	for _, r := range after.Resources() {
		prev := old[r.URN]
		for _, alias := range r.Options.Aliases {
			if prev == nil {
				prev = old[alias]
			}
		}
		if prev == nil {
			changes = append(changes, Change{Kind: Create, URN: r.URN, Type: r.Type, Name: r.Name})
			continue
		}
		seen[prev.URN] = true
		d := decide(prev, r)
		c := Change{Kind: Update, URN: r.URN, Type: r.Type, Name: r.Name,
			Inputs: d.changed, Options: changedOptions(prev.Options, r.Options)}
		if d.replace {
			c.Kind, c.DeleteFirst = Replace, d.deleteFirst
		}
		if len(c.Inputs) > 0 || len(c.Options) > 0 {
			changes = append(changes, c)
		}
	}
	for _, r := range before.Resources() {
		if !seen[r.URN] {
			changes = append(changes, Change{Kind: Delete, URN: r.URN, Type: r.Type, Name: r.Name})
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].URN < changes[j].URN })
	return changes
}

func changedOptions(a, b Options) []string {
	var names []string
	for _, o := range []struct {
		name  string
		equal bool
	}{
		{"protect", a.Protect == b.Protect},
		{"retainOnDelete", a.RetainOnDelete == b.RetainOnDelete},
		{"deleteBeforeReplace", a.DeleteBeforeReplace == b.DeleteBeforeReplace},
		{"ignoreChanges", slices.Equal(a.IgnoreChanges, b.IgnoreChanges)},
		{"replaceOnChanges", slices.Equal(a.ReplaceOnChanges, b.ReplaceOnChanges)},
	} {
		if !o.equal {
			names = append(names, o.name)
		}
	}
	return names
}
