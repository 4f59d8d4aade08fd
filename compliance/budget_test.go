package compliance_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
)

// TestFutureAsOfLeavesNoTrace: an evaluation as of a future instant is computed and reported but
// writes neither ledger rows nor violations.
func TestFutureAsOfLeavesNoTrace(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		future := time.Date(2029, 6, 1, 0, 0, 0, 0, time.UTC)
		res, err := w.chk.Evaluate(w.ctx, admin, compliance.EvaluateParams{AsOf: &future, From: "2029-01-01", To: "2029-05-31"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Persisted || res.Rows == 0 || res.ByStatus[orglife.StatusOverdue] == 0 {
			t.Fatalf("future evaluation: persisted %v, %d rows, %v", res.Persisted, res.Rows, res.ByStatus)
		}
		if rows := w.compliance(t, admin, compliance.ComplianceParams{}); len(rows) != 0 {
			t.Fatalf("%d ledger rows after a forecast, first %s %s", len(rows), rows[0].Rule, rows[0].PeriodKey())
		}
		page, err := w.chk.ListViolations(w.ctx, admin, compliance.ListViolationsParams{})
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
		huge := compliance.EvaluateParams{From: "0001-01-01", To: "9999-12-31"}
		_, err := w.chk.Evaluate(w.ctx, admin, huge)
		if code(err) != orglife.EINVALID || !strings.Contains(err.Error(), "at most 766 days") {
			t.Fatalf("evaluate: %v", err)
		}
		_, err = w.chk.Compliance(w.ctx, admin, compliance.ComplianceParams{AsOf: &asOf, From: "0001-01-01", To: "9999-12-31", ListParams: orglife.ListParams{Limit: 1}})
		if code(err) != orglife.EINVALID {
			t.Fatalf("compliance as of: %v", err)
		}
		_, err = w.chk.Preview(w.ctx, admin, compliance.PreviewParams{Files: map[string][]byte{"r.yaml": []byte(oneRule)}, From: "2000-01-01", To: "2025-01-01"})
		if code(err) != orglife.EINVALID {
			t.Fatalf("preview: %v", err)
		}
		// the lookback plus a year is within the budget
		if _, err := w.chk.Evaluate(w.ctx, admin, compliance.EvaluateParams{From: "2024-01-08", To: "2026-02-11"}); err != nil {
			t.Fatal(err)
		}
		if rows := w.compliance(t, admin, compliance.ComplianceParams{}); len(rows) == 0 {
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

const bombRule = `rules:
  - id: bomb
    title: 内存炸弹
    every: month
    require: "len(repeat(repeat('x', 999999), 999999)) > 0"
    message: 炸
`

// TestRuleSetActivationGuards: an empty set, a set that drops active rules without saying so, and
// a set whose rule blows its budget on real data are refused, and nothing changes; a preview
// names added and removed rules and changed due dates; the audit records the version that was
// really active before, even when another server activated it.
func TestRuleSetActivationGuards(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		before := w.chk.RuleSet().Version
		if _, err := w.chk.PutRulesWith(w.ctx, admin, compliance.PutRulesParams{Files: map[string][]byte{"r.yaml": []byte("rules: []\n")}, AllowRemoval: true}); code(err) != orglife.EUNPROCESSABLE {
			t.Fatalf("empty set: %v", err)
		}
		_, err := w.chk.PutRules(w.ctx, admin, map[string][]byte{"r.yaml": []byte(oneRule)}, "")
		if code(err) != orglife.ECONFLICT || !strings.Contains(orglife.ErrorMessage(err), "drops") {
			t.Fatalf("partial set: %v", err)
		}
		_, err = w.chk.PutRulesWith(w.ctx, admin, compliance.PutRulesParams{Files: map[string][]byte{"r.yaml": []byte(bombRule)}, AllowRemoval: true})
		if code(err) != orglife.EUNPROCESSABLE || !strings.Contains(orglife.ErrorMessage(err), "budget") {
			t.Fatalf("memory bomb: %v", err)
		}
		if w.chk.RuleSet().Version != before {
			t.Fatal("a refused activation changed the rule set")
		}

		w.evaluate(t, "2025-01-01", "2025-01-31")
		later := strings.Replace(oneRule, "    message: 本期未开展主题党日\n", "    message: 本期未开展主题党日\n    grace: 5d\n", 1) +
			"  - id: extra\n    title: 新规则\n    every: year\n    require: \"true\"\n    message: m\n"
		res, err := w.chk.Preview(w.ctx, admin, compliance.PreviewParams{Files: map[string][]byte{"r.yaml": []byte(later)}, From: "2025-01-01", To: "2025-01-31"})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.AddedRules) != 1 || res.AddedRules[0] != "extra" || len(res.RemovedRules) < 5 || res.DueChangesTotal == 0 {
			t.Fatalf("preview: added %v removed %v, %d due changes", res.AddedRules, res.RemovedRules, res.DueChangesTotal)
		}
		if c := res.DueChanges[0]; c.Rule != "theme_day_monthly" || c.From == nil || c.To == nil || c.From.Sub(*c.To) != 5*24*time.Hour {
			t.Fatalf("due change %+v", c)
		}

		first, err := w.chk.PutRulesWith(w.ctx, admin, compliance.PutRulesParams{Files: map[string][]byte{"r.yaml": []byte(oneRule)}, AllowRemoval: true})
		if err != nil {
			t.Fatal(err)
		}
		_, other := services(w.st, w.set, w.chk.RuleSet(), w.clock.Now, nil)
		other.SetRuleSet(nil) // the other server has not followed the change
		second, err := other.PutRulesWith(w.ctx, admin, compliance.PutRulesParams{Files: map[string][]byte{"r.yaml": []byte(later)}})
		if err != nil {
			t.Fatal(err)
		}
		page, err := w.svc.Audit(w.ctx, admin, engine.AuditParams{Action: "rules.put", ListParams: orglife.ListParams{Limit: 500}})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range page.Items {
			if e.Detail["to"] == second.Version {
				found = true
				if e.Detail["from"] != first.Version {
					t.Fatalf("audit from = %v, want %s", e.Detail["from"], first.Version)
				}
			}
		}
		if !found {
			t.Fatalf("no audit entry for %s", second.Version)
		}
	})
}

// TestSinceRetiresEarlierPeriods: moving the go-live date later makes the periods it leaves
// behind not_applicable and clears their violations at once; records dated before it are
// refused.
func TestSinceRetiresEarlierPeriods(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		w.evaluate(t, "2025-01-01", "2025-01-31")
		if v := w.violation(t, "theme_day_monthly", "b", "2025-01", "overdue", ""); v == nil || v.Status != orglife.ViolationOpen {
			t.Fatalf("before: %+v", v)
		}
		changed, err := w.chk.SetSince(w.ctx, admin, "2025-02-01")
		if err != nil || !changed {
			t.Fatalf("SetSince: %v %v", changed, err)
		}
		if row := w.row(t, "theme_day_monthly", "b", "2025-01"); row.Status != orglife.StatusNotApplicable {
			t.Fatalf("2025-01 after the go-live date moved: %s", row.Status)
		}
		if v := w.violation(t, "theme_day_monthly", "b", "2025-01", "overdue", ""); v == nil || v.Status != orglife.ViolationResolved {
			t.Fatalf("violation after: %+v", v)
		}
		if changed, err := w.chk.SetSince(w.ctx, admin, "2025-02-01"); err != nil || changed {
			t.Fatalf("the same date again: %v %v", changed, err)
		}
		_, err = w.svc.Start(w.ctx, brB, engine.StartParams{Workflow: "meeting", OrgID: "b",
			Data: map[string]any{"type": "theme_day", "held_on": "2025-01-20", "topic": "主题党日"}})
		if code(err) != orglife.EUNPROCESSABLE || !strings.Contains(orglife.ErrorMessage(err), "早于系统启用日期") {
			t.Fatalf("a meeting before the go-live date: %v", err)
		}
		if _, err := w.chk.SetSince(w.ctx, admin, "1025-01-01"); code(err) != orglife.EINVALID {
			t.Fatalf("an implausible go-live date: %v", err)
		}
	})
}

