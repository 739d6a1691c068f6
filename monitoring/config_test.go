package monitoring

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
)

func intp(n int) *int { return &n }

func TestDevStackConfigIsValidAndMailsNobody(t *testing.T) {
	t.Parallel()
	_, cfg, err := mockengine.LoadStackConfig("..", "dev")
	if err != nil {
		t.Fatal(err)
	}
	var c Config
	dec := json.NewDecoder(strings.NewReader(cfg.Values["hybrid-cloud:monitoring"]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Error(err)
	}
	if len(c.AlertEmails) != 0 || c.LogRetention() != 30 {
		t.Errorf("dev monitoring = %+v (retention %d), want no addresses and 30 days", c, c.LogRetention())
	}
}

func TestLogRetentionDefaultsToThirtyDays(t *testing.T) {
	t.Parallel()
	if got := (Config{}).LogRetention(); got != 30 {
		t.Errorf("default retention %d, want 30", got)
	}
	if got := (Config{LogRetentionDays: intp(365)}).LogRetention(); got != 365 {
		t.Errorf("retention %d, want the configured 365", got)
	}
}

func TestValidateAcceptsWhatSNSAndCloudWatchTake(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]Config{
		"nothing set":         {},
		"empty list":          {AlertEmails: []string{}},
		"two addresses":       {AlertEmails: []string{"ops@example.com", "on-call+hybrid@lab.example.org"}},
		"one day":             {LogRetentionDays: intp(1)},
		"ten years":           {LogRetentionDays: intp(3653)},
		"eighteen months":     {LogRetentionDays: intp(545)},
		"address with a dot.": {AlertEmails: []string{"first.last@example.co.kr"}},
	} {
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestValidateRefusesNamingTheKey(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		c    Config
		want []string
	}{
		{"no at sign", Config{AlertEmails: []string{"ops.example.com"}},
			[]string{"hybrid-cloud:monitoring.alertEmails[0]", `"ops.example.com"`, "email address"}},
		{"two in one entry", Config{AlertEmails: []string{"a@example.com", "b@example.com, c@example.com"}},
			[]string{"hybrid-cloud:monitoring.alertEmails[1]"}},
		{"empty entry", Config{AlertEmails: []string{""}},
			[]string{"hybrid-cloud:monitoring.alertEmails[0]"}},
		{"same address twice", Config{AlertEmails: []string{"ops@example.com", "OPS@example.com"}},
			[]string{"hybrid-cloud:monitoring.alertEmails[1]", "alertEmails[0]", "once"}},
		{"31 days", Config{LogRetentionDays: intp(31)},
			[]string{"hybrid-cloud:monitoring.logRetentionDays", "31", "1, 3, 5, 7, 14, 30, 60", "3653"}},
		{"never expire", Config{LogRetentionDays: intp(0)},
			[]string{"hybrid-cloud:monitoring.logRetentionDays", "0 is not allowed"}},
		{"negative", Config{LogRetentionDays: intp(-7)},
			[]string{"hybrid-cloud:monitoring.logRetentionDays", "-7"}},
	}
	for _, tc := range cases {
		mockengine.AssertErrorMentions(t, tc.c.Validate(), tc.want...)
	}
	// Every problem at once.
	err := Config{AlertEmails: []string{"x"}, LogRetentionDays: intp(2)}.Validate()
	mockengine.AssertErrorMentions(t, err, "alertEmails[0]", "logRetentionDays")
}
