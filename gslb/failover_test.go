package gslb

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
	"github.com/hybridlab/hybrid-cloud/network"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	certType       = "aws:acm/certificate:Certificate"
	validationType = "aws:acm/certificateValidation:CertificateValidation"
	recordType     = "aws:route53/record:Record"
	healthType     = "aws:route53/healthCheck:HealthCheck"
	albType        = "aws:lb/loadBalancer:LoadBalancer"
	tgType         = "aws:lb/targetGroup:TargetGroup"
	listenerType   = "aws:lb/listener:Listener"
	sgType         = "aws:ec2/securityGroup:SecurityGroup"
	ingressType    = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	egressType     = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	getZoneToken   = "aws:route53/getZone:getZone"

	seoulRegion = "ap-northeast-2"
	tokyoRegion = "ap-northeast-1"
	// What HAProxy answers: the target groups check liveness, Route 53 readiness.
	livenessPath  = "/healthz"
	readinessPath = "/readyz"
)

// Where the ALBs go, and the web nodes of the simple record.
var (
	vpcs      = map[string]string{"seoul": "vpc-my", "tokyo": "vpc-default"}
	subnets   = map[string][]string{"seoul": {"subnet-2a", "subnet-2c"}, "tokyo": {"subnet-1a", "subnet-1c"}}
	webIPs    = []string{"192.0.2.11", "198.51.100.12", "203.0.113.13", "192.0.2.14"}
	webLabels = []string{"SEOUL", "LONDON", "OREGON", "HONGKONG"}
	webKeys   = []string{"seoul", "london", "oregon", "hongkong"}
)

// devConfig is the note's gslb section (Pulumi.dev.yaml).
func devConfig() Config {
	return Config{
		ZoneName: "seojun.shop", SeoulRecord: "seoul", TokyoRecord: "tokyo", FailoverRecord: "gslb", SimpleRecord: "www",
		SeoulAlbName: "seoul-alb", TokyoAlbName: "tokyo-alb",
		SeoulTargetGroupName: "TG-Seoul", TokyoTargetGroupName: "TG-TOKYO", SecurityGroupName: "SG-ALB",
		HealthCheck:          HealthCheck{IntervalSeconds: 30, FailureThreshold: 1},
		SeoulHealthCheckName: "active", TokyoHealthCheckName: "passive",
		SeoulSetID: "Seoul-Active", TokyoSetID: "Tokyo-Active",
		SimpleRecordRouting: RoutingSimple,
	}
}

// failoverProgram runs NewFailover with a Seoul and a Tokyo provider and
// exports the Failover's fields as stack outputs.
func failoverProgram(c Config) pulumi.RunFunc {
	return failoverProgramWith(c, webLabels, false)
}

