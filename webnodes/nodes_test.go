package webnodes_test

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
	"github.com/hybridlab/hybrid-cloud/network"
	"github.com/hybridlab/hybrid-cloud/webnodes"
	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	azurenative "github.com/pulumi/pulumi-azure-native-sdk/v2"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// nodeCase builds one node the way main.go does, with its own provider.
type nodeCase struct {
	node, region, zone string
	componentType      string
	providerType       string
	build              func(ctx *pulumi.Context, c webnodes.Config) (*webnodes.Node, error)
	// userData is the script as the cloud receives it, decoded.
	userData func(t *testing.T, e *mockengine.Engine) string
	// publicIP is the address the cloud computed for the node.
	publicIP func(t *testing.T, e *mockengine.Engine) string
}

var nodeCases = []nodeCase{
	{
		node: "seoul", region: "ap-northeast-2", zone: "ap-northeast-2a", componentType: webnodes.AwsNodeType, providerType: "pulumi:providers:aws",
		build: func(ctx *pulumi.Context, c webnodes.Config) (*webnodes.Node, error) {
			p, err := aws.NewProvider(ctx, "aws-ap-northeast-2", &aws.ProviderArgs{Region: pulumi.String("ap-northeast-2")})
			if err != nil {
				return nil, err
			}
			return webnodes.NewAwsNode(ctx, "seoul", &webnodes.AwsNodeArgs{
				Config: c.Seoul, Region: "ap-northeast-2", Provider: p, Placement: testPlacement,
			})
		},
		userData: func(t *testing.T, e *mockengine.Engine) string {
			return str(t, mustFind(t, e, "aws:ec2/instance:Instance", "seoul-instance").Value("userData"))
		},
		// The Elastic IP, not the instance's own (which a stop/start changes).
		publicIP: func(t *testing.T, e *mockengine.Engine) string {
			return str(t, mockengine.Value(mustFind(t, e, "aws:ec2/eip:Eip", "seoul-eip").Outputs, "publicIp"))
		},
	},
	{
		node: "london", region: "uksouth", zone: "1", componentType: webnodes.AzureNodeType, providerType: "pulumi:providers:azure-native",
		build: func(ctx *pulumi.Context, c webnodes.Config) (*webnodes.Node, error) {
			p, err := azurenative.NewProvider(ctx, "azure-uksouth", &azurenative.ProviderArgs{Location: pulumi.String("uksouth")})
			if err != nil {
				return nil, err
			}
			return webnodes.NewAzureNode(ctx, "london", &webnodes.AzureNodeArgs{Config: c.London, Location: "uksouth", Provider: p})
		},
		userData: func(t *testing.T, e *mockengine.Engine) string {
			return b64(t, str(t, mustFind(t, e, "azure-native:compute:VirtualMachine", "london-vm").Value("osProfile.customData")))
		},
		publicIP: func(t *testing.T, e *mockengine.Engine) string {
			return str(t, mockengine.Value(mustFind(t, e, "azure-native:network:PublicIPAddress", "london-ip").Outputs, "ipAddress"))
		},
	},
	{
		node: "oregon", region: "us-west1", zone: "us-west1-b", componentType: webnodes.GcpNodeType, providerType: "pulumi:providers:gcp",
		build: func(ctx *pulumi.Context, c webnodes.Config) (*webnodes.Node, error) {
			p, err := gcp.NewProvider(ctx, "gcp-us-west1", &gcp.ProviderArgs{
				Project: pulumi.String("hybrid-lab-dev"), Region: pulumi.String("us-west1"),
			})
			if err != nil {
				return nil, err
			}
			return webnodes.NewGcpNode(ctx, "oregon", &webnodes.GcpNodeArgs{Config: c.Oregon, Region: "us-west1", Provider: p})
		},
		userData: func(t *testing.T, e *mockengine.Engine) string {
			return str(t, mustFind(t, e, "gcp:compute/instance:Instance", "oregon-instance").Value("metadataStartupScript"))
		},
		// The reserved address, which the instance's access config carries.
		publicIP: func(t *testing.T, e *mockengine.Engine) string {
			addr := str(t, mockengine.Value(mustFind(t, e, "gcp:compute/address:Address", "oregon-ip").Outputs, "address"))
			if nat := mockengine.Value(mustFind(t, e, "gcp:compute/instance:Instance", "oregon-instance").Outputs, "networkInterfaces.0.accessConfigs.0.natIp"); nat != addr {
				t.Errorf("instance natIp %v, want the reserved address %s", nat, addr)
			}
			return addr
		},
	},
	{
		node: "hongkong", region: "cn-hongkong", zone: "cn-hongkong-b", componentType: webnodes.AlicloudNodeType, providerType: "pulumi:providers:alicloud",
		build: func(ctx *pulumi.Context, c webnodes.Config) (*webnodes.Node, error) {
			p, err := alicloud.NewProvider(ctx, "alicloud-cn-hongkong", &alicloud.ProviderArgs{Region: pulumi.String("cn-hongkong")})
			if err != nil {
				return nil, err
			}
			return webnodes.NewAlicloudNode(ctx, "hongkong", &webnodes.AlicloudNodeArgs{Config: c.HongKong, Region: "cn-hongkong", Provider: p})
		},
		userData: func(t *testing.T, e *mockengine.Engine) string {
			return b64(t, str(t, mustFind(t, e, "alicloud:ecs/instance:Instance", "hongkong-instance").Value("userData")))
		},
		// The Elastic IP: the instance has no public IP of its own.
		publicIP: func(t *testing.T, e *mockengine.Engine) string {
			return str(t, mockengine.Value(mustFind(t, e, "alicloud:ecs/eipAddress:EipAddress", "hongkong-eip").Outputs, "ipAddress"))
		},
	},
}