// TestWaiversExpiring: the "expiring within N days" filter lists the waived violations whose
// waiver ends within N days of now, and nothing else.
func TestWaiversExpiring(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		w.evaluate(t, "2024-12-01", "2025-01-31")
		page, err := w.chk.ListViolations(w.ctx, supG, compliance.ListViolationsParams{OrgID: "b", Status: orglife.ViolationOpen})
		if err != nil || len(page.Items) < 2 {
			t.Fatalf("open violations of b: %d %v", len(page.Items), err)
		}
		soon, later := page.Items[0], page.Items[1]
		// now is 2025-02-12: one waiver ends in 8 days, one in about a month
		for v, until := range map[string]string{soon.ID: "2025-02-20", later.ID: "2025-03-20"} {
			if _, err := w.chk.Decide(w.ctx, supG, v, compliance.DecideWaive, compliance.DecideParams{Reason: "书记外出学习", ExpiresAt: until}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := w.chk.ListViolations(w.ctx, supG, compliance.ListViolationsParams{OrgID: "b", ExpiringDays: 14})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Items) != 1 || got.Items[0].ID != soon.ID {
			t.Fatalf("expiring within 14 days: %d items", len(got.Items))
		}
	})
}

// TestOutboxEvaluatesWhatChanged: a change to a meeting re-evaluates the rules that read meetings
// and those of the rectification items its actions start, not the plan's; an org change every
// rule; and the ledger after a meeting's transitions equals a full evaluation.
func TestOutboxEvaluatesWhatChanged(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		got := compliance.AffectedRules(w.chk, []*orglife.OutboxEntry{{OrgID: "b", Workflow: "meeting"}})
		if !slices.Contains(got, "theme_day_monthly") || !slices.Contains(got, "rectification_on_time") || slices.Contains(got, "annual_plan_filed") {
			t.Fatalf("rules a meeting affects: %v", got)
		}
		if got := compliance.AffectedRules(w.chk, []*orglife.OutboxEntry{{OrgID: "b", Workflow: "meeting"}, {OrgID: "b"}}); got != nil {
			t.Fatalf("an org change must evaluate every rule: %v", got)
		}
		w.evaluate(t, "2025-01-01", "2025-01-31")
		m := w.themeDay(t, brB, "b", "2025-01-20")
		w.record(t, brB, m.ID, longMinutes)
		partial := w.compliance(t, admin, compliance.ComplianceParams{OrgID: "b"})
		w.evaluate(t, "2025-01-01", "2025-01-31")
		full := w.compliance(t, admin, compliance.ComplianceParams{OrgID: "b"})
		if len(partial) != len(full) {
			t.Fatalf("%d rows after the outbox, %d after a full evaluation", len(partial), len(full))
		}
		for i := range full {
			if partial[i].Rule != full[i].Rule || partial[i].Status != full[i].Status {
				t.Fatalf("row %d: %s %s after the outbox, %s %s after a full evaluation", i, partial[i].Rule, partial[i].Status, full[i].Rule, full[i].Status)
			}
		}
	})
}
