package compliance_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/storage/storagetest"
)

// incrementalRules are an instance rule (its row's due passes within a month) and a monthly
// rule (its rows' instants lie in the next month).
const incrementalRules = `rules:
  - id: meeting_held
    title: 计划的会议按期召开
    source: test
    scope: instance
    workflow: meeting
    due: "data.held_on + days(3)"
    require: "instance.complete"
    message: 计划的会议逾期未召开
  - id: theme_monthly
    title: 每月开展一次主题党日
    source: test
    where: "org.kind == 'branch'"
    every: month
    grace: 10d
    warn: 7d
    require: "count(meetings, .type == 'theme_day') >= 1"
    message: 本月未开展主题党日
`

// ledger returns every stored ledger row.
func (w *world) ledger(t *testing.T) []*orglife.LedgerRow {
	t.Helper()
	rows, err := w.st.LedgerRows(w.ctx, orglife.LedgerFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// scheduled runs the scheduled evaluation once and fails the test unless it ran.
func (w *world) scheduled(t *testing.T) *compliance.EvaluateResult {
	t.Helper()
	ran, res, err := w.chk.RunScheduledOnce(w.ctx)
	if err != nil || !ran {
		t.Fatalf("scheduled run: ran %v err %v", ran, err)
	}
	return res
}

// TestScheduledIncremental: the first scheduled run scans every org; a run with nothing changed
// evaluates no key and writes nothing; once a row's due passes, exactly that row's org and rule
// are evaluated and the row turns overdue; an expired waiver reopens its violation; a new month
// makes the run a full scan again.
func TestScheduledIncremental(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		w.useRules(t, incrementalRules)
		compliance.SetFullScanInterval(w.chk, 0) // calendar dates alone call for full scans
		w.themeDay(t, brB, "b", "2025-02-14")    // planned: meeting_held due 2025-02-18 (held_on + 3 days, the whole day counting)
		if res := w.scheduled(t); res.Orgs != 6 || res.From != "2024-01-09" {
			t.Fatalf("first scheduled run: %+v", res)
		}
		before := w.ledger(t)
		var next *orglife.LedgerRow
		for _, r := range before {
			if r.Rule == "meeting_held" {
				next = r
			}
			if r.Rule == "theme_monthly" && r.PeriodKey() == "2025-02" && r.OrgID == "b" &&
				(r.NextChange == nil || !r.NextChange.Equal(time.Date(2025, 3, 3, 16, 0, 0, 0, time.UTC))) {
				t.Fatalf("theme_monthly 2025-02 of b: next change %v, want 2025-03-04 (due − warn)", r.NextChange)
			}
		}
		if next == nil || next.Status != orglife.StatusPending || next.NextChange == nil || !next.NextChange.Equal(*next.Due) {
			t.Fatalf("meeting_held row: %+v", next)
		}

		w.clock.set(t, "2025-02-12T11:00:00+08:00")
		if res := w.scheduled(t); res.Orgs != 0 || res.Rows != 0 || res.Opened != 0 {
			t.Fatalf("idle scheduled run: %+v", res)
		}
		if after := w.ledger(t); !reflect.DeepEqual(after, before) {
			t.Fatal("an idle scheduled run changed the ledger")
		}

		w.clock.set(t, "2025-02-18T01:00:00+08:00")
		res := w.scheduled(t)
		if res.Orgs != 1 || res.Rows != 1 || res.Opened != 1 || res.ByStatus[orglife.StatusOverdue] != 1 {
			t.Fatalf("scheduled run past the due: %+v", res)
		}
		after := w.ledger(t)
		if len(after) != len(before) {
			t.Fatalf("%d rows after, %d before", len(after), len(before))
		}
		for i, r := range after {
			if r.Rule == "meeting_held" {
				if r.Status != orglife.StatusOverdue || r.NextChange != nil {
					t.Fatalf("meeting_held after its due: %s next %v", r.Status, r.NextChange)
				}
				continue
			}
			if !reflect.DeepEqual(r, before[i]) {
				t.Fatalf("row %s %s %s changed: %+v", r.Rule, r.OrgID, r.PeriodKey(), r)
			}
		}
		v := w.mustViolation(t, "meeting_held", "b", "", orglife.KindOverdue, "")
		if res := w.scheduled(t); res.Rows != 0 {
			t.Fatalf("second run past the due: %+v", res)
		}

		// a waiver that expires: the incremental run reopens its violation
		if _, err := w.chk.Decide(w.ctx, supG, v.ID, compliance.DecideWaive, compliance.DecideParams{Reason: "书记外出学习", ExpiresAt: "2025-02-20"}); err != nil {
			t.Fatal(err)
		}
		w.clock.set(t, "2025-02-20T23:00:00+08:00")
		if res := w.scheduled(t); res.Rows != 0 {
			t.Fatalf("run while waived: %+v", res)
		}
		w.clock.set(t, "2025-02-21T00:30:00+08:00")
		if res := w.scheduled(t); res.Orgs != 1 || res.Reopened != 1 {
			t.Fatalf("run after the waiver expired: %+v", res)
		}
		if v = w.mustViolation(t, "meeting_held", "b", "", orglife.KindOverdue, ""); v.Status != orglife.ViolationOpen {
			t.Fatalf("violation after its waiver expired: %s %q", v.Status, historyPath(v))
		}

		w.clock.set(t, "2025-03-01T00:30:00+08:00")
		if res := w.scheduled(t); res.Orgs != 6 || res.From != "2024-01-26" {
			t.Fatalf("first run of March: %+v", res)
		}
		if r := w.row(t, "theme_monthly", "b", "2025-03"); r == nil || r.Status != orglife.StatusPending {
			t.Fatalf("the new month's row: %+v", r)
		}
	})
}

