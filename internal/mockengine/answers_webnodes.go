package mockengine

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// What the clouds compute for the web nodes: their public addresses (the
// Elastic IPs of AWS and Alibaba), the GCP service account's email and
// Alibaba's image lookup.
func init() {
	answerResource("azure-native:network:PublicIPAddress", func(e *Engine, r *Resource) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{
			"ipAddress": e.PublicIP(r),
		})
	})
	// The instance's interfaces as given, each access config with its natIp.
	answerResource("gcp:compute/instance:Instance", func(e *Engine, r *Resource) resource.PropertyMap {
		var nics []any
		if v, ok := r.Inputs["networkInterfaces"]; ok && v.IsArray() {
			for i, nic := range v.ArrayValue() {
				if !nic.IsObject() {
					continue
				}
				obj := nic.ObjectValue().Mappable()
				obj["networkIp"] = FakeIP(fmt.Sprintf("private:%s:%d", r.key(), i))
				if acs, ok := obj["accessConfigs"].([]any); ok {
					for j, ac := range acs {
						m, _ := ac.(map[string]any)
						if m == nil {
							m = map[string]any{}
						}
						// A reserved natIp stays; an empty one is ephemeral.
						if ip, _ := m["natIp"].(string); ip == "" {
							m["natIp"] = FakeIP(fmt.Sprintf("public:%s:%d:%d", r.key(), i, j))
						}
						acs[j] = m
					}
				}
				nics = append(nics, obj)
			}
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"networkInterfaces": nics,
			"selfLink":          "https://www.googleapis.com/compute/v1/projects/mock/zones/" + webnodeInput(r, "zone") + "/instances/" + webnodeInput(r, "name"),
		})
	})
	answerResource("aws:ec2/eip:Eip", func(e *Engine, r *Resource) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{
			"publicIp":     e.PublicIP(r),
			"allocationId": "eipalloc-" + r.ID,
		})
	})
	answerResource("gcp:compute/address:Address", func(e *Engine, r *Resource) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{
			"address": e.PublicIP(r),
		})
	})
	answerResource("gcp:serviceaccount/account:Account", func(e *Engine, r *Resource) resource.PropertyMap {
		project := "mock-project"
		if p := e.ProviderOf(r); p != nil && p.Inputs["project"].IsString() {
			project = p.Inputs["project"].StringValue()
		}
		email := webnodeInput(r, "accountId") + "@" + project + ".iam.gserviceaccount.com"
		return resource.NewPropertyMapFromMap(map[string]any{
			"email":   email,
			"member":  "serviceAccount:" + email,
			"name":    "projects/" + project + "/serviceAccounts/" + email,
			"project": project,
		})
	})
	// Alibaba's Elastic IP: its address, in use once associated.
	answerResource("alicloud:ecs/eipAddress:EipAddress", func(e *Engine, r *Resource) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{
			"ipAddress": FakeIP("public:" + r.key()),
			"status":    "InUse",
		})
	})
	// EC2's view of an instance now: the Seoul node's rollout asks it for
	// the instance's own public address (an auto-assigned one, distinct
	// from any Elastic IP the program gives the node).
	answerInvoke("aws:ec2/getInstance:getInstance", func(e *Engine, inv Invoke) (resource.PropertyMap, error) {
		id := ""
		if v, ok := inv.Args["instanceId"]; ok && v.IsString() {
			id = v.StringValue()
		}
		if id == "" {
			return nil, fmt.Errorf("aws:ec2/getInstance: no instanceId")
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": id, "instanceId": id, "instanceState": "running",
			"publicIp": FakeIP("instance-public:" + id),
		}), nil
	})
	answerResource("alicloud:ecs/instance:Instance", func(e *Engine, r *Resource) resource.PropertyMap {
		out := map[string]any{"privateIp": FakeIP("private:" + r.key())}
		// Alibaba gives a public IP only with public bandwidth.
		if bw, ok := r.Inputs["internetMaxBandwidthOut"]; ok && bw.IsNumber() && bw.NumberValue() > 0 {
			out["publicIp"] = e.PublicIP(r)
		}
		return resource.NewPropertyMapFromMap(out)
	})
}

// webnodeInput is a string input of r, or "".
func webnodeInput(r *Resource, key resource.PropertyKey) string {
	if v, ok := r.Inputs[key]; ok && v.IsString() {
		return v.StringValue()
	}
	return ""
}

// Azure returns a resource's name as "name"; the program passes it on (the
// resource group's and the VNet's) to the resources inside them.
func init() {
	for token, input := range map[string]resource.PropertyKey{
		"azure-native:resources:ResourceGroup":  "resourceGroupName",
		"azure-native:network:VirtualNetwork":   "virtualNetworkName",
		"azure-native:network:Subnet":           "subnetName",
		"azure-native:network:NetworkInterface": "networkInterfaceName",
		"azure-native:compute:VirtualMachine":   "vmName",
	} {
		answerResource(token, func(e *Engine, r *Resource) resource.PropertyMap {
			return resource.NewPropertyMapFromMap(map[string]any{"name": webnodeInput(r, input)})
		})
	}
}