// failoverProgramWith is failoverProgram with the web nodes' labels and the
// protect switch given; it also exports the backends handed to the HAProxy
// tier and what the monitoring component reads.
func failoverProgramWith(c Config, labels []string, protect bool) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		str := func(s string) pulumi.StringOutput { return mockengine.Resolved(ctx, s) }
		site := func(role, region string) (Site, error) {
			p, err := aws.NewProvider(ctx, "aws-"+region, &aws.ProviderArgs{Region: pulumi.String(region)})
			if err != nil {
				return Site{}, err
			}
			s := Site{
				Region: region, Provider: p, LivenessPath: livenessPath, ReadinessPath: readinessPath,
				Placement: network.Placement{VpcID: str(vpcs[role])},
			}
			for _, id := range subnets[role] {
				s.Placement.SubnetIDs = append(s.Placement.SubnetIDs, str(id))
			}
			return s, nil
		}
		seoul, err := site("seoul", seoulRegion)
		if err != nil {
			return err
		}
		tokyo, err := site("tokyo", tokyoRegion)
		if err != nil {
			return err
		}
		var nodes []WebNode
		for i, ip := range webIPs {
			nodes = append(nodes, WebNode{Key: webKeys[i], Label: labels[i], Address: str(ip), Port: 80})
		}
		f, err := NewFailover(ctx, "gslb", &FailoverArgs{Config: c, Primary: seoul, Secondary: tokyo, WebNodes: nodes, Protect: protect})
		if err != nil {
			return err
		}
		for role, b := range map[string]Backend{"seoul": f.PrimaryBackend, "tokyo": f.SecondaryBackend} {
			ctx.Export(role+"TargetGroupArn", b.TargetGroupArn)
			ctx.Export(role+"AlbSecurityGroupId", b.SecurityGroupID)
			ctx.Export(role+"Listener", b.Listener.URN())
		}
		// What the monitoring component reads, by key.
		checks, sites := pulumi.StringMap{}, pulumi.StringMap{}
		for _, h := range f.HealthChecks {
			checks[h.Key] = pulumi.Sprintf("%s|%s|%s", h.Name, h.ID, h.Target)
		}
		for _, s := range f.Sites {
			sites[s.Key] = pulumi.Sprintf("%s|%s|%s|%s|%s", s.Region, s.AlbName, s.AlbArnSuffix, s.TargetGroupName, s.TargetGroupArnSuffix)
		}
		ctx.Export("healthChecks", checks)
		ctx.Export("sites", sites)
		ctx.Export("seoulAlbDnsName", f.PrimaryAlbDNSName)
		ctx.Export("tokyoAlbDnsName", f.SecondaryAlbDNSName)
		ctx.Export("gslbFqdn", f.FQDN)
		ctx.Export("activeHealthCheckId", f.PrimaryHealthCheckID)
		ctx.Export("passiveHealthCheckId", f.SecondaryHealthCheckID)
		ctx.Export("certificateArns", f.CertificateArns)
		ctx.Export("failoverWorstCaseSeconds", pulumi.Int(f.WorstCaseFailoverSeconds))
		return nil
	}
}

func runFailover(t *testing.T, c Config) (*mockengine.Engine, error) {
	t.Helper()
	e := mockengine.New("hybrid-cloud", "dev")
	return e, e.Run(failoverProgram(c), mockengine.Config{})
}

func mustRun(t *testing.T) *mockengine.Engine {
	t.Helper()
	e, err := runFailover(t, devConfig())
	if err != nil {
		t.Fatalf("NewFailover: %v", err)
	}
	return e
}

// must finds a resource or stops the test.
func must(t *testing.T, e *mockengine.Engine, typ, name string) *mockengine.Resource {
	t.Helper()
	r := e.Find(typ, name)
	if r == nil {
		var names []string
		for _, x := range e.OfType(typ) {
			names = append(names, x.Name)
		}
		t.Fatalf("no %s %q (have %v)", typ, name, names)
	}
	return r
}

type want map[string]string

func TestEveryResourceIsInItsRegionUnderTheComponent(t *testing.T) {
	t.Parallel()
	e := mustRun(t)
	component := must(t, e, FailoverType, "gslb")
	cases := []struct{ typ, name, region string }{
		{certType, "gslb-seoul-cert", seoulRegion},
		{certType, "gslb-tokyo-cert", tokyoRegion},
		{validationType, "gslb-seoul-cert-validation", seoulRegion},
		{validationType, "gslb-tokyo-cert-validation", tokyoRegion},
		{sgType, "gslb-seoul-sg", seoulRegion},
		{sgType, "gslb-tokyo-sg", tokyoRegion},
		{ingressType, "gslb-seoul-sg-in-80", seoulRegion},
		{ingressType, "gslb-seoul-sg-in-443", seoulRegion},
		{ingressType, "gslb-tokyo-sg-in-80", tokyoRegion},
		{ingressType, "gslb-tokyo-sg-in-443", tokyoRegion},
		{albType, "gslb-seoul-alb", seoulRegion},
		{albType, "gslb-tokyo-alb", tokyoRegion},
		{tgType, "gslb-seoul-tg", seoulRegion},
		{tgType, "gslb-tokyo-tg", tokyoRegion},
		{listenerType, "gslb-seoul-https", seoulRegion},
		{listenerType, "gslb-seoul-http", seoulRegion},
		{listenerType, "gslb-tokyo-https", tokyoRegion},
		{listenerType, "gslb-tokyo-http", tokyoRegion},
		// Route 53 is global; it goes through the primary's provider.
		{recordType, "gslb-validation-seoul", seoulRegion},
		{recordType, "gslb-validation-tokyo", seoulRegion},
		{recordType, "gslb-validation-gslb", seoulRegion},
		{recordType, "gslb-seoul-alias", seoulRegion},
		{recordType, "gslb-tokyo-alias", seoulRegion},
		{recordType, "gslb-seoul-failover", seoulRegion},
		{recordType, "gslb-tokyo-failover", seoulRegion},
		{recordType, "gslb-simple", seoulRegion},
		{healthType, "gslb-seoul-health", seoulRegion},
		{healthType, "gslb-tokyo-health", seoulRegion},
		{healthType, "gslb-web-seoul-health", seoulRegion},
		{healthType, "gslb-web-london-health", seoulRegion},
		{healthType, "gslb-web-oregon-health", seoulRegion},
		{healthType, "gslb-web-hongkong-health", seoulRegion},
	}
	for _, tc := range cases {
		r := e.Find(tc.typ, tc.name)
		if r == nil {
			t.Errorf("no %s %s", tc.typ, tc.name)
			continue
		}
		if got := e.Region(r); got != tc.region {
			t.Errorf("%s %s: region %q, want %q", tc.typ, tc.name, got, tc.region)
		}
		if p := e.ParentOf(r); p == nil || p.URN != component.URN {
			t.Errorf("%s %s: parent is not the Failover component", tc.typ, tc.name)
		}
	}
	// Nothing more than the table: a stray resource would go unchecked.
	custom := 0
	for _, r := range e.Resources() {
		if r.Custom && !strings.HasPrefix(r.Type, "pulumi:providers:") {
			custom++
		}
	}
	if custom != len(cases) {
		t.Errorf("%d resources registered, the table lists %d", custom, len(cases))
	}
}

