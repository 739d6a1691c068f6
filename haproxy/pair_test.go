package haproxy

import (
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
	"github.com/hybridlab/hybrid-cloud/network"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	instanceType  = "aws:ec2/instance:Instance"
	sgType        = "aws:ec2/securityGroup:SecurityGroup"
	ingressType   = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	egressType    = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	amiType       = "aws:ec2/amiFromInstance:AmiFromInstance"
	amiCopyType   = "aws:ec2/amiCopy:AmiCopy"
	getAmiToken   = "aws:ec2/getAmi:getAmi"
	seoulRegion   = "ap-northeast-2"
	tokyoRegion   = "ap-northeast-1"
	webNodeSeoul  = "192.0.2.11"
	webNodeLondon = "198.51.100.12"
)

func devHAProxyConfig() Config {
	return Config{
		SeoulName: "HA-seoul", TokyoName: "HA-tokyo", InstanceType: "t3.micro",
		AmiName:      "MY-AMI",
		FrontendName: "http-in", BackendName: "backend_servers", CookieName: "SVID",
		ServerNames: ServerNames{Seoul: "seoul", London: "london", Oregon: "oregon", HongKong: "hongkong"},
	}
}

// runPair runs NewPair with two Seoul/Tokyo providers and two back ends, and
// exports the Pair's fields as stack outputs.
func runPair(t *testing.T, c Config) (*mockengine.Engine, error) {
	t.Helper()
	e := mockengine.New("hybrid-cloud", "dev")
	err := e.Run(func(ctx *pulumi.Context) error {
		seoul, err := aws.NewProvider(ctx, "aws-seoul", &aws.ProviderArgs{Region: pulumi.String(seoulRegion)})
		if err != nil {
			return err
		}
		tokyo, err := aws.NewProvider(ctx, "aws-tokyo", &aws.ProviderArgs{Region: pulumi.String(tokyoRegion)})
		if err != nil {
			return err
		}
		str := func(s string) pulumi.StringOutput { return mockengine.Resolved(ctx, s) }
		p, err := NewPair(ctx, "haproxy", &PairArgs{
			Config: c,
			Backends: []Backend{
				{Name: "seoul", Address: str(webNodeSeoul), Port: 80},
				{Name: "london", Address: str(webNodeLondon), Port: 80},
			},
			Seoul: Site{Region: seoulRegion, Provider: seoul, Placement: network.Placement{
				VpcID: str("vpc-my"), SubnetIDs: []pulumi.StringOutput{str("subnet-2a"), str("subnet-2c")},
			}},
			Tokyo: Site{Region: tokyoRegion, Provider: tokyo, Placement: network.Placement{
				VpcID: str("vpc-default"), SubnetIDs: []pulumi.StringOutput{str("subnet-1a")},
			}},
		})
		if err != nil {
			return err
		}
		for k, v := range map[string]pulumi.StringOutput{
			"seoulId": p.Seoul.InstanceID, "seoulIp": p.Seoul.PublicIP, "seoulPrivateIp": p.Seoul.PrivateIP, "seoulSg": p.Seoul.SecurityGroupID,
			"tokyoId": p.Tokyo.InstanceID, "tokyoIp": p.Tokyo.PublicIP, "tokyoPrivateIp": p.Tokyo.PrivateIP, "tokyoSg": p.Tokyo.SecurityGroupID,
			"config": p.Config,
		} {
			ctx.Export(k, v)
		}
		ctx.Export("healthPath", p.Config.ApplyT(func(string) string { return p.HealthPath }))
		return nil
	}, mockengine.Config{})
	return e, err
}

func mustRunPair(t *testing.T, c Config) *mockengine.Engine {
	t.Helper()
	e, err := runPair(t, c)
	if err != nil {
		t.Fatalf("NewPair: %v", err)
	}
	return e
}

func num(m resource.PropertyMap, key string) float64 {
	if v, ok := m[resource.PropertyKey(key)]; ok && v.IsNumber() {
		return v.NumberValue()
	}
	return -1
}

