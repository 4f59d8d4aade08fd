package storage_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/storage"
	"github.com/orglife/orglife/storage/storagetest"
)

var _ compliance.Store = (*storage.DB)(nil)

func TestEvalRecords(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seedTree(t, db)
		asOf := t0.Add(10 * time.Hour)
		at := func(in *orglife.Instance, created, updated time.Time) *orglife.Instance {
			in.CreatedAt, in.UpdatedAt = created, updated
			return in
		}
		ins := []*orglife.Instance{
			at(newInstance("i1", "a", "meeting", "recorded", `{"n":1}`), t0, t0.Add(time.Hour)),                     // not updated after asOf
			at(newInstance("i2", "a1", "meeting", "recorded", `{"n":2}`), t0, asOf.Add(time.Hour)),                  // updated after asOf
			at(newInstance("i3", "a", "meeting", "planned", `{}`), asOf.Add(time.Microsecond), asOf.Add(time.Hour)), // created after
			at(newInstance("i4", "b", "meeting", "planned", `{}`), t0, t0),                                          // another org
			at(newInstance("i5", "a", "meeting", "planned", `{}`), asOf, asOf),                                      // on the boundary
			at(newInstance("i6", "a", "meeting", "planned", `{}`), t0, asOf.Add(time.Second)),                       // updated, no history
		}
		ins[1].CreatedData = map[string]any{"n": 0.0}
		must(t, db.InsertInstances(ctx, ins))
		tr := func(id string, seq int, at time.Time) *orglife.Transition {
			return &orglife.Transition{InstanceID: id, Seq: seq, Event: "e", From: "s", To: "s", Actor: "x",
				ActorRole: "branch", At: at, Data: map[string]any{"seq": float64(seq)}, PrevHash: "p", Hash: fmt.Sprint("h", seq)}
		}
		i2ts := []*orglife.Transition{tr("i2", 1, t0.Add(time.Hour)), tr("i2", 2, asOf.Add(time.Hour))}
		for _, x := range append([]*orglife.Transition{tr("i1", 1, t0.Add(time.Hour)), tr("i3", 1, asOf.Add(time.Hour))}, i2ts...) {
			must(t, db.InsertTransition(ctx, x))
		}

		got, hist, err := db.EvalRecords(ctx, []string{"a", "a1", "missing"}, asOf)
		must(t, err)
		ids := []string{}
		for _, in := range got {
			ids = append(ids, in.ID)
		}
		if !reflect.DeepEqual(ids, []string{"i1", "i2", "i5", "i6"}) {
			t.Fatalf("instances = %v", ids)
		}
		if !reflect.DeepEqual(got[1], ins[1]) {
			t.Fatalf("instance = %s\nwant %s", js(got[1]), js(ins[1]))
		}
		want := map[string][]*orglife.Transition{"i2": i2ts, "i6": {}}
		if !reflect.DeepEqual(hist, want) {
			t.Fatalf("history = %s\nwant %s", js(hist), js(want))
		}

		got, hist, err = db.EvalRecords(ctx, nil, asOf)
		must(t, err)
		if got == nil || len(got) != 0 || hist == nil || len(hist) != 0 {
			t.Fatalf("EvalRecords(no orgs) = %v, %v", got, hist)
		}
		// A long org list stays one statement.
		many := make([]string, 5000)
		for i := range many {
			many[i] = fmt.Sprintf("org-%05d", i)
		}
		many[17] = "a1"
		got, hist, err = db.EvalRecords(ctx, many, asOf.Add(24*time.Hour))
		must(t, err)
		if len(got) != 1 || got[0].ID != "i2" || len(hist) != 0 {
			t.Fatalf("EvalRecords(5000 orgs) = %s, %s", js(got), js(hist))
		}
	})
}

