package mockengine

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Answers for the haproxy package: its launch templates and Auto Scaling
// groups, and the note's MY-AMI path (Seoul's image copied to Tokyo).
func init() {
	// A template starts at version 1; each update writes a new version
	// (terraform-provider-aws's Update calls CreateLaunchTemplateVersion),
	// so the latest version counts up on every run that changes it, and
	// the default follows it with updateDefaultVersion. A replacement is a
	// new template, at version 1 again.
	answerResource("aws:ec2/launchTemplate:LaunchTemplate", func(e *Engine, r *Resource) resource.PropertyMap {
		latest, def := 1.0, 1.0
		if p := r.prev; p != nil && p.generation == r.generation {
			latest, def = Lookup(p.Outputs, "latestVersion").NumberValue(), Lookup(p.Outputs, "defaultVersion").NumberValue()
			if len(decide(p, r).changed) > 0 {
				latest++
				if v := Lookup(r.Inputs, "updateDefaultVersion"); v.IsBool() && v.BoolValue() {
					def = latest
				}
			}
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"arn":            "arn:aws:ec2:" + e.Region(r) + ":123456789012:launch-template/" + r.ID,
			"latestVersion":  latest,
			"defaultVersion": def,
		})
	})
	// The group is auto-named by the provider, as the program gives no name.
	answerResource("aws:autoscaling/group:Group", func(e *Engine, r *Resource) resource.PropertyMap {
		name := webnodeInput(r, "name")
		if name == "" {
			name = fmt.Sprintf("%s-%07x", r.Name, hash("autoname:"+r.key())&0xfffffff)
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"name": name,
			"arn":  "arn:aws:autoscaling:" + e.Region(r) + ":123456789012:autoScalingGroup:" + r.ID + ":autoScalingGroupName/" + name,
		})
	})
	answerResource("aws:ec2/amiCopy:AmiCopy", func(e *Engine, r *Resource) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{
			"arn":            "arn:aws:ec2:" + e.Region(r) + "::image/" + r.ID,
			"architecture":   "x86_64",
			"rootDeviceName": "/dev/xvda",
			"ebsBlockDevices": []any{map[string]any{
				"deviceName": "/dev/xvda",
				"snapshotId": fmt.Sprintf("snap-%08x", hash("snapshot:"+r.key())),
				"encrypted":  true,
			}},
		})
	})
}
