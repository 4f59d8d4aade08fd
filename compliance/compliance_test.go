package compliance_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
)

// compliance lists ledger rows (all pages of at most 500) and fails on error.
func (w *world) compliance(t *testing.T, a orglife.Actor, p compliance.ComplianceParams) []*orglife.LedgerRow {
	t.Helper()
	rows, err := w.complianceErr(a, p)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func (w *world) complianceErr(a orglife.Actor, p compliance.ComplianceParams) ([]*orglife.LedgerRow, error) {
	var out []*orglife.LedgerRow
	for range 1000 {
		page, err := w.chk.Compliance(w.ctx, a, p)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if page.NextCursor == nil {
			return out, nil
		}
		if *page.NextCursor == p.Cursor {
			return nil, fmt.Errorf("the cursor %q does not advance", p.Cursor)
		}
		p.Cursor = *page.NextCursor
	}
	return nil, fmt.Errorf("more than 1000 pages")
}

// orgsOf returns the distinct org ids of rows, sorted.
func orgsOf(rows []*orglife.LedgerRow) []string {
	var out []string
	for _, r := range rows {
		if !slices.Contains(out, r.OrgID) {
			out = append(out, r.OrgID)
		}
	}
	slices.Sort(out)
	return out
}

func statusOf(t *testing.T, rows []*orglife.LedgerRow, org string) orglife.Status {
	t.Helper()
	var out []orglife.Status
	for _, r := range rows {
		if r.OrgID == org {
			out = append(out, r.Status)
		}
	}
	if len(out) != 1 {
		t.Fatalf("%d rows of %s, want 1", len(out), org)
	}
	return out[0]
}

// TestComplianceAsOfAndFilters: as-of rows are computed and never persisted; the persisted
// ledger answers the filters (rule, period, status, org subtree) within the caller's scope.
func TestComplianceAsOfAndFilters(t *testing.T) {
	const rule = "theme_day_monthly"
	packWorld(t, func(t *testing.T, w *world) {
		w.evaluate(t, "2025-01-01", "2025-01-31") // as of 2025-02-12T10:00+08:00
		w.clock.set(t, "2025-02-13T09:00:00+08:00")
		jan := w.themeDay(t, brB, "b", "2025-01-20")
		w.clock.set(t, "2025-02-13T09:05:00+08:00")
		w.record(t, brB, jan.ID, longMinutes)
		timeline := w.timeline(t, rule, "b", "2025-01")
		if row := w.row(t, rule, "b", "2025-01"); row.Status != orglife.StatusLate {
			t.Fatalf("persisted row: %s", row.Status)
		}

		// As of an instant the ledger is recomputed from what was known then.
		for _, c := range []struct {
			asOf string
			want orglife.Status
		}{
			{"2025-01-20T12:00:00+08:00", orglife.StatusPending}, // before due − warn (2025-02-04)
			{"2025-02-05T12:00:00+08:00", orglife.StatusAtRisk},  // within the warn window
			{"2025-02-12T12:00:00+08:00", orglife.StatusOverdue}, // due passed, nothing recorded
			{"2025-02-13T09:02:00+08:00", orglife.StatusOverdue}, // started but not recorded yet
			{"2025-02-13T09:06:00+08:00", orglife.StatusLate},    // recorded after due
			{"2025-02-13T01:05:00Z", orglife.StatusLate},         // the same instant in UTC
			{"2025-02-13T01:04:59.999Z", orglife.StatusOverdue},  // a millisecond before the record
		} {
			asOf := instant(t, c.asOf)
			rows := w.compliance(t, admin, compliance.ComplianceParams{OrgID: "b", Rule: rule, Period: "2025-01", AsOf: &asOf})
			if len(rows) != 1 || rows[0].Status != c.want || !rows[0].EvaluatedAt.Equal(asOf) {
				t.Fatalf("as of %s: %d rows %v, want one %s", c.asOf, len(rows), rows, c.want)
			}
		}
		// Nothing of that was persisted: the ledger, its timeline and the violations are unchanged.
		if row := w.row(t, rule, "b", "2025-01"); row.Status != orglife.StatusLate {
			t.Fatalf("as-of evaluation changed the persisted row to %s", row.Status)
		}
		if got := w.timeline(t, rule, "b", "2025-01"); got != timeline {
			t.Fatalf("as-of evaluation changed the timeline: %q, was %q", got, timeline)
		}
		if v := w.mustViolation(t, rule, "b", "2025-01", orglife.KindOverdue, ""); v.Status != orglife.ViolationResolved || len(v.History) != 2 {
			t.Fatalf("as-of evaluation touched the overdue violation: %s %q", v.Status, historyPath(v))
		}
		// As of with a date range instead of a period, filtered by status.
		asOf := instant(t, "2025-02-12T12:00:00+08:00")
		rows := w.compliance(t, admin, compliance.ComplianceParams{Rule: rule, Status: "overdue", AsOf: &asOf, From: "2025-01-01", To: "2025-01-31"})
		if got := orgsOf(rows); !slices.Equal(got, []string{"b", "b2", "x"}) {
			t.Fatalf("as-of overdue orgs %v, want b b2 x", got)
		}

		// Filters on the persisted ledger.
		rows = w.compliance(t, admin, compliance.ComplianceParams{Rule: rule, Period: "2025-01"})
		if got := orgsOf(rows); len(rows) != 6 || !slices.Equal(got, []string{"b", "b2", "c", "c2", "g", "x"}) {
			t.Fatalf("rule and period: %d rows of %v", len(rows), got)
		}
		for _, org := range []string{"c", "c2", "g"} {
			if st := statusOf(t, rows, org); st != orglife.StatusNotApplicable {
				t.Fatalf("%s is not a branch but its row is %s", org, st)
			}
		}
		rows = w.compliance(t, admin, compliance.ComplianceParams{Rule: rule, Status: "overdue"})
		if got := orgsOf(rows); len(rows) != 2 || !slices.Equal(got, []string{"b2", "x"}) {
			t.Fatalf("overdue rows: %d of %v", len(rows), got)
		}
		rows = w.compliance(t, admin, compliance.ComplianceParams{OrgID: "g", Period: "2025-01"})
		if got := orgsOf(rows); !slices.Equal(got, []string{"b", "g"}) {
			t.Fatalf("subtree of g: %v", got)
		}
		rows = w.compliance(t, admin, compliance.ComplianceParams{Period: "2025-Q1"})
		if len(rows) == 0 {
			t.Fatal("no quarterly rows")
		}
		for _, r := range rows {
			if r.PeriodKey() != "2025-Q1" || *r.PeriodStart != "2025-01-01" || *r.PeriodEnd != "2025-03-31" {
				t.Fatalf("period filter let through %s %s", r.Rule, r.PeriodKey())
			}
		}
		if _, err := w.complianceErr(admin, compliance.ComplianceParams{Status: "fine"}); code(err) != orglife.EINVALID {
			t.Fatalf("unknown status: %v", err)
		}
		// Paging: pages of two rows cover the same rows in the same order, persisted and as of.
		for _, asOf := range []*time.Time{nil, &asOf} {
			all := w.compliance(t, admin, compliance.ComplianceParams{Period: "2025-01", AsOf: asOf, ListParams: orglife.ListParams{Limit: 500}})
			paged := w.compliance(t, admin, compliance.ComplianceParams{Period: "2025-01", AsOf: asOf, ListParams: orglife.ListParams{Limit: 2}})
			if len(all) < 5 || len(paged) != len(all) {
				t.Fatalf("as of %v: %d rows paged, %d at once", asOf, len(paged), len(all))
			}
			for i := range all {
				if all[i].Rule != paged[i].Rule || all[i].OrgID != paged[i].OrgID {
					t.Fatalf("as of %v: page order differs at %d", asOf, i)
				}
			}
		}

		if _, err := w.complianceErr(admin, compliance.ComplianceParams{AsOf: &asOf, ListParams: orglife.ListParams{Cursor: "x"}}); code(err) != orglife.EINVALID {
			t.Fatalf("as of with a bad cursor: %v", err)
		}

		// Scope: a branch sees its own org, a supervisor its subtree; outside is forbidden.
		for _, c := range []struct {
			actor orglife.Actor
			orgs  []string
		}{
			{brB, []string{"b"}},
			{supG, []string{"b", "g"}},
			{supC, []string{"b", "b2", "c", "g"}},
			{supC2, []string{"c2", "x"}},
		} {
			for _, asOf := range []*time.Time{nil, &asOf} {
				rows := w.compliance(t, c.actor, compliance.ComplianceParams{Rule: rule, Period: "2025-01", AsOf: asOf})
				if got := orgsOf(rows); !slices.Equal(got, c.orgs) {
					t.Fatalf("%s of %s (as of %v) sees %v, want %v", c.actor.Role, c.actor.OrgID, asOf, got, c.orgs)
				}
			}
		}
		for _, c := range []struct {
			actor orglife.Actor
			org   string
		}{{brB, "b2"}, {brB, "g"}, {supG, "b2"}, {supG, "c"}, {supC, "x"}, {supC2, "b"}} {
			if _, err := w.complianceErr(c.actor, compliance.ComplianceParams{OrgID: c.org}); code(err) != orglife.EFORBIDDEN {
				t.Fatalf("%s of %s reading %s: %v", c.actor.Role, c.actor.OrgID, c.org, err)
			}
			if _, err := w.complianceErr(c.actor, compliance.ComplianceParams{OrgID: c.org, AsOf: &asOf}); code(err) != orglife.EFORBIDDEN {
				t.Fatalf("%s of %s reading %s as of: %v", c.actor.Role, c.actor.OrgID, c.org, err)
			}
			if _, err := w.chk.ListViolations(w.ctx, c.actor, compliance.ListViolationsParams{OrgID: c.org}); code(err) != orglife.EFORBIDDEN {
				t.Fatalf("%s of %s listing violations of %s: %v", c.actor.Role, c.actor.OrgID, c.org, err)
			}
		}
	})
}

// TestComplianceAfterEvent: a committed transition updates the persisted ledger of its org
// without an explicit evaluation, both ways (record, then return).
func TestComplianceAfterEvent(t *testing.T) {
	const rule = "theme_day_monthly"
	packWorld(t, func(t *testing.T, w *world) {
		if rows := w.compliance(t, admin, compliance.ComplianceParams{}); len(rows) != 0 {
			t.Fatalf("ledger not empty before any evaluation: %d rows", len(rows))
		}
		w.clock.set(t, "2025-02-12T10:00:00+08:00")
		m := w.themeDay(t, branchB2, "b2", "2025-02-12")
		if row := w.row(t, rule, "b2", "2025-02"); row.Status != orglife.StatusPending {
			t.Fatalf("after start: %s", row.Status)
		}
		w.clock.set(t, "2025-02-12T16:00:00+08:00")
		w.record(t, branchB2, m.ID, longMinutes)
		row := w.row(t, rule, "b2", "2025-02")
		if row.Status != orglife.StatusCompliant || !row.EvaluatedAt.Equal(w.clock.Now()) || !slices.Equal(row.Evidence, []string{m.ID}) {
			t.Fatalf("after record: %s at %v evidence %v", row.Status, row.EvaluatedAt, row.Evidence)
		}
		// Only the affected org: b has no ledger rows.
		if rows := w.compliance(t, admin, compliance.ComplianceParams{OrgID: "b"}); len(rows) != 0 {
			t.Fatalf("an event in b2 evaluated b: %d rows", len(rows))
		}
		w.clock.set(t, "2025-03-05T10:00:00+08:00")
		if _, err := w.svc.Fire(w.ctx, supC, engine.FireParams{InstanceID: m.ID, Event: "return", Comment: "请补充缺席人员"}); err != nil {
			t.Fatal(err)
		}
		if row := w.row(t, rule, "b2", "2025-02"); row.Status != orglife.StatusAtRisk {
			t.Fatalf("after return (due 2025-03-11, warn 7d): %s", row.Status)
		}
		if got, want := w.timeline(t, rule, "b2", "2025-02"), ">pending pending>compliant compliant>at_risk"; got != want {
			t.Fatalf("timeline %q, want %q", got, want)
		}
	})
}

// TestComplianceSummary counts the persisted ledger per child org (its whole subtree) with the
// compliance rate over decided rows.
func TestComplianceSummary(t *testing.T) {
	const src = `rules:
  - id: theme
    title: 每月开展一次主题党日
    severity: major
    where: "org.kind == 'branch'"
    every: month
    grace: 10d
    require: "count(meetings, .type == 'theme_day') >= 1"
    message: 本月未开展主题党日
`
	packWorld(t, func(t *testing.T, w *world) {
		w.useRules(t, src)
		g := "g"
		if _, err := w.svc.CreateOrg(w.ctx, admin, &orglife.Org{ID: "b3", Name: "博士生第三党支部", Kind: orglife.KindBranch, ParentID: &g}); err != nil {
			t.Fatal(err)
		}
		brB3 := orglife.Actor{Role: orglife.RoleBranch, OrgID: "b3", Name: "书记-b3"}
		// b on time, b3 late, b2 nothing.
		w.clock.set(t, "2025-01-20T10:00:00+08:00")
		w.record(t, brB, w.themeDay(t, brB, "b", "2025-01-20").ID, longMinutes)
		w.clock.set(t, "2025-02-13T10:00:00+08:00")
		w.record(t, brB3, w.themeDay(t, brB3, "b3", "2025-01-25").ID, longMinutes)
		w.evaluate(t, "2025-01-01", "2025-01-31")

		summary := func(a orglife.Actor, p compliance.SummaryParams) map[string]compliance.SummaryRow {
			t.Helper()
			rows, err := w.chk.Summary(w.ctx, a, p)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]compliance.SummaryRow{}
			for _, r := range rows {
				out[r.OrgID] = r
			}
			if len(out) != len(rows) {
				t.Fatalf("duplicate orgs in %+v", rows)
			}
			return out
		}
		type want struct {
			counts map[orglife.Status]int
			rate   float64 // -1: null
		}
		check := func(label string, got map[string]compliance.SummaryRow, wants map[string]want) {
			t.Helper()
			if len(got) != len(wants) {
				t.Fatalf("%s: %d rows, want %d: %+v", label, len(got), len(wants), got)
			}
			for org, wt := range wants {
				r, ok := got[org]
				if !ok {
					t.Fatalf("%s: no row for %s", label, org)
				}
				total := 0
				for st, n := range wt.counts {
					total += n
					if r.Counts[st] != n {
						t.Errorf("%s: %s %s = %d, want %d (%v)", label, org, st, r.Counts[st], n, r.Counts)
					}
				}
				if r.Total != total {
					t.Errorf("%s: %s total %d, want %d", label, org, r.Total, total)
				}
				switch {
				case wt.rate < 0 && r.Rate != nil:
					t.Errorf("%s: %s rate %v, want null", label, org, *r.Rate)
				case wt.rate >= 0 && r.Rate == nil:
					t.Errorf("%s: %s rate null, want %v", label, org, wt.rate)
				case wt.rate >= 0 && *r.Rate != wt.rate:
					t.Errorf("%s: %s rate %v, want %v", label, org, *r.Rate, wt.rate)
				}
			}
		}
		na, ok, late, over, pend := orglife.StatusNotApplicable, orglife.StatusCompliant, orglife.StatusLate, orglife.StatusOverdue, orglife.StatusPending
		check("c 2025-01", summary(supC, compliance.SummaryParams{OrgID: "c", Period: "2025-01"}), map[string]want{
			"g":  {map[orglife.Status]int{ok: 1, late: 1, na: 1}, 0.5},
			"b2": {map[orglife.Status]int{over: 1}, 0},
		})
		// A date range: b3's row of 2025-02 (written after its event) is pending, not decided.
		check("c Jan–Feb", summary(admin, compliance.SummaryParams{OrgID: "c", From: "2025-01-01", To: "2025-02-28"}), map[string]want{
			"g":  {map[orglife.Status]int{ok: 1, late: 1, na: 1, pend: 1}, 0.5},
			"b2": {map[orglife.Status]int{over: 1}, 0},
		})
		check("g 2025-01", summary(supG, compliance.SummaryParams{OrgID: "g", Period: "2025-01"}), map[string]want{
			"b":  {map[orglife.Status]int{ok: 1}, 1},
			"b3": {map[orglife.Status]int{late: 1}, 0},
		})
		check("g 2025-02", summary(supG, compliance.SummaryParams{OrgID: "g", Period: "2025-02"}), map[string]want{
			"b":  {map[orglife.Status]int{}, -1},
			"b3": {map[orglife.Status]int{pend: 1}, -1},
		})
		check("b", summary(brB, compliance.SummaryParams{OrgID: "b"}), map[string]want{})
		for _, c := range []struct {
			actor orglife.Actor
			org   string
		}{{brB, "g"}, {supG, "c"}, {supC2, "c"}, {supC, "c2"}} {
			if _, err := w.chk.Summary(w.ctx, c.actor, compliance.SummaryParams{OrgID: c.org}); code(err) != orglife.EFORBIDDEN {
				t.Fatalf("%s of %s summarizing %s: %v", c.actor.Role, c.actor.OrgID, c.org, err)
			}
		}
		if _, err := w.chk.Summary(w.ctx, admin, compliance.SummaryParams{}); code(err) != orglife.EINVALID {
			t.Fatalf("summary without org: %v", err)
		}
	})
}