func TestZoneIsLookedUpByNameThroughThePrimaryProvider(t *testing.T) {
	t.Parallel()
	e := mustRun(t)
	lookups := e.InvokesOf(getZoneToken)
	if len(lookups) != 1 {
		t.Fatalf("%d zone lookups, want 1", len(lookups))
	}
	inv := lookups[0]
	if mockengine.Text(inv.Args, "name") != "seojun.shop" || mockengine.Text(inv.Args, "privateZone") != "false" {
		t.Errorf("zone lookup args %v, want name seojun.shop, privateZone false", inv.Args)
	}
	if e.InvokeRegion(inv) != seoulRegion {
		t.Errorf("zone lookup went through %q, want the %s provider", inv.Provider, seoulRegion)
	}
	zoneID := must(t, e, recordType, "gslb-simple").Text("zoneId")
	if zoneID == "" || zoneID == "<unset>" {
		t.Fatal("simple record has no zone id")
	}
	for _, r := range e.OfType(recordType) {
		if got := r.Text("zoneId"); got != zoneID {
			t.Errorf("record %s in zone %q, want the looked-up %q", r.Name, got, zoneID)
		}
	}
}

func TestCertificatesCoverTheirRegionsNameAndTheFailoverName(t *testing.T) {
	t.Parallel()
	e := mustRun(t)
	for _, tc := range []struct {
		role, domain string
		validated    []string
	}{
		{"seoul", "seoul.seojun.shop", []string{"gslb-validation-seoul", "gslb-validation-gslb"}},
		{"tokyo", "tokyo.seojun.shop", []string{"gslb-validation-tokyo", "gslb-validation-gslb"}},
	} {
		cert := must(t, e, certType, "gslb-"+tc.role+"-cert")
		mockengine.AssertInputs(t, cert, want{
			"domainName":              tc.domain,
			"subjectAlternativeNames": "[gslb.seojun.shop]",
			"validationMethod":        "DNS",
		})
		v := must(t, e, validationType, "gslb-"+tc.role+"-cert-validation")
		// The validation waits for this region's certificate...
		mockengine.AssertInputs(t, v, want{"certificateArn": mockengine.Text(cert.Outputs, "arn")})
		// ...for at most ValidationTimeout, not the provider's 75 minutes.
		if got := v.Options.CustomTimeouts.Create; got != ValidationTimeout {
			t.Errorf("%s: create timeout %q, want %q", v.Name, got, ValidationTimeout)
		}
		// ...and for the records of exactly the names it covers.
		var fqdns []string
		for _, rec := range tc.validated {
			fqdns = append(fqdns, mockengine.Text(must(t, e, recordType, rec).Outputs, "fqdn"))
		}
		mockengine.AssertInputs(t, v, want{"validationRecordFqdns": "[" + strings.Join(fqdns, " ") + "]"})
	}
}