var testPlacement = network.Placement{
	VpcID: pulumi.String("vpc-my").ToStringOutput(),
	SubnetIDs: []pulumi.StringOutput{
		pulumi.String("subnet-public-2a").ToStringOutput(), pulumi.String("subnet-public-2c").ToStringOutput(),
	},
	Zones: []string{"ap-northeast-2a", "ap-northeast-2c"},
}

// runNode runs a program that builds one node and exports what it exposes.
func runNode(t *testing.T, c webnodes.Config, build func(*pulumi.Context, webnodes.Config) (*webnodes.Node, error)) (*mockengine.Engine, error) {
	t.Helper()
	e := mockengine.New("hybrid-cloud", "dev")
	err := e.Run(func(ctx *pulumi.Context) error {
		n, err := build(ctx, c)
		if err != nil {
			return err
		}
		ctx.Export("publicIp", n.PublicIP)
		ctx.Export("nodes", webnodes.Summary([]*webnodes.Node{n}))
		return nil
	}, mockengine.Config{})
	return e, err
}

func TestEveryNodeIsOneComponentInItsRegionWithItsOutputs(t *testing.T) {
	t.Parallel()
	for _, tc := range nodeCases {
		t.Run(tc.node, func(t *testing.T) {
			t.Parallel()
			cfg := devNodes(t)
			e, err := runNode(t, cfg, tc.build)
			if err != nil {
				t.Fatal(err)
			}
			comp := mustFind(t, e, tc.componentType, tc.node)
			customs := 0
			for _, r := range e.Resources() {
				if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
					continue
				}
				customs++
				if r.Parent != comp.URN {
					t.Errorf("%s %s: parent %q, want the %s component", r.Type, r.Name, r.Parent, tc.node)
				}
				if p := e.ProviderOf(r); p == nil || p.Type != tc.providerType {
					t.Errorf("%s %s: provider %v, want the passed %s", r.Type, r.Name, p, tc.providerType)
				}
				if got := e.Region(r); got != tc.region {
					t.Errorf("%s %s: region %q, want %q", r.Type, r.Name, got, tc.region)
				}
				if !strings.HasPrefix(r.Name, tc.node+"-") {
					t.Errorf("%s %s: child name does not start with %q", r.Type, r.Name, tc.node+"-")
				}
			}
			if customs < 2 {
				t.Errorf("%d cloud resources, want the network rules and the server", customs)
			}
			for _, inv := range e.Invokes() {
				if p := e.ByURN(inv.Provider); p == nil || p.Type != tc.providerType {
					t.Errorf("invoke %s went through %q, want the passed %s", inv.Token, inv.Provider, tc.providerType)
				}
			}

			// The node's outputs: the address the cloud gave, and where it runs.
			ip := tc.publicIP(t, e)
			if addr, err := netip.ParseAddr(ip); err != nil || !addr.Is4() {
				t.Fatalf("computed public IP %q is not an IPv4 address", ip)
			}
			outs := e.Outputs()
			if got := outs["publicIp"].Value; got != ip {
				t.Errorf("Node.PublicIP = %v, want the cloud's %s", got, ip)
			}
			summary, _ := outs["nodes"].Value.([]map[string]any)
			if len(summary) != 1 {
				t.Fatalf("summary %T %v, want one entry", outs["nodes"].Value, outs["nodes"].Value)
			}
			label := map[string]string{"seoul": "SEOUL", "london": "LONDON", "oregon": "OREGON", "hongkong": "HONGKONG"}[tc.node]
			want := map[string]any{"label": label, "region": tc.region, "zone": tc.zone, "port": 80, "publicIp": ip}
			for k, v := range want {
				if got := summary[0][k]; fmt.Sprint(got) != fmt.Sprint(v) {
					t.Errorf("summary %s = %v, want %v", k, got, v)
				}
			}
		})
	}
}

