package haproxy

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
	"github.com/hybridlab/hybrid-cloud/network"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	ltType        = "aws:ec2/launchTemplate:LaunchTemplate"
	asgType       = "aws:autoscaling/group:Group"
	sgType        = "aws:ec2/securityGroup:SecurityGroup"
	ingressType   = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	egressType    = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	amiCopyType   = "aws:ec2/amiCopy:AmiCopy"
	listenerType  = "aws:lb/listener:Listener"
	al2023        = "al2023-ami-2023.9.20251208.0-kernel-6.1-x86_64"
	getAmiToken   = "aws:ec2/getAmi:getAmi"
	seoulRegion   = "ap-northeast-2"
	tokyoRegion   = "ap-northeast-1"
	webNodeSeoul  = "192.0.2.11"
	webNodeLondon = "198.51.100.12"
)

func devHAProxyConfig() Config {
	return Config{
		SeoulName: "HA-seoul", TokyoName: "HA-tokyo", InstanceType: "t3.micro", Image: al2023,
		AmiName:      "MY-AMI",
		FrontendName: "http-in", BackendName: "backend_servers", CookieName: "SVID",
		ServerNames: ServerNames{Seoul: "seoul", London: "london", Oregon: "oregon", HongKong: "hongkong"},
	}
}

// What gslb hands each region's group: its ALB's target group and security group.
var (
	targetGroups = map[string]string{
		"seoul": "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/TG-Seoul/1",
		"tokyo": "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:targetgroup/TG-TOKYO/2",
	}
	albGroups = map[string]string{"seoul": "sg-albseoul", "tokyo": "sg-albtokyo"}
	subnets   = map[string][]string{"seoul": {"subnet-2a", "subnet-2c"}, "tokyo": {"subnet-1a", "subnet-1c"}}
	vpcs      = map[string]string{"seoul": "vpc-my", "tokyo": "vpc-default"}
	regions   = map[string]string{"seoul": seoulRegion, "tokyo": tokyoRegion}
)

// pairRun is one run of NewPair: the config, the web nodes' ports and
// whether vendors have published newer images since.
type pairRun struct {
	config      Config
	ports       [2]int
	newerImages bool
}

// runPair runs NewPair with two Seoul/Tokyo providers and two back ends on
// port 80, and exports the Pair's fields as stack outputs.
func runPair(t *testing.T, c Config) (*mockengine.Engine, error) {
	t.Helper()
	return pairRun{config: c, ports: [2]int{80, 80}}.run(t)
}

func (r pairRun) run(t *testing.T) (*mockengine.Engine, error) {
	t.Helper()
	e := mockengine.New("hybrid-cloud", "dev")
	if r.newerImages {
		e.PublishNewerImages()
	}
	err := e.Run(func(ctx *pulumi.Context) error {
		str := func(s string) pulumi.StringOutput { return mockengine.Resolved(ctx, s) }
		sites := map[string]Site{}
		for role, region := range regions {
			p, err := aws.NewProvider(ctx, "aws-"+role, &aws.ProviderArgs{Region: pulumi.String(region)})
			if err != nil {
				return err
			}
			// gslb's HTTPS listener, which forwards to the target group.
			listener, err := lb.NewListener(ctx, "alb-"+role+"-https", &lb.ListenerArgs{
				LoadBalancerArn: pulumi.String("arn:alb-" + role),
				DefaultActions: lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
					Type: pulumi.String("forward"), TargetGroupArn: str(targetGroups[role]),
				}},
			}, pulumi.Provider(p))
			if err != nil {
				return err
			}
			s := Site{
				Region: region, Provider: p, Placement: network.Placement{VpcID: str(vpcs[role])},
				TargetGroupArn: str(targetGroups[role]), AlbSecurityGroupID: str(albGroups[role]), Listener: listener,
				IngressAliases: []pulumi.Alias{{Name: pulumi.String("old-" + role + "-in")}},
				EgressAliases:  []pulumi.Alias{{Name: pulumi.String("old-" + role + "-out")}},
			}
			for _, id := range subnets[role] {
				s.Placement.SubnetIDs = append(s.Placement.SubnetIDs, str(id))
			}
			sites[role] = s
		}
		p, err := NewPair(ctx, "haproxy", &PairArgs{
			Config: r.config,
			Backends: []Backend{
				{Name: "seoul", Address: str(webNodeSeoul), Port: r.ports[0]},
				{Name: "london", Address: str(webNodeLondon), Port: r.ports[1]},
			},
			Seoul: sites["seoul"],
			Tokyo: sites["tokyo"],
		})
		if err != nil {
			return err
		}
		for role, g := range map[string]Group{"seoul": p.Seoul, "tokyo": p.Tokyo} {
			ctx.Export(role+"Group", g.Name)
			ctx.Export(role+"Sg", g.SecurityGroupID)
			ctx.Export(role+"Image", g.ImageID)
			ctx.Export(role+"Template", g.LaunchTemplateID)
		}
		ctx.Export("config", p.Config)
		return nil
	}, mockengine.Config{})
	return e, err
}

