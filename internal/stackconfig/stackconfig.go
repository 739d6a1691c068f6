// Package stackconfig reads the stack's config once into typed structs and
// validates all of it, so that every problem is reported together, each with
// its config key, before the program registers a single resource.
package stackconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"github.com/hybridlab/hybrid-cloud/gslb"
	"github.com/hybridlab/hybrid-cloud/haproxy"
	"github.com/hybridlab/hybrid-cloud/internal/validate"
	"github.com/hybridlab/hybrid-cloud/monitoring"
	"github.com/hybridlab/hybrid-cloud/network"
	"github.com/hybridlab/hybrid-cloud/vpn"
	"github.com/hybridlab/hybrid-cloud/webnodes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// Stack is the whole stack's config.
type Stack struct {
	Clouds   Clouds
	Network  network.Config
	VPN      vpn.Config
	WebNodes webnodes.Config
	HAProxy  haproxy.Config
	GSLB     gslb.Config
	// Protect is `hybrid-cloud:protect`: set Protect on every resource that
	// holds state or an address others depend on, so that neither a mistaken
	// change nor `pulumi destroy` can delete or replace it.
	Protect bool
	// Monitoring is the alarms' recipients and the tunnel logs' retention.
	Monitoring monitoring.Config
	// ExactNamesStack is `hybrid-cloud:exactNamesStack`, the stack whose
	// names are the config's as written; every other stack's carry its
	// suffix (names.go).
	ExactNamesStack string
}

// Clouds is the `hybrid-cloud:clouds` config object: where each provider points.
type Clouds struct {
	// AwsPrimaryRegion is Seoul (MY-VPC, the VPN, seoul-alb, HA-seoul).
	AwsPrimaryRegion string `json:"awsPrimaryRegion"`
	// AwsSecondaryRegion is Tokyo (tokyo-alb, HA-tokyo), in its default VPC.
	AwsSecondaryRegion string `json:"awsSecondaryRegion"`
	// AwsSecondaryZones are the default VPC's zones tokyo-alb spans.
	AwsSecondaryZones []string `json:"awsSecondaryZones"`
	AzureLocation     string   `json:"azureLocation"`
	GcpProject        string   `json:"gcpProject"`
	GcpRegion         string   `json:"gcpRegion"`
	AlicloudRegion    string   `json:"alicloudRegion"`
}

// gcpProjectPattern is GCP's project ID rule: 6-30 chars, lower case letters,
// digits and hyphens, starting with a letter and not ending with a hyphen.
var gcpProjectPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)

// Validate checks the section.
func (c Clouds) Validate() error {
	p := validate.Section("clouds")
	p.OneOf("awsPrimaryRegion", c.AwsPrimaryRegion, awsRegions...)
	if p.OneOf("awsSecondaryRegion", c.AwsSecondaryRegion, awsRegions...) && c.AwsSecondaryRegion == c.AwsPrimaryRegion {
		p.Addf("awsSecondaryRegion", "%q is also awsPrimaryRegion: failover needs a second region", c.AwsSecondaryRegion)
	}
	if len(c.AwsSecondaryZones) < 2 {
		p.Addf("awsSecondaryZones", "needs at least two availability zones (an ALB requires two)")
	}
	for i, z := range c.AwsSecondaryZones {
		p.Zone(fmt.Sprintf("awsSecondaryZones[%d]", i), z, c.AwsSecondaryRegion, validate.AWSZones)
	}
	// An ALB takes one subnet per zone, and each zone's lookup is named by it.
	p.Distinct("awsSecondaryZones", c.AwsSecondaryZones, "an ALB takes one subnet per availability zone; list each zone once")
	p.OneOf("azureLocation", c.AzureLocation, azureLocations...)
	p.Match("gcpProject", c.GcpProject, gcpProjectPattern, "a GCP project ID: 6-30 lower-case letters, digits and hyphens")
	p.OneOf("gcpRegion", c.GcpRegion, gcpRegions...)
	p.OneOf("alicloudRegion", c.AlicloudRegion, alicloudRegions...)
	return p.Err()
}

// CredentialFields lists, by section, every config field that holds a
// credential. Each must be a Pulumi secret: the section's validation refuses
// it in plain text. A test keeps this list complete.
var CredentialFields = map[string][]string{
	"vpn": vpn.CredentialFields,
}

