package compliance_test

import (
	"reflect"
	"testing"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
)

// TestMatrix: the matrix lists every org in scope (one created after the evaluation, without
// any ledger row, too) and the ledger rows of the rule in the year's periods only; a secretary
// sees only its own branch, and another branch's subtree is forbidden.
func TestMatrix(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		w.evaluate(t, "2024-12-01", "2025-01-31")
		silent := "b3"
		// written to the store directly, so no evaluation follows: a branch without ledger rows
		if err := w.st.CreateOrg(w.ctx, &orglife.Org{ID: silent, Name: "新成立党支部", Kind: orglife.KindBranch, ParentID: ptrTo("g")}); err != nil {
			t.Fatal(err)
		}
		m, err := w.chk.Matrix(w.ctx, supC, compliance.MatrixParams{Rules: []string{"theme_day_monthly"}, Year: 2025})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, o := range m.Orgs {
			ids = append(ids, o.ID)
		}
		if want := []string{"b", "b2", "b3", "c", "g"}; !reflect.DeepEqual(ids, want) {
			t.Fatalf("orgs %v, want %v", ids, want)
		}
		if len(m.Periods["month"]) != 12 || m.Periods["month"][0] != "2025-01" || m.Periods["month"][11] != "2025-12" {
			t.Fatalf("periods %v", m.Periods)
		}
		got := map[string]orglife.Status{}
		for _, r := range m.Rows {
			if r.Rule != "theme_day_monthly" || r.PeriodKey() < "2025-01" || r.PeriodKey() > "2025-12" {
				t.Fatalf("row out of the matrix: %s %s", r.Rule, r.PeriodKey())
			}
			if r.Explanation.Text != "" {
				t.Fatalf("a matrix row carries its explanation")
			}
			got[r.OrgID+"/"+r.PeriodKey()] = r.Status
		}
		if got["b/2025-01"] != orglife.StatusOverdue || got["b2/2025-01"] != orglife.StatusOverdue || len(got) != 4 || got["b3/2025-01"] != "" {
			t.Fatalf("cells %v", got)
		}
		own, err := w.chk.Matrix(w.ctx, brB, compliance.MatrixParams{Year: 2025, Explain: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(own.Orgs) != 1 || own.Orgs[0].ID != "b" || len(own.Rules) < 3 {
			t.Fatalf("a secretary's matrix: %d orgs, %d rules", len(own.Orgs), len(own.Rules))
		}
		for _, r := range own.Rows {
			if r.OrgID != "b" || r.Explanation.Text == "" {
				t.Fatalf("a secretary's row: %s %q", r.OrgID, r.Explanation.Text)
			}
		}
		if _, err := w.chk.Matrix(w.ctx, brB, compliance.MatrixParams{OrgID: "b2", Year: 2025}); code(err) != orglife.EFORBIDDEN {
			t.Fatalf("another branch's matrix: %v", err)
		}
		if _, err := w.chk.Matrix(w.ctx, supC, compliance.MatrixParams{Rules: []string{"term_renewed"}, Year: 2025}); code(err) != orglife.EINVALID {
			t.Fatalf("a rule without periods: %v", err)
		}
		if _, err := w.chk.Matrix(w.ctx, supC, compliance.MatrixParams{Year: 1}); code(err) != orglife.EINVALID {
			t.Fatalf("year 1: %v", err)
		}
	})
}

func ptrTo(s string) *string { return &s }
