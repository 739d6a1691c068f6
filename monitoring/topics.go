package monitoring

import (
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// newTopics declares one alarm topic per region (a CloudWatch alarm can
// only notify a topic in its own region) and subscribes every alert
// address to each. The topics exist even with no address, so that anyone
// can subscribe later without a deploy.
func newTopics(ctx *pulumi.Context, parent pulumi.Resource, name, prefix string, regions []Region,
	emails []string, protect bool) (map[string]*sns.Topic, error) {
	topics := map[string]*sns.Topic{}
	for _, r := range regions {
		opts := []pulumi.ResourceOption{pulumi.Parent(parent), pulumi.Provider(r.Provider)}
		topic, err := sns.NewTopic(ctx, name+"-topic-"+r.Name, &sns.TopicArgs{
			Name: pulumi.String(prefix + "-alarms"),
		}, append(opts, pulumi.Protect(protect))...)
		if err != nil {
			return nil, fmt.Errorf("topic in %s: %w", r.Name, err)
		}
		topics[r.Name] = topic
		for _, email := range emails {
			// Named by a digest, not a position: removing one address
			// leaves the others' (confirmed) subscriptions alone, and no
			// address ends up in a resource's URN.
			if _, err := sns.NewTopicSubscription(ctx, fmt.Sprintf("%s-topic-%s-email-%s", name, r.Name, emailDigest(email)),
				&sns.TopicSubscriptionArgs{
					Topic:    topic.Arn,
					Protocol: pulumi.String("email"),
					Endpoint: pulumi.String(email),
				}, opts...); err != nil {
				return nil, fmt.Errorf("topic in %s: subscription: %w", r.Name, err)
			}
		}
	}
	return topics, nil
}

// emailDigest is a short stable name for an address (case-insensitive, as
// config validation treats two spellings as one address).
func emailDigest(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(email)))
	return fmt.Sprintf("%x", sum[:4])
}
