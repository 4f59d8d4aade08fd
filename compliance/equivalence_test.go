package compliance_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
)

// TestIncrementalEqualsFull: after a random sequence of starts, records, returns, voids and
// records moved between periods (hold with another date), each processed by the outbox worker
// as it commits (narrowed to the periods of the changed record's days), every stored ledger row
// equals a fresh full evaluation of the final data: status, due, explanation and (see below)
// evidence.
func TestIncrementalEqualsFull(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		w.evaluate(t, "", "")
		rng := rand.New(rand.NewPCG(9, 9))
		day := func() string { // 2024-06 … 2025-02
			m := 6 + rng.IntN(9)
			y := 2024
			if m > 12 {
				y, m = 2025, m-12
			}
			return fmt.Sprintf("%d-%02d-%02d", y, m, 1+rng.IntN(28))
		}
		type rec struct {
			id, org string
			actor   orglife.Actor
		}
		var recs []rec
		ops := map[string]int{}
		for range 80 {
			org, actor := "b", brB
			if rng.IntN(2) == 1 {
				org, actor = "b2", branchB2
			}
			var err error
			switch op := rng.IntN(6); {
			case op <= 1 || len(recs) == 0: // a new meeting, recorded at once or only planned
				typ := []string{"theme_day", "committee", "lecture", "branch_assembly"}[rng.IntN(4)]
				var m *orglife.Instance
				m, err = w.svc.Start(w.ctx, actor, engine.StartParams{Workflow: "meeting", OrgID: org,
					Data: map[string]any{"type": typ, "held_on": day(), "topic": "主题党日"}})
				if err == nil {
					recs = append(recs, rec{m.ID, org, actor})
					ops["start"]++
					if rng.IntN(2) == 0 {
						_, err = w.svc.Fire(w.ctx, actor, engine.FireParams{InstanceID: m.ID, Event: "record",
							Data: map[string]any{"minutes": longMinutes, "expected": 10.0, "present": float64(5 + rng.IntN(6))}})
						ops["record"]++
					}
				}
			default:
				r := recs[rng.IntN(len(recs))]
				ev := []string{"hold", "record", "return", "void"}[op-2]
				p := engine.FireParams{InstanceID: r.id, Event: ev}
				actor := r.actor
				switch ev {
				case "hold": // moves the record to another day, perhaps another period
					p.Data = map[string]any{"held_on": day(), "expected": 10.0, "present": 9.0}
				case "record":
					p.Data = map[string]any{"minutes": longMinutes, "expected": 10.0, "present": float64(5 + rng.IntN(6))}
				case "return":
					actor, p.Comment = supC, "请补充"
				case "void":
					actor, p.Comment = supC, "误录"
				}
				if _, err = w.svc.Fire(w.ctx, actor, p); err == nil {
					ops[ev]++
				}
			}
			if err != nil && code(err) != orglife.ECONFLICT && code(err) != orglife.EUNPROCESSABLE {
				t.Fatal(err)
			}
		}
		t.Logf("operations: %v", ops)
		if ops["hold"] == 0 || ops["void"] == 0 || ops["return"] == 0 {
			t.Fatalf("the sequence lacks a kind of change: %v", ops)
		}
		_, fresh, err := w.chk.Check(w.ctx, admin, compliance.EvaluateParams{DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		// Evidence is compared for the rules reading no whole collection (all_…): the evidence of
		// the others lists every record of the collection, and a change re-evaluates them from
		// the changed record's periods on, not the periods before (their status cannot change).
		rs := w.chk.RuleSet()
		byKey := map[string]*orglife.LedgerRow{}
		for _, r := range w.ledger(t) {
			byKey[compliance.LedgerCursor(r)] = r
		}
		wrong := 0
		for i := range fresh {
			f := &fresh[i]
			s := byKey[compliance.LedgerCursor(f)]
			switch {
			case s == nil:
				t.Errorf("no stored row for %s %s %s %s (fresh: %s)", f.OrgID, f.Rule, f.SubjectID, f.PeriodKey(), f.Status)
			case s.Status != f.Status || (s.Due == nil) != (f.Due == nil) || (s.Due != nil && !s.Due.Equal(*f.Due)) || s.Explanation.Text != f.Explanation.Text ||
				(len(rs.Reads(rs.Rule(f.Rule)).All) == 0 && !reflect.DeepEqual(s.Evidence, f.Evidence)):
				t.Errorf("%s %s %s %s: stored %s %q %v, fresh %s %q %v", f.OrgID, f.Rule, f.SubjectID, f.PeriodKey(),
					s.Status, s.Explanation.Text, s.Evidence, f.Status, f.Explanation.Text, f.Evidence)
			default:
				continue
			}
			if wrong++; wrong >= 10 {
				t.Fatalf("more wrong rows left out (of %d fresh rows)", len(fresh))
			}
		}
	})
}