// The script each cloud receives is the golden file of that node, so the
// shellcheck and golden tests cover what is shipped.
func TestEveryNodeShipsItsGoldenUserData(t *testing.T) {
	t.Parallel()
	for _, tc := range nodeCases {
		t.Run(tc.node, func(t *testing.T) {
			t.Parallel()
			e, err := runNode(t, devNodes(t), tc.build)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join("testdata", "userdata-"+tc.node+".sh.golden"))
			if err != nil {
				t.Fatal(err)
			}
			if got := tc.userData(t, e); got != string(want) {
				t.Errorf("user data differs from testdata/userdata-%s.sh.golden:\n%s", tc.node, got)
			}
		})
	}
}

func TestSeoulNode(t *testing.T) {
	t.Parallel()
	e, err := runNode(t, devNodes(t), nodeCases[0].build)
	if err != nil {
		t.Fatal(err)
	}
	// The image is the one Amazon Linux 2023 image named in config: no
	// pattern and no mostRecent, so a newer image cannot slip in.
	amis := e.InvokesOf("aws:ec2/getAmi:getAmi")
	if len(amis) != 1 {
		t.Fatalf("%d AMI lookups, want 1", len(amis))
	}
	ami := amis[0]
	if mockengine.Value(ami.Args, "mostRecent") != nil || !slices.Equal(strs(t, mockengine.Value(ami.Args, "owners")), []string{"amazon"}) {
		t.Errorf("AMI lookup %v: want the one named image owned by amazon, no mostRecent", ami.Args)
	}
	if mockengine.Value(ami.Args, "includeDeprecated") != true {
		t.Errorf("AMI lookup %v: a pinned image must still resolve once Amazon deprecates it", ami.Args)
	}
	if name := filterOf(t, ami.Args, "name"); name != "al2023-ami-2023.9.20251208.0-kernel-6.1-x86_64" {
		t.Errorf("AMI name filter %q, want the configured imageName", name)
	}

	inst := mustFind(t, e, "aws:ec2/instance:Instance", "seoul-instance").Inputs
	sg := mustFind(t, e, "aws:ec2/securityGroup:SecurityGroup", "seoul-sg")
	checks := map[string]any{
		"instanceType":                            "t3.micro",
		"subnetId":                                "subnet-public-2a",
		"associatePublicIpAddress":                true,
		"metadataOptions.httpTokens":              "required",
		"metadataOptions.httpEndpoint":            "enabled",
		"rootBlockDevice.encrypted":               true,
		"tags.Name":                               "Seoul",
		"vpcSecurityGroupIds.0":                   sg.ID,
		"userDataReplaceOnChange":                 true,
		"metadataOptions.httpPutResponseHopLimit": 1.0,
	}
	for path, want := range checks {
		if got := mockengine.Value(inst, path); got != want {
			t.Errorf("instance %s = %v, want %v", path, got, want)
		}
	}
	// The allocation is apart from its association: HAProxy and DNS take its
	// address without waiting for the rollout's association.
	eip := mustFind(t, e, "aws:ec2/eip:Eip", "seoul-eip")
	if mockengine.Value(eip.Inputs, "instance") != nil || mockengine.Value(eip.Inputs, "domain") != "vpc" {
		t.Errorf("Elastic IP %v: want a VPC allocation with no instance of its own", eip.Inputs)
	}
	assoc := mustFind(t, e, "aws:ec2/eipAssociation:EipAssociation", "seoul-eip-association").Inputs
	if mockengine.Value(assoc, "instanceId") != mustFind(t, e, "aws:ec2/instance:Instance", "seoul-instance").ID ||
		mockengine.Value(assoc, "allocationId") != mockengine.Value(eip.Outputs, "allocationId") ||
		mockengine.Value(assoc, "allowReassociation") != true {
		t.Errorf("Elastic IP association %v: want the instance, the allocation and allowReassociation (a new instance's association moves it)", assoc)
	}
	if ami := mockengine.Value(inst, "ami"); !strings.HasPrefix(ami.(string), "ami-") {
		t.Errorf("instance ami %v does not come from the lookup", ami)
	}
	if got := sg.Value("vpcId"); got != "vpc-my" {
		t.Errorf("security group in VPC %v, want vpc-my", got)
	}
	ingress := sg.Value("ingress").([]any)
	if len(ingress) != 1 {
		t.Fatalf("security group has %d ingress rules, want only HTTP: %v", len(ingress), ingress)
	}
	for path, want := range map[string]any{"protocol": "tcp", "fromPort": 80.0, "toPort": 80.0, "cidrBlocks.0": "0.0.0.0/0"} {
		if got := sg.Value("ingress.0." + path); got != want {
			t.Errorf("ingress %s = %v, want %v", path, got, want)
		}
	}
}