// assertNothingRegistered: a bad config registers nothing but the providers
// and the stand-ins for gslb's listeners that the test itself declares.
func assertNothingRegistered(t *testing.T, e *mockengine.Engine) {
	t.Helper()
	for _, r := range e.Resources() {
		if !r.IsProvider() && r.Type != listenerType {
			t.Errorf("%s registered despite the bad config", r)
		}
	}
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

func TestPairDeclaresOneSelfHealingGroupPerRegion(t *testing.T) {
	t.Parallel()
	e := mustRunPair(t, devHAProxyConfig())
	pair := e.Find(PairType, "haproxy")
	if pair == nil {
		t.Fatal("no Pair component")
	}
	if n := len(e.OfType(asgType)); n != 2 {
		t.Errorf("%d Auto Scaling groups, want 2", n)
	}
	if n := len(e.OfType("aws:ec2/instance:Instance")); n != 0 {
		t.Errorf("%d plain instances: the groups own the instances", n)
	}
	for role, tag := range map[string]string{"seoul": "HA-seoul", "tokyo": "HA-tokyo"} {
		t.Run(tag, func(t *testing.T) {
			lt, asg, sg := e.Find(ltType, "haproxy-"+role+"-lt"), e.Find(asgType, "haproxy-"+role+"-asg"), e.Find(sgType, "haproxy-"+role+"-sg")
			if lt == nil || asg == nil || sg == nil {
				t.Fatalf("launch template %v, group %v, security group %v: want all three", lt, asg, sg)
			}
			for _, r := range []*mockengine.Resource{lt, asg, sg} {
				if e.ParentOf(r) != pair || e.Region(r) != regions[role] {
					t.Errorf("%s: parent %v, region %q; want the Pair in %s", r.Name, r.Parent, e.Region(r), regions[role])
				}
			}
			mockengine.AssertInputs(t, lt, map[string]string{
				"instanceType":               "t3.micro",
				"imageId":                    e.Outputs()[role+"Image"].Value.(string),
				"metadataOptions.httpTokens": "required",
				"metadataOptions.httpPutResponseHopLimit":       "1",
				"blockDeviceMappings[0].deviceName":             "/dev/xvda",
				"blockDeviceMappings[0].ebs.encrypted":          "true",
				"blockDeviceMappings[0].ebs.volumeType":         "gp3",
				"networkInterfaces[0].associatePublicIpAddress": "true",
				"networkInterfaces[0].securityGroups":           "[" + sg.ID + "]",
				"tagSpecifications[0].resourceType":             "instance",
				"tagSpecifications[0].tags.Name":                tag,
				"tagSpecifications[1].resourceType":             "volume",
				"tagSpecifications[1].tags.Name":                tag,
			})
			mockengine.AssertInputs(t, asg, map[string]string{
				"minSize": "1", "maxSize": "1", "desiredCapacity": "1",
				"vpcZoneIdentifiers":     "[" + strings.Join(subnets[role], " ") + "]",
				"targetGroupArns":        "[" + targetGroups[role] + "]",
				"healthCheckType":        "ELB",
				"healthCheckGracePeriod": "300",
				"launchTemplate.id":      lt.ID,
				// The template's number (the mock's first version), never $Latest.
				"launchTemplate.version":                           "1",
				"instanceMaintenancePolicy.minHealthyPercentage":   "100",
				"instanceMaintenancePolicy.maxHealthyPercentage":   "200",
				"instanceRefresh.strategy":                         "Rolling",
				"instanceRefresh.preferences.minHealthyPercentage": "100",
				"instanceRefresh.preferences.maxHealthyPercentage": "200",
				"instanceRefresh.preferences.autoRollback":         "true",
				"waitForElbCapacity":                               "1",
				"waitForCapacityTimeout":                           CapacityTimeout,
			})
			// Its capacity wait starts once a listener forwards to the target
			// group, so it waits for the instance, not for ACM.
			listener := e.Find(listenerType, "alb-"+role+"-https")
			if !slices.Contains(asg.Dependencies, listener.URN) {
				t.Errorf("%s waits for %v, not for the listener %s", asg.Name, asg.Dependencies, listener.URN)
			}
			// The version comes from the template, so a new version is a change of the group.
			if deps := asg.PropertyDependencies["launchTemplate"]; !slices.Contains(deps, lt.URN) {
				t.Errorf("launchTemplate waits for %v, not for %s", deps, lt.URN)
			}
			// A refresh must not count a new instance ready before the grace period has judged it.
			if warm, grace := num(asg.Inputs, "defaultInstanceWarmup"), num(asg.Inputs, "healthCheckGracePeriod"); warm <= grace {
				t.Errorf("instance warmup %v is not longer than the grace period %v", warm, grace)
			}
		})
	}
}

func TestPairLooksUpTheOneNamedImageInEachRegion(t *testing.T) {
	t.Parallel()
	for typ, arch := range map[string]string{"t3.micro": "x86_64", "t4g.small": "arm64", "m7gd.large": "arm64", "g4dn.xlarge": "x86_64", "c6gn.medium": "arm64"} {
		if got := archOf(typ); got != arch {
			t.Errorf("archOf(%q) = %q, want %q", typ, got, arch)
		}
	}
	e := mustRunPair(t, devHAProxyConfig())
	var lookedUpIn []string
	for _, inv := range e.InvokesOf(getAmiToken) {
		lookedUpIn = append(lookedUpIn, e.InvokeRegion(inv))
		if got := mockengine.Text(inv.Args, "filters[0].name") + "=" + mockengine.Text(inv.Args, "filters[0].values"); got != "name=["+al2023+"]" {
			t.Errorf("filter %s, want the exact name %s", got, al2023)
		}
		for path, want := range map[string]string{"owners": "[amazon]", "mostRecent": "<unset>", "includeDeprecated": "true"} {
			if got := mockengine.Text(inv.Args, path); got != want {
				t.Errorf("%s = %s, want %s", path, got, want)
			}
		}
	}
	slices.Sort(lookedUpIn)
	if strings.Join(lookedUpIn, ",") != tokyoRegion+","+seoulRegion {
		t.Errorf("lookups in %v, want one in each region", lookedUpIn)
	}
	if e.Outputs()["seoulImage"].Value == e.Outputs()["tokyoImage"].Value {
		t.Error("both regions launch the same image ID; each region has its own copy of the image")
	}
}

// TestPairIgnoresNewerImages is the drift rule: once vendors publish newer
// images, the next run launches exactly what the last one did.
func TestPairIgnoresNewerImages(t *testing.T) {
	t.Parallel()
	for _, fromAmi := range []bool{false, true} {
		c := devHAProxyConfig()
		c.TokyoFromAmi = fromAmi
		before, err := pairRun{config: c, ports: [2]int{80, 80}}.run(t)
		if err != nil {
			t.Fatal(err)
		}
		after, err := pairRun{config: c, ports: [2]int{80, 80}, newerImages: true}.run(t)
		if err != nil {
			t.Fatal(err)
		}
		if changes := mockengine.Diff(before, after); len(changes) != 0 {
			t.Errorf("tokyoFromAmi=%v: a vendor's newer image changed %v", fromAmi, changes)
		}
	}
}

func TestPairImageMustBeOneExactMatchingName(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, image, instanceType string
		want                      []string
	}{
		{"wildcard", "al2023-ami-2023.*-x86_64", "t3.micro", []string{"hybrid-cloud:haproxy.image", "no wildcards"}},
		{"minimal image", "al2023-ami-minimal-2023.9.20251208.0-kernel-6.1-x86_64", "t3.micro", []string{"hybrid-cloud:haproxy.image"}},
		{"missing", "", "t3.micro", []string{"hybrid-cloud:haproxy.image", "is required"}},
		{"x86 image on Graviton", al2023, "t4g.micro", []string{"hybrid-cloud:haproxy.image", "needs arm64"}},
		{"arm image on x86", "al2023-ami-2023.9.20251208.0-kernel-6.1-arm64", "t3.micro", []string{"needs x86_64"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := devHAProxyConfig()
			c.Image, c.InstanceType = tc.image, tc.instanceType
			e, err := runPair(t, c)
			mockengine.AssertErrorMentions(t, err, tc.want...)
			assertNothingRegistered(t, e)
		})
	}
	c := devHAProxyConfig()
	c.Image, c.InstanceType = "al2023-ami-2023.9.20251208.0-kernel-6.12-arm64", "t4g.micro"
	if err := c.Validate(); err != nil {
		t.Errorf("an arm64 image on a Graviton type: %v", err)
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
		for _, name := range []string{"haproxy-seoul-lt", "haproxy-tokyo-lt"} {
			got, err := base64.StdEncoding.DecodeString(e.Find(ltType, name).Text("userData"))
			if err != nil || string(got) != wantScript {
				t.Errorf("sticky=%v: %s user data (base64 %v) is not the rendered script:\n%s", sticky, name, err, got)
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
		if !strings.Contains(config, "monitor-uri "+LivenessPath+"\n") || !strings.Contains(config, "path "+ReadinessPath+"\n") {
			t.Errorf("the config does not answer %s and %s itself:\n%s", LivenessPath, ReadinessPath, config)
		}
	}
}

// TestPairSecurityGroupsOpenExactlyWhatHAProxyNeeds: port 80 only from the
// ALB's group, SSH only from adminCidr, egress to the mirrors and to every
// web node port (a node on 8080 must be reachable), every rule a resource.
func TestPairSecurityGroupsOpenExactlyWhatHAProxyNeeds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		admin  string
		ports  [2]int
		egress []string
	}{
		{"", [2]int{80, 80}, []string{"443", "80"}},
		{"123.142.252.0/24", [2]int{80, 8080}, []string{"443", "80", "8080"}},
		{"", [2]int{443, 8443}, []string{"443", "80", "8443"}},
	} {
		c := devHAProxyConfig()
		c.AdminCidr = tc.admin
		e, err := pairRun{config: c, ports: tc.ports}.run(t)
		if err != nil {
			t.Fatal(err)
		}
		for role := range regions {
			sg := e.Find(sgType, "haproxy-"+role+"-sg")
			for _, inline := range []string{"ingress", "egress"} {
				if v := sg.Inputs[resource.PropertyKey(inline)]; v.IsArray() && len(v.ArrayValue()) > 0 {
					t.Errorf("%s has inline %s rules (they would fight the rule resources)", sg.Name, inline)
				}
			}
			var ingress []string
			for _, r := range e.OfType(ingressType) {
				if r.Text("securityGroupId") != sg.ID {
					continue
				}
				ingress = append(ingress, r.Text("fromPort")+"-"+r.Text("toPort")+" from "+r.Text("cidrIpv4")+r.Text("referencedSecurityGroupId"))
			}
			slices.Sort(ingress)
			want := []string{"80-80 from <unset>" + albGroups[role]}
			if tc.admin != "" {
				want = append([]string{"22-22 from " + tc.admin + "<unset>"}, want...)
			}
			if !slices.Equal(ingress, want) {
				t.Errorf("%s ingress %q, want %q", sg.Name, ingress, want)
			}
			var egress []string
			for _, r := range e.OfType(egressType) {
				if r.Text("securityGroupId") == sg.ID {
					if r.Text("fromPort") != r.Text("toPort") || r.Text("cidrIpv4") != "0.0.0.0/0" {
						t.Errorf("%s: ports %s-%s to %s", r.Name, r.Text("fromPort"), r.Text("toPort"), r.Text("cidrIpv4"))
					}
					egress = append(egress, r.Text("fromPort"))
				}
			}
			slices.Sort(egress)
			if !slices.Equal(egress, tc.egress) {
				t.Errorf("ports %v: %s egress to %v, want %v", tc.ports, sg.Name, egress, tc.egress)
			}
			// The ALB's group may reach HAProxy's, on port 80 only.
			albOut := e.Find(egressType, "haproxy-"+role+"-alb-egress")
			if albOut == nil {
				t.Fatalf("no egress rule from the ALB's group")
			}
			mockengine.AssertInputs(t, albOut, map[string]string{
				"securityGroupId": albGroups[role], "referencedSecurityGroupId": sg.ID,
				"fromPort": "80", "toPort": "80", "ipProtocol": "tcp", "cidrIpv4": "<unset>",
			})
		}
	}
}