// TestScheduledReadsNow: a rule reading now is evaluated by every scheduled run, over every
// org; the other rules are not.
func TestScheduledReadsNow(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		w.useRules(t, incrementalRules+`  - id: before_15th
    title: 十五日前
    source: test
    where: "org.kind == 'branch'"
    every: month
    require: "now() < date('2025-02-15')"
    message: 已过十五日
`)
		compliance.SetFullScanInterval(w.chk, 0)
		w.scheduled(t)
		if r := w.row(t, "before_15th", "b", "2025-02"); r == nil || r.Status != orglife.StatusCompliant {
			t.Fatalf("before_15th on the 12th: %+v", r)
		}
		n := 0
		for _, r := range w.ledger(t) {
			if r.Rule == "before_15th" {
				n++
			}
		}
		w.clock.set(t, "2025-02-16T10:00:00+08:00")
		if res := w.scheduled(t); res.Orgs != 6 || res.Rows != n {
			t.Fatalf("run on the 16th: %+v, want 6 orgs and the %d rows of before_15th", res, n)
		}
		if r := w.row(t, "before_15th", "b", "2025-02"); r == nil || r.Status != orglife.StatusPending {
			t.Fatalf("before_15th on the 16th: %+v", r)
		}
	})
}

// TestFullScanInterval: with a full-scan interval of an hour, the run an hour after the last full
// scan is a full scan again; with a negative interval only calendar dates call for one.
func TestFullScanInterval(t *testing.T) {
	set, rs := packSet(t)
	for _, tt := range []struct {
		interval time.Duration
		full     bool
	}{{time.Hour, true}, {-1, false}} {
		for name, db := range storagetest.Databases(t) {
			t.Run(name+"/"+tt.interval.String(), func(t *testing.T) {
				w := newWorld(t, db, set, rs)
				w.svc, w.chk = servicesWith(compliance.Config{Store: db, Workflows: set, Rules: rs, Now: w.clock.Now,
					Location: w.chk.Location(), FullScanInterval: tt.interval}, db)
				compliance.SyncOutbox(t, w.chk)
				if res := w.scheduled(t); res.Orgs != 6 {
					t.Fatalf("first run: %+v", res)
				}
				w.clock.set(t, "2025-02-12T10:59:00+08:00")
				if res := w.scheduled(t); res.Orgs != 0 {
					t.Fatalf("59 minutes later: %+v", res)
				}
				w.clock.set(t, "2025-02-12T11:00:00+08:00")
				if res := w.scheduled(t); (res.Orgs == 6) != tt.full {
					t.Fatalf("an hour later: %+v, want full %v", res, tt.full)
				}
			})
		}
	}
}
