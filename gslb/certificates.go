package gslb

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ValidationTimeout bounds how long `pulumi up` waits for ACM to issue a
// certificate. The provider's default is 75 minutes (aws_acm_certificate_validation,
// Timeouts.Create in terraform-provider-aws internal/service/acm/certificate_validation.go),
// longer than the deploy job runs: a job killed mid-wait leaves the stack
// locked with pending operations. With a delegated zone ACM issues within
// minutes; a zone that is not delegated never validates, which
// scripts/check-delegation reports before `pulumi up` starts
// (docs/gslb.md, "The first deploy").
const ValidationTimeout = "30m"

// certSpec is one ALB's certificate: the site it lives in and the names it
// covers (the first is the certificate's domain name, the rest SANs).
type certSpec struct {
	role    string
	site    Site
	domains []string
}

// validationDomain is a domain whose DNS validation record must exist, and
// the certificate whose validation options it is read from.
type validationDomain struct {
	domain string
	cert   int
}

// validationDomains lists every distinct domain of specs once, in the order
// first named, with the first certificate that names it. ACM asks for the
// same CNAME for the same domain in every region of an account, so one
// record validates the domain for every certificate that names it.
func validationDomains(specs []certSpec) []validationDomain {
	var out []validationDomain
	seen := map[string]bool{}
	for i, s := range specs {
		for _, d := range s.domains {
			if !seen[d] {
				seen[d] = true
				out = append(out, validationDomain{domain: d, cert: i})
			}
		}
	}
	return out
}

// newCertificates declares one DNS-validated certificate per spec, each with
// its own site's provider, the validation records (once per domain) in the
// zone with the Route 53 provider, and one CertificateValidation per
// certificate, which completes when ACM has issued it. It returns the
// validations in the order of specs.
func newCertificates(ctx *pulumi.Context, parent pulumi.Resource, name string, zone zoneRef,
	specs []certSpec) ([]*acm.CertificateValidation, error) {
	certs := make([]*acm.Certificate, len(specs))
	for i, s := range specs {
		cert, err := acm.NewCertificate(ctx, name+"-"+s.role+"-cert", &acm.CertificateArgs{
			DomainName:              pulumi.String(s.domains[0]),
			SubjectAlternativeNames: pulumi.ToStringArray(s.domains[1:]),
			ValidationMethod:        pulumi.String("DNS"),
			Tags:                    pulumi.StringMap{"Name": pulumi.String(s.domains[0])},
		}, pulumi.Parent(parent), pulumi.Provider(s.site.Provider),
			// A new certificate must be validated and issued again before
			// the listener can use it.
			pulumi.Protect(zone.protect))
		if err != nil {
			return nil, fmt.Errorf("certificate %s in %s: %w", s.domains[0], s.site.Region, err)
		}
		certs[i] = cert
	}

	fqdns := map[string]pulumi.StringOutput{}
	for _, v := range validationDomains(specs) {
		opt := validationOption(certs[v.cert].DomainValidationOptions, v.domain)
		label := strings.TrimSuffix(v.domain, "."+zone.name)
		rec, err := route53.NewRecord(ctx, name+"-validation-"+label, &route53.RecordArgs{
			ZoneId:  zone.id,
			Name:    opt.ResourceRecordName().Elem(),
			Type:    opt.ResourceRecordType().Elem(),
			Records: pulumi.StringArray{opt.ResourceRecordValue().Elem()},
			Ttl:     pulumi.Int(60),
			// Written once per domain here, so never another's: a record
			// of this name that already exists (another stack's or a hand-
			// made certificate's) fails the create instead of being taken
			// over, and later deleted with this stack while that certificate
			// still renews with it. Stacks sharing a zone name their records
			// apart (hybrid-cloud:exactNamesStack).
			AllowOverwrite: pulumi.Bool(false),
		}, zone.opts(parent)...)
		if err != nil {
			return nil, fmt.Errorf("validation record for %s: %w", v.domain, err)
		}
		fqdns[v.domain] = rec.Fqdn
	}

	validations := make([]*acm.CertificateValidation, len(specs))
	for i, s := range specs {
		records := pulumi.StringArray{}
		for _, d := range s.domains {
			records = append(records, fqdns[d])
		}
		val, err := acm.NewCertificateValidation(ctx, name+"-"+s.role+"-cert-validation", &acm.CertificateValidationArgs{
			CertificateArn:        certs[i].Arn,
			ValidationRecordFqdns: records,
		}, pulumi.Parent(parent), pulumi.Provider(s.site.Provider),
			pulumi.Timeouts(&pulumi.CustomTimeouts{Create: ValidationTimeout}))
		if err != nil {
			return nil, fmt.Errorf("certificate validation %s in %s: %w", s.domains[0], s.site.Region, err)
		}
		validations[i] = val
	}
	return validations, nil
}

// validationOption picks the validation option of one domain out of a
// certificate's options, once ACM has computed them.
func validationOption(opts acm.CertificateDomainValidationOptionArrayOutput, domain string) acm.CertificateDomainValidationOptionOutput {
	return opts.ApplyT(func(all []acm.CertificateDomainValidationOption) (acm.CertificateDomainValidationOption, error) {
		for _, o := range all {
			if o.DomainName != nil && *o.DomainName == domain {
				return o, nil
			}
		}
		return acm.CertificateDomainValidationOption{}, fmt.Errorf("ACM gave no validation record for %s", domain)
	}).(acm.CertificateDomainValidationOptionOutput)
}