func ledgerRow(org, rule, subject string, period *string, status orglife.Status) *orglife.LedgerRow {
	r := &orglife.LedgerRow{
		Rule: rule, RuleVersion: "rv1", Scope: "org", OrgID: org, SubjectID: subject, Period: period,
		Status: status, Severity: "major", EvaluatedAt: t0,
		Explanation: orglife.Explanation{Text: "每月召开", Clauses: []orglife.Clause{{Source: "count(meetings) >= 1", Holds: false, Left: 0.0, Right: 1.0}}},
		Evidence:    []string{"i1", "i2"},
	}
	if period != nil {
		r.PeriodStart, r.PeriodEnd, r.Due = ptr(*period+"-01"), ptr(*period+"-28"), ptr(t0.Add(24*time.Hour))
	}
	return r
}

// ledgerCursor is compliance.LedgerCursor (built only with the wip tag for now).
func ledgerCursor(r *orglife.LedgerRow) string {
	return fmt.Sprintf("%s\x1f%s\x1f%s\x1f%s", r.OrgID, r.Rule, r.SubjectID, r.PeriodKey())
}

func ruleSubjects(rows []*orglife.LedgerRow) []string {
	out := []string{}
	for _, r := range rows {
		out = append(out, r.OrgID+"/"+r.Rule+"/"+r.SubjectID+"/"+r.PeriodKey())
	}
	return out
}