func TestValidationRecordsAreACMsAndWrittenOncePerDomain(t *testing.T) {
	t.Parallel()
	e := mustRun(t)
	// What ACM asked for, per domain, over both certificates.
	asked := map[string]resource.PropertyValue{}
	for _, cert := range e.OfType(certType) {
		for _, o := range mockengine.Lookup(cert.Outputs, "domainValidationOptions").ArrayValue() {
			d := o.ObjectValue()["domainName"].StringValue()
			if prev, ok := asked[d]; ok && !prev.DeepEquals(o) {
				t.Fatalf("mock: two regions ask different records for %s", d)
			}
			asked[d] = o
		}
	}
	var validation []*mockengine.Resource
	for _, r := range e.OfType(recordType) {
		if strings.HasPrefix(r.Name, "gslb-validation-") {
			validation = append(validation, r)
		}
	}
	if len(validation) != len(asked) || len(asked) != 3 {
		t.Fatalf("%d validation records for %d domains, want 3 and 3", len(validation), len(asked))
	}
	for _, r := range validation {
		d := strings.TrimPrefix(r.Name, "gslb-validation-") + ".seojun.shop"
		o, ok := asked[d]
		if !ok {
			t.Errorf("record %s validates a domain no certificate names", r.Name)
			continue
		}
		opt := o.ObjectValue()
		mockengine.AssertInputs(t, r, want{
			"name":    opt["resourceRecordName"].StringValue(),
			"type":    opt["resourceRecordType"].StringValue(),
			"records": "[" + opt["resourceRecordValue"].StringValue() + "]",
			"ttl":     "60",
			// Written once per domain: never another's to take over.
			"allowOverwrite": "false",
		})
	}
}

func TestValidationDomainsNamesEachDomainOnce(t *testing.T) {
	t.Parallel()
	got := validationDomains([]certSpec{
		{role: "seoul", domains: []string{"seoul.example.com", "gslb.example.com"}},
		{role: "tokyo", domains: []string{"tokyo.example.com", "gslb.example.com", "seoul.example.com"}},
	})
	want := []validationDomain{{"seoul.example.com", 0}, {"gslb.example.com", 0}, {"tokyo.example.com", 1}}
	if !slices.Equal(got, want) {
		t.Errorf("validationDomains = %v, want %v", got, want)
	}
}

func TestLoadBalancersSitInTheirSubnetsBehindSGALB(t *testing.T) {
	t.Parallel()
	e := mustRun(t)
	for _, role := range []string{"seoul", "tokyo"} {
		sg := must(t, e, sgType, "gslb-"+role+"-sg")
		// Provider-named (create-first when replaced); SG-ALB is the Name tag.
		mockengine.AssertInputs(t, sg, want{"name": "<unset>", "namePrefix": "<unset>", "vpcId": vpcs[role], "tags.Name": "SG-ALB"})
		// EC2 cannot change a description: the text names no config value.
		if !slices.Equal(sg.Options.IgnoreChanges, []string{"description"}) {
			t.Errorf("%s ignoreChanges %v, want [description]", sg.Name, sg.Options.IgnoreChanges)
		}
		for _, port := range []string{"80", "443"} {
			mockengine.AssertInputs(t, must(t, e, ingressType, "gslb-"+role+"-sg-in-"+port), want{
				"securityGroupId": sg.ID, "ipProtocol": "tcp", "fromPort": port, "toPort": port, "cidrIpv4": "0.0.0.0/0",
			})
		}
		// The HAProxy tier declares the group's one egress rule (port 80 to
		// its own group) with the matching ingress; here is no other rule.
		if n := len(e.OfType(egressType)); n != 0 {
			t.Errorf("%d egress rules declared by gslb, want none", n)
		}
		if got := e.Outputs()[role+"AlbSecurityGroupId"].Value; got != sg.ID {
			t.Errorf("backend security group %v, want %s", got, sg.ID)
		}
		mockengine.AssertInputs(t, must(t, e, albType, "gslb-"+role+"-alb"), want{
			"name":                    "<unset>",
			"tags.Name":               role + "-alb",
			"loadBalancerType":        "application",
			"internal":                "false",
			"subnets":                 "[" + strings.Join(subnets[role], " ") + "]",
			"securityGroups":          "[" + sg.ID + "]",
			"dropInvalidHeaderFields": "true",
			// Below HAProxy's 75 s client timeout (haproxy/render.go).
			"idleTimeout": "60",
		})
	}
}

