package rules

import (
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife"
)

// TestTenures: member rules judge a member only for the periods of their tenure in the org, a
// cut period skipped unless partial: count, and a period cut by a transfer out belongs to the new
// org (no row here); org rules see the roster of each period's last day.
func TestTenures(t *testing.T) {
	loc := sh(t)
	rs := ruleSet(t, `rules:
  - id: talks
    title: 谈心
    scope: member
    every: half_year
    require: "false"
    message: m
  - id: talks_partial
    title: 谈心（含不完整周期）
    scope: member
    every: half_year
    partial: count
    require: "false"
    message: m
  - id: headcount
    title: 人数
    every: half_year
    require: "org.member_count == len(members) && org.member_count == 2"
    message: m
`)
	member := func(id string) *orglife.Member {
		return &orglife.Member{ID: id, OrgID: "b", Name: id, Status: orglife.MemberFull, Roles: []string{}}
	}
	in := &OrgInput{Org: &orglife.Org{ID: "b", Kind: orglife.KindBranch}, Records: map[string][]*Record{},
		Members: []*orglife.Member{member("stay"), member("in"), member("out"), member("gone")},
		Tenures: map[string][]orglife.Tenure{
			"stay": {{OrgID: "b"}},
			"in":   {{OrgID: "b", From: "2025-06-28"}},
			"out":  {{OrgID: "b", Until: "2025-04-30", Next: "b9"}},
			"gone": {{OrgID: "b", Until: "2025-04-30"}}, // left the school
		}}
	params := EvalParams{AsOf: at(t, "2026-03-15T10:00:00+08:00"), From: time.Date(2025, 1, 1, 0, 0, 0, 0, loc),
		To: time.Date(2025, 12, 31, 0, 0, 0, 0, loc), Loc: loc}
	rows := rs.EvaluateOrg(in, params)
	check := func(rule, subject, period string, want orglife.Status, reason string) {
		t.Helper()
		r := find(rows, rule, subject, period)
		if r == nil {
			t.Fatalf("no row %s %s %s", rule, subject, period)
		}
		if r.Status != want || !strings.Contains(r.Explanation.Text, reason) {
			t.Errorf("%s %s %s: %s %q, want %s with %q", rule, subject, period, r.Status, r.Explanation.Text, want, reason)
		}
	}
	none := func(rule, subject, period string) {
		t.Helper()
		if r := find(rows, rule, subject, period); r != nil {
			t.Errorf("%s %s %s: a row (%s) where another org owns the period", rule, subject, period, r.Status)
		}
	}
	check("talks", "stay", "2025-H1", orglife.StatusOverdue, "")
	check("talks", "in", "2025-H1", orglife.StatusNotApplicable, "转入本组织")
	check("talks_partial", "in", "2025-H1", orglife.StatusOverdue, "")
	check("talks", "in", "2025-H2", orglife.StatusOverdue, "")
	none("talks", "out", "2025-H1")
	none("talks", "out", "2025-H2")
	check("talks", "gone", "2025-H1", orglife.StatusNotApplicable, "离开本组织")
	check("talks_partial", "gone", "2025-H1", orglife.StatusOverdue, "")
	none("talks", "gone", "2025-H2")
	// On each half year's last day b has stay and in (out and gone left in April), not all four.
	check("headcount", "b", "2025-H1", orglife.StatusCompliant, "")
	check("headcount", "b", "2025-H2", orglife.StatusCompliant, "")

	// Without tenures every member belongs throughout (fixtures, older callers).
	in.Tenures = nil
	rows = rs.EvaluateOrg(in, params)
	check("talks", "out", "2025-H2", orglife.StatusOverdue, "")
	check("headcount", "b", "2025-H1", orglife.StatusOverdue, "")
}
