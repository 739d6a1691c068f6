// Package mockengine runs the whole Pulumi program against a recording mock
// engine: it keeps every registered resource (type, name, inputs, parent,
// provider), answers the invokes the program makes, and captures the stack
// outputs with their secretness. Tests query it; the offline plan prints it.
package mockengine

import (
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Resource is one registered resource, custom or component.
type Resource struct {
	Type   string
	Name   string
	URN    string
	ID     string
	Custom bool
	// Parent is the parent's URN; empty for children of the stack.
	Parent string
	// Provider is the explicit provider's URN; empty for a default provider.
	Provider string
	Inputs   resource.PropertyMap
	// Outputs are what the mock answered: the inputs plus computed properties.
	Outputs resource.PropertyMap
	// Dependencies are the URNs r waits for (references and DependsOn);
	// PropertyDependencies the URNs each input property was computed from.
	Dependencies         []string
	PropertyDependencies map[string][]string
	// Options are the resource options that change what the engine does
	// with r on a later update or destroy.
	Options Options
}

// Options are the resource options the engine records; a day-2 test
// compares them between two runs like it compares inputs.
type Options struct {
	Protect             bool
	RetainOnDelete      bool
	DeleteBeforeReplace bool
	IgnoreChanges       []string
	ReplaceOnChanges    []string
	// Aliases are the URNs r was known by before (resolved from alias specs
	// as the engine does), so that the engine moves it instead of replacing it.
	Aliases []string
	// CustomTimeouts bound the provider's waits on create, update and
	// delete ("" = the provider's default). Changing them changes nothing
	// in the cloud, so a diff does not compare them.
	CustomTimeouts CustomTimeouts
}

// CustomTimeouts are a resource's pulumi.Timeouts, as duration strings.
type CustomTimeouts struct{ Create, Update, Delete string }

// Invoke is one data-source call the program made.
type Invoke struct {
	Token    string
	Args     resource.PropertyMap
	Provider string
}

// Output is one stack output after the run.
type Output struct {
	Value  any
	Secret bool
}

// Engine records one run of a program. It is safe for concurrent use by the
// Pulumi SDK's goroutines.
type Engine struct {
	project, stack string

	mu        sync.Mutex
	resources []*Resource
	byURN     map[string]*Resource
	invokes   []Invoke
	outputs   map[string]Output

	// newerImages says that vendors published a newer image of every family
	// since the first run: a lookup that can match more than one image now
	// answers a different one. Set with PublishNewerImages.
	newerImages bool
	// movedAddresses names resources the cloud gives a new public address
	// on this run. Set with MoveAddress.
	movedAddresses map[string]bool
}

// New returns an engine for project and stack.
func New(project, stack string) *Engine {
	return &Engine{project: project, stack: stack, byURN: map[string]*Resource{}, outputs: map[string]Output{}, movedAddresses: map[string]bool{}}
}

// PublishNewerImages makes every image lookup behave as it would after the
// vendors published a newer image of each family: a lookup by exact name
// answers as before, one by pattern answers the newer image. Call it before Run.
func (e *Engine) PublishNewerImages() { e.newerImages = true }

// MoveAddress makes the cloud hand the resource called name (an Elastic IP,
// a static address, a public IP resource) a different public address on this
// run, as after it was released and allocated again. Call it before Run.
func (e *Engine) MoveAddress(name string) { e.movedAddresses[name] = true }

// PublicIP is the public address the mock cloud gives r: stable from run to
// run unless MoveAddress named r.
func (e *Engine) PublicIP(r *Resource) string {
	seed := "public:" + r.URN
	if e.movedAddresses[r.Name] {
		seed += "#moved"
	}
	return FakeIP(seed)
}

// Run runs program with cfg as the stack's config and records what it did.
func (e *Engine) Run(program pulumi.RunFunc, cfg Config) error {
	var exports map[string]pulumi.Input
	body := func(ctx *pulumi.Context) error {
		if err := program(ctx); err != nil {
			return err
		}
		exports = ctx.GetCurrentExportMap()
		return nil
	}
	withConfig := func(info *pulumi.RunInfo) {
		info.Config = cfg.Values
		info.ConfigSecretKeys = cfg.SecretKeys
		info.RootDirectory = cfg.Dir
	}
	if err := pulumi.RunErr(body, pulumi.WithMocks(e.project, e.stack, e), withConfig); err != nil {
		return err
	}
	// Every resource has resolved by now, so each export resolves at once;
	// awaiting here (not in the body) also covers plain values, whose outputs
	// the run does not wait for.
	for name, in := range exports {
		out := pulumi.ToOutput(in)
		got := make(chan any, 1)
		out.ApplyT(func(v any) any {
			got <- v
			return nil
		})
		select {
		case v := <-got:
			o := Output{Value: v, Secret: pulumi.IsSecret(out)}
			e.mu.Lock()
			e.outputs[name] = o
			e.mu.Unlock()
		case <-time.After(10 * time.Second):
			return fmt.Errorf("mockengine: stack output %s never resolved", name)
		}
	}
	return nil
}

// NewResource implements pulumi.MockResourceMonitor.
func (e *Engine) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	parent := ""
	var deps []string
	propDeps := map[string][]string{}
	var opts Options
	if rpc := args.RegisterRPC; rpc != nil {
		parent = rpc.GetParent()
		deps = slices.Clone(rpc.GetDependencies())
		for k, v := range rpc.GetPropertyDependencies() {
			propDeps[k] = slices.Clone(v.GetUrns())
		}
		opts = Options{
			Protect:             rpc.GetProtect(),
			RetainOnDelete:      rpc.GetRetainOnDelete(),
			DeleteBeforeReplace: rpc.GetDeleteBeforeReplace(),
			IgnoreChanges:       slices.Clone(rpc.GetIgnoreChanges()),
			ReplaceOnChanges:    slices.Clone(rpc.GetReplaceOnChanges()),
			Aliases:             e.aliasURNs(rpc, parent),
		}
		if ct := rpc.GetCustomTimeouts(); ct != nil {
			opts.CustomTimeouts = CustomTimeouts{Create: ct.GetCreate(), Update: ct.GetUpdate(), Delete: ct.GetDelete()}
		}
	}
	r := &Resource{
		Type:     args.TypeToken,
		Name:     args.Name,
		URN:      e.urn(parent, args.TypeToken, args.Name),
		Custom:   args.Custom,
		Parent:   parent,
		Provider: providerURN(args.Provider),
		Inputs:   args.Inputs.Copy(),

		Dependencies:         deps,
		PropertyDependencies: propDeps,
		Options:              opts,
	}
	if r.Parent != "" && resource.URN(r.Parent).QualifiedType() == resource.RootStackType {
		r.Parent = ""
	}
	r.ID = args.ID
	if r.ID == "" {
		r.ID = fakeID(r)
	}
	r.Outputs = args.Inputs.Copy()
	if compute, ok := computed[r.Type]; ok {
		for k, v := range compute(e, r) {
			r.Outputs[k] = v
		}
	}
	e.mu.Lock()
	if _, dup := e.byURN[r.URN]; dup {
		e.mu.Unlock()
		return "", nil, duplicateURN(r.URN)
	}
	e.resources = append(e.resources, r)
	e.byURN[r.URN] = r
	e.mu.Unlock()
	if !r.Custom {
		return "", resource.PropertyMap{}, nil
	}
	return r.ID, r.Outputs, nil
}