func TestPairDeclaresOneInstancePerRegion(t *testing.T) {
	t.Parallel()
	e := mustRunPair(t, devHAProxyConfig())
	pair := e.Find(PairType, "haproxy")
	if pair == nil {
		t.Fatal("no Pair component")
	}
	cases := []struct {
		name, tag, region, subnet, vpc string
	}{
		{"haproxy-seoul", "HA-seoul", seoulRegion, "subnet-2a", "vpc-my"},
		{"haproxy-tokyo", "HA-tokyo", tokyoRegion, "subnet-1a", "vpc-default"},
	}
	amis := map[bool]string{
		true:  e.Find(instanceType, "haproxy-tokyo").Text("ami"),
		false: e.Find(instanceType, "haproxy-seoul").Text("ami"),
	}
	if n := len(e.OfType(instanceType)); n != len(cases) {
		t.Errorf("%d instances, want %d", n, len(cases))
	}
	for _, c := range cases {
		t.Run(c.tag, func(t *testing.T) {
			inst := e.Find(instanceType, c.name)
			if inst == nil {
				t.Fatalf("no instance %s", c.name)
			}
			if e.ParentOf(inst) != pair {
				t.Errorf("parent is %v, want the Pair", inst.Parent)
			}
			if got := e.Region(inst); got != c.region {
				t.Errorf("region %q, want %q", got, c.region)
			}
			in := inst.Inputs
			for _, kv := range [][3]string{
				{"tags.Name", inst.Text("tags.Name"), c.tag},
				{"instanceType", inst.Text("instanceType"), "t3.micro"},
				{"subnetId", inst.Text("subnetId"), c.subnet},
				{"metadataOptions.httpTokens (IMDSv2)", inst.Text("metadataOptions.httpTokens"), "required"},
				{"rootBlockDevice.encrypted", inst.Text("rootBlockDevice.encrypted"), "true"},
				{"associatePublicIpAddress", inst.Text("associatePublicIpAddress"), "true"},
				{"userDataReplaceOnChange", inst.Text("userDataReplaceOnChange"), "true"},
			} {
				if kv[1] != kv[2] {
					t.Errorf("%s is %q, want %q", kv[0], kv[1], kv[2])
				}
			}
			// The mock's image IDs differ per region, like real AMI IDs.
			if ami := inst.Text("ami"); !strings.HasPrefix(ami, "ami-") || ami == amis[c.region == seoulRegion] {
				t.Errorf("ami %q: want this region's AL2023 lookup, not the other region's", ami)
			}
			sg := e.Find(sgType, c.name+"-sg")
			if sg == nil {
				t.Fatalf("no security group %s-sg", c.name)
			}
			if e.Region(sg) != c.region || e.ParentOf(sg) != pair || sg.Text("vpcId") != c.vpc {
				t.Errorf("security group: region %q, vpc %q, parent %v", e.Region(sg), sg.Text("vpcId"), sg.Parent)
			}
			groups := in["vpcSecurityGroupIds"]
			if !groups.IsArray() || len(groups.ArrayValue()) != 1 || groups.ArrayValue()[0].StringValue() != sg.ID {
				t.Errorf("vpcSecurityGroupIds %v, want [%s]", groups, sg.ID)
			}
		})
	}
}

func TestPairLooksUpAL2023ForTheInstanceArchitecture(t *testing.T) {
	t.Parallel()
	for typ, arch := range map[string]string{"t3.micro": "x86_64", "t4g.small": "arm64", "m7gd.large": "arm64", "g4dn.xlarge": "x86_64", "c6gn.medium": "arm64"} {
		if got := archOf(typ); got != arch {
			t.Errorf("archOf(%q) = %q, want %q", typ, got, arch)
		}
	}
	c := devHAProxyConfig()
	c.InstanceType = "t4g.micro"
	e := mustRunPair(t, c)
	var regions []string
	for _, inv := range e.InvokesOf(getAmiToken) {
		regions = append(regions, e.InvokeRegion(inv))
		var filters []string
		for _, f := range inv.Args["filters"].ArrayValue() {
			o := f.ObjectValue()
			filters = append(filters, o["name"].StringValue()+"="+o["values"].ArrayValue()[0].StringValue())
		}
		got := strings.Join(filters, " ")
		if !strings.Contains(got, "name=al2023-ami-2023.*-arm64") || !strings.Contains(got, "architecture=arm64") {
			t.Errorf("AMI filters %q, want AL2023 arm64", got)
		}
		if owners := inv.Args["owners"]; !owners.IsArray() || owners.ArrayValue()[0].StringValue() != "amazon" {
			t.Errorf("AMI owners %v, want amazon", owners)
		}
	}
	if strings.Join(regions, ",") != seoulRegion+","+tokyoRegion {
		t.Errorf("AMI lookups in %v, want one in each of %s and %s", regions, seoulRegion, tokyoRegion)
	}
}

