package compliance_test

import (
	"testing"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
)

// TestCancelledInstanceRowRetired: an instance rule's overdue row and violation go away when the
// instance is cancelled (the rule no longer produces the row).
func TestCancelledInstanceRowRetired(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		w.useRules(t, `rules:
  - id: meeting_held
    title: 计划的会议按期召开
    source: test
    scope: instance
    workflow: meeting
    due: "data.held_on + days(3)"
    require: "instance.complete"
    message: 计划的会议逾期未召开
`)
		m := w.themeDay(t, brB, "b", "2025-02-01")
		w.evaluate(t, "2025-01-01", "2025-02-28")
		v := w.mustViolation(t, "meeting_held", "b", "", "overdue", "")
		if v.Status != orglife.ViolationOpen {
			t.Fatalf("overdue violation: %s", v.Status)
		}
		if _, err := w.svc.Fire(w.ctx, brB, engine.FireParams{InstanceID: m.ID, Event: "cancel", Comment: "改期"}); err != nil {
			t.Fatal(err)
		}
		w.evaluate(t, "2025-01-01", "2025-02-28")
		page, err := w.chk.Compliance(w.ctx, admin, compliance.ComplianceParams{OrgID: "b", Rule: "meeting_held"})
		if err != nil || len(page.Items) != 1 {
			t.Fatalf("rows %v %v", page.Items, err)
		}
		if s := page.Items[0].Status; s != orglife.StatusNotApplicable {
			t.Fatalf("the cancelled meeting's row: %s", s)
		}
		v = w.mustViolation(t, "meeting_held", "b", "", "overdue", "")
		if v.Status != orglife.ViolationResolved || resolution(v) != orglife.ResolutionCleared {
			t.Fatalf("the cancelled meeting's violation: %s %s", v.Status, resolution(v))
		}
	})
}