func TestLondonNode(t *testing.T) {
	t.Parallel()
	for _, adminCidr := range []string{"", "123.142.252.25/32"} {
		t.Run("adminCidr="+adminCidr, func(t *testing.T) {
			t.Parallel()
			cfg := devNodes(t)
			cfg.London.AdminCidr = adminCidr
			e, err := runNode(t, cfg, nodeCases[1].build)
			if err != nil {
				t.Fatal(err)
			}
			rg := mustFind(t, e, "azure-native:resources:ResourceGroup", "london-rg")
			if rg.Value("resourceGroupName") != "RG-TEST" {
				t.Errorf("resource group %v, want RG-TEST", rg.Inputs)
			}
			// Azure resources name their location; the subnet inherits its VNet's.
			for _, r := range e.Resources() {
				if !strings.HasPrefix(r.Type, "azure-native:") {
					continue
				}
				if r.Type != "azure-native:network:Subnet" && r.Value("location") != "uksouth" {
					t.Errorf("%s %s: location %v, want uksouth", r.Type, r.Name, r.Inputs["location"])
				}
				if r.Type != "azure-native:resources:ResourceGroup" && r.Value("resourceGroupName") != "RG-TEST" {
					t.Errorf("%s %s: resource group %v, want RG-TEST", r.Type, r.Name, r.Inputs["resourceGroupName"])
				}
			}
			vnet := mustFind(t, e, "azure-native:network:VirtualNetwork", "london-vnet").Inputs
			subnet := mustFind(t, e, "azure-native:network:Subnet", "london-subnet")
			if mockengine.Value(vnet, "addressSpace.addressPrefixes.0") != "10.30.0.0/16" || subnet.Value("addressPrefix") != "10.30.1.0/24" {
				t.Errorf("VNet %v / subnet %v, want 10.30.0.0/16 and 10.30.1.0/24", vnet, subnet.Inputs)
			}

			ip := mustFind(t, e, "azure-native:network:PublicIPAddress", "london-ip")
			for path, want := range map[string]any{
				"sku.name": "Standard", "publicIPAllocationMethod": "Static", "zones.0": "1",
			} {
				if got := ip.Value(path); got != want {
					t.Errorf("public IP %s = %v, want %v", path, got, want)
				}
			}
			if zones := ip.Value("zones").([]any); len(zones) != 1 {
				t.Errorf("public IP zones %v, want only zone 1", zones)
			}

			nsg := mustFind(t, e, "azure-native:network:NetworkSecurityGroup", "london-nsg")
			rules := map[string]string{} // port -> source
			for _, r := range nsg.Value("securityRules").([]any) {
				m := r.(map[string]any)
				if m["direction"] != "Inbound" || m["access"] != "Allow" || m["protocol"] != "Tcp" {
					t.Errorf("NSG rule %v is not an inbound TCP allow", m)
				}
				rules[m["destinationPortRange"].(string)] = m["sourceAddressPrefix"].(string)
			}
			want := map[string]string{"80": "Internet"}
			if adminCidr != "" {
				want["22"] = adminCidr
			}
			if len(rules) != len(want) || rules["80"] != want["80"] || rules["22"] != want["22"] {
				t.Errorf("NSG allows %v (port -> source), want %v", rules, want)
			}

			nic := mustFind(t, e, "azure-native:network:NetworkInterface", "london-nic").Inputs
			if mockengine.Value(nic, "networkSecurityGroup.id") != mustFind(t, e, "azure-native:network:NetworkSecurityGroup", "london-nsg").ID ||
				mockengine.Value(nic, "ipConfigurations.0.publicIPAddress.id") != ip.ID ||
				mockengine.Value(nic, "ipConfigurations.0.subnet.id") != subnet.ID {
				t.Errorf("NIC %v does not join the NSG, public IP and subnet", nic)
			}

			vm := mustFind(t, e, "azure-native:compute:VirtualMachine", "london-vm").Inputs
			for path, want := range map[string]any{
				"vmName":                 "london",
				"zones.0":                "1",
				"hardwareProfile.vmSize": "Standard_B1s",
				"storageProfile.imageReference.publisher":                    "Canonical",
				"storageProfile.imageReference.offer":                        "ubuntu-24_04-lts",
				"storageProfile.imageReference.sku":                          "server",
				"storageProfile.imageReference.version":                      "24.04.202512100",
				"osProfile.adminUsername":                                    "azureuser",
				"osProfile.linuxConfiguration.disablePasswordAuthentication": true,
				"osProfile.linuxConfiguration.ssh.publicKeys.0.path":         "/home/azureuser/.ssh/authorized_keys",
				"networkProfile.networkInterfaces.0.id":                      mustFind(t, e, "azure-native:network:NetworkInterface", "london-nic").ID,
				"securityProfile.securityType":                               "TrustedLaunch",
			} {
				if got := mockengine.Value(vm, path); got != want {
					t.Errorf("VM %s = %v, want %v", path, got, want)
				}
			}
			if key := mockengine.Value(vm, "osProfile.linuxConfiguration.ssh.publicKeys.0.keyData"); !strings.HasPrefix(key.(string), "ssh-ed25519 ") {
				t.Errorf("VM SSH key %v, want the configured key", key)
			}
			if _, ok := mockengine.Value(vm, "osProfile").(map[string]any)["adminPassword"]; ok {
				t.Error("VM has an admin password; login must be by SSH key only")
			}
		})
	}
}

