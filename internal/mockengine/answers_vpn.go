package mockengine

import (
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Answers for the vpn package's resources: what AWS, OpenStack and
// pulumi-random would compute. Keys and addresses are fake but stable.
func init() {
	answerResource("aws:ec2/vpnConnection:VpnConnection", func(e *Engine, r *Resource) resource.PropertyMap {
		out := resource.NewPropertyMapFromMap(map[string]any{
			"tunnel1Address": FakeIP("tunnel1:" + r.key()),
			"tunnel2Address": FakeIP("tunnel2:" + r.key()),
			"arn":            "arn:aws:ec2:" + e.Region(r) + ":123456789012:vpn-connection/" + r.ID,
		})
		// Each tunnel's inside /30: the one the program set, else one AWS
		// would pick (169.254.11.0/30 and 169.254.12.0/30 here). AWS's end
		// (vgw) is its first host, the customer gateway's (cgw) the second.
		for i, picked := range []string{"169.254.11.0/30", "169.254.12.0/30"} {
			t := fmt.Sprintf("tunnel%d", i+1)
			cidr := Str(r.Inputs, t+"InsideCidr")
			if cidr == "" {
				cidr = picked
			}
			p, err := netip.ParsePrefix(cidr)
			if err != nil {
				continue // the program validates it; AWS would refuse it
			}
			vgw := p.Masked().Addr().Next()
			out[resource.PropertyKey(t+"InsideCidr")] = resource.NewStringProperty(p.Masked().String())
			out[resource.PropertyKey(t+"VgwInsideAddress")] = resource.NewStringProperty(vgw.String())
			out[resource.PropertyKey(t+"CgwInsideAddress")] = resource.NewStringProperty(vgw.Next().String())
		}
		// AWS generates the keys the program did not set; secret, as AWS's are.
		for _, k := range []resource.PropertyKey{"tunnel1PresharedKey", "tunnel2PresharedKey"} {
			if _, set := r.Inputs[k]; !set {
				out[k] = resource.MakeSecret(resource.NewStringProperty(fakeKey(string(k)+r.key(), 32)))
			}
		}
		return out
	})
	answerResource("random:index/randomPassword:RandomPassword", func(e *Engine, r *Resource) resource.PropertyMap {
		n := 16
		if v, ok := r.Inputs["length"]; ok && v.IsNumber() {
			n = int(v.NumberValue())
		}
		return resource.PropertyMap{
			"result":     resource.MakeSecret(resource.NewStringProperty(fakeKey(r.key(), n))),
			"bcryptHash": resource.MakeSecret(resource.NewStringProperty("$2a$10$mock")),
		}
	})
	answerResource("openstack:networking/port:Port", func(e *Engine, r *Resource) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{
			"allFixedIps": []any{FakeIP("port:" + r.key())},
			"macAddress":  fmt.Sprintf("fa:16:3e:%02x:%02x:%02x", hash(r.key())&0xff, hash(r.key())>>8&0xff, hash(r.key())>>16&0xff),
		})
	})
	answerResource("openstack:compute/instance:Instance", func(e *Engine, r *Resource) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{
			"accessIpV4": FakeIP("instance:" + r.key()),
		})
	})
}

// fakeKey is a stable n-character key of letters, "." and "_" (what the vpn
// package asks pulumi-random for, and what AWS accepts).
func fakeKey(seed string, n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ._"
	out := make([]byte, n)
	h := hash(seed)
	for i := range out {
		h = h*1664525 + 1013904223
		out[i] = alphabet[(h>>8)%uint32(len(alphabet))]
	}
	return string(out)
}
