package api

import (
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife/storage/storagetest"
)

// TestDueOn: ledger rows and violations keep due as an RFC 3339 instant and add due_on, the last
// day that counts in the deployment time zone; their texts read local dates, never the instant.
func TestDueOn(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			h, admin := packAPI(t, dsn)
			for _, path := range []string{"/v1/compliance?org_id=b&rule=theme_day_monthly&period=2025-01",
				"/v1/compliance?org_id=b&rule=theme_day_monthly&period=2025-01&as_of=2025-02-12T10:00:00%2B08:00"} {
				st, body := do(t, h, "GET", path, admin, "")
				items, _ := body["items"].([]any)
				if st != 200 || len(items) != 1 {
					t.Fatalf("%s: %d %v", path, st, body)
				}
				row := items[0].(map[string]any)
				expl, _ := row["explanation"].(map[string]any)
				// January with grace 10d: due at the start of 11 February, Shanghai time
				due, err := time.Parse(time.RFC3339, row["due"].(string))
				if err != nil || !due.Equal(time.Date(2025, 2, 10, 16, 0, 0, 0, time.UTC)) || row["due_on"] != "2025-02-10" || expl["due_on"] != "2025-02-10" {
					t.Errorf("%s: due %v, due_on %v, explanation.due_on %v", path, row["due"], row["due_on"], expl["due_on"])
				}
				if text, _ := expl["text"].(string); text != "2025年1月 本月未开展主题党日（截止2025年2月10日）" {
					t.Errorf("%s: text %q", path, text)
				}
			}
			st, body := do(t, h, "GET", "/v1/violations?org_id=b&rule=theme_day_monthly", admin, "")
			items, _ := body["items"].([]any)
			if st != 200 || len(items) != 1 {
				t.Fatalf("violations: %d %v", st, body)
			}
			v := items[0].(map[string]any)
			if v["due_on"] != "2025-02-10" || strings.Contains(v["message"].(string), "2025-02") {
				t.Errorf("violation: due_on %v, message %v", v["due_on"], v["message"])
			}
			st, one := do(t, h, "GET", "/v1/violations/"+v["id"].(string), admin, "")
			if st != 200 || one["due_on"] != "2025-02-10" {
				t.Errorf("violation: %d %v", st, one)
			}
			hist, _ := one["history"].([]any)
			if len(hist) == 0 || hist[0].(map[string]any)["note"] != "评估发现问题，已开启" {
				t.Errorf("history %v", hist)
			}
		})
	}
}