// TestPairMovedRulesKeepTheirIdentity: the two rules between the ALB's group
// and HAProxy's carry the aliases they are given (gslb's former names), so
// a live stack's rules are moved, not recreated (AWS refuses a duplicate).
func TestPairMovedRulesKeepTheirIdentity(t *testing.T) {
	t.Parallel()
	e := mustRunPair(t, devHAProxyConfig())
	pair := e.Find(PairType, "haproxy")
	for role := range regions {
		for name, alias := range map[string]string{
			"haproxy-" + role + "-from-alb":   "old-" + role + "-in",
			"haproxy-" + role + "-alb-egress": "old-" + role + "-out",
		} {
			var r *mockengine.Resource
			for _, x := range append(e.OfType(ingressType), e.OfType(egressType)...) {
				if x.Name == name {
					r = x
				}
			}
			if r == nil {
				t.Fatalf("no rule %s", name)
			}
			wantURN := strings.Replace(r.URN, "::"+name, "::"+alias, 1)
			if !slices.Contains(r.Options.Aliases, wantURN) || e.ParentOf(r) != pair {
				t.Errorf("%s aliases %v, want %s", name, r.Options.Aliases, wantURN)
			}
		}
		// The ALB's way in moves to a replaced group only beside the old way.
		if out := e.Find(egressType, "haproxy-"+role+"-alb-egress"); !slices.Equal(out.Options.ReplaceOnChanges, []string{"referencedSecurityGroupId"}) {
			t.Errorf("%s replaceOnChanges %v, want [referencedSecurityGroupId]", out.Name, out.Options.ReplaceOnChanges)
		}
		// A group the running instance is in is never replaced for its description.
		if sg := e.Find(sgType, "haproxy-"+role+"-sg"); !slices.Equal(sg.Options.IgnoreChanges, []string{"description"}) {
			t.Errorf("%s ignoreChanges %v, want [description]", sg.Name, sg.Options.IgnoreChanges)
		}
	}
}

