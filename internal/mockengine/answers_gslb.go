package mockengine

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Answers for the gslb package: the hosted zone, load balancers, target
// groups, listeners, ACM certificates, health checks and records.
func init() {
	answerInvoke("aws:route53/getZone:getZone", func(e *Engine, inv Invoke) (resource.PropertyMap, error) {
		name := stringArg(inv.Args, "name")
		if name == "" {
			return nil, fmt.Errorf("mockengine: getZone without a name")
		}
		id := fmt.Sprintf("Z%08X", hash("zone:"+name))
		return resource.NewPropertyMapFromMap(map[string]any{
			"id":          id,
			"zoneId":      id,
			"name":        name,
			"arn":         "arn:aws:route53:::hostedzone/" + id,
			"privateZone": false,
			"nameServers": []any{"ns-1.awsdns-01.org", "ns-2.awsdns-02.net"},
		}), nil
	})
	answerResource("aws:lb/loadBalancer:LoadBalancer", func(e *Engine, r *Resource) resource.PropertyMap {
		region, name := e.Region(r), providerName(r)
		suffix := fmt.Sprintf("app/%s/%016x", name, uint64(hash("alb:"+r.key())))
		return resource.NewPropertyMapFromMap(map[string]any{
			"name":      name,
			"arn":       "arn:aws:elasticloadbalancing:" + region + ":123456789012:loadbalancer/" + suffix,
			"arnSuffix": suffix,
			"dnsName":   fmt.Sprintf("%s-%d.%s.elb.amazonaws.com", name, hash("dns:"+r.key()), region),
			// Each region's ELB hosted zone; fake, but one per region as in AWS.
			"zoneId": fmt.Sprintf("ZELB%08X", hash("elb-zone:"+region)),
		})
	})
	answerResource("aws:lb/targetGroup:TargetGroup", func(e *Engine, r *Resource) resource.PropertyMap {
		name := providerName(r)
		suffix := fmt.Sprintf("targetgroup/%s/%016x", name, uint64(hash("tg:"+r.key())))
		return resource.NewPropertyMapFromMap(map[string]any{
			"name":      name,
			"arn":       "arn:aws:elasticloadbalancing:" + e.Region(r) + ":123456789012:" + suffix,
			"arnSuffix": suffix,
		})
	})
	answerResource("aws:lb/listener:Listener", func(e *Engine, r *Resource) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{
			"arn": fmt.Sprintf("arn:aws:elasticloadbalancing:%s:123456789012:listener/app/%s/%08x", e.Region(r), r.Name, hash("listener:"+r.key())),
		})
	})
	// ACM's validation CNAME depends on the account and the domain only, so
	// two regions' certificates naming one domain get the same record.
	answerResource("aws:acm/certificate:Certificate", func(e *Engine, r *Resource) resource.PropertyMap {
		domains := []string{stringArg(r.Inputs, "domainName")}
		if sans, ok := r.Inputs["subjectAlternativeNames"]; ok && sans.IsArray() {
			for _, s := range sans.ArrayValue() {
				if s.IsString() {
					domains = append(domains, s.StringValue())
				}
			}
		}
		var options []any
		for _, d := range domains {
			token := fmt.Sprintf("%08x", hash("acm:"+d))
			options = append(options, map[string]any{
				"domainName":          d,
				"resourceRecordName":  "_" + token + "." + d + ".",
				"resourceRecordType":  "CNAME",
				"resourceRecordValue": "_" + token + ".validations.acm.example.",
			})
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"arn":                     fmt.Sprintf("arn:aws:acm:%s:123456789012:certificate/%08x", e.Region(r), hash("cert:"+r.key())),
			"domainValidationOptions": options,
			"status":                  "PENDING_VALIDATION",
		})
	})
	answerResource("aws:route53/healthCheck:HealthCheck", func(e *Engine, r *Resource) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{
			"arn": "arn:aws:route53:::healthcheck/" + r.ID,
		})
	})
	// Route 53 reports a record's name without the trailing dot.
	answerResource("aws:route53/record:Record", func(e *Engine, r *Resource) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{
			"fqdn": strings.TrimSuffix(strings.ToLower(stringArg(r.Inputs, "name")), "."),
		})
	})
}

// stringArg is a string property, or "".
func stringArg(m resource.PropertyMap, key string) string {
	if v, ok := m[resource.PropertyKey(key)]; ok && v.IsString() {
		return v.StringValue()
	}
	return ""
}