// Load reads every section of the stack's config and validates it.
func Load(ctx *pulumi.Context) (*Stack, error) {
	cfg := config.New(ctx, "")
	var s Stack
	errs := []error{
		readObject(cfg, "clouds", &s.Clouds),
		readObject(cfg, "network", &s.Network),
		readObject(cfg, "vpn", &s.VPN),
		readObject(cfg, "webNodes", &s.WebNodes),
		readObject(cfg, "haproxy", &s.HAProxy),
		readObject(cfg, "gslb", &s.GSLB),
		readBool(cfg, "protect", &s.Protect, "true guards the VPN, addresses, certificates and DNS against deletion and replacement; false lets `pulumi destroy` remove a lab"),
		readObject(cfg, "monitoring", &s.Monitoring),
		readString(cfg, exactNamesKey, &s.ExactNamesStack, "the one stack that keeps the names as written, e.g. dev; every other stack suffixes them with its own name"),
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if err := checkExactNamesStack(s.ExactNamesStack, ctx.Stack()); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	suffix := nameSuffix(ctx.Stack(), s.ExactNamesStack)
	s.applyNameSuffix(ctx.Project(), suffix)
	// Credentials must be Pulumi secrets (see CredentialFields). The stack
	// file says which fields are; without one, the engine says which
	// top-level keys hold a secret somewhere.
	s.VPN.HoldsSecrets = ctx.IsConfigSecret(validate.Project + ":vpn")
	secure, known, err := secureFields(ctx.RootDirectory(), ctx.Stack())
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if known {
		s.VPN.SecureFields = secure["vpn"]
		if s.VPN.SecureFields == nil {
			s.VPN.SecureFields = map[string]bool{}
		}
	}
	if err := s.Validate(); err != nil {
		if suffix != "" {
			return nil, fmt.Errorf("config: %w\n(stack %s is not %s:%s = %s, so every name it reads from config carries the suffix %q)",
				err, ctx.Stack(), validate.Project, exactNamesKey, s.ExactNamesStack, suffix)
		}
		return nil, fmt.Errorf("config: %w", err)
	}
	return &s, nil
}

// Validate checks every section and the rules that span sections.
func (s *Stack) Validate() error {
	return errors.Join(
		s.Clouds.Validate(),
		s.Network.Validate(s.Clouds.AwsPrimaryRegion),
		s.VPN.Validate(s.Network.VpcCidr),
		s.WebNodes.Validate(webnodes.Regions{Gcp: s.Clouds.GcpRegion, Alicloud: s.Clouds.AlicloudRegion, Azure: s.Clouds.AzureLocation}),
		s.HAProxy.Validate(),
		s.GSLB.Validate(),
		s.Monitoring.Validate(),
	)
}

// readBool reads a required true/false key: a stack file must say which it
// is, so that no stack is left unprotected by omission.
func readBool(cfg *config.Config, key string, into *bool, what string) error {
	full := validate.Project + ":" + key
	raw, err := cfg.Try(key)
	if err != nil {
		return fmt.Errorf("%s: is required in every stack file: true or false (%s)", full, what)
	}
	switch raw {
	case "true":
		*into = true
	case "false":
		*into = false
	default:
		return fmt.Errorf("%s: %q is not allowed (true or false)", full, raw)
	}
	return nil
}

// readString reads a required string key.
func readString(cfg *config.Config, key string, into *string, what string) error {
	raw, err := cfg.Try(key)
	if err != nil || raw == "" {
		return fmt.Errorf("%s:%s: is required in every stack file (%s)", validate.Project, key, what)
	}
	*into = raw
	return nil
}

// readObject decodes one config object strictly: a misspelt field is an
// error, not a silently ignored value.
func readObject(cfg *config.Config, key string, into any) error {
	full := validate.Project + ":" + key
	raw, err := cfg.Try(key)
	if err != nil {
		return fmt.Errorf("%s: is required (an object; see the README's configuration section)", full)
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return fmt.Errorf("%s: %v", full, err)
	}
	var generic any
	if err := json.Unmarshal([]byte(raw), &generic); err != nil {
		return fmt.Errorf("%s: %v", full, err)
	}
	if problems := misspelt(full, generic, reflect.TypeOf(into)); len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}
