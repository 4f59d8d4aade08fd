package compliance_test

import (
	"strings"
	"testing"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
)

// events lists the names of the transitions of an instance.
func (w *world) events(t *testing.T, id string) string {
	t.Helper()
	hist, err := w.svc.History(w.ctx, admin, id)
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, h := range hist {
		s = append(s, h.Event)
	}
	return strings.Join(s, " ")
}

// verifyChains fails when a hash chain of history is broken.
func (w *world) verifyChains(t *testing.T) {
	t.Helper()
	rep, err := w.svc.Verify(w.ctx)
	if err != nil || len(rep.Broken) > 0 {
		t.Fatalf("verify: %v %v", rep, err)
	}
}

// TestVoidWithApproval: a bogus 主题党日 recorded late, with two problems, made January late and
// opened late and shallow violations. The branch asks to void it (the record stops counting at
// once); the supervisor refuses (the record is back as it was, recorded_at included); the branch
// asks again and the supervisor approves: January is overdue again, the violations the record
// caused clear at once, the untouched rectification item is voided with the reason while the one
// the branch worked on stays, and the day is free for the real record.
func TestVoidWithApproval(t *testing.T) {
	const rule = "theme_day_monthly"
	packWorld(t, func(t *testing.T, w *world) {
		w.evaluate(t, "2025-01-01", "2025-01-31")
		overdue := w.mustViolation(t, rule, "b", "2025-01", "overdue", "")
		m := w.themeDay(t, brB, "b", "2025-01-20")
		m = w.mustFire(t, brB, m.ID, "record", map[string]any{"minutes": longMinutes, "expected": 10.0, "present": 10.0,
			"problems": []any{"理论学习不够深入", "组织生活不规范"}}, "")
		recordedAt := *m.RecordedAt
		if s := w.row(t, rule, "b", "2025-01").Status; s != orglife.StatusLate {
			t.Fatalf("after the bogus record: %s", s)
		}
		late := w.mustViolation(t, rule, "b", "2025-01", "late", "")
		shallow := w.mustViolation(t, rule, "b", "2025-01", "shallow", "recorded_late")
		if late.Status != orglife.ViolationOpen || shallow.Status != orglife.ViolationOpen {
			t.Fatalf("violations of the bogus record: %s %s", late.Status, shallow.Status)
		}
		kids, err := w.svc.ListInstances(w.ctx, admin, engine.ListInstancesParams{Workflow: "rectification", OrgID: "b"})
		if err != nil || len(kids.Items) != 2 {
			t.Fatalf("rectification items: %v %v", kids.Items, err)
		}
		worked, untouched := kids.Items[0], kids.Items[1]
		w.mustFire(t, brB, worked.ID, "plan", map[string]any{"owner": "张伟", "measure": "每周集中学习一次", "due_on": "2025-04-20"}, "")

		// the request needs a reason, and only the branch asks
		if _, err := w.svc.Fire(w.ctx, brB, engine.FireParams{InstanceID: m.ID, Event: "request_void"}); code(err) != orglife.EUNPROCESSABLE {
			t.Fatalf("request without a reason: %v", err)
		}
		if _, err := w.svc.Fire(w.ctx, supC, engine.FireParams{InstanceID: m.ID, Event: "request_void", Comment: "x"}); code(err) != orglife.EFORBIDDEN {
			t.Fatalf("request by the supervisor: %v", err)
		}
		w.clock.set(t, "2025-02-13T09:00:00+08:00")
		m = w.mustFire(t, brB, m.ID, "request_void", nil, "误录：一月未开展主题党日")
		if m.State != "void_requested" || m.Complete || m.RecordedAt != nil {
			t.Fatalf("requested: %+v", m)
		}
		if s := w.row(t, rule, "b", "2025-01").Status; s != orglife.StatusOverdue {
			t.Fatalf("while the request is pending: %s", s)
		}
		if _, err := w.svc.Fire(w.ctx, brB, engine.FireParams{InstanceID: m.ID, Event: "approve_void"}); code(err) != orglife.EFORBIDDEN {
			t.Fatalf("approval by the branch: %v", err)
		}
		if _, err := w.svc.Fire(w.ctx, supC, engine.FireParams{InstanceID: m.ID, Event: "refuse_void"}); code(err) != orglife.EUNPROCESSABLE {
			t.Fatalf("refusal without a reason: %v", err)
		}

		// refused: back to recorded with the recorded_at of before, so the row is late, not later
		w.clock.set(t, "2025-02-14T09:00:00+08:00")
		m = w.mustFire(t, supC, m.ID, "refuse_void", nil, "记录属实，不予作废")
		if m.State != "recorded" || !m.Complete || m.RecordedAt == nil || !m.RecordedAt.Equal(recordedAt) {
			t.Fatalf("refused: state %s recorded_at %v, want recorded at %v", m.State, m.RecordedAt, recordedAt)
		}
		if s := w.row(t, rule, "b", "2025-01").Status; s != orglife.StatusLate {
			t.Fatalf("after the refusal: %s", s)
		}
		if v := w.mustViolation(t, rule, "b", "2025-01", "late", ""); v.Status != orglife.ViolationOpen {
			t.Fatalf("late violation after the refusal: %s", v.Status)
		}
		// as of the pending request, the record did not count; as of now it does
		asOf := instant(t, "2025-02-13T12:00:00+08:00")
		rows, err := w.chk.Compliance(w.ctx, admin, compliance.ComplianceParams{OrgID: "b", Rule: rule, Period: "2025-01", AsOf: &asOf})
		if err != nil || len(rows.Items) != 1 || rows.Items[0].Status != orglife.StatusOverdue {
			t.Fatalf("as of the pending request: %v %v", rows.Items, err)
		}

		// asked again and approved (the approval carries no comment: the request's reason stands)
		w.mustFire(t, brB, m.ID, "request_void", nil, "误录：一月未开展主题党日")
		w.clock.set(t, "2025-02-15T09:00:00+08:00")
		m = w.mustFire(t, supC, m.ID, "approve_void", nil, "")
		if m.State != "voided" || m.Complete || m.UniqueKey != nil {
			t.Fatalf("voided: %+v", m)
		}
		if got := w.svc.AvailableEvents(admin, m); len(got) != 0 {
			t.Fatalf("events out of voided: %v", got)
		}
		if s := w.row(t, rule, "b", "2025-01").Status; s != orglife.StatusOverdue {
			t.Fatalf("after the void: %s", s)
		}
		for _, v := range []*orglife.Violation{w.mustViolation(t, rule, "b", "2025-01", "late", ""),
			w.mustViolation(t, rule, "b", "2025-01", "shallow", "recorded_late")} {
			if v.Status != orglife.ViolationResolved || resolution(v) != orglife.ResolutionCleared {
				t.Fatalf("violation %s/%s after the void: %s %s", v.Kind, v.Check, v.Status, resolution(v))
			}
		}
		if v := w.mustViolation(t, rule, "b", "2025-01", "overdue", ""); v.ID != overdue.ID || v.Status != orglife.ViolationOpen {
			t.Fatalf("the overdue violation is back: %s %s", v.ID, v.Status)
		}
		if got := w.events(t, m.ID); got != "record request_void refuse_void request_void approve_void" {
			t.Fatalf("history: %s", got)
		}

		// the untouched item is voided with the reason, the planned one stays
		u, err := w.svc.GetInstance(w.ctx, admin, untouched.ID)
		if err != nil || u.State != "voided" {
			t.Fatalf("untouched child: %+v %v", u, err)
		}
		hist, _ := w.svc.History(w.ctx, admin, u.ID)
		if len(hist) != 1 || hist[0].Event != "void" || hist[0].Actor != supC.Name || !strings.Contains(hist[0].Comment, "误录：一月未开展主题党日") ||
			!strings.Contains(hist[0].Comment, m.ID) {
			t.Fatalf("untouched child's history: %+v", hist)
		}
		if k, _ := w.svc.GetInstance(w.ctx, admin, worked.ID); k.State != "planned" {
			t.Fatalf("the child worked on: %s", k.State)
		}
		cut, err := w.st.LedgerRows(w.ctx, orglife.LedgerFilter{SubjectIDs: []string{untouched.ID}})
		if err != nil || len(cut) != 1 || cut[0].Status != orglife.StatusNotApplicable {
			t.Fatalf("the voided item's row: %v %v", cut, err)
		}

		// the day is free for the real record; history chains still verify
		real := w.themeDay(t, brB, "b", "2025-01-20")
		w.record(t, brB, real.ID, longMinutes2)
		if s := w.row(t, rule, "b", "2025-01").Status; s != orglife.StatusLate {
			t.Fatalf("after the real record: %s", s)
		}
		w.verifyChains(t)
	})
}