func TestOregonNode(t *testing.T) {
	t.Parallel()
	e, err := runNode(t, devNodes(t), nodeCases[2].build)
	if err != nil {
		t.Fatal(err)
	}
	// Its own network, never the project's default (whose stock rules open
	// SSH and RDP), with one subnet of the configured range.
	net := mustFind(t, e, "gcp:compute/network:Network", "oregon-vpc")
	subnet := mustFind(t, e, "gcp:compute/subnetwork:Subnetwork", "oregon-subnet")
	for what, c := range map[string]struct {
		r    *mockengine.Resource
		want map[string]any
	}{
		"network": {net, map[string]any{"name": "oregon-vpc", "autoCreateSubnetworks": false}},
		"subnet":  {subnet, map[string]any{"name": "oregon-subnet", "network": net.ID, "region": "us-west1", "ipCidrRange": "10.50.1.0/24"}},
	} {
		for path, want := range c.want {
			if got := c.r.Value(path); got != want {
				t.Errorf("%s %s = %v, want %v", what, path, got, want)
			}
		}
	}
	sa := mustFind(t, e, "gcp:serviceaccount/account:Account", "oregon-sa")
	if sa.Value("accountId") != "oregon-web" {
		t.Errorf("service account ID %v, want oregon-web", sa.Inputs["accountId"])
	}
	inst := mustFind(t, e, "gcp:compute/instance:Instance", "oregon-instance").Inputs
	for path, want := range map[string]any{
		"name":                            "oregon",
		"zone":                            "us-west1-b",
		"machineType":                     "e2-micro",
		"bootDisk.initializeParams.image": "projects/rocky-linux-cloud/global/images/rocky-linux-9-v20250709",
		"networkInterfaces.0.subnetwork":  subnet.ID,
		"serviceAccount.email":            str(t, mockengine.Value(sa.Outputs, "email")),
		"shieldedInstanceConfig.enableSecureBoot": true,
		"metadata.enable-oslogin":                 "TRUE",
		"metadata.block-project-ssh-keys":         "TRUE",
		"tags.0":                                  "oregon-http",
	} {
		if got := mockengine.Value(inst, path); got != want {
			t.Errorf("instance %s = %v, want %v", path, got, want)
		}
	}
	scopes := strs(t, mockengine.Value(inst, "serviceAccount.scopes"))
	wantScopes := []string{"https://www.googleapis.com/auth/logging.write", "https://www.googleapis.com/auth/monitoring.write"}
	if !slices.Equal(scopes, wantScopes) {
		t.Errorf("scopes %v, want only %v (never cloud-platform)", scopes, wantScopes)
	}
	addr := mustFind(t, e, "gcp:compute/address:Address", "oregon-ip").Inputs
	if mockengine.Value(addr, "region") != "us-west1" || mockengine.Value(addr, "addressType") != "EXTERNAL" {
		t.Errorf("address %v, want an external address in us-west1", addr)
	}
	// The network's only rule: the web port. No SSH, RDP or ICMP.
	if fws := e.OfType("gcp:compute/firewall:Firewall"); len(fws) != 1 {
		t.Errorf("%d firewall rules, want only the web port's", len(fws))
	}
	fw := mustFind(t, e, "gcp:compute/firewall:Firewall", "oregon-fw").Inputs
	for path, want := range map[string]any{
		"network": net.ID, "direction": "INGRESS", "targetTags.0": "oregon-http",
		"sourceRanges.0": "0.0.0.0/0", "allows.0.protocol": "tcp", "allows.0.ports.0": "80",
	} {
		if got := mockengine.Value(fw, path); got != want {
			t.Errorf("firewall %s = %v, want %v", path, got, want)
		}
	}
	if n := len(mockengine.Value(fw, "allows").([]any)); n != 1 {
		t.Errorf("firewall allows %d protocols, want only tcp/80", n)
	}
}

