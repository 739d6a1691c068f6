package mockengine

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Answers for the monitoring package and the VPN's tunnel log group: what
// CloudWatch, CloudWatch Logs and SNS compute. ARNs name the provider's
// region, so a test can see where each resource went.
func init() {
	answerResource("aws:cloudwatch/logGroup:LogGroup", func(e *Engine, r *Resource) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{
			"arn": fmt.Sprintf("arn:aws:logs:%s:123456789012:log-group:%s", e.Region(r), stringArg(r.Inputs, "name")),
		})
	})
	answerResource("aws:sns/topic:Topic", func(e *Engine, r *Resource) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{
			"arn": fmt.Sprintf("arn:aws:sns:%s:123456789012:%s", e.Region(r), stringArg(r.Inputs, "name")),
		})
	})
	// An email subscription stays pending until its address confirms; SNS
	// names it so and gives it no real ARN until then.
	answerResource("aws:sns/topicSubscription:TopicSubscription", func(e *Engine, r *Resource) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{
			"arn":                 "pending confirmation",
			"pendingConfirmation": true,
		})
	})
	answerResource("aws:cloudwatch/metricAlarm:MetricAlarm", func(e *Engine, r *Resource) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{
			"arn": fmt.Sprintf("arn:aws:cloudwatch:%s:123456789012:alarm:%s", e.Region(r), stringArg(r.Inputs, "name")),
		})
	})
	answerResource("aws:cloudwatch/dashboard:Dashboard", func(e *Engine, r *Resource) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{
			"dashboardArn": fmt.Sprintf("arn:aws:cloudwatch::123456789012:dashboard/%s", stringArg(r.Inputs, "dashboardName")),
		})
	})
}