func TestPairUserDataCarriesTheRenderedConfig(t *testing.T) {
	t.Parallel()
	for _, sticky := range []bool{false, true} {
		c := devHAProxyConfig()
		c.StickyCookie = sticky
		if sticky {
			// Every name in haproxy.cfg comes from config.
			c.FrontendName, c.BackendName, c.CookieName = "fe:80", "web.nodes", "LB"
		}
		e := mustRunPair(t, c)
		config, _ := e.Outputs()["config"].Value.(string)
		want, err := Render([]Server{{"seoul", webNodeSeoul, 80}, {"london", webNodeLondon, 80}}, Options{
			FrontendName: c.FrontendName, BackendName: c.BackendName, BindPort: 80, StickyCookie: sticky, CookieName: c.CookieName,
		})
		if err != nil {
			t.Fatal(err)
		}
		if config != want {
			t.Errorf("sticky=%v: Pair.Config is\n%s\nwant\n%s", sticky, config, want)
		}
		wantScript, err := UserData(want)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"haproxy-seoul", "haproxy-tokyo"} {
			if got := e.Find(instanceType, name).Text("userData"); got != wantScript {
				t.Errorf("sticky=%v: %s user data is not the rendered script:\n%s", sticky, name, got)
			}
		}
		for _, line := range []string{"frontend " + c.FrontendName + "\n", "backend " + c.BackendName + "\n", "nbsrv(" + c.BackendName + ")"} {
			if !strings.Contains(config, line) {
				t.Errorf("sticky=%v: config lacks %q", sticky, line)
			}
		}
		if sticky && !strings.Contains(config, "cookie LB insert") {
			t.Errorf("the sticky cookie is not named from config:\n%s", config)
		}
		if e.Outputs()["healthPath"].Value != HealthPath || !strings.Contains(config, "monitor-uri "+HealthPath) {
			t.Errorf("health path %v is not the config's monitor-uri", e.Outputs()["healthPath"].Value)
		}
	}
}

func TestPairSecurityGroupsLetNothingInOnPort80(t *testing.T) {
	t.Parallel()
	for _, admin := range []string{"", "198.51.100.0/24"} {
		c := devHAProxyConfig()
		c.AdminCidr = admin
		e := mustRunPair(t, c)
		for _, sg := range e.OfType(sgType) {
			if v, ok := sg.Inputs["ingress"]; ok && v.IsArray() && len(v.ArrayValue()) > 0 {
				t.Errorf("%s has inline ingress rules (they would fight gslb's rule): %v", sg.Name, v)
			}
			if v, ok := sg.Inputs["egress"]; ok && v.IsArray() && len(v.ArrayValue()) > 0 {
				t.Errorf("%s has inline egress rules: %v", sg.Name, v)
			}
		}
		ingress := e.OfType(ingressType)
		if admin == "" && len(ingress) != 0 {
			t.Errorf("no adminCidr, yet %d ingress rules", len(ingress))
		}
		if admin != "" && len(ingress) != 2 {
			t.Errorf("adminCidr set: %d ingress rules, want SSH on each instance (2)", len(ingress))
		}
		for _, r := range ingress {
			from, to := num(r.Inputs, "fromPort"), num(r.Inputs, "toPort")
			if from <= 80 && 80 <= to || from > to || r.Text("ipProtocol") == "-1" {
				t.Errorf("%s opens port 80: %v", r.Name, r.Inputs)
			}
			if from != 22 || to != 22 || r.Text("cidrIpv4") != admin {
				t.Errorf("%s: ports %v-%v from %q, want SSH from %s", r.Name, from, to, r.Text("cidrIpv4"), admin)
			}
		}
		egress := map[string]bool{}
		for _, r := range e.OfType(egressType) {
			sg := r.Text("securityGroupId")
			egress[sg+":"+r.Text("fromPort")] = true
			if r.Text("fromPort") != r.Text("toPort") {
				t.Errorf("%s opens a port range", r.Name)
			}
		}
		for _, sg := range e.OfType(sgType) {
			for _, port := range []string{"80", "443"} {
				if !egress[sg.ID+":"+port] {
					t.Errorf("%s: no egress on %s (package installs, web nodes)", sg.Name, port)
				}
			}
		}
		if len(egress) != 4 {
			t.Errorf("%d egress rules, want 80 and 443 on each group: %v", len(egress), egress)
		}
	}
}