func TestTargetGroupsCheckHAProxyAndAreHandedToItsGroups(t *testing.T) {
	t.Parallel()
	e := mustRun(t)
	for role, name := range map[string]string{"seoul": "TG-Seoul", "tokyo": "TG-TOKYO"} {
		tg := must(t, e, tgType, "gslb-"+role+"-tg")
		mockengine.AssertInputs(t, tg, want{
			"name": "<unset>", "tags.Name": name, "port": "80", "protocol": "HTTP", "targetType": "instance", "vpcId": vpcs[role],
			// Liveness: an outage of every web node must not fail HAProxy here,
			// or its Auto Scaling group (ELB health) would replace it.
			"healthCheck.path": livenessPath, "healthCheck.matcher": "200", "healthCheck.protocol": "HTTP",
			"healthCheck.port": "traffic-port",
			// An instance refresh's old HAProxy drains for 30 s, not 300.
			"deregistrationDelay": "30",
		})
		// The HAProxy Auto Scaling group registers its instance; nothing here does.
		if got := e.Outputs()[role+"TargetGroupArn"].Value; got != mockengine.Text(tg.Outputs, "arn") || got == "" {
			t.Errorf("backend target group %v, want %s", got, mockengine.Text(tg.Outputs, "arn"))
		}
		// The group waits for the listener that forwards to the target group:
		// the HTTPS one (the HTTP listener only redirects).
		if got, want := fmt.Sprint(e.Outputs()[role+"Listener"].Value), must(t, e, listenerType, "gslb-"+role+"-https").URN; got != want {
			t.Errorf("backend listener %v, want %s", got, want)
		}
	}
}

func TestListenersServeTheValidatedCertificateAndRedirectHTTP(t *testing.T) {
	t.Parallel()
	e := mustRun(t)
	for _, role := range []string{"seoul", "tokyo"} {
		alb := must(t, e, albType, "gslb-"+role+"-alb")
		cert := must(t, e, certType, "gslb-"+role+"-cert")
		validation := must(t, e, validationType, "gslb-"+role+"-cert-validation")
		tg := must(t, e, tgType, "gslb-"+role+"-tg")
		https := must(t, e, listenerType, "gslb-"+role+"-https")
		mockengine.AssertInputs(t, https, want{
			"loadBalancerArn":                 mockengine.Text(alb.Outputs, "arn"),
			"port":                            "443",
			"protocol":                        "HTTPS",
			"sslPolicy":                       "ELBSecurityPolicy-TLS13-1-2-2021-06",
			"certificateArn":                  mockengine.Text(validation.Outputs, "certificateArn"),
			"defaultActions.0.type":           "forward",
			"defaultActions.0.targetGroupArn": mockengine.Text(tg.Outputs, "arn"),
		})
		// Same region's certificate: ACM certificates cannot cross regions.
		if https.Text("certificateArn") != mockengine.Text(cert.Outputs, "arn") || !strings.Contains(mockengine.Text(cert.Outputs, "arn"), ":"+e.Region(alb)+":") {
			t.Errorf("%s: listener certificate %s is not its region's", role, https.Text("certificateArn"))
		}
		mockengine.AssertInputs(t, must(t, e, listenerType, "gslb-"+role+"-http"), want{
			"loadBalancerArn":                      mockengine.Text(alb.Outputs, "arn"),
			"port":                                 "80",
			"protocol":                             "HTTP",
			"defaultActions.0.type":                "redirect",
			"defaultActions.0.redirect.protocol":   "HTTPS",
			"defaultActions.0.redirect.port":       "443",
			"defaultActions.0.redirect.statusCode": "HTTP_301",
			"certificateArn":                       "<unset>",
		})
	}
}

