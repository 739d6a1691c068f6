package validate

import (
	"strings"
	"testing"
)

func TestValidLogRetentionIsCloudWatchLogsList(t *testing.T) {
	t.Parallel()
	for _, d := range []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653} {
		if !ValidLogRetention(d) {
			t.Errorf("%d days refused; CloudWatch Logs accepts it", d)
		}
	}
	// 0 would mean "never expire" to some tools; CloudWatch's API has no such value.
	for _, d := range []int{-1, 0, 2, 4, 31, 366, 730, 3654} {
		if ValidLogRetention(d) {
			t.Errorf("%d days accepted; CloudWatch Logs refuses it", d)
		}
	}
	if l := LogRetentionList(); !strings.HasPrefix(l, "1, 3, 5, 7, 14, 30") || !strings.HasSuffix(l, ", 3653") {
		t.Errorf("LogRetentionList() = %q", l)
	}
}
