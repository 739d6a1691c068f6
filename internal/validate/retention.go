package validate

import (
	"fmt"
	"slices"
	"strings"
)

// LogRetentionDays are the retention periods CloudWatch Logs accepts
// (PutRetentionPolicy's retentionInDays); any other number is refused by
// the API at deploy time.
var LogRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// ValidLogRetention reports whether CloudWatch Logs accepts days.
func ValidLogRetention(days int) bool {
	return slices.Contains(LogRetentionDays, days)
}

// LogRetentionList is LogRetentionDays for an error message.
func LogRetentionList() string {
	parts := make([]string, len(LogRetentionDays))
	for i, d := range LogRetentionDays {
		parts[i] = fmt.Sprint(d)
	}
	return strings.Join(parts, ", ")
}