func TestHealthChecksProbeEachRegionsNameOverHTTPS(t *testing.T) {
	t.Parallel()
	for _, hc := range []HealthCheck{{30, 1}, {10, 3}} {
		c := devConfig()
		c.HealthCheck = hc
		e, err := runFailover(t, c)
		if err != nil {
			t.Fatal(err)
		}
		for role, tag := range map[string]string{"seoul": "active", "tokyo": "passive"} {
			mockengine.AssertInputs(t, must(t, e, healthType, "gslb-"+role+"-health"), want{
				"type": "HTTPS",
				"fqdn": role + ".seojun.shop",
				"port": "443",
				// Readiness, through the ALB: fails while Seoul has no web node.
				"resourcePath":     readinessPath,
				"requestInterval":  fmt.Sprint(hc.IntervalSeconds),
				"failureThreshold": fmt.Sprint(hc.FailureThreshold),
				"enableSni":        "true",
				"tags.Name":        tag,
				"ipAddress":        "<unset>",
			})
		}
	}
}

func TestRegionNamesAndFailoverRecordsAliasTheirALBs(t *testing.T) {
	t.Parallel()
	e := mustRun(t)
	for _, tc := range []struct{ role, setID, policy, check string }{
		{"seoul", "Seoul-Active", "PRIMARY", "gslb-seoul-health"},
		{"tokyo", "Tokyo-Active", "SECONDARY", "gslb-tokyo-health"},
	} {
		alb := must(t, e, albType, "gslb-"+tc.role+"-alb")
		dns, zone := mockengine.Text(alb.Outputs, "dnsName"), mockengine.Text(alb.Outputs, "zoneId")
		mockengine.AssertInputs(t, must(t, e, recordType, "gslb-"+tc.role+"-alias"), want{
			"name": tc.role + ".seojun.shop", "type": "A",
			"aliases.0.name": dns, "aliases.0.zoneId": zone, "aliases.0.evaluateTargetHealth": "false",
			"ttl": "<unset>", "setIdentifier": "<unset>",
		})
		mockengine.AssertInputs(t, must(t, e, recordType, "gslb-"+tc.role+"-failover"), want{
			"name": "gslb.seojun.shop", "type": "A",
			"setIdentifier":                  tc.setID,
			"failoverRoutingPolicies.0.type": tc.policy,
			"healthCheckId":                  must(t, e, healthType, tc.check).ID,
			"aliases.0.name":                 dns,
			"aliases.0.zoneId":               zone,
			"aliases.0.evaluateTargetHealth": "true",
			"ttl":                            "<unset>",
		})
	}
	if a, b := mockengine.Text(must(t, e, albType, "gslb-seoul-alb").Outputs, "zoneId"), mockengine.Text(must(t, e, albType, "gslb-tokyo-alb").Outputs, "zoneId"); a == b {
		t.Errorf("mock gives both regions' ALBs zone %s; the alias zone test could not tell them apart", a)
	}
}

// TestNotesNamesComeFromConfig changes every name the note gives the health
// checks and the failover records, and finds the new names on what is
// registered: none of them is a constant.
func TestNotesNamesComeFromConfig(t *testing.T) {
	t.Parallel()
	c := devConfig()
	c.SeoulHealthCheckName, c.TokyoHealthCheckName = "seoul primary", "tokyo/standby"
	c.SeoulSetID, c.TokyoSetID = "Seoul-Actice", "tokyo 2"
	e, err := runFailover(t, c)
	if err != nil {
		t.Fatal(err)
	}
	for role, w := range map[string]struct{ tag, setID string }{
		"seoul": {c.SeoulHealthCheckName, c.SeoulSetID},
		"tokyo": {c.TokyoHealthCheckName, c.TokyoSetID},
	} {
		mockengine.AssertInputs(t, must(t, e, healthType, "gslb-"+role+"-health"), want{"tags.Name": w.tag})
		mockengine.AssertInputs(t, must(t, e, recordType, "gslb-"+role+"-failover"), want{"setIdentifier": w.setID})
	}
}

func TestSimpleRecordHoldsTheFourWebNodes(t *testing.T) {
	t.Parallel()
	e := mustRun(t)
	mockengine.AssertInputs(t, must(t, e, recordType, "gslb-simple"), want{
		"name": "www.seojun.shop", "type": "A", "ttl": "60",
		"records": "[" + strings.Join(webIPs, " ") + "]", "aliases": "<unset>",
	})
}

