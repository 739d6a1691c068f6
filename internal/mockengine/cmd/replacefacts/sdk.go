package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"unicode"
)

// sdkPackage is one package of a pinned Pulumi Go SDK: its structs' fields
// by Pulumi property name, and the Go type of each.
type sdkPackage struct {
	dir     string
	structs map[string]map[string]string // struct -> pulumi name -> element type
}

var sdkCache = map[string]*sdkPackage{}

// moduleDir is where the Go module cache holds module at the version go.mod pins.
func moduleDir(module string) (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", module).Output()
	if err != nil {
		return "", fmt.Errorf("go list -m %s: %w", module, err)
	}
	return strings.TrimSpace(string(out)), nil
}

func loadSDK(dir string) (*sdkPackage, error) {
	if p, ok := sdkCache[dir]; ok {
		return p, nil
	}
	p := &sdkPackage{dir: dir, structs: map[string]map[string]string{}}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, e.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range file.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.TYPE {
				continue
			}
			for _, s := range g.Specs {
				ts := s.(*ast.TypeSpec)
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				fields := map[string]string{}
				for _, f := range st.Fields.List {
					if f.Tag == nil {
						continue
					}
					tag, _ := strconv.Unquote(f.Tag.Value)
					name, _, _ := strings.Cut(reflect.StructTag(tag).Get("pulumi"), ",")
					if name != "" {
						fields[name] = elemType(f.Type)
					}
				}
				p.structs[ts.Name.Name] = fields
			}
		}
	}
	sdkCache[dir] = p
	return p, nil
}

// elemType is the named type a field holds: T of *T, []T, map[string]T.
func elemType(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.ArrayType:
			e = x.Elt
		case *ast.MapType:
			e = x.Value
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

// argsStruct is the SDK's struct of a resource's inputs: the token's type
// name with a lower-case first letter and "Args" ("vpnConnectionArgs").
func argsStruct(token string) string {
	typ := token[strings.LastIndex(token, ":")+1:]
	r := []rune(typ)
	r[0] = unicode.ToLower(r[0])
	return string(r) + "Args"
}

// pulumiPath maps a Terraform attribute path to the Pulumi property path the
// bridge gives it: lowerCamelCase names, lists pluralised, following the
// SDK's own field names level by level. ok is false when a level has no
// input of that name (an output-only attribute).
func (p *sdkPackage) pulumiPath(structName string, tfPath []string, renames map[string]string) (string, bool) {
	var out []string
	st := structName
	count := len(tfPath) > 0 && tfPath[len(tfPath)-1] == "#"
	if count {
		tfPath = tfPath[:len(tfPath)-1]
	}
	for _, tf := range tfPath {
		fields, ok := p.structs[st]
		if !ok {
			return "", false
		}
		// The bridge renames a few top-level fields (alarm_name -> name).
		name, ok := renames[tf], false
		if _, known := fields[name]; len(out) == 0 && known {
			ok = true
		} else {
			name, ok = matchName(fields, tf)
		}
		if !ok {
			return "", false
		}
		out = append(out, name)
		st = fields[name]
	}
	if count {
		out = append(out, "#")
	}
	return strings.Join(out, "."), true
}

func matchName(fields map[string]string, tf string) (string, bool) {
	camel := lowerCamel(tf)
	candidates := []string{camel, camel + "s", camel + "es"}
	if strings.HasSuffix(camel, "y") {
		candidates = append(candidates, strings.TrimSuffix(camel, "y")+"ies")
	}
	for _, c := range candidates {
		if _, ok := fields[c]; ok {
			return c, true
		}
	}
	return "", false
}

func lowerCamel(snake string) string {
	parts := strings.Split(snake, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// requires reports whether the SDK's constructor of token refuses a missing
// argument field ("invalid value for required argument 'Name'").
func (p *sdkPackage) requires(token, field string) bool {
	typ := token[strings.LastIndex(token, ":")+1:]
	file := filepath.Join(p.dir, strings.ToLower(typ[:1])+typ[1:]+".go")
	src, err := os.ReadFile(file)
	return err == nil && strings.Contains(string(src), "required argument '"+field+"'")
}
