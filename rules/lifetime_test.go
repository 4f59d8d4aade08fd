package rules

import (
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife"
)

// TestLifetime: periods outside the org's lifetime or before the go-live date are
// not_applicable for every rule; a period cut by either end is too, unless the rule counts
// partial periods.
func TestLifetime(t *testing.T) {
	loc := sh(t)
	rs := ruleSet(t, `rules:
  - id: monthly
    title: 每月
    every: month
    require: "false"
    message: m
  - id: monthly_partial
    title: 每月（含不完整月份）
    every: month
    partial: count
    require: "false"
    message: m
  - id: yearly
    title: 每年
    every: year
    require: "false"
    message: m
  - id: deadline
    title: 期限
    due: "date('2025-06-30')"
    require: "false"
    message: m
`)
	p := func(s string) *string { return &s }
	asOf := at(t, "2026-12-15T10:00:00+08:00")
	eval := func(o *orglife.Org, since string) []orglife.LedgerRow {
		params := EvalParams{AsOf: asOf, From: time.Date(2025, 1, 1, 0, 0, 0, 0, loc), To: time.Date(2026, 11, 30, 0, 0, 0, 0, loc), Loc: loc}
		if since != "" {
			params.Since, _ = time.ParseInLocation(orglife.DateLayout, since, loc)
		}
		return rs.EvaluateOrg(&OrgInput{Org: o, Records: map[string][]*Record{}}, params)
	}
	check := func(rows []orglife.LedgerRow, rule, period string, want orglife.Status, reason string) {
		t.Helper()
		r := find(rows, rule, "b", period)
		if r == nil {
			t.Fatalf("no row %s %s", rule, period)
		}
		if r.Status != want || !strings.Contains(r.Explanation.Text, reason) {
			t.Errorf("%s %s: %s %q, want %s with %q", rule, period, r.Status, r.Explanation.Text, want, reason)
		}
	}
	founded := &orglife.Org{ID: "b", Kind: orglife.KindBranch, EstablishedOn: p("2025-09-15")}
	rows := eval(founded, "")
	check(rows, "monthly", "2025-03", orglife.StatusNotApplicable, "组织成立（2025年9月15日）之前")
	check(rows, "yearly", "2025", orglife.StatusNotApplicable, "不完整的周期不计")
	check(rows, "monthly", "2025-09", orglife.StatusNotApplicable, "不完整的周期不计")
	check(rows, "monthly_partial", "2025-09", orglife.StatusOverdue, "")
	check(rows, "monthly", "2025-10", orglife.StatusOverdue, "")
	check(rows, "yearly", "2026", orglife.StatusPending, "")
	check(rows, "deadline", "", orglife.StatusNotApplicable, "早于组织成立日期")

	dissolved := &orglife.Org{ID: "b", Kind: orglife.KindBranch, DissolvedOn: p("2025-07-10")}
	rows = eval(dissolved, "")
	check(rows, "monthly", "2025-06", orglife.StatusOverdue, "")
	check(rows, "monthly", "2025-07", orglife.StatusNotApplicable, "撤销")
	check(rows, "monthly_partial", "2025-07", orglife.StatusOverdue, "")
	check(rows, "monthly", "2025-08", orglife.StatusNotApplicable, "组织已于2025年7月10日撤销")
	check(rows, "monthly_partial", "2025-08", orglife.StatusNotApplicable, "撤销")
	check(rows, "deadline", "", orglife.StatusOverdue, "")

	live := &orglife.Org{ID: "b", Kind: orglife.KindBranch, EstablishedOn: p("2015-09-01")}
	rows = eval(live, "2026-09-01")
	check(rows, "monthly", "2026-08", orglife.StatusNotApplicable, "系统启用日期（2026年9月1日）之前")
	check(rows, "monthly", "2026-09", orglife.StatusOverdue, "")
	check(rows, "yearly", "2026", orglife.StatusNotApplicable, "系统于本期内")
	check(rows, "deadline", "", orglife.StatusNotApplicable, "早于系统启用日期")
}