// duplicateURN is the real engine's refusal of a second resource with a URN
// already registered, in its words (diag 2001): `pulumi up` stops there, so
// the offline plan must too, not print a plan that cannot be applied.
func duplicateURN(urn string) error {
	return errors.New(fmt.Sprintf(diag.GetDuplicateResourceURNError(resource.URN(urn)).Message, urn))
}

// Call implements pulumi.MockResourceMonitor: it answers invokes.
func (e *Engine) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	inv := Invoke{Token: args.Token, Args: args.Args.Copy(), Provider: providerURN(args.Provider)}
	e.mu.Lock()
	e.invokes = append(e.invokes, inv)
	e.mu.Unlock()
	answer, ok := invokes[args.Token]
	if !ok {
		return nil, fmt.Errorf("mockengine: no answer for invoke %s: add one to internal/mockengine", args.Token)
	}
	return answer(e, inv)
}

// aliasURNs resolves a registration's aliases to URNs, defaulting each
// spec's missing parts to the resource's own, as the engine does.
func (e *Engine) aliasURNs(rpc *pulumirpc.RegisterResourceRequest, parent string) []string {
	urns := slices.Clone(rpc.GetAliasURNs())
	for _, a := range rpc.GetAliases() {
		if u := a.GetUrn(); u != "" {
			urns = append(urns, u)
			continue
		}
		spec := a.GetSpec()
		if spec == nil {
			continue
		}
		name, typ, aliasParent := spec.GetName(), spec.GetType(), parent
		if name == "" {
			name = rpc.GetName()
		}
		if typ == "" {
			typ = rpc.GetType()
		}
		if p := spec.GetParentUrn(); p != "" {
			aliasParent = p
		} else if spec.GetNoParent() {
			aliasParent = ""
		}
		urns = append(urns, e.urn(aliasParent, typ, name))
	}
	return urns
}

