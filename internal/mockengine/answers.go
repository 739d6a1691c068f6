package mockengine

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// computed adds the properties a cloud would compute to a resource's
// outputs, keyed by type token. Values are fake but stable, so that the plan
// and its golden file do not change from run to run. Each cloud's or
// component's answers live in a file of their own (answers_*.go) and are
// added with answerResource and answerInvoke from an init function.
var computed = map[string]func(e *Engine, r *Resource) resource.PropertyMap{
	"aws:ec2/instance:Instance": func(e *Engine, r *Resource) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{
			"publicIp":  e.PublicIP(r),
			"privateIp": FakeIP("private:" + r.key()),
			"arn":       "arn:aws:ec2:" + e.Region(r) + ":123456789012:instance/" + r.ID,
		})
	},
	"aws:ec2/securityGroup:SecurityGroup": func(e *Engine, r *Resource) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{
			"arn":  "arn:aws:ec2:" + e.Region(r) + ":123456789012:security-group/" + r.ID,
			"name": providerName(r),
		})
	},
}

// providerName is the name a resource has in its cloud: its name input, or
// when the program sets none, the one pulumi-aws makes (auto-naming: the
// resource's name, "-" and 7 random hex characters), here derived from the
// URN so that it is the same on every run.
func providerName(r *Resource) string {
	if n := stringArg(r.Inputs, "name"); n != "" {
		return n
	}
	return fmt.Sprintf("%s-%07x", r.Name, hash("autoname:"+r.key())&0xfffffff)
}

// answerResource adds the computed outputs of one resource type.
func answerResource(token string, fn func(e *Engine, r *Resource) resource.PropertyMap) {
	if _, dup := computed[token]; dup {
		panic("mockengine: two answers for resource " + token)
	}
	computed[token] = fn
}

// answerInvoke adds the answer to one invoke.
func answerInvoke(token string, fn func(e *Engine, inv Invoke) (resource.PropertyMap, error)) {
	if _, dup := invokes[token]; dup {
		panic("mockengine: two answers for invoke " + token)
	}
	invokes[token] = fn
}

// invokes answers data-source calls, keyed by function token.
var invokes = map[string]func(e *Engine, inv Invoke) (resource.PropertyMap, error){
	"aws:ec2/getVpc:getVpc": func(e *Engine, inv Invoke) (resource.PropertyMap, error) {
		region := e.InvokeRegion(inv)
		return resource.NewPropertyMapFromMap(map[string]any{
			"id":        "vpc-default-" + region,
			"cidrBlock": "172.31.0.0/16",
			"default":   true,
		}), nil
	},
	"aws:ec2/getSubnets:getSubnets": func(e *Engine, inv Invoke) (resource.PropertyMap, error) {
		zone := filterValue(inv.Args, "availability-zone")
		if zone == "" {
			return nil, fmt.Errorf("mockengine: getSubnets without an availability-zone filter")
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id":  "subnets-" + zone,
			"ids": []any{"subnet-default-" + zone},
		}), nil
	},
}

// filterValue returns the first value of the named filter of an AWS "get" invoke.
func filterValue(args resource.PropertyMap, name string) string {
	filters, ok := args["filters"]
	if !ok || !filters.IsArray() {
		return ""
	}
	for _, f := range filters.ArrayValue() {
		if !f.IsObject() {
			continue
		}
		obj := f.ObjectValue()
		if obj["name"].IsString() && obj["name"].StringValue() == name && obj["values"].IsArray() {
			if vs := obj["values"].ArrayValue(); len(vs) > 0 && vs[0].IsString() {
				return vs[0].StringValue()
			}
		}
	}
	return ""
}
