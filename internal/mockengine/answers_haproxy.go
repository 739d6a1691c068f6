package mockengine

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Answers for the haproxy package: its launch templates and Auto Scaling
// groups, and the note's MY-AMI path (Seoul's image copied to Tokyo).
func init() {
	// Every run is a first run for the mock, so each template is at its
	// first version; `pulumi up` on a live stack would answer the next one.
	answerResource("aws:ec2/launchTemplate:LaunchTemplate", func(e *Engine, r *Resource) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{
			"arn":            "arn:aws:ec2:" + e.Region(r) + ":123456789012:launch-template/" + r.ID,
			"latestVersion":  1,
			"defaultVersion": 1,
		})
	})
	// The group is auto-named by the provider, as the program gives no name.
	answerResource("aws:autoscaling/group:Group", func(e *Engine, r *Resource) resource.PropertyMap {
		name := webnodeInput(r, "name")
		if name == "" {
			name = fmt.Sprintf("%s-%07x", r.Name, hash("autoname:"+r.URN)&0xfffffff)
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
				"snapshotId": fmt.Sprintf("snap-%08x", hash("snapshot:"+r.URN)),
				"encrypted":  true,
			}},
		})
	})
}
