package mockengine

import (
	"fmt"
	"regexp/syntax"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Image lookups behave like the clouds' own: a query names one image
// exactly, or a pattern that the vendor's catalog may match more than once.
// The mock catalog holds, for every pattern, one image published before the
// first run and, after PublishNewerImages, a newer one; an exact name always
// finds exactly that image. As on AWS, a pattern that matches two images
// without mostRecent is an error, so an ambiguous lookup cannot pass a test.
const (
	olderImageStamp = "20250101"
	newerImageStamp = "20260101"
)

func init() {
	answerInvoke("aws:ec2/getAmi:getAmi", func(e *Engine, inv Invoke) (resource.PropertyMap, error) {
		pattern := filterValue(inv.Args, "name")
		exact := pattern != "" && !strings.ContainsAny(pattern, "*?")
		name, err := e.pickImage(pattern, exact, globStamp, inv.Args["mostRecent"])
		if err != nil {
			return nil, fmt.Errorf("aws:ec2/getAmi: %w", err)
		}
		arch := "x86_64"
		if strings.Contains(name, "arm64") {
			arch = "arm64"
		}
		root := "/dev/xvda" // Amazon Linux; Ubuntu's images boot from /dev/sda1
		if strings.HasPrefix(name, "ubuntu/") {
			root = "/dev/sda1"
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id":             fmt.Sprintf("ami-%08x", hash(e.InvokeRegion(inv)+name)),
			"name":           name,
			"architecture":   arch,
			"rootDeviceName": root,
			"state":          "available",
		}), nil
	})
	answerInvoke("alicloud:ecs/getImages:getImages", func(e *Engine, inv Invoke) (resource.PropertyMap, error) {
		regex := ""
		if v, ok := inv.Args["nameRegex"]; ok && v.IsString() {
			regex = v.StringValue()
		}
		literal, exact := literalRegex(regex)
		pattern := regex
		if exact {
			pattern = literal
		}
		name, err := e.pickImage(pattern, exact, regexStamp, inv.Args["mostRecent"])
		if err != nil {
			return nil, fmt.Errorf("alicloud:ecs/getImages: %w", err)
		}
		id := name // Alibaba's public images are named by their ID
		return resource.NewPropertyMapFromMap(map[string]any{
			"id":  fmt.Sprintf("images-%08x", hash(e.InvokeRegion(inv)+regex)),
			"ids": []any{id},
			"images": []any{map[string]any{
				"id": id, "imageId": id, "name": name,
				"osType": "linux", "architecture": "x86_64", "status": "Available",
			}},
		}), nil
	})
}

// pickImage answers a lookup from the mock catalog: an exact name is that
// image; a pattern matches the older image and, once newer ones are
// published, the newer one too, and then needs mostRecent to choose.
func (e *Engine) pickImage(pattern string, exact bool, stamp func(pattern, date string) string, mostRecent resource.PropertyValue) (string, error) {
	if pattern == "" {
		return "", fmt.Errorf("no name to look up")
	}
	if exact {
		return pattern, nil
	}
	matches := []string{stamp(pattern, olderImageStamp)}
	if e.newerImages {
		matches = append(matches, stamp(pattern, newerImageStamp))
	}
	if len(matches) > 1 && !(mostRecent.IsBool() && mostRecent.BoolValue()) {
		return "", fmt.Errorf("your query returned more than one result (%s); use a more specific search or set mostRecent", strings.Join(matches, ", "))
	}
	return matches[len(matches)-1], nil
}

// globStamp turns an EC2 name filter (* and ? wildcards) into the name of
// one image it matches.
func globStamp(pattern, date string) string {
	return strings.NewReplacer("*", date, "?", "0").Replace(pattern)
}

// regexStamp does the same for a regular expression of the simple kind
// image lookups use (anchors, \., .*).
func regexStamp(pattern, date string) string {
	return strings.NewReplacer(".*", date, `\.`, ".", "^", "", "$", "").Replace(pattern)
}

// literalRegex reports the one string an anchored regular expression
// matches, if it matches exactly one ("^aliyun_3\.vhd$" -> "aliyun_3.vhd").
func literalRegex(re string) (string, bool) {
	parsed, err := syntax.Parse(re, syntax.Perl)
	if err != nil {
		return "", false
	}
	parsed = parsed.Simplify()
	if parsed.Op != syntax.OpConcat || len(parsed.Sub) != 3 ||
		parsed.Sub[0].Op != syntax.OpBeginText || parsed.Sub[2].Op != syntax.OpEndText ||
		parsed.Sub[1].Op != syntax.OpLiteral || parsed.Sub[1].Flags&syntax.FoldCase != 0 {
		return "", false
	}
	return string(parsed.Sub[1].Rune), true
}
