package gslb

// Route 53's fixed numbers that bound how long a client may still be sent to
// a dead primary.
const (
	// checkTimeoutSeconds: an HTTP(S) health check fails when Route 53
	// cannot connect within 4 s or gets no 2xx/3xx status within 2 s of
	// connecting, so a check of a black-holed endpoint ends 6 s after it
	// starts.
	checkTimeoutSeconds = 4 + 2
	// aliasTTLSeconds: an alias record to an ELB load balancer is answered
	// with the load balancer's own TTL, 60 s; the record's TTL cannot be set.
	aliasTTLSeconds = 60
)

// FailoverTime is the worst case from "Seoul stops answering" until every
// resolver that follows the TTL sends clients to Tokyo.
type FailoverTime struct {
	// Detection is failureThreshold x interval: each health checker probes
	// on its own schedule; the first probe after the failure starts within
	// one interval and failureThreshold consecutive failed probes end at most
	// failureThreshold intervals after the failure (the phase is already in
	// it: first failed probe within 1 interval, the other threshold-1 each
	// one interval later).
	Detection int
	// CheckTimeout is how long the last failed probe may take to fail.
	CheckTimeout int
	// AliasTTL is how long resolvers keep the answer they had before.
	AliasTTL int
	// Total is the sum.
	Total int
}

// WorstCaseFailover computes FailoverTime from the health-check settings.
//
// Route 53 calls an endpoint unhealthy once 18 % or fewer of its checkers
// report it healthy. The checkers don't coordinate, but each one's verdict
// comes within the same bound, so the quorum adds no time to the slowest
// checker's. Not counted because AWS documents no number for it: how long
// the aggregated status takes to reach Route 53's name servers, and clients
// or resolvers that keep answers longer than the TTL.
func WorstCaseFailover(h HealthCheck) FailoverTime {
	t := FailoverTime{
		Detection:    h.FailureThreshold * h.IntervalSeconds,
		CheckTimeout: checkTimeoutSeconds,
		AliasTTL:     aliasTTLSeconds,
	}
	t.Total = t.Detection + t.CheckTimeout + t.AliasTTL
	return t
}
