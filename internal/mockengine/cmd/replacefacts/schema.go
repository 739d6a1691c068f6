package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
)

// tfSchema is what one Terraform resource's source says about replacement.
type tfSchema struct {
	// forceNew are the attribute paths (TF names, nested ones joined by
	// ".") whose change makes Terraform plan a replacement: ForceNew in the
	// plugin SDK, a RequiresReplace plan modifier in the plugin framework.
	forceNew []string
	// conditional are the attributes a CustomizeDiff forces new only in some
	// cases (customdiff.ForceNewIf / ForceNewIfChange, d.ForceNew).
	conditional []string
	// nameInput says the resource has a string input called "name", which
	// the bridge's SetAutonaming auto-names.
	nameInput bool
	// unresolved are keys or values the parser could not follow (a helper
	// from another file or package); reported, never guessed.
	unresolved []string
}

// parseSchema reads the Terraform resource defined in src: the function or
// method funcName (or, when empty, the first function returning
// *schema.Resource), its Schema (SDKv2) or Attributes/Blocks (framework)
// map, nested blocks included. consts resolves keys written as package
// constants (names.AttrName in terraform-provider-aws); the file's own
// string constants (routeDestinationCIDRBlock) are added to them.
func parseSchema(src []byte, funcName string, consts map[string]string) (*tfSchema, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "", src, 0)
	if err != nil {
		return nil, err
	}
	all := stringConsts(src)
	for k, v := range consts {
		all[k] = v
	}
	p := &schemaParser{file: file, consts: all, out: &tfSchema{}, funcs: map[string]*ast.FuncDecl{}, vars: packageVars(file)}
	var root *ast.FuncDecl
	for _, d := range file.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		if fn.Recv == nil {
			p.funcs[fn.Name.Name] = fn
		}
		if root != nil {
			continue
		}
		if funcName != "" && fn.Name.Name == funcName {
			root = fn
		}
		if funcName == "" && returnsResource(fn) {
			root = fn
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no resource function %q", funcName)
	}
	lit := firstResourceLiteral(root.Body)
	if lit == nil {
		return nil, fmt.Errorf("%s: no schema literal", root.Name.Name)
	}
	p.resource(lit, nil)
	p.scanConditional(file)
	slices.Sort(p.out.forceNew)
	p.out.forceNew = slices.Compact(p.out.forceNew)
	slices.Sort(p.out.conditional)
	p.out.conditional = slices.Compact(p.out.conditional)
	return p.out, nil
}

type schemaParser struct {
	file   *ast.File
	funcs  map[string]*ast.FuncDecl
	consts map[string]string
	// vars are the file's package-level variables with one value each (a
	// schema map kept in a var, as aws_sns_topic's topicSchema).
	vars map[string]ast.Expr
	out  *tfSchema
}

// packageVars is every package-level `var name = value` of file.
func packageVars(file *ast.File) map[string]ast.Expr {
	out := map[string]ast.Expr{}
	for _, vs := range valueSpecs(file, token.VAR) {
		if len(vs.Names) == 1 && len(vs.Values) == 1 {
			out[vs.Names[0].Name] = vs.Values[0]
		}
	}
	return out
}

// valueSpecs are the package-level var or const specs of file.
func valueSpecs(file *ast.File, tok token.Token) []*ast.ValueSpec {
	var out []*ast.ValueSpec
	for _, d := range file.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == tok {
			for _, s := range g.Specs {
				out = append(out, s.(*ast.ValueSpec))
			}
		}
	}
	return out
}

func returnsResource(fn *ast.FuncDecl) bool {
	if fn.Type.Results == nil || len(fn.Type.Results.List) != 1 {
		return false
	}
	star, ok := fn.Type.Results.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Resource"
}

// firstResourceLiteral is the first composite literal in body that has a
// Schema, SchemaFunc or Attributes field: the resource's definition.
func firstResourceLiteral(body ast.Node) *ast.CompositeLit {
	var found *ast.CompositeLit
	ast.Inspect(body, func(n ast.Node) bool {
		if found != nil {
			return false
		}
		if lit, ok := n.(*ast.CompositeLit); ok {
			for _, k := range []string{"Schema", "SchemaFunc", "Attributes"} {
				if field(lit, k) != nil {
					found = lit
					return false
				}
			}
		}
		return true
	})
	return found
}

// field is the value of key k in a struct literal, or nil.
func field(lit *ast.CompositeLit, k string) ast.Expr {
	for _, e := range lit.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && id.Name == k {
				return kv.Value
			}
		}
	}
	return nil
}

// resolve follows &x, a call of a function of this file without arguments,
// a function literal and a package-level variable to the composite literal
// they return or hold.
func (p *schemaParser) resolve(e ast.Expr) *ast.CompositeLit {
	for i := 0; i < 8 && e != nil; i++ {
		switch x := e.(type) {
		case *ast.CompositeLit:
			return x
		case *ast.UnaryExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.CallExpr:
			id, ok := x.Fun.(*ast.Ident)
			if !ok {
				return nil
			}
			fn := p.funcs[id.Name]
			if fn == nil {
				return nil
			}
			e = returned(fn.Body)
		case *ast.Ident:
			if v, ok := p.vars[x.Name]; ok {
				e = v
				continue
			}
			fn := p.funcs[x.Name]
			if fn == nil {
				return nil
			}
			e = returned(fn.Body)
		case *ast.FuncLit:
			e = returned(x.Body)
		default:
			return nil
		}
	}
	return nil
}