func TestOutputsComeFromTheResources(t *testing.T) {
	t.Parallel()
	e := mustRun(t)
	out := e.Outputs()
	str := func(k string) string {
		s, _ := out[k].Value.(string)
		return s
	}
	cases := map[string]string{
		"seoulAlbDnsName":      mockengine.Text(must(t, e, albType, "gslb-seoul-alb").Outputs, "dnsName"),
		"tokyoAlbDnsName":      mockengine.Text(must(t, e, albType, "gslb-tokyo-alb").Outputs, "dnsName"),
		"gslbFqdn":             "gslb.seojun.shop",
		"activeHealthCheckId":  must(t, e, healthType, "gslb-seoul-health").ID,
		"passiveHealthCheckId": must(t, e, healthType, "gslb-tokyo-health").ID,
	}
	for k, w := range cases {
		if got := str(k); got != w || got == "" {
			t.Errorf("output %s = %q, want %q", k, got, w)
		}
	}
	if !strings.Contains(str("seoulAlbDnsName"), "seoul-alb") || !strings.Contains(str("tokyoAlbDnsName"), "."+tokyoRegion+".") {
		t.Errorf("ALB DNS names %q, %q do not name their ALBs and regions", str("seoulAlbDnsName"), str("tokyoAlbDnsName"))
	}
	wantArns := fmt.Sprint([]string{
		mockengine.Text(must(t, e, certType, "gslb-seoul-cert").Outputs, "arn"),
		mockengine.Text(must(t, e, certType, "gslb-tokyo-cert").Outputs, "arn"),
	})
	if got := fmt.Sprint(out["certificateArns"].Value); got != wantArns {
		t.Errorf("certificateArns = %s, want %s", got, wantArns)
	}
	if got := fmt.Sprint(out["failoverWorstCaseSeconds"].Value); got != "96" {
		t.Errorf("failoverWorstCaseSeconds = %s, want 96 (30 s x 1 + 6 s check timeout + 60 s TTL)", got)
	}
	for k, o := range out {
		if o.Secret {
			t.Errorf("output %s is secret; nothing here is", k)
		}
	}
}

func TestBadConfigFailsNamingTheKeyAndRegistersNothing(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(c *Config)
		want   []string
	}{
		{"interval 20", func(c *Config) { c.HealthCheck.IntervalSeconds = 20 },
			[]string{"hybrid-cloud:gslb.healthCheck.intervalSeconds", "20", "10 or 30"}},
		{"threshold 0", func(c *Config) { c.HealthCheck.FailureThreshold = 0 },
			[]string{"hybrid-cloud:gslb.healthCheck.failureThreshold", "1 to 10"}},
		{"threshold 11", func(c *Config) { c.HealthCheck.FailureThreshold = 11 },
			[]string{"hybrid-cloud:gslb.healthCheck.failureThreshold", "11"}},
		{"zone with a trailing dot", func(c *Config) { c.ZoneName = "seojun.shop." },
			[]string{"hybrid-cloud:gslb.zoneName", `"seojun.shop."`}},
		{"zone with an empty label", func(c *Config) { c.ZoneName = "seojun..shop" },
			[]string{"hybrid-cloud:gslb.zoneName"}},
		{"zone upper case", func(c *Config) { c.ZoneName = "Seojun.Shop" },
			[]string{"hybrid-cloud:gslb.zoneName", "lower case"}},
		{"record of two labels", func(c *Config) { c.SeoulRecord = "seoul.kr" },
			[]string{"hybrid-cloud:gslb.seoulRecord", "one lower-case DNS label"}},
		{"record with underscore", func(c *Config) { c.SimpleRecord = "w_w" },
			[]string{"hybrid-cloud:gslb.simpleRecord"}},
		{"failover name is the seoul name", func(c *Config) { c.FailoverRecord = "seoul" },
			[]string{"hybrid-cloud:gslb.failoverRecord", "hybrid-cloud:gslb.seoulRecord"}},
		{"ALB name too long", func(c *Config) { c.SeoulAlbName = strings.Repeat("a", 33) },
			[]string{"hybrid-cloud:gslb.seoulAlbName", "32"}},
		{"ALB name ends with hyphen", func(c *Config) { c.TokyoAlbName = "tokyo-" },
			[]string{"hybrid-cloud:gslb.tokyoAlbName"}},
		{"ALB name internal-", func(c *Config) { c.TokyoAlbName = "internal-tokyo" },
			[]string{"hybrid-cloud:gslb.tokyoAlbName", "internal-"}},
		{"target group with underscore", func(c *Config) { c.SeoulTargetGroupName = "TG_Seoul" },
			[]string{"hybrid-cloud:gslb.seoulTargetGroupName"}},
		{"security group sg-", func(c *Config) { c.SecurityGroupName = "sg-alb" },
			[]string{"hybrid-cloud:gslb.securityGroupName", "sg-"}},
		{"missing target group", func(c *Config) { c.TokyoTargetGroupName = "" },
			[]string{"hybrid-cloud:gslb.tokyoTargetGroupName", "required"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := devConfig()
			tc.change(&c)
			e, err := runFailover(t, c)
			mockengine.AssertErrorMentions(t, err, tc.want...)
			e.AssertOnlyProviders(t)
			if n := len(e.Invokes()); n != 0 {
				t.Errorf("%d invokes made before the config error", n)
			}
		})
	}
}

