package mockengine

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Answers for the haproxy package: the note's MY-AMI path (an image made
// from HA-seoul and its copy in Tokyo). Security group rules need no
// computed outputs, so they are left to whichever package needs more.
func init() {
	image := func(e *Engine, r *Resource) resource.PropertyMap {
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
	}
	answerResource("aws:ec2/amiFromInstance:AmiFromInstance", image)
	answerResource("aws:ec2/amiCopy:AmiCopy", image)
}
