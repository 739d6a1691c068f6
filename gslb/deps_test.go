package gslb

import (
	"slices"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
)

// Values alone cannot show some wiring: a certificate validation echoes its
// certificate's ARN, so a listener fed the certificate's ARN directly would
// look the same but not wait for issuance. The engine records what the SDK
// said each resource waits for.
func TestResourcesWaitForWhatTheyReference(t *testing.T) {
	t.Parallel()
	e := mustRun(t)
	urn := func(typ, name string) string { return must(t, e, typ, name).URN }
	named := map[string]*mockengine.Resource{}
	for _, r := range e.Resources() {
		named[r.Name] = r
	}
	cases := []struct {
		name, property string // property "" means the resource as a whole
		waitsFor       []string
	}{
		// The HTTPS listener gets its certificate only once ACM has issued it.
		{"gslb-seoul-https", "certificateArn", []string{urn(validationType, "gslb-seoul-cert-validation")}},
		{"gslb-tokyo-https", "certificateArn", []string{urn(validationType, "gslb-tokyo-cert-validation")}},
		// Each validation waits for the records of its own names, the shared one included.
		{"gslb-seoul-cert-validation", "validationRecordFqdns", []string{
			urn(recordType, "gslb-validation-seoul"), urn(recordType, "gslb-validation-gslb")}},
		{"gslb-tokyo-cert-validation", "validationRecordFqdns", []string{
			urn(recordType, "gslb-validation-tokyo"), urn(recordType, "gslb-validation-gslb")}},
		{"gslb-seoul-cert-validation", "certificateArn", []string{urn(certType, "gslb-seoul-cert")}},
		{"gslb-tokyo-cert-validation", "certificateArn", []string{urn(certType, "gslb-tokyo-cert")}},
		// The records read ACM's answer from the certificate.
		{"gslb-validation-seoul", "name", []string{urn(certType, "gslb-seoul-cert")}},
		{"gslb-validation-tokyo", "name", []string{urn(certType, "gslb-tokyo-cert")}},
		{"gslb-validation-gslb", "records", []string{urn(certType, "gslb-seoul-cert")}},
		{"gslb-seoul-failover", "healthCheckId", []string{urn(healthType, "gslb-seoul-health")}},
		{"gslb-tokyo-failover", "healthCheckId", []string{urn(healthType, "gslb-tokyo-health")}},
		{"gslb-seoul-failover", "aliases", []string{urn(albType, "gslb-seoul-alb")}},
		{"gslb-tokyo-failover", "aliases", []string{urn(albType, "gslb-tokyo-alb")}},
		// Health checks start probing once their name and listener exist.
		{"gslb-seoul-health", "", []string{urn(recordType, "gslb-seoul-alias"), urn(listenerType, "gslb-seoul-https")}},
		{"gslb-tokyo-health", "", []string{urn(recordType, "gslb-tokyo-alias"), urn(listenerType, "gslb-tokyo-https")}},
	}
	for _, tc := range cases {
		r := named[tc.name]
		if r == nil {
			t.Errorf("no resource %s", tc.name)
			continue
		}
		got := r.Dependencies
		if tc.property != "" {
			got = r.PropertyDependencies[tc.property]
		}
		for _, w := range tc.waitsFor {
			if !slices.Contains(got, w) {
				t.Errorf("%s %s does not wait for %s (waits for %v)", tc.name, tc.property, w, got)
			}
		}
	}
	// And not for the other region's: a listener never gets a certificate of another region.
	if slices.Contains(named["gslb-tokyo-https"].PropertyDependencies["certificateArn"], urn(validationType, "gslb-seoul-cert-validation")) {
		t.Error("Tokyo's listener waits for Seoul's certificate")
	}
}
