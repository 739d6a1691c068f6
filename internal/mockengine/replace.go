package mockengine

import "slices"

// replaceKeys are, per resource type the stack declares, the inputs whose
// change makes the provider replace the resource (its schema's ForceNew
// fields, from the pinned providers' Terraform schemas), so that a two-run
// test sees a replacement where `pulumi up` would do one. "*" means every
// input. A type not listed here is never classed a replacement by its
// inputs; its replaceOnChanges option still counts.
var replaceKeys = map[string][]string{
	"aws:ec2/vpc:Vpc":                                           {"cidrBlock", "instanceTenancy"},
	"aws:ec2/subnet:Subnet":                                     {"cidrBlock", "availabilityZone", "vpcId"},
	"aws:ec2/customerGateway:CustomerGateway":                   {"ipAddress", "bgpAsn", "type", "deviceName", "certificateArn"},
	"aws:ec2/vpnGateway:VpnGateway":                             {"availabilityZone", "amazonSideAsn"},
	"aws:ec2/vpnConnection:VpnConnection":                       {"type", "localIpv4NetworkCidr", "remoteIpv4NetworkCidr", "staticRoutesOnly", "transportTransitGatewayAttachmentId"},
	"aws:ec2/vpnConnectionRoute:VpnConnectionRoute":             {"destinationCidrBlock", "vpnConnectionId"},
	"aws:ec2/eip:Eip":                                           {"domain", "address", "publicIpv4Pool"},
	"aws:ec2/securityGroup:SecurityGroup":                       {"name", "namePrefix", "description", "vpcId"},
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {"securityGroupId"},
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":   {"securityGroupId"},
	"aws:ec2/instance:Instance":                                 {"ami", "availabilityZone", "subnetId", "keyName", "privateIp", "associatePublicIpAddress"},
	"aws:ec2/launchTemplate:LaunchTemplate":                     {"name", "namePrefix"},
	"aws:ec2/amiCopy:AmiCopy":                                   {"name", "sourceAmiId", "sourceAmiRegion", "encrypted", "kmsKeyId"},
	"aws:autoscaling/group:Group":                               {"name", "namePrefix"},
	"aws:lb/loadBalancer:LoadBalancer":                          {"name", "namePrefix", "internal", "loadBalancerType"},
	"aws:lb/targetGroup:TargetGroup":                            {"name", "namePrefix", "port", "protocol", "protocolVersion", "targetType", "vpcId"},
	"aws:lb/listener:Listener":                                  {"loadBalancerArn"},
	"aws:acm/certificate:Certificate":                           {"domainName", "subjectAlternativeNames", "keyAlgorithm"},
	"aws:route53/record:Record":                                 {"name", "zoneId"},
	"aws:route53/healthCheck:HealthCheck":                       {"type", "requestInterval", "measureLatency", "referenceName", "routingControlArn"},
	"aws:cloudwatch/logGroup:LogGroup":                          {"name", "namePrefix"},
	"aws:sns/topic:Topic":                                       {"name", "namePrefix", "fifoTopic"},
	"random:index/randomPassword:RandomPassword":                {"*"},
	"gcp:compute/address:Address":                               {"name", "region", "addressType", "networkTier", "address"},
	"azure-native:resources:ResourceGroup":                      {"resourceGroupName", "location"},
	"azure-native:network:PublicIPAddress":                      {"publicIpAddressName", "resourceGroupName", "location"},
}

// replaces reports whether changing these inputs of r replaces it.
func replaces(r *Resource, changed []string) bool {
	keys := replaceKeys[r.Type]
	for _, k := range changed {
		if slices.Contains(keys, "*") || slices.Contains(keys, k) || slices.Contains(r.Options.ReplaceOnChanges, k) {
			return true
		}
		// The instance's user data replaces it only when it asks to.
		if r.Type == "aws:ec2/instance:Instance" && k == "userData" && Lookup(r.Inputs, "userDataReplaceOnChange").IsBool() &&
			Lookup(r.Inputs, "userDataReplaceOnChange").BoolValue() {
			return true
		}
	}
	// replaceOnChanges may name a nested path ("osProfile.customData").
	for _, path := range r.Options.ReplaceOnChanges {
		for _, k := range changed {
			if len(path) > len(k) && path[:len(k)] == k && path[len(k)] == '.' {
				return true
			}
		}
	}
	return false
}
