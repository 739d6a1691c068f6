// Package plan is the offline plan: it runs the program against the mock
// engine with a stack's config and prints, grouped by component and region,
// every resource `pulumi up` would create with its settings, then the stack
// outputs and the rendered operator files, secrets masked.
package plan

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Masked stands for a secret value in everything the plan prints.
const Masked = "[secret]"

// Main runs the plan command: `plan [-stack dev] [-dir .]`.
func Main(program pulumi.RunFunc, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "dev", "stack whose Pulumi.<stack>.yaml to read")
	dir := fs.String("dir", ".", "directory holding Pulumi.yaml")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	project, cfg, err := mockengine.LoadStackConfig(*dir, *stack)
	if err != nil {
		fmt.Fprintf(stderr, "plan: %v\n", err)
		return 1
	}
	e := mockengine.New(project, *stack)
	if err := e.Run(program, cfg); err != nil {
		if n := countCustom(e.Resources()); n > 0 {
			// As `pulumi up` would: it creates what was registered, then stops.
			fmt.Fprintf(stderr, "plan: the program failed after registering %d resource(s); `pulumi up` would create those, then stop:\n%v\n", n, err)
		} else {
			fmt.Fprintf(stderr, "plan: the program failed; nothing would be created:\n%v\n", err)
		}
		return 1
	}
	Write(stdout, project, *stack, e)
	return 0
}

// Write prints the plan of a finished run.
func Write(w io.Writer, project, stack string, e *mockengine.Engine) {
	all := e.Resources()
	fmt.Fprintf(w, "Offline plan of %s/%s: %d resources, %d of them protected (mock engine; no cloud was called)\n",
		project, stack, countCustom(all), countProtected(all))

	groups := map[*mockengine.Resource][]*mockengine.Resource{}
	var providers, components []*mockengine.Resource
	for _, r := range all {
		switch top := e.Component(r); {
		case strings.HasPrefix(r.Type, "pulumi:providers:"):
			providers = append(providers, r)
		case top == r:
			components = append(components, r)
		default:
			groups[top] = append(groups[top], r)
		}
	}
	sortResources(providers)
	sortResources(components)

	fmt.Fprintf(w, "\n== providers\n")
	for _, p := range providers {
		fmt.Fprintf(w, "  + %s %s  %s\n", p.Type, p.Name, settings(p.Inputs))
	}
	for _, c := range components {
		children := groups[c]
		fmt.Fprintf(w, "\n== %s %s (%d resources)\n", c.Type, c.Name, countCustom(children))
		byRegion := map[string][]*mockengine.Resource{}
		for _, r := range children {
			byRegion[e.Region(r)] = append(byRegion[e.Region(r)], r)
		}
		regions := make([]string, 0, len(byRegion))
		for region := range byRegion {
			regions = append(regions, region)
		}
		sort.Strings(regions)
		for _, region := range regions {
			label := region
			if label == "" {
				label = "no region"
			}
			fmt.Fprintf(w, "  [%s]\n", label)
			rs := byRegion[region]
			sortResources(rs)
			for _, r := range rs {
				if !r.Custom {
					fmt.Fprintf(w, "    %s %s\n", r.Type, r.Name)
					continue
				}
				fmt.Fprintf(w, "    + %s %s%s  %s\n", r.Type, r.Name, guard(r), settings(r.Inputs))
			}
		}
	}

	outputs := e.Outputs()
	names := make([]string, 0, len(outputs))
	for n := range outputs {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "\n== stack outputs\n")
	var files []string
	for _, n := range names {
		o := outputs[n]
		s, isText := o.Value.(string)
		switch {
		case o.Secret || (isText && strings.Contains(s, mockengine.SecretPlaceholderPrefix)):
			fmt.Fprintf(w, "  %s = %s\n", n, Masked)
		case isText && strings.Contains(s, "\n"):
			fmt.Fprintf(w, "  %s = <file, %d lines: below>\n", n, strings.Count(s, "\n"))
			files = append(files, n)
		default:
			fmt.Fprintf(w, "  %s = %s\n", n, mockengine.Format(o.Value))
		}
	}
	for _, n := range files {
		fmt.Fprintf(w, "\n== rendered file: %s\n%s", n, outputs[n].Value)
	}
}

// Protected marks a resource that `pulumi up` may not replace or delete
// (hybrid-cloud:protect).
const Protected = " [protected]"

func guard(r *mockengine.Resource) string {
	if r.Options.Protect {
		return Protected
	}
	return ""
}

func countProtected(rs []*mockengine.Resource) int {
	n := 0
	for _, r := range rs {
		if r.Options.Protect {
			n++
		}
	}
	return n
}

func countCustom(rs []*mockengine.Resource) int {
	n := 0
	for _, r := range rs {
		if r.Custom {
			n++
		}
	}
	return n
}

func sortResources(rs []*mockengine.Resource) {
	slices.SortFunc(rs, func(a, b *mockengine.Resource) int {
		if c := strings.Compare(a.Type, b.Type); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
}

// settings renders a resource's inputs as sorted key=value pairs, nested
// keys dotted, secrets masked and long text summarised.
func settings(inputs resource.PropertyMap) string {
	var pairs []string
	var walk func(prefix string, v resource.PropertyValue)
	walk = func(prefix string, v resource.PropertyValue) {
		switch {
		case v.IsSecret():
			pairs = append(pairs, prefix+"="+Masked)
		case v.IsOutput():
			if v.OutputValue().Secret {
				pairs = append(pairs, prefix+"="+Masked)
			} else if v.OutputValue().Known {
				walk(prefix, v.OutputValue().Element)
			} else {
				pairs = append(pairs, prefix+"=(known after apply)")
			}
		case v.IsComputed():
			pairs = append(pairs, prefix+"=(known after apply)")
		case v.IsObject():
			obj := v.ObjectValue()
			for _, k := range obj.StableKeys() {
				if strings.HasPrefix(string(k), "__") {
					continue
				}
				walk(prefix+"."+string(k), obj[k])
			}
		case v.IsArray():
			for i, el := range v.ArrayValue() {
				walk(fmt.Sprintf("%s[%d]", prefix, i), el)
			}
		case v.IsString() && strings.Contains(v.StringValue(), mockengine.SecretPlaceholderPrefix):
			// A secure: config value the program used as plain text (a
			// secret name, say): still never printed.
			pairs = append(pairs, prefix+"="+Masked)
		case v.IsString():
			pairs = append(pairs, prefix+"="+summarise(v.StringValue()))
		case v.IsNull():
		default:
			pairs = append(pairs, prefix+"="+fmt.Sprint(v.V))
		}
	}
	walk("", resource.NewObjectProperty(inputs))
	for i, p := range pairs {
		pairs[i] = strings.TrimPrefix(p, ".")
	}
	return strings.Join(pairs, " ")
}

// summarise keeps short values and replaces text files (user data, configs)
// with their size and digest, which change whenever their content does.
func summarise(s string) string {
	if !strings.Contains(s, "\n") && len(s) <= 100 && !strings.Contains(s, " ") {
		return s
	}
	if !strings.Contains(s, "\n") && len(s) <= 100 {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("<%d bytes, sha256:%.12x>", len(s), sha256.Sum256([]byte(s)))
}
