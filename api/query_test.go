package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	partybranch "github.com/orglife/orglife/examples/party-branch"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/storage/storagetest"
	"github.com/orglife/orglife/workflows"
)

// packAPI returns a handler on the built-in pack and the database at dsn, with the clock pinned
// at 2025-02-12T10:00:00+08:00, metrics observing the engine and the pool, an admin secret, the orgs c → b, and an evaluation of January
// 2025 persisted (b has no 主题党日: overdue).
func packAPI(t *testing.T, dsn string) (http.Handler, string) {
	t.Helper()
	set, ps := workflows.Load(partybranch.FS, "workflows", "x")
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	rs, ps := rules.LoadRules(partybranch.FS, "rules", "x", set.Collections())
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	now, _ := time.Parse(time.RFC3339, "2025-02-12T10:00:00+08:00")
	metrics := NewMetrics()
	db := storagetest.Open(t, dsn)
	metrics.RegisterDBStats(db.Stats)
	chk := compliance.New(compliance.Config{Store: db, Workflows: set, Rules: rs, Location: loc,
		Now: func() time.Time { return now }, Observer: metrics})
	svc := engine.New(engine.Config{Store: db, Workflows: set, Location: loc, Now: func() time.Time { return now }, Evaluations: chk})
	admin, err := svc.Bootstrap(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	h := New(svc, chk, Options{Metrics: metrics})
	for _, o := range []string{`{"id":"c","name":"党委","kind":"committee"}`, `{"id":"b","name":"第一党支部","kind":"branch","parent_id":"c"}`} {
		if st, body := do(t, h, "POST", "/v1/orgs", admin, o); st != 201 {
			t.Fatalf("org: %d %v", st, body)
		}
	}
	if st, body := do(t, h, "POST", "/v1/evaluations", admin, `{"from":"2025-01-01","to":"2025-01-31"}`); st != 200 {
		t.Fatalf("evaluation: %d %v", st, body)
	}
	return h, admin
}

// errorField returns the message of an error answer and the field of its first detail.
func errorField(body map[string]any) (message, field string) {
	e, _ := body["error"].(map[string]any)
	message, _ = e["message"].(string)
	if ds, _ := e["details"].([]any); len(ds) > 0 {
		d, _ := ds[0].(map[string]any)
		field, _ = d["field"].(string)
	}
	return message, field
}

// TestStrictQueries: every filter value that can never match answers 400 invalid with a message
// naming the parameter (and an example) and details[0].field = the parameter; valid values of
// every form still answer 200, on both databases.
func TestStrictQueries(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			h, admin := packAPI(t, dsn)
			const asOf = "as_of=2025-02-12T10:00:00%2B08:00"
			for _, tc := range []struct{ path, param, example string }{
				{"/v1/compliance?period=2025-13", "period", "2025-Q1"},
				{"/v1/compliance?period=2025年3月", "period", "2025-03"},
				{"/v1/compliance?period=2025-Q5&" + asOf, "period", "2025-H1"},
				{"/v1/compliance?status=bogus", "status", "overdue"},
				{"/v1/compliance?status=open", "status", "compliant"},
				{"/v1/compliance?rule=nope", "rule", "active rule set"},
				{"/v1/compliance?" + asOf + "&from=2025-03-01&to=2025-01-01", "from", "from=2025-01-01"},
				{"/v1/compliance/summary?org_id=c&period=2025-H3", "period", "2025-H1"},
				{"/v1/compliance/summary?org_id=c&from=2025-03-01&to=2025-01-01", "from", "to"},
				{"/v1/compliance/summary?org_id=c&to=2025-02-30", "to", "YYYY-MM-DD"},
				{"/v1/violations?period=2025年3月", "period", "2025-03"},
				{"/v1/violations?period=25-03", "period", "2025-03"},
				{"/v1/violations?kind=bogus", "kind", "overdue, late or shallow"},
				{"/v1/violations?severity=high", "severity", "info, minor, major or critical"},
				{"/v1/violations?status=overdue", "status", "open, acknowledged, waived or resolved"},
				{"/v1/violations?rule=nope", "rule", "such as"},
				{"/v1/instances?workflow=nope", "workflow", "meeting"},
				{"/v1/instances?state=nope", "state", "planned"},
				{"/v1/instances?workflow=meeting&state=nope", "state", "workflow meeting"},
				{"/v1/instances?from=2025-03-01&to=2025-01-01", "from", "to"},
				{"/v1/audit?action=nope", "action", "rules.put"},
			} {
				st, body := do(t, h, "GET", tc.path, admin, "")
				msg, field := errorField(body)
				if st != 400 || code(body) != "invalid" || field != tc.param || !strings.HasPrefix(msg, tc.param+" ") || !strings.Contains(msg, tc.example) {
					t.Errorf("GET %s: %d %q field %q, want 400 invalid naming %s with %q", tc.path, st, msg, field, tc.param, tc.example)
				}
			}
			// The preview's range is checked before its rule files.
			st, body := do(t, h, "POST", "/v1/rules/preview?from=2025-03-01&to=2025-01-01", admin, "rules: []\n")
			if msg, field := errorField(body); st != 400 || field != "from" || !strings.HasPrefix(msg, "from must not be after to") {
				t.Errorf("preview from after to: %d %v", st, body)
			}
			for _, tc := range []struct {
				path     string
				nonEmpty bool
			}{
				{"/v1/compliance?period=2025-01&rule=theme_day_monthly&status=overdue", true},
				{"/v1/compliance?period=2025-Q1", false},
				{"/v1/compliance?period=2025-H1", false},
				{"/v1/compliance?period=2025", false},
				{"/v1/compliance?period=-", false},
				{"/v1/compliance?" + asOf + "&period=2025-01&rule=theme_day_monthly", true},
				{"/v1/compliance?" + asOf + "&from=2025-01-01&to=2025-01-31&status=overdue", true},
				{"/v1/compliance/summary?org_id=c&period=2025-01", true},
				{"/v1/compliance/summary?org_id=c&from=2025-01-01&to=2025-01-31", true},
				{"/v1/violations?period=2025-01&kind=overdue&severity=major&status=open&rule=theme_day_monthly", true},
				{"/v1/violations?period=-", false},
				{"/v1/instances?workflow=meeting&state=planned&from=2025-01-01&to=2025-01-01", false},
				{"/v1/instances?state=planned", false},
				{"/v1/audit?action=violation.waive", false},
			} {
				st, body := do(t, h, "GET", tc.path, admin, "")
				items, _ := body["items"].([]any)
				if st != 200 || (tc.nonEmpty && len(items) == 0) {
					t.Errorf("GET %s: %d %d items %v", tc.path, st, len(items), body)
				}
			}
		})
	}
}