func TestLedger(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		r1 := ledgerRow("a", "r.meet", "a", ptr("2025-03"), orglife.StatusOverdue)
		r2 := ledgerRow("a", "r.meet", "a", ptr("2025-04"), orglife.StatusPending)
		r3 := ledgerRow("a", "r.inst", "i1", nil, orglife.StatusCompliant)
		r3.Scope, r3.Mode, r3.Evidence, r3.Explanation.Clauses[0].Matched = "instance", "shadow", nil, ptr(3)
		r4 := ledgerRow("b", "r.meet", "b", ptr("2025-03"), orglife.StatusCompliant)
		must(t, db.SaveLedger(ctx, []*orglife.LedgerRow{r4, r1, r3, r2}, nil))
		must(t, db.SaveLedger(ctx, nil, nil))

		all, err := db.LedgerRows(ctx, orglife.LedgerFilter{})
		must(t, err)
		if want := []*orglife.LedgerRow{r3, r1, r2, r4}; !reflect.DeepEqual(all, want) {
			t.Fatalf("LedgerRows = %s\nwant %s", js(all), js(want))
		}
		if all[1].Due.Location() != time.UTC || all[1].EvaluatedAt.Nanosecond() != 123456000 {
			t.Fatalf("instants not UTC microseconds: %v %v", all[1].Due, all[1].EvaluatedAt)
		}

		list := func(f orglife.LedgerFilter) []string {
			t.Helper()
			rows, err := db.LedgerRows(ctx, f)
			must(t, err)
			return ruleSubjects(rows)
		}
		for _, tc := range []struct {
			f    orglife.LedgerFilter
			want []string
		}{
			{orglife.LedgerFilter{OrgIDs: []string{"b", "zzz"}}, []string{"b/r.meet/b/2025-03"}},
			{orglife.LedgerFilter{Rules: []string{"r.inst"}}, []string{"a/r.inst/i1/"}},
			{orglife.LedgerFilter{SubjectIDs: []string{"a", "b"}, Period: "2025-03"}, []string{"a/r.meet/a/2025-03", "b/r.meet/b/2025-03"}},
			{orglife.LedgerFilter{Period: "-"}, []string{"a/r.inst/i1/"}},
			{orglife.LedgerFilter{Status: "compliant"}, []string{"a/r.inst/i1/", "b/r.meet/b/2025-03"}},
			{orglife.LedgerFilter{OrgIDs: []string{"a"}, Rules: []string{"r.meet"}, Status: "pending"}, []string{"a/r.meet/a/2025-04"}},
			{orglife.LedgerFilter{Periods: []string{"2025-03", "2025-04"}}, []string{"a/r.meet/a/2025-03", "a/r.meet/a/2025-04", "b/r.meet/b/2025-03"}},
			{orglife.LedgerFilter{OrgIDs: []string{"a", "b"}, Rules: []string{"r.meet"}, Periods: []string{"2025-04", "2025-05"}, Light: true}, []string{"a/r.meet/a/2025-04"}},
			{orglife.LedgerFilter{Periods: []string{""}}, []string{"a/r.inst/i1/"}},
		} {
			if got := list(tc.f); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("LedgerRows(%+v) = %v, want %v", tc.f, got, tc.want)
			}
		}

		// Cursor paging visits every row once, in order.
		var pages [][]string
		cursor := ""
		for range 5 {
			rows, err := db.LedgerRows(ctx, orglife.LedgerFilter{Cursor: cursor, Limit: 2})
			must(t, err)
			if len(rows) == 0 {
				break
			}
			pages = append(pages, ruleSubjects(rows))
			cursor = ledgerCursor(rows[len(rows)-1])
		}
		if want := [][]string{{"a/r.inst/i1/", "a/r.meet/a/2025-03"}, {"a/r.meet/a/2025-04", "b/r.meet/b/2025-03"}}; !reflect.DeepEqual(pages, want) {
			t.Fatalf("pages = %v", pages)
		}
		_, err = db.LedgerRows(ctx, orglife.LedgerFilter{Cursor: "nope"})
		wantCode(t, err, orglife.EINVALID)

		// Upsert: the last row of a key wins; the timeline keeps every change, oldest first.
		stale := ledgerRow("a", "r.meet", "a", ptr("2025-03"), orglife.StatusAtRisk)
		r1b := ledgerRow("a", "r.meet", "a", ptr("2025-03"), orglife.StatusLate)
		r1b.RuleVersion, r1b.Explanation.Text, r1b.Evidence, r1b.EvaluatedAt = "rv2", "补记", []string{"i9"}, t0.Add(time.Hour)
		changes := []orglife.LedgerChange{
			{Rule: "r.meet", SubjectID: "a", Period: "2025-03", OrgID: "a", From: orglife.StatusOverdue, To: orglife.StatusLate, RuleVersion: "rv2", At: t0.Add(time.Hour)},
			{Rule: "r.meet", SubjectID: "a", Period: "2025-03", OrgID: "a", From: "", To: orglife.StatusOverdue, RuleVersion: "rv1", At: t0},
			{Rule: "r.inst", SubjectID: "i1", Period: "", OrgID: "a", From: "", To: orglife.StatusCompliant, RuleVersion: "rv1", At: t0},
		}
		must(t, db.SaveLedger(ctx, []*orglife.LedgerRow{stale, r1b}, changes))
		got, err := db.LedgerRows(ctx, orglife.LedgerFilter{Rules: []string{"r.meet"}, SubjectIDs: []string{"a"}, Period: "2025-03"})
		must(t, err)
		if len(got) != 1 || !reflect.DeepEqual(got[0], r1b) {
			t.Fatalf("after upsert = %s\nwant %s", js(got), js(r1b))
		}
		if n := len(list(orglife.LedgerFilter{})); n != 4 {
			t.Fatalf("rows after upsert = %d", n)
		}
		tl, err := db.LedgerTimeline(ctx, "r.meet", "a", "2025-03")
		must(t, err)
		if want := []orglife.LedgerChange{changes[1], changes[0]}; !reflect.DeepEqual(tl, want) {
			t.Fatalf("timeline = %s\nwant %s", js(tl), js(want))
		}
		tl, err = db.LedgerTimeline(ctx, "r.inst", "i1", "")
		must(t, err)
		if !reflect.DeepEqual(tl, changes[2:]) {
			t.Fatalf("timeline(no period) = %s", js(tl))
		}
		tl, err = db.LedgerTimeline(ctx, "r.none", "a", "")
		must(t, err)
		if tl == nil || len(tl) != 0 {
			t.Fatalf("timeline(none) = %v", tl)
		}

		// Bulk: more rows than one statement holds, saved twice (insert, then update).
		var bulk []*orglife.LedgerRow
		var bulkChanges []orglife.LedgerChange
		for i := range 1234 {
			r := ledgerRow(fmt.Sprintf("o%04d", i%50), "r.bulk", fmt.Sprintf("s%04d", i), ptr("2025-03"), orglife.StatusPending)
			bulk = append(bulk, r)
			bulkChanges = append(bulkChanges, orglife.LedgerChange{Rule: r.Rule, SubjectID: r.SubjectID, Period: "2025-03", OrgID: r.OrgID, To: r.Status, At: t0})
		}
		must(t, db.SaveLedger(ctx, bulk, bulkChanges))
		for _, r := range bulk {
			r.Status = orglife.StatusOverdue
		}
		must(t, db.SaveLedger(ctx, bulk, nil))
		rows, err := db.LedgerRows(ctx, orglife.LedgerFilter{Rules: []string{"r.bulk"}, Status: "overdue"})
		must(t, err)
		if len(rows) != 1234 {
			t.Fatalf("bulk rows = %d", len(rows))
		}
	})
}

