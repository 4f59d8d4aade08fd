package engine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
)

// TestFutureAsOfLeavesNoTrace: an evaluation as of a future instant is computed and reported but
// writes neither ledger rows nor violations.
func TestFutureAsOfLeavesNoTrace(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		future := time.Date(2029, 6, 1, 0, 0, 0, 0, time.UTC)
		res, err := w.svc.Evaluate(w.ctx, admin, engine.EvaluateParams{AsOf: &future, From: "2029-01-01", To: "2029-05-31"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Persisted || res.Rows == 0 || res.ByStatus[orglife.StatusOverdue] == 0 {
			t.Fatalf("future evaluation: persisted %v, %d rows, %v", res.Persisted, res.Rows, res.ByStatus)
		}
		if rows := w.compliance(t, admin, engine.ComplianceParams{}); len(rows) != 0 {
			t.Fatalf("%d ledger rows after a forecast, first %s %s", len(rows), rows[0].Rule, rows[0].PeriodKey())
		}
		page, err := w.svc.ListViolations(w.ctx, admin, engine.ListViolationsParams{})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 0 {
			t.Fatalf("%d violations after a forecast", len(page.Items))
		}
	})
}

// TestSpanBudget: a range wider than the budget is refused before anything is evaluated, on every
// path that evaluates a range.
func TestSpanBudget(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		asOf := w.clock.Now()
		huge := engine.EvaluateParams{From: "0001-01-01", To: "9999-12-31"}
		_, err := w.svc.Evaluate(w.ctx, admin, huge)
		if code(err) != orglife.EINVALID || !strings.Contains(err.Error(), "at most 766 days") {
			t.Fatalf("evaluate: %v", err)
		}
		_, err = w.svc.Compliance(w.ctx, admin, engine.ComplianceParams{AsOf: &asOf, From: "0001-01-01", To: "9999-12-31", ListParams: engine.ListParams{Limit: 1}})
		if code(err) != orglife.EINVALID {
			t.Fatalf("compliance as of: %v", err)
		}
		_, err = w.svc.Preview(w.ctx, admin, engine.PreviewParams{Files: map[string][]byte{"r.yaml": []byte(oneRule)}, From: "2000-01-01", To: "2025-01-01"})
		if code(err) != orglife.EINVALID {
			t.Fatalf("preview: %v", err)
		}
		// the lookback plus a year is within the budget
		if _, err := w.svc.Evaluate(w.ctx, admin, engine.EvaluateParams{From: "2024-01-08", To: "2026-02-11"}); err != nil {
			t.Fatal(err)
		}
		if rows := w.compliance(t, admin, engine.ComplianceParams{}); len(rows) == 0 {
			t.Fatal("no rows")
		}
	})
}

const oneRule = `rules:
  - id: theme_day_monthly
    title: 每月开展一次主题党日
    every: month
    where: "org.kind == 'branch'"
    require: "count(meetings, .type == 'theme_day') >= 1"
    message: 本期未开展主题党日
`