func TestPairTokyoFromAmiCopiesSeoulsImage(t *testing.T) {
	t.Parallel()
	c := devHAProxyConfig()
	c.TokyoFromAmi = true
	e := mustRunPair(t, c)
	seoul, tokyo := e.Find(instanceType, "haproxy-seoul"), e.Find(instanceType, "haproxy-tokyo")
	image, cp := e.Find(amiType, "haproxy-ami"), e.Find(amiCopyType, "haproxy-ami-copy")
	if image == nil || cp == nil {
		t.Fatalf("image %v, copy %v: want both", image, cp)
	}
	if e.Region(image) != seoulRegion || e.Region(cp) != tokyoRegion {
		t.Errorf("image in %q, copy in %q; want %s and %s", e.Region(image), e.Region(cp), seoulRegion, tokyoRegion)
	}
	for _, kv := range [][3]string{
		{"image name", image.Text("name"), "MY-AMI"},
		{"image sourceInstanceId", image.Text("sourceInstanceId"), seoul.ID},
		{"image snapshotWithoutReboot", image.Text("snapshotWithoutReboot"), "true"},
		{"copy name", cp.Text("name"), "MY-AMI"},
		{"copy sourceAmiId", cp.Text("sourceAmiId"), image.ID},
		{"copy sourceAmiRegion", cp.Text("sourceAmiRegion"), seoulRegion},
		{"copy encrypted", cp.Text("encrypted"), "true"},
		{"HA-tokyo ami", tokyo.Text("ami"), cp.ID},
	} {
		if kv[1] != kv[2] {
			t.Errorf("%s is %q, want %q", kv[0], kv[1], kv[2])
		}
	}
	for _, r := range []*mockengine.Resource{image, cp} {
		if e.ParentOf(r) != e.Find(PairType, "haproxy") {
			t.Errorf("%s is not a child of the Pair", r.Name)
		}
	}
	if lookups := len(e.InvokesOf(getAmiToken)); lookups != 1 {
		t.Errorf("%d AL2023 lookups, want 1 (Seoul only; Tokyo uses the copy)", lookups)
	}
	if tokyo.Text("userData") != seoul.Text("userData") {
		t.Error("Tokyo launched from the copy must still get the (idempotent) user data")
	}

	// By default there is no image and no copy.
	plain := mustRunPair(t, devHAProxyConfig())
	if n := len(plain.OfType(amiType)) + len(plain.OfType(amiCopyType)); n != 0 {
		t.Errorf("tokyoFromAmi off, yet %d image resources", n)
	}
}

func TestPairOutputsAreTheInstances(t *testing.T) {
	t.Parallel()
	e := mustRunPair(t, devHAProxyConfig())
	out := e.Outputs()
	for _, site := range []string{"seoul", "tokyo"} {
		inst := e.Find(instanceType, "haproxy-"+site)
		sg := e.Find(sgType, "haproxy-"+site+"-sg")
		for key, want := range map[string]string{
			site + "Id":        inst.ID,
			site + "Ip":        mockengine.Text(inst.Outputs, "publicIp"),
			site + "PrivateIp": mockengine.Text(inst.Outputs, "privateIp"),
			site + "Sg":        sg.ID,
		} {
			if got := out[key].Value; got != want || want == "" {
				t.Errorf("%s = %v, want %q", key, got, want)
			}
		}
	}
	if out["seoulIp"].Value == out["tokyoIp"].Value {
		t.Error("both instances report the same public IP")
	}
}