func TestHongKongNode(t *testing.T) {
	t.Parallel()
	e, err := runNode(t, devNodes(t), nodeCases[3].build)
	if err != nil {
		t.Fatal(err)
	}
	lookups := e.InvokesOf("alicloud:ecs/getImages:getImages")
	if len(lookups) != 1 {
		t.Fatalf("%d image lookups, want 1", len(lookups))
	}
	lookup := lookups[0]
	for path, want := range map[string]any{
		"owners": "system", "mostRecent": nil, "status": "Available,Deprecated", "nameRegex": `^aliyun_3_x64_20G_alibase_20251030\.vhd$`, "instanceType": "ecs.t5-lc1m1.small",
	} {
		if got := mockengine.Value(lookup.Args, path); got != want {
			t.Errorf("image lookup %s = %v, want %v", path, got, want)
		}
	}
	vpc := mustFind(t, e, "alicloud:vpc/network:Network", "hongkong-vpc")
	vsw := mustFind(t, e, "alicloud:vpc/switch:Switch", "hongkong-vswitch")
	sg := mustFind(t, e, "alicloud:ecs/securityGroup:SecurityGroup", "hongkong-sg")
	rule := mustFind(t, e, "alicloud:ecs/securityGroupRule:SecurityGroupRule", "hongkong-http").Inputs
	inst := mustFind(t, e, "alicloud:ecs/instance:Instance", "hongkong-instance").Inputs
	eip := mustFind(t, e, "alicloud:ecs/eipAddress:EipAddress", "hongkong-eip")
	assoc := mustFind(t, e, "alicloud:ecs/eipAssociation:EipAssociation", "hongkong-eip-association").Inputs
	if ip := mockengine.Value(mustFind(t, e, "alicloud:ecs/instance:Instance", "hongkong-instance").Outputs, "publicIp"); ip != nil {
		t.Errorf("instance has its own public IP %v; the EIP must be its only one (ECS refuses an EIP otherwise)", ip)
	}
	for what, c := range map[string]struct {
		m    resource.PropertyMap
		want map[string]any
	}{
		"vpc":     {vpc.Inputs, map[string]any{"cidrBlock": "10.40.0.0/16", "vpcName": "hongkong-vpc"}},
		"vswitch": {vsw.Inputs, map[string]any{"cidrBlock": "10.40.1.0/24", "zoneId": "cn-hongkong-b", "vpcId": vpc.ID}},
		"group":   {sg.Inputs, map[string]any{"vpcId": vpc.ID}},
		"rule": {rule, map[string]any{
			"securityGroupId": sg.ID, "type": "ingress", "ipProtocol": "tcp", "portRange": "80/80",
			"cidrIp": "0.0.0.0/0", "nicType": "intranet", "policy": "accept",
		}},
		// No public IP of its own: the EIP carries the configured bandwidth.
		"instance": {inst, map[string]any{
			"instanceName": "hongkong", "instanceType": "ecs.t5-lc1m1.small", "availabilityZone": "cn-hongkong-b",
			"vswitchId": vsw.ID, "securityGroups.0": sg.ID, "internetMaxBandwidthOut": 0.0,
		}},
		"eip": {eip.Inputs, map[string]any{
			"addressName": "hongkong-eip", "bandwidth": "5", "internetChargeType": "PayByTraffic", "paymentType": "PayAsYouGo",
		}},
		"association": {assoc, map[string]any{
			"allocationId": eip.ID, "instanceId": mustFind(t, e, "alicloud:ecs/instance:Instance", "hongkong-instance").ID, "instanceType": "EcsInstance",
		}},
	} {
		for path, want := range c.want {
			if got := mockengine.Value(c.m, path); got != want {
				t.Errorf("%s %s = %v, want %v", what, path, got, want)
			}
		}
	}
	if id := mockengine.Value(inst, "imageId"); id != "aliyun_3_x64_20G_alibase_20251030.vhd" {
		t.Errorf("instance image %v does not come from the lookup", id)
	}
}

