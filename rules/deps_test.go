package rules

import (
	"slices"
	"testing"
	"time"

	"github.com/orglife/orglife"
)

// TestReads: a rule's reads follow its expressions: period and whole collections, members, org
// fields, and the workflow of an instance rule; RulesReading names the rules a change to a
// workflow's records can affect.
func TestReads(t *testing.T) {
	rs := loadPack(t)
	for _, tt := range []struct {
		rule string
		want Reads
	}{
		{"theme_day_monthly", Reads{Periods: []string{"meeting"}, Org: true}},
		{"annual_plan_filed", Reads{All: []string{"plan"}, Org: true}},
		{"term_renewed", Reads{All: []string{"election"}, Org: true}},
		{"rectification_on_time", Reads{Instance: "rectification"}},
	} {
		r := rs.Rule(tt.rule)
		if r == nil {
			t.Fatalf("no rule %s", tt.rule)
		}
		got := rs.Reads(r)
		if !slices.Equal(got.Periods, tt.want.Periods) || !slices.Equal(got.All, tt.want.All) ||
			got.Members != tt.want.Members || got.Org != tt.want.Org || got.Instance != tt.want.Instance {
			t.Errorf("%s reads %+v, want %+v", tt.rule, got, tt.want)
		}
	}
	if got := rs.RulesReading("rectification"); !slices.Equal(got, []string{"rectification_on_time"}) {
		t.Errorf("rules reading rectification: %v", got)
	}
	if got := rs.RulesReading("plan"); !slices.Contains(got, "annual_plan_filed") || slices.Contains(got, "theme_day_monthly") {
		t.Errorf("rules reading plan: %v", got)
	}
}

// TestNextChange: a pending row changes at the start of its warn window, an at_risk row at its
// due, and rows whose status only data can change have no next instant.
func TestNextChange(t *testing.T) {
	loc := sh(t)
	rs := ruleSet(t, `rules:
  - id: monthly
    title: 每月
    every: month
    grace: 10d
    warn: 7d
    require: "count(meetings, .type == 'theme_day') >= 1"
    message: m
`)
	eval := func(asOf string) *orglife.LedgerRow {
		rows := rs.EvaluateOrg(&OrgInput{Org: branch(), Records: map[string][]*Record{}}, EvalParams{AsOf: at(t, asOf),
			From: time.Date(2025, 1, 1, 0, 0, 0, 0, loc), To: time.Date(2025, 1, 31, 0, 0, 0, 0, loc), Loc: loc})
		return find(rows, "monthly", "b", "2025-01")
	}
	due := time.Date(2025, 2, 11, 0, 0, 0, 0, loc)
	for _, tt := range []struct {
		asOf   string
		status orglife.Status
		next   time.Time
	}{
		{"2025-01-20T10:00:00+08:00", orglife.StatusPending, due.AddDate(0, 0, -7)},
		{"2025-02-05T10:00:00+08:00", orglife.StatusAtRisk, due},
		{"2025-02-12T10:00:00+08:00", orglife.StatusOverdue, time.Time{}},
	} {
		r := eval(tt.asOf)
		switch {
		case r.Status != tt.status:
			t.Errorf("as of %s: %s, want %s", tt.asOf, r.Status, tt.status)
		case tt.next.IsZero() && r.NextChange != nil:
			t.Errorf("as of %s: next change %v, want none", tt.asOf, r.NextChange)
		case !tt.next.IsZero() && (r.NextChange == nil || !r.NextChange.Equal(tt.next)):
			t.Errorf("as of %s: next change %v, want %v", tt.asOf, r.NextChange, tt.next)
		}
	}
}

// TestReadsNow: a rule reads now when an expression names now or now(); the time zone that
// date() takes from now does not count.
func TestReadsNow(t *testing.T) {
	rs := ruleSet(t, `rules:
  - id: by_now
    title: 按当前时间
    every: month
    require: "now() < date('2030-01-01')"
    message: m
  - id: by_var
    title: 按当前时间变量
    every: month
    where: "now.Year() > 2000"
    require: "count(meetings, .type == 'theme_day') >= 1"
    message: m
  - id: dated
    title: 固定日期
    every: month
    require: "date('2025-01-01') < date('2030-01-01') && count(meetings, .type == 'theme_day') >= 1"
    message: m
`)
	for id, want := range map[string]bool{"by_now": true, "by_var": true, "dated": false} {
		if got := rs.Reads(rs.Rule(id)).Now; got != want {
			t.Errorf("%s reads now: %v, want %v", id, got, want)
		}
	}
	if got := rs.RulesReadingNow(); !slices.Equal(got, []string{"by_now", "by_var"}) {
		t.Errorf("rules reading now: %v", got)
	}
	if got := loadPack(t).RulesReadingNow(); len(got) != 0 {
		t.Errorf("the pack's rules reading now: %v", got)
	}
}