// TestSupervisorVoidsDirectly: a 2024 plan filed in February 2025 made the 2024 row late; the
// supervisor voids it with a reason and the 2024 row is overdue at once — the re-evaluation reaches
// back to the period of the rows that cited the plan although the plan was created in 2025.
func TestSupervisorVoidsDirectly(t *testing.T) {
	const rule = "annual_plan_filed"
	packWorld(t, func(t *testing.T, w *world) {
		p, err := w.svc.Start(w.ctx, brB, engine.StartParams{Workflow: "plan", OrgID: "b",
			Data: map[string]any{"year": 2024.0, "content": "全年计划：每月主题党日，每季度党课和支部党员大会，年底组织生活会。"}})
		if err != nil {
			t.Fatal(err)
		}
		w.mustFire(t, brB, p.ID, "submit", nil, "")
		w.mustFire(t, supC, p.ID, "file", nil, "")
		w.evaluate(t, "2024-01-01", "2024-12-31")
		if s := w.row(t, rule, "b", "2024").Status; s != orglife.StatusLate {
			t.Fatalf("the filed 2024 plan: %s", s)
		}
		if _, err := w.svc.Fire(w.ctx, supC, engine.FireParams{InstanceID: p.ID, Event: "void"}); code(err) != orglife.EUNPROCESSABLE {
			t.Fatalf("void without a reason: %v", err)
		}
		if _, err := w.svc.Fire(w.ctx, brB, engine.FireParams{InstanceID: p.ID, Event: "void", Comment: "x"}); code(err) != orglife.EFORBIDDEN {
			t.Fatalf("void by the branch: %v", err)
		}
		if _, err := w.svc.Fire(w.ctx, supC2, engine.FireParams{InstanceID: p.ID, Event: "void", Comment: "x"}); code(err) != orglife.EFORBIDDEN {
			t.Fatalf("void by a supervisor of another tree: %v", err)
		}
		p = w.mustFire(t, supC, p.ID, "void", nil, "年度填错：此为2025年计划")
		if p.State != "voided" || p.Complete {
			t.Fatalf("voided: %+v", p)
		}
		if s := w.row(t, rule, "b", "2024").Status; s != orglife.StatusOverdue {
			t.Fatalf("2024 after the void: %s", s)
		}
		if v := w.mustViolation(t, rule, "b", "2024", "late", ""); v.Status != orglife.ViolationResolved {
			t.Fatalf("late violation after the void: %s", v.Status)
		}
		if _, err := w.svc.Fire(w.ctx, supC, engine.FireParams{InstanceID: p.ID, Event: "void", Comment: "again"}); code(err) != orglife.ECONFLICT {
			t.Fatalf("void of a voided record: %v", err)
		}
		w.verifyChains(t)
	})
}