// returned is the expression of the last return statement directly in body.
func returned(body *ast.BlockStmt) ast.Expr {
	if body == nil {
		return nil
	}
	for i := len(body.List) - 1; i >= 0; i-- {
		if r, ok := body.List[i].(*ast.ReturnStmt); ok && len(r.Results) == 1 {
			return r.Results[0]
		}
	}
	return nil
}

func (p *schemaParser) resource(lit *ast.CompositeLit, path []string) {
	for _, k := range []string{"Schema", "SchemaFunc", "Attributes", "Blocks"} {
		if v := field(lit, k); v != nil {
			if m := p.resolve(v); m != nil {
				p.attributes(m, path)
			} else {
				p.out.unresolved = append(p.out.unresolved, strings.Join(append(slices.Clone(path), k), "."))
			}
		}
	}
}

// attributes walks a map literal of attribute name -> attribute.
func (p *schemaParser) attributes(m *ast.CompositeLit, path []string) {
	for _, e := range m.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		name, ok := p.key(kv.Key)
		if !ok {
			p.out.unresolved = append(p.out.unresolved, strings.Join(append(slices.Clone(path), render(kv.Key)), "."))
			continue
		}
		at := append(slices.Clone(path), name)
		attr := p.resolve(kv.Value)
		if attr == nil {
			// A helper from another package (tags, timeouts): not an input
			// this stack's replacement depends on; listed for review.
			p.out.unresolved = append(p.out.unresolved, strings.Join(at, ".")+"="+render(kv.Value))
			continue
		}
		p.attribute(attr, at)
	}
}

func (p *schemaParser) attribute(attr *ast.CompositeLit, path []string) {
	joined := strings.Join(path, ".")
	if v, ok := field(attr, "ForceNew").(*ast.Ident); ok && v.Name == "true" {
		// On a list or set of blocks the plugin SDK marks only the element
		// count RequiresNew (schema.go diffList/diffSet); each nested field
		// carries its own ForceNew. On a list of values the elements inherit
		// it. ".#" is the count.
		if p.isBlock(field(attr, "Elem")) {
			p.out.forceNew = append(p.out.forceNew, joined+".#")
		} else {
			p.out.forceNew = append(p.out.forceNew, joined)
		}
	}
	if pm := field(attr, "PlanModifiers"); pm != nil {
		ast.Inspect(pm, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok && strings.HasPrefix(callName(call), "RequiresReplace") {
				p.out.forceNew = append(p.out.forceNew, joined)
				return false
			}
			return true
		})
	}
	if len(path) == 1 && path[0] == "name" {
		typ := render(field(attr, "Type"))
		input := field(attr, "Optional") != nil || field(attr, "Required") != nil
		if input && (strings.HasSuffix(typ, "TypeString") || strings.Contains(render(attr.Type), "StringAttribute")) {
			p.out.nameInput = true
		}
	}
	if elem := field(attr, "Elem"); elem != nil {
		if r := p.resolve(elem); r != nil && (field(r, "Schema") != nil || field(r, "SchemaFunc") != nil) {
			p.resource(r, path)
		}
	}
	if nested := field(attr, "NestedObject"); nested != nil {
		if r := p.resolve(nested); r != nil {
			p.resource(r, path)
		}
	}
	if field(attr, "Attributes") != nil || field(attr, "Blocks") != nil {
		p.resource(attr, path)
	}
}

// isBlock reports whether an Elem is a nested resource (a block).
func (p *schemaParser) isBlock(elem ast.Expr) bool {
	if elem == nil {
		return false
	}
	r := p.resolve(elem)
	return r != nil && (field(r, "Schema") != nil || field(r, "SchemaFunc") != nil)
}

func (p *schemaParser) key(e ast.Expr) (string, bool) {
	switch k := e.(type) {
	case *ast.BasicLit:
		s, err := strconv.Unquote(k.Value)
		return s, err == nil
	case *ast.SelectorExpr:
		v, ok := p.consts[k.Sel.Name]
		return v, ok
	case *ast.Ident:
		v, ok := p.consts[k.Name]
		return v, ok
	}
	return "", false
}

// scanConditional records the attributes a CustomizeDiff may force new.
func (p *schemaParser) scanConditional(file *ast.File) {
	ast.Inspect(file, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		switch callName(call) {
		case "ForceNewIf", "ForceNewIfChange", "ForceNew":
			if name, ok := p.key(call.Args[0]); ok {
				p.out.conditional = append(p.out.conditional, name)
			}
		}
		return true
	})
}

func callName(call *ast.CallExpr) string {
	switch f := call.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

func render(e ast.Expr) string {
	switch x := e.(type) {
	case nil:
		return ""
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return render(x.X) + "." + x.Sel.Name
	case *ast.CallExpr:
		return render(x.Fun) + "()"
	case *ast.StarExpr:
		return "*" + render(x.X)
	case *ast.UnaryExpr:
		return x.Op.String() + render(x.X)
	case *ast.CompositeLit:
		return render(x.Type) + "{}"
	case *ast.BasicLit:
		return x.Value
	}
	return fmt.Sprintf("%T", e)
}

// stringConsts reads the string constants of a Go file (terraform-provider-aws's
// names package), for keys written as names.AttrX.
func stringConsts(src []byte) map[string]string {
	out := map[string]string{}
	file, err := parser.ParseFile(token.NewFileSet(), "", src, 0)
	if err != nil {
		return out
	}
	for _, vs := range valueSpecs(file, token.CONST) {
		for i, n := range vs.Names {
			if i >= len(vs.Values) {
				continue
			}
			if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if v, err := strconv.Unquote(lit.Value); err == nil {
					out[n.Name] = v
				}
			}
		}
	}
	return out
}