// A bad node config fails the constructor with the key named and registers
// nothing but the provider the test made.
func TestBadNodeArgsRegisterNothing(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		node   int
		change func(c *webnodes.Config)
		want   string
	}{
		{"unknown zone", 2, func(c *webnodes.Config) { c.Oregon.Zone = "us-east1-b" }, "hybrid-cloud:webNodes.oregon.zone"},
		{"Alibaba zone elsewhere", 3, func(c *webnodes.Config) { c.HongKong.Zone = "cn-beijing-a" }, "hybrid-cloud:webNodes.hongkong.zone"},
		{"empty label", 1, func(c *webnodes.Config) { c.London.Label = "" }, "hybrid-cloud:webNodes.london.label"},
		{"port 0", 0, func(c *webnodes.Config) { c.Seoul.Port = 0 }, "hybrid-cloud:webNodes.seoul.port"},
		{"port 65536", 3, func(c *webnodes.Config) { c.HongKong.Port = 65536 }, "hybrid-cloud:webNodes.hongkong.port"},
		{"empty size", 2, func(c *webnodes.Config) { c.Oregon.MachineType = "" }, "hybrid-cloud:webNodes.oregon.machineType"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := devNodes(t)
			tc.change(&cfg)
			e, err := runNode(t, cfg, nodeCases[tc.node].build)
			mockengine.AssertErrorMentions(t, err, tc.want)
			e.AssertOnlyProviders(t)
		})
	}
}

func TestNodeArgsNeedRegionProviderAndSubnet(t *testing.T) {
	t.Parallel()
	c := devNodes(t)
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"aws without subnets", (&webnodes.AwsNodeArgs{Config: c.Seoul, Region: "ap-northeast-2", Provider: &fakeProvider{}}).Validate(), "no public subnet"},
		{"azure without provider", (&webnodes.AzureNodeArgs{Config: c.London, Location: "uksouth"}).Validate(), "provider is required"},
		{"gcp without region", (&webnodes.GcpNodeArgs{Config: c.Oregon, Provider: &fakeProvider{}}).Validate(), "region is required"},
	}
	for _, tc := range cases {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, tc.err, tc.want)
		}
	}
	if err := (&webnodes.AlicloudNodeArgs{Config: c.HongKong, Region: "cn-hongkong", Provider: &fakeProvider{}}).Validate(); err != nil {
		t.Errorf("valid Alibaba args refused: %v", err)
	}
}

type fakeProvider struct{ pulumi.ProviderResourceState }

func str(t *testing.T, v any) string {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		t.Fatalf("%v is not a string", v)
	}
	return s
}

func strs(t *testing.T, v any) []string {
	t.Helper()
	arr, _ := v.([]any)
	out := make([]string, len(arr))
	for i, x := range arr {
		out[i] = str(t, x)
	}
	return out
}

func b64(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("not base64: %v", err)
	}
	return string(b)
}

func mustFind(t *testing.T, e *mockengine.Engine, typ, name string) *mockengine.Resource {
	t.Helper()
	r := e.Find(typ, name)
	if r == nil {
		t.Fatalf("no %s %s", typ, name)
	}
	return r
}

// filterOf is the first value of an AWS lookup's named filter.
func filterOf(t *testing.T, args resource.PropertyMap, name string) string {
	t.Helper()
	filters, _ := mockengine.Value(args, "filters").([]any)
	for i := range filters {
		if mockengine.Value(args, fmt.Sprintf("filters.%d.name", i)) == name {
			return str(t, mockengine.Value(args, fmt.Sprintf("filters.%d.values.0", i)))
		}
	}
	return ""
}