func TestPairTokyoFromAmiLaunchesACopyOfSeoulsImage(t *testing.T) {
	t.Parallel()
	c := devHAProxyConfig()
	c.TokyoFromAmi = true
	e := mustRunPair(t, c)
	cp := e.Find(amiCopyType, "haproxy-ami-copy")
	if cp == nil {
		t.Fatal("no image copy")
	}
	seoulImage := e.Outputs()["seoulImage"].Value.(string)
	if e.Region(cp) != tokyoRegion || e.ParentOf(cp) != e.Find(PairType, "haproxy") {
		t.Errorf("copy in %q under %v, want Tokyo under the Pair", e.Region(cp), cp.Parent)
	}
	mockengine.AssertInputs(t, cp, map[string]string{
		// Unique per source image: a roll creates the new copy before the old one goes.
		"name":            "MY-AMI-" + seoulImage,
		"tags.Name":       "MY-AMI",
		"sourceAmiId":     seoulImage,
		"sourceAmiRegion": seoulRegion,
		"encrypted":       "true",
	})
	if got := cp.Options.CustomTimeouts.Create; got != ImageCopyTimeout {
		t.Errorf("the copy's create timeout is %q, want %q (the provider's default, 40m, outlasts the deploy job)", got, ImageCopyTimeout)
	}
	if !cp.Options.RetainOnDelete {
		t.Error("the copy is deleted with the stack's next image roll; a rollback of Tokyo's refresh would need it")
	}
	tokyo := e.Find(ltType, "haproxy-tokyo-lt")
	if tokyo.Text("imageId") != cp.ID || e.Outputs()["tokyoImage"].Value != cp.ID {
		t.Errorf("Tokyo launches %s, want the copy %s", tokyo.Text("imageId"), cp.ID)
	}
	if tokyo.Text("blockDeviceMappings[0].deviceName") != mockengine.Text(cp.Outputs, "rootDeviceName") {
		t.Errorf("Tokyo's root mapping is not the copy's root device")
	}
	if lookups := e.InvokesOf(getAmiToken); len(lookups) != 1 || e.InvokeRegion(lookups[0]) != seoulRegion {
		t.Errorf("%d image lookups, want 1 in Seoul (Tokyo uses the copy)", len(lookups))
	}
	if tokyo.Text("userData") != e.Find(ltType, "haproxy-seoul-lt").Text("userData") {
		t.Error("Tokyo launched from the copy must still get the (idempotent) user data")
	}
	if n := len(mustRunPair(t, devHAProxyConfig()).OfType(amiCopyType)); n != 0 {
		t.Errorf("tokyoFromAmi off, yet %d image copies", n)
	}
}