func newViolation(id, org, subject string, period *string, kind, check, status string) *orglife.Violation {
	return &orglife.Violation{
		ID: id, Rule: "r.meet", RuleVersion: "rv1", OrgID: org, SubjectID: subject, Period: period,
		Kind: kind, Check: check, Severity: "major", Status: status, Message: "未按期召开",
		Explanation: orglife.Explanation{Text: "未召开", Clauses: []orglife.Clause{{Source: "x", Left: 1.0}},
			Checks: []orglife.Finding{{ID: "c1", Message: "m", Severity: "minor"}}},
		Evidence: []string{"i1"}, OpenedAt: t0, UpdatedAt: t0, History: []orglife.ViolationChange{},
	}
}

func TestViolations(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		v1 := newViolation("v1", "a", "a", ptr("2025-03"), orglife.KindOverdue, "", orglife.ViolationOpen)
		v2 := newViolation("v2", "a", "a", nil, orglife.KindShallow, "c1", orglife.ViolationWaived)
		v2.Severity, v2.Evidence = "minor", nil
		v2.Waiver = &orglife.Waiver{Reason: "已整改", ExpiresAt: t0.Add(48 * time.Hour), By: "admin"}
		v3 := newViolation("v3", "b", "b", ptr("2025-03"), orglife.KindLate, "", orglife.ViolationResolved)
		v3.Resolution, v3.ClearedFrom = ptr(orglife.ResolutionCleared), orglife.ViolationAcknowledged
		ch := func(id string, at time.Time, from, to, note string) orglife.ViolationChangeRecord {
			return orglife.ViolationChangeRecord{ViolationID: id, ViolationChange: orglife.ViolationChange{At: at, Actor: "system", From: from, To: to, Note: note}}
		}
		changes := []orglife.ViolationChangeRecord{
			ch("v2", t0.Add(time.Hour), "open", "waived", "豁免"),
			ch("v1", t0, "", "open", "first"),
			ch("v1", t0, "open", "open", "second, same instant"),
			ch("v2", t0, "", "open", ""),
		}
		must(t, db.SaveViolations(ctx, []*orglife.Violation{v3, v1, v2}, changes))
		must(t, db.SaveViolations(ctx, nil, nil))

		all, err := db.Violations(ctx, orglife.ViolationFilter{})
		must(t, err)
		if want := []*orglife.Violation{v1, v2, v3}; !reflect.DeepEqual(all, want) {
			t.Fatalf("Violations = %s\nwant %s", js(all), js(want))
		}
		got, err := db.Violation(ctx, "v2")
		must(t, err)
		want := *v2
		want.History = []orglife.ViolationChange{changes[3].ViolationChange, changes[0].ViolationChange}
		if !reflect.DeepEqual(got, &want) {
			t.Fatalf("Violation = %s\nwant %s", js(got), js(want))
		}
		_, err = db.Violation(ctx, "nope")
		if !errors.Is(err, orglife.ErrNotFound) {
			t.Fatalf("Violation(nope) = %v", err)
		}

		list := func(f orglife.ViolationFilter) []string {
			t.Helper()
			vs, err := db.Violations(ctx, f)
			must(t, err)
			ids := []string{}
			for _, v := range vs {
				ids = append(ids, v.ID)
			}
			return ids
		}
		for _, tc := range []struct {
			f    orglife.ViolationFilter
			want []string
		}{
			{orglife.ViolationFilter{OrgIDs: []string{"a", "zzz"}}, []string{"v1", "v2"}},
			{orglife.ViolationFilter{Rule: "r.meet", Status: "waived"}, []string{"v2"}},
			{orglife.ViolationFilter{Rule: "r.other"}, []string{}},
			{orglife.ViolationFilter{Kind: orglife.KindLate}, []string{"v3"}},
			{orglife.ViolationFilter{Severity: "major"}, []string{"v1", "v3"}},
			{orglife.ViolationFilter{Period: "-"}, []string{"v2"}},
			{orglife.ViolationFilter{Period: "2025-03"}, []string{"v1", "v3"}},
			{orglife.ViolationFilter{Cursor: "v1", Limit: 1}, []string{"v2"}},
		} {
			if got := list(tc.f); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Violations(%+v) = %v, want %v", tc.f, got, tc.want)
			}
		}

		// Upsert by id; history continues after the saved changes.
		v1.Status, v1.Severity, v1.UpdatedAt, v1.RuleVersion = orglife.ViolationAcknowledged, "critical", t0.Add(2*time.Hour), "rv2"
		ack := []orglife.ViolationChangeRecord{ch("v1", t0.Add(2*time.Hour), "open", "acknowledged", "收到")}
		must(t, db.SaveViolations(ctx, []*orglife.Violation{v1}, ack))
		got, err = db.Violation(ctx, "v1")
		must(t, err)
		want = *v1
		want.History = []orglife.ViolationChange{changes[1].ViolationChange, changes[2].ViolationChange, ack[0].ViolationChange}
		if !reflect.DeepEqual(got, &want) {
			t.Fatalf("after upsert = %s\nwant %s", js(got), js(want))
		}
		// Clearing a waiver.
		v2.Waiver, v2.Status = nil, orglife.ViolationOpen
		must(t, db.SaveViolations(ctx, []*orglife.Violation{v2}, nil))
		got, err = db.Violation(ctx, "v2")
		must(t, err)
		if got.Waiver != nil || got.Status != orglife.ViolationOpen || len(got.History) != 2 {
			t.Fatalf("after clearing waiver = %s", js(got))
		}

		// A new id with an existing identity is a conflict, and nothing of the call is saved.
		dup := newViolation("v4", "a", "a", ptr("2025-03"), orglife.KindOverdue, "", orglife.ViolationOpen)
		okOne := newViolation("v5", "a", "a", ptr("2025-04"), orglife.KindOverdue, "", orglife.ViolationOpen)
		wantCode(t, db.SaveViolations(ctx, []*orglife.Violation{okOne, dup}, nil), orglife.ECONFLICT)
		_, err = db.Violation(ctx, "v5")
		wantCode(t, err, orglife.ENOTFOUND)
		// A change of an unknown violation is invalid.
		wantCode(t, db.SaveViolations(ctx, nil, []orglife.ViolationChangeRecord{ch("nope", t0, "", "open", "")}), orglife.EINVALID)

		// Bulk.
		var bulk []*orglife.Violation
		var bulkChanges []orglife.ViolationChangeRecord
		for i := range 1234 {
			v := newViolation(fmt.Sprintf("w%04d", i), "c", fmt.Sprintf("s%04d", i), ptr("2025-03"), orglife.KindOverdue, "", orglife.ViolationOpen)
			bulk = append(bulk, v)
			bulkChanges = append(bulkChanges, ch(v.ID, t0, "", "open", ""), ch(v.ID, t0.Add(time.Hour), "open", "resolved", ""))
		}
		must(t, db.SaveViolations(ctx, bulk, bulkChanges))
		if n := len(list(orglife.ViolationFilter{OrgIDs: []string{"c"}})); n != 1234 {
			t.Fatalf("bulk violations = %d", n)
		}
		got, err = db.Violation(ctx, "w1000")
		must(t, err)
		if len(got.History) != 2 || got.History[1].To != "resolved" {
			t.Fatalf("bulk history = %s", js(got.History))
		}
	})
}

