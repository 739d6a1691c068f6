package gslb

import "testing"

func TestWorstCaseFailover(t *testing.T) {
	t.Parallel()
	cases := []struct {
		hc               HealthCheck
		detection, total int
	}{
		{HealthCheck{IntervalSeconds: 30, FailureThreshold: 1}, 30, 96},  // the note: standard, threshold 1
		{HealthCheck{IntervalSeconds: 30, FailureThreshold: 3}, 90, 156}, // Route 53's console default
		{HealthCheck{IntervalSeconds: 10, FailureThreshold: 1}, 10, 76},  // fastest Route 53 allows
		{HealthCheck{IntervalSeconds: 10, FailureThreshold: 10}, 100, 166},
	}
	for _, tc := range cases {
		got := WorstCaseFailover(tc.hc)
		if got.Detection != tc.detection || got.Total != tc.total {
			t.Errorf("%+v: detection %d total %d, want %d and %d", tc.hc, got.Detection, got.Total, tc.detection, tc.total)
		}
		if got.CheckTimeout != 6 || got.AliasTTL != 60 || got.Detection+got.CheckTimeout+got.AliasTTL != got.Total {
			t.Errorf("%+v: parts %+v do not add up to 6 s timeout + 60 s TTL", tc.hc, got)
		}
	}
}