// TestNodesIgnoreNewerImages is the drift rule: after vendors publish newer
// images, the next run registers exactly what the last one did.
func TestNodesIgnoreNewerImages(t *testing.T) {
	t.Parallel()
	for _, tc := range nodeCases {
		t.Run(tc.node, func(t *testing.T) {
			t.Parallel()
			var runs [2]*mockengine.Engine
			for i := range runs {
				runs[i] = mockengine.New("hybrid-cloud", "dev")
				if i == 1 {
					runs[i].PublishNewerImages()
				}
				err := runs[i].Run(func(ctx *pulumi.Context) error {
					_, err := tc.build(ctx, devNodes(t))
					return err
				}, mockengine.Config{})
				if err != nil {
					t.Fatal(err)
				}
			}
			if changes := mockengine.Diff(runs[0], runs[1]); len(changes) != 0 {
				t.Errorf("a newer vendor image changed %v", changes)
			}
			// What the machine boots is the one image config names, never
			// "latest" or a family that a newer image would answer.
			c := devNodes(t)
			exact := map[string]struct{ typ, name, path, want string }{
				"seoul":    {"aws:ec2/instance:Instance", "seoul-instance", "ami", ""},
				"london":   {"azure-native:compute:VirtualMachine", "london-vm", "storageProfile.imageReference.version", c.London.ImageVersion},
				"oregon":   {"gcp:compute/instance:Instance", "oregon-instance", "bootDisk.initializeParams.image", "projects/rocky-linux-cloud/global/images/" + c.Oregon.ImageName},
				"hongkong": {"alicloud:ecs/instance:Instance", "hongkong-instance", "imageId", c.HongKong.ImageName},
			}[tc.node]
			got := mockengine.Value(mustFind(t, runs[1], exact.typ, exact.name).Inputs, exact.path)
			if exact.want == "" { // the AMI ID of the one image looked up by its exact name
				if lookups := runs[1].InvokesOf("aws:ec2/getAmi:getAmi"); len(lookups) != 1 || filterOf(t, lookups[0].Args, "name") != c.Seoul.ImageName {
					t.Errorf("Seoul's AMI lookup %v, want one by the exact name %s", lookups, c.Seoul.ImageName)
				}
			} else if got != exact.want {
				t.Errorf("%s boots %s = %v, want exactly %s", exact.name, exact.path, got, exact.want)
			}
		})
	}
}

// TestANewScriptMakesANewNode: user data runs at first boot only (GCP's
// startup script at boots), so every node is replaced when its script
// changes (a new port or label); otherwise the old page or port would stay.
func TestANewScriptMakesANewNode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		node, typ, name string
		// replaced is how the node asks for it: an input or replaceOnChanges.
		replaced func(r *mockengine.Resource) bool
	}{
		{"seoul", "aws:ec2/instance:Instance", "seoul-instance", func(r *mockengine.Resource) bool {
			return mockengine.Value(r.Inputs, "userDataReplaceOnChange") == true
		}},
		{"london", "azure-native:compute:VirtualMachine", "london-vm", func(r *mockengine.Resource) bool {
			return slices.Contains(r.Options.ReplaceOnChanges, "osProfile.customData") && r.Options.DeleteBeforeReplace
		}},
		{"oregon", "gcp:compute/instance:Instance", "oregon-instance", func(r *mockengine.Resource) bool {
			return slices.Equal(r.Options.ReplaceOnChanges, []string{"metadataStartupScript"}) && r.Input("metadataStartupScript").IsString()
		}},
		{"hongkong", "alicloud:ecs/instance:Instance", "hongkong-instance", func(r *mockengine.Resource) bool {
			return slices.Contains(r.Options.ReplaceOnChanges, "userData")
		}},
	} {
		var build func(*pulumi.Context, webnodes.Config) (*webnodes.Node, error)
		for _, c := range nodeCases {
			if c.node == tc.node {
				build = c.build
			}
		}
		e, err := runNode(t, devNodes(t), build)
		if err != nil {
			t.Fatal(err)
		}
		if r := mustFind(t, e, tc.typ, tc.name); !tc.replaced(r) {
			t.Errorf("%s: a new script would not replace %s (options %+v)", tc.node, tc.name, r.Options)
		}
	}
}