func TestTryLock(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			a, b := storagetest.Open(t, dsn), storagetest.Open(t, dsn)
			take := func(db *storage.DB, lock string, want bool) func() {
				t.Helper()
				release, ok, err := db.TryLock(ctx, lock)
				must(t, err)
				if ok != want {
					t.Fatalf("TryLock(%s) ok = %v, want %v", lock, ok, want)
				}
				if ok == (release == nil) {
					t.Fatalf("TryLock(%s): ok = %v with release %v", lock, ok, release != nil)
				}
				return release
			}
			release := take(a, "scheduler", true)
			take(a, "scheduler", false)
			take(b, "scheduler", false)
			other := take(b, "other", true)
			release()
			release() // idempotent
			releaseB := take(b, "scheduler", true)
			take(a, "scheduler", false)
			releaseB()
			other()
			take(a, "other", true)()

			if name != storage.Postgres {
				return
			}
			// A holder whose connection dies frees the lock.
			releaseB = take(b, "scheduler", true)
			var n int
			err := a.Bun().NewRaw(`SELECT count(pg_terminate_backend(pid)) FROM pg_locks
				WHERE locktype = 'advisory' AND pid <> pg_backend_pid()
				AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(ctx, &n)
			must(t, err)
			if n != 1 {
				t.Fatalf("terminated %d holders", n)
			}
			deadline := time.Now().Add(5 * time.Second)
			for {
				release, ok, err := a.TryLock(ctx, "scheduler")
				must(t, err)
				if ok {
					defer release()
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("lock not freed by the holder's death")
				}
				time.Sleep(20 * time.Millisecond)
			}
			releaseB() // its connection is gone: discarded, no panic
			take(b, "scheduler", false)
			must(t, b.Ping(ctx))
		})
	}
}

// TestSaveLedgerLargeBatch saves batches past the size from which PostgreSQL writes with unnest
// (rows without a period or due included, a repeated key, an upsert of every row) and reads
// back exactly what was saved, on both databases.
func TestSaveLedgerLargeBatch(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seedTree(t, db)
		var rows []*orglife.LedgerRow
		var changes []orglife.LedgerChange
		for i := range 600 {
			var period *string
			if i%3 != 0 {
				period = ptr(fmt.Sprintf("2025-%02d", i%12+1))
			}
			r := ledgerRow("a", fmt.Sprintf("r.%03d", i/12), fmt.Sprintf("s%d", i%7), period, orglife.StatusCompliant)
			r.Digest = fmt.Sprintf("d%d", i)
			if i%4 == 0 {
				next := t0.Add(time.Duration(i) * time.Hour)
				r.NextChange = &next
			}
			rows = append(rows, r)
			changes = append(changes, orglife.LedgerChange{Rule: r.Rule, SubjectID: r.SubjectID, Period: r.PeriodKey(), OrgID: "a",
				To: orglife.StatusCompliant, RuleVersion: "rv1", At: t0})
		}
		dup := *rows[5]
		dup.Status, dup.Explanation.Text = orglife.StatusShallow, "重复的键，后者为准 'quoted' \"x\" {a,b}"
		must(t, db.SaveLedger(ctx, append(rows, &dup), changes))
		rows[5] = &dup
		want := map[string]*orglife.LedgerRow{}
		for _, r := range rows {
			want[r.Rule+"|"+r.SubjectID+"|"+r.PeriodKey()] = r
		}
		check := func() {
			t.Helper()
			got, err := db.LedgerRows(ctx, orglife.LedgerFilter{OrgIDs: []string{"a"}})
			must(t, err)
			if len(got) != len(want) {
				t.Fatalf("%d rows, want %d", len(got), len(want))
			}
			for _, g := range got {
				w := want[g.Rule+"|"+g.SubjectID+"|"+g.PeriodKey()]
				if w == nil || !reflect.DeepEqual(g, w) {
					t.Fatalf("row %s %s %s:\n got %+v\nwant %+v", g.Rule, g.SubjectID, g.PeriodKey(), g, w)
				}
			}
		}
		check()
		dueBy := func(at time.Time) int {
			t.Helper()
			due, err := db.LedgerDue(ctx, at)
			must(t, err)
			n := 0
			for _, r := range want {
				if r.NextChange != nil && !r.NextChange.After(at) {
					n++
				}
			}
			if len(due) != n {
				t.Fatalf("LedgerDue(%s): %d rows, want %d", at, len(due), n)
			}
			for _, r := range due {
				if r.NextChange == nil || r.NextChange.After(at) {
					t.Fatalf("LedgerDue(%s) returned %s %s %s next %v", at, r.Rule, r.SubjectID, r.PeriodKey(), r.NextChange)
				}
			}
			return n
		}
		if dueBy(t0.Add(100*time.Hour)) == 0 || dueBy(t0.Add(-time.Hour)) != 0 {
			t.Fatal("LedgerDue selects no row at t0+100h or some before t0")
		}
		for i, r := range rows {
			r.Status, r.Due, r.Evidence, r.Digest = orglife.StatusOverdue, nil, []string{}, r.Digest+"'"
			if i%4 == 0 {
				r.NextChange = nil // the upsert clears next_change too
			} else if i%4 == 1 {
				next := t0.Add(time.Duration(i) * time.Minute)
				r.NextChange = &next
			}
		}
		must(t, db.SaveLedger(ctx, rows, nil))
		check()
		if dueBy(t0.Add(100*time.Hour)) == 0 {
			t.Fatal("LedgerDue selects none of the rewritten rows")
		}
		tl, err := db.LedgerTimeline(ctx, rows[1].Rule, rows[1].SubjectID, rows[1].PeriodKey())
		must(t, err)
		if len(tl) != 1 || tl[0].To != orglife.StatusCompliant || !tl[0].At.Equal(t0.Truncate(time.Microsecond)) {
			t.Fatalf("timeline = %+v", tl)
		}
	})
}

// TestLedgerCitesAny: CitesAny selects the rows whose evidence names any of the ids, and no row
// whose evidence merely contains one as a substring.
func TestLedgerCitesAny(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seedTree(t, db)
		a := ledgerRow("a", "r.a", "a", ptr("2025-01"), orglife.StatusCompliant)
		b := ledgerRow("a", "r.b", "a", ptr("2025-01"), orglife.StatusCompliant)
		c := ledgerRow("a", "r.c", "a", ptr("2025-01"), orglife.StatusCompliant)
		a.Evidence, b.Evidence, c.Evidence = []string{"i1", "i2"}, []string{"i3"}, []string{"i10"}
		must(t, db.SaveLedger(ctx, []*orglife.LedgerRow{a, b, c}, nil))
		for _, tt := range []struct {
			ids  []string
			want []string
		}{{[]string{"i2"}, []string{"r.a"}}, {[]string{"i3", "i1"}, []string{"r.a", "r.b"}}, {[]string{"i"}, nil}, {[]string{"i10", "x"}, []string{"r.c"}}} {
			got, err := db.LedgerRows(ctx, orglife.LedgerFilter{OrgIDs: []string{"a"}, CitesAny: tt.ids, Light: true})
			must(t, err)
			var rules []string
			for _, r := range got {
				rules = append(rules, r.Rule)
			}
			if !slices.Equal(rules, tt.want) {
				t.Errorf("CitesAny %v: %v, want %v", tt.ids, rules, tt.want)
			}
		}
	})
}