func TestPairBadArgsFailAndRegisterNothing(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		edit func(c *Config)
		want []string
	}{
		{"no names", func(c *Config) { c.SeoulName, c.TokyoName = "", "" }, []string{"hybrid-cloud:haproxy.seoulName", "hybrid-cloud:haproxy.tokyoName"}},
		{"ami path without a name", func(c *Config) { c.TokyoFromAmi, c.AmiName = true, "" }, []string{"hybrid-cloud:haproxy.amiName"}},
		{"admin cidr", func(c *Config) { c.AdminCidr = "10.0.0.1/8" }, []string{"hybrid-cloud:haproxy.adminCidr"}},
		{"no instance type", func(c *Config) { c.InstanceType = "" }, []string{"hybrid-cloud:haproxy.instanceType"}},
		{"no proxy or cookie names", func(c *Config) { c.FrontendName, c.BackendName, c.CookieName = "", "", "" }, []string{
			"hybrid-cloud:haproxy.frontendName: is required", "hybrid-cloud:haproxy.backendName: is required", "hybrid-cloud:haproxy.cookieName: is required",
		}},
		{"proxy names HAProxy refuses", func(c *Config) { c.FrontendName, c.BackendName = "http in", "backend/servers" }, []string{
			`hybrid-cloud:haproxy.frontendName: "http in" is not allowed (HAProxy takes letters`, `hybrid-cloud:haproxy.backendName: "backend/servers" is not allowed`,
		}},
		{"cookie name with a semicolon", func(c *Config) { c.CookieName = "SV;ID" }, []string{`hybrid-cloud:haproxy.cookieName: "SV;ID" is not allowed`}},
		{"server names", func(c *Config) { c.ServerNames.Oregon, c.ServerNames.HongKong = "", "hong kong" }, []string{
			"hybrid-cloud:haproxy.serverNames.oregon: is required", `hybrid-cloud:haproxy.serverNames.hongkong: "hong kong" is not allowed`,
		}},
		{"same server name twice", func(c *Config) { c.ServerNames.London = "seoul" }, []string{
			`hybrid-cloud:haproxy.serverNames.london: "seoul" is also hybrid-cloud:haproxy.serverNames.seoul`,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cfg := devHAProxyConfig()
			c.edit(&cfg)
			e, err := runPair(t, cfg)
			mockengine.AssertErrorMentions(t, err, c.want...)
			e.AssertOnlyProviders(t)
		})
	}
}

func TestPairArgsValidation(t *testing.T) {
	t.Parallel()
	site := func(region string) Site {
		return Site{Region: region, Provider: &aws.Provider{}, Placement: network.Placement{SubnetIDs: []pulumi.StringOutput{{}}}}
	}
	good := func() *PairArgs {
		return &PairArgs{
			Config:   devHAProxyConfig(),
			Backends: []Backend{{Name: "seoul", Port: 80}, {Name: "london", Port: 80}},
			Seoul:    site(seoulRegion),
			Tokyo:    site(tokyoRegion),
		}
	}
	if err := good().validate(); err != nil {
		t.Fatalf("good args rejected: %v", err)
	}
	cases := []struct {
		name string
		edit func(a *PairArgs)
		want string
	}{
		{"no back ends", func(a *PairArgs) { a.Backends = nil }, "no back ends"},
		{"duplicate back end", func(a *PairArgs) { a.Backends[1].Name = "seoul" }, `"seoul" used twice`},
		{"bad back end name", func(a *PairArgs) { a.Backends[0].Name = "hong kong" }, `"hong kong"`},
		{"bad port", func(a *PairArgs) { a.Backends[0].Port = 0 }, "port 0"},
		{"no Tokyo provider", func(a *PairArgs) { a.Tokyo.Provider = nil }, "Tokyo site: no provider"},
		{"no Seoul subnet", func(a *PairArgs) { a.Seoul.Placement.SubnetIDs = nil }, "Seoul site: no subnet"},
		{"ami copy within one region", func(a *PairArgs) { a.Config.TokyoFromAmi = true; a.Tokyo.Region = seoulRegion }, "both sites are in"},
	}
	for _, c := range cases {
		a := good()
		c.edit(a)
		err := a.validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
	if err := (*PairArgs)(nil).validate(); err == nil {
		t.Error("nil args accepted")
	}
}