// TestRefuseVoidOfAPlannedRecord: a void request from a state that is not complete goes back to it
// without a recorded_at; cancelling a planned record still works as before and cancels nothing else.
func TestRefuseVoidOfAPlannedRecord(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		m := w.themeDay(t, brB, "b", "2025-02-20")
		w.mustFire(t, brB, m.ID, "request_void", nil, "重复录入")
		w.clock.set(t, "2025-02-13T10:00:00+08:00")
		m = w.mustFire(t, supC, m.ID, "refuse_void", nil, "并非重复")
		if m.State != "planned" || m.RecordedAt != nil || m.Complete {
			t.Fatalf("refused from planned: %+v", m)
		}
		m = w.mustFire(t, brB, m.ID, "cancel", nil, "改期")
		if m.State != "cancelled" {
			t.Fatalf("cancel: %s", m.State)
		}
		if got := w.events(t, m.ID); got != "request_void refuse_void cancel" {
			t.Fatalf("history: %s", got)
		}
		// a refused request in a workflow whose complete state was final before (rectification verified)
		r, err := w.svc.Start(w.ctx, brB, engine.StartParams{Workflow: "rectification", OrgID: "b",
			Data: map[string]any{"problem": "党费收缴不及时", "due_on": "2025-03-31"}})
		if err != nil {
			t.Fatal(err)
		}
		w.mustFire(t, brB, r.ID, "plan", map[string]any{"owner": "李娜", "measure": "按月收缴并公示"}, "")
		w.mustFire(t, brB, r.ID, "complete", map[string]any{"result": "已按月收缴"}, "")
		r = w.mustFire(t, supC, r.ID, "verify", nil, "")
		at := *r.RecordedAt
		w.clock.set(t, "2025-02-14T10:00:00+08:00")
		w.mustFire(t, brB, r.ID, "request_void", nil, "误录")
		w.clock.set(t, "2025-02-15T10:00:00+08:00")
		r = w.mustFire(t, supC, r.ID, "refuse_void", nil, "已验收，不能作废")
		if r.State != "verified" || r.RecordedAt == nil || !r.RecordedAt.Equal(at) {
			t.Fatalf("refused from verified: %s %v want %v", r.State, r.RecordedAt, at)
		}
		w.verifyChains(t)
	})
}