func TestPairOutputsAreTheGroups(t *testing.T) {
	t.Parallel()
	e := mustRunPair(t, devHAProxyConfig())
	out := e.Outputs()
	for role := range regions {
		asg := e.Find(asgType, "haproxy-"+role+"-asg")
		if got, want := out[role+"Group"].Value, mockengine.Text(asg.Outputs, "name"); got != want || want == "" || want == "<unset>" {
			t.Errorf("%sGroup = %v, want the group's name %q", role, got, want)
		}
		if got, want := out[role+"Template"].Value, e.Find(ltType, "haproxy-"+role+"-lt").ID; got != want {
			t.Errorf("%sTemplate = %v, want %s", role, got, want)
		}
		if got, want := out[role+"Sg"].Value, e.Find(sgType, "haproxy-"+role+"-sg").ID; got != want {
			t.Errorf("%sSg = %v, want %s", role, got, want)
		}
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
		{"ami name EC2 refuses", func(c *Config) { c.TokyoFromAmi, c.AmiName = true, "MY AMI!" }, []string{"hybrid-cloud:haproxy.amiName"}},
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
			assertNothingRegistered(t, e)
		})
	}
}

func TestPairArgsValidation(t *testing.T) {
	t.Parallel()
	site := func(region string) Site {
		return Site{
			Region: region, Provider: &aws.Provider{}, Placement: network.Placement{SubnetIDs: []pulumi.StringOutput{{}}},
			TargetGroupArn: pulumi.String("tg").ToStringOutput(), AlbSecurityGroupID: pulumi.String("sg").ToStringOutput(),
			Listener: &lb.Listener{},
		}
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
		{"no target group", func(a *PairArgs) { a.Tokyo.TargetGroupArn = pulumi.StringOutput{} }, "Tokyo site: no ALB target group"},
		{"no listener", func(a *PairArgs) { a.Seoul.Listener = nil }, "Seoul site: no ALB listener"},
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