// TestProtectGuardsCertificatesRecordsAndHealthChecks: with the switch on,
// exactly what holds a name, a certificate or a failover path is protected;
// the ALBs, target groups and listeners can be replaced by an update.
func TestProtectGuardsCertificatesRecordsAndHealthChecks(t *testing.T) {
	t.Parallel()
	guarded := map[string]bool{certType: true, recordType: true, healthType: true}
	for _, protect := range []bool{false, true} {
		e := mockengine.New("hybrid-cloud", "dev")
		if err := e.Run(failoverProgramWith(devConfig(), webLabels, protect), mockengine.Config{}); err != nil {
			t.Fatalf("protect=%v: %v", protect, err)
		}
		counted := map[string]int{}
		for _, r := range e.Resources() {
			if want := protect && guarded[r.Type]; r.Options.Protect != want {
				t.Errorf("protect=%v: %s %s protected=%v, want %v", protect, r.Type, r.Name, r.Options.Protect, want)
			}
			if r.Options.Protect {
				counted[r.Type]++
			}
		}
		// Two certificates; 3 validation + 2 alias + 2 failover + 1 simple
		// records; the two sites' checks and the four web nodes'.
		if protect && (counted[certType] != 2 || counted[recordType] != 8 || counted[healthType] != 6) {
			t.Errorf("protected %v, want 2 certificates, 8 records, 6 health checks", counted)
		}
	}
}

// TestSiteNeedsDistinctLivenessAndReadiness: one path for both would bring
// back the replacement loop (a target group failing HAProxy for the web
// nodes' outage), so a site that gives one is refused before anything exists.
func TestSiteNeedsDistinctLivenessAndReadiness(t *testing.T) {
	t.Parallel()
	site := func(liveness, readiness string) Site {
		return Site{
			Region: seoulRegion, Provider: &aws.Provider{}, LivenessPath: liveness, ReadinessPath: readiness,
			Placement: network.Placement{SubnetIDs: []pulumi.StringOutput{{}, {}}},
		}
	}
	if err := site(livenessPath, readinessPath).validate("primary"); err != nil {
		t.Fatalf("good site refused: %v", err)
	}
	for _, tc := range []struct{ liveness, readiness, want string }{
		{livenessPath, livenessPath, `liveness and readiness share the path "/healthz"`},
		{"healthz", readinessPath, `liveness path "healthz" does not begin with /`},
		{livenessPath, "", `readiness path "" does not begin with /`},
	} {
		if err := site(tc.liveness, tc.readiness).validate("primary"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("liveness %q, readiness %q: error %v, want one mentioning %q", tc.liveness, tc.readiness, err, tc.want)
		}
	}
}

// The provider names an ALB and a target group after the resource, plus 8
// characters; a component name that pushes them past ELB's 32 is refused.
func TestProviderMadeNamesFitElasticLoadBalancing(t *testing.T) {
	t.Parallel()
	if err := checkAutoNames("gslb", "seoul", "tokyo"); err != nil {
		t.Errorf("gslb: %v", err)
	}
	err := checkAutoNames("global-failover", "seoul")
	mockengine.AssertErrorMentions(t, err, "global-failover-seoul-alb", "33 characters", "takes 32")
}