func (e *Engine) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(e.stack), tokens.PackageName(e.project), parentType, tokens.Type(typ), name))
}

// providerURN strips the ID from a provider reference ("urn::id").
func providerURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i >= 0 {
		return ref[:i]
	}
	return ref
}

// Resources returns every registered resource in registration order.
func (e *Engine) Resources() []*Resource {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.resources)
}

// Invokes returns every invoke made, in order.
func (e *Engine) Invokes() []Invoke {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.invokes)
}

// Outputs returns the stack outputs captured after the run.
func (e *Engine) Outputs() map[string]Output {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[string]Output, len(e.outputs))
	for k, v := range e.outputs {
		out[k] = v
	}
	return out
}

// OfType returns the resources of one type token, in registration order.
func (e *Engine) OfType(typ string) []*Resource {
	var out []*Resource
	for _, r := range e.Resources() {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Find returns the resource with this type and name, or nil.
func (e *Engine) Find(typ, name string) *Resource {
	for _, r := range e.Resources() {
		if r.Type == typ && r.Name == name {
			return r
		}
	}
	return nil
}

// InvokesOf returns the invokes of one token, in order.
func (e *Engine) InvokesOf(token string) []Invoke {
	var out []Invoke
	for _, inv := range e.Invokes() {
		if inv.Token == token {
			out = append(out, inv)
		}
	}
	return out
}

// ByURN returns the resource with this URN, or nil.
func (e *Engine) ByURN(urn string) *Resource {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.byURN[urn]
}

// ParentOf returns r's parent resource, or nil for children of the stack.
func (e *Engine) ParentOf(r *Resource) *Resource {
	return e.ByURN(r.Parent)
}

// Component returns r's outermost ancestor below the stack (r itself when it
// is a child of the stack).
func (e *Engine) Component(r *Resource) *Resource {
	for r.Parent != "" {
		p := e.ByURN(r.Parent)
		if p == nil {
			break
		}
		r = p
	}
	return r
}

// ProviderOf returns the explicit provider r was registered with, or nil.
func (e *Engine) ProviderOf(r *Resource) *Resource {
	return e.ByURN(r.Provider)
}

// Region is the region (AWS, GCP, Alibaba) or location (Azure) of the
// provider r was registered with; "" for a default or regionless provider.
func (e *Engine) Region(r *Resource) string {
	p := r
	if !strings.HasPrefix(r.Type, "pulumi:providers:") {
		p = e.ProviderOf(r)
	}
	if p == nil {
		return ""
	}
	return regionOf(p.Inputs)
}

func regionOf(inputs resource.PropertyMap) string {
	for _, k := range []resource.PropertyKey{"region", "location"} {
		if v, ok := inputs[k]; ok && v.IsString() {
			return v.StringValue()
		}
	}
	return ""
}

// invokeRegion is the region of the provider an invoke went through.
func (e *Engine) InvokeRegion(inv Invoke) string {
	if p := e.ByURN(inv.Provider); p != nil {
		return regionOf(p.Inputs)
	}
	return ""
}

// hash is a stable small number derived from s, for fake IDs and addresses.
func hash(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

func fakeID(r *Resource) string {
	return fmt.Sprintf("%s-%08x", r.Name, hash(r.URN))
}

// FakeIP is a stable address for seed in the documentation ranges (RFC 5737),
// so no fake value can ever be mistaken for, or routed to, a real host.
func FakeIP(seed string) string {
	h := hash(seed)
	nets := []string{"192.0.2", "198.51.100", "203.0.113"}
	return fmt.Sprintf("%s.%d", nets[h%3], 1+(h/3)%254)
}

// Format renders an output value for people: strings as they are, anything
// else in a stable JSON-like form.
func Format(v any) string {
	switch x := v.(type) {
	case nil:
		return "(none)"
	case string:
		return x
	default:
		return encode(x)
	}
}

// Resolved is s as an output made by ctx, standing in for another
// component's output in a component test. Unlike
// pulumi.String(s).ToStringOutput(), the run awaits it and what is applied
// to it, as it awaits resources' outputs.
func Resolved(ctx *pulumi.Context, s string) pulumi.StringOutput {
	o, resolve, _ := ctx.NewOutput()
	resolve(s)
	return o.ApplyT(func(v any) string { return v.(string) }).(pulumi.StringOutput)
}