// TestWaiverExpiresAt: expires_at takes a date (through the end of that day, local time) or an
// RFC 3339 instant; a malformed one answers 400 and one beyond the maximum (366 days) 422, both
// naming expires_at.
func TestWaiverExpiresAt(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			h, admin := packAPI(t, dsn)
			st, body := do(t, h, "GET", "/v1/violations?rule=theme_day_monthly&org_id=b&period=2025-01&kind=overdue", admin, "")
			items, _ := body["items"].([]any)
			if st != 200 || len(items) != 1 {
				t.Fatalf("violations: %d %v", st, body)
			}
			id := items[0].(map[string]any)["id"].(string)
			waive := func(expiresAt string) (int, map[string]any) {
				return do(t, h, "POST", "/v1/violations/"+id+"/waive", admin, fmt.Sprintf(`{"reason":"书记外出学习","expires_at":%q}`, expiresAt))
			}
			for _, tc := range []struct {
				expiresAt string
				status    int
			}{
				{"2026-03-01 00:00", 400},
				{"2025年3月1日", 400},
				{"2026-02-14", 422},                // today is 2025-02-12: 367 days ahead
				{"2099-01-01T00:00:00Z", 422},      // a 74-year waiver
				{"2025-02-11", 422},                // yesterday
				{"2025-02-12T09:00:00+08:00", 422}, // an hour ago
			} {
				st, body := waive(tc.expiresAt)
				if _, field := errorField(body); st != tc.status || field != "expires_at" {
					t.Errorf("expires_at %q: %d %v, want %d naming expires_at", tc.expiresAt, st, body, tc.status)
				}
			}
			st, body = waive("2026-02-13")
			w, _ := body["waiver"].(map[string]any)
			if st != 200 || body["status"] != "waived" || w["expires_at"] != "2026-02-13T16:00:00Z" {
				t.Fatalf("date-only expires_at 366 days ahead: %d %v", st, body)
			}
		})
	}
}
