package compliance_test

import (
	"context"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
)

// ledgerWrites counts the ledger rows a store is asked to write.
type ledgerWrites struct {
	store
	rows *int
}

func (l ledgerWrites) SaveLedger(ctx context.Context, rows []*orglife.LedgerRow, changes []orglife.LedgerChange) error {
	*l.rows += len(rows)
	return l.store.SaveLedger(ctx, rows, changes)
}

// TestUnchangedRowsAreNotRewritten evaluates twice: the second run writes no ledger row; after
// a change, only the rows whose content changed are rewritten.
func TestUnchangedRowsAreNotRewritten(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		written := 0
		loc, _ := time.LoadLocation("Asia/Shanghai")
		chk := compliance.New(compliance.Config{Store: ledgerWrites{store: w.st, rows: &written}, Workflows: w.set, Rules: w.chk.RuleSet(), Now: w.clock.Now, Location: loc})
		eval := func() int {
			written = 0
			if _, err := chk.Evaluate(w.ctx, admin, compliance.EvaluateParams{From: "2024-12-01", To: "2025-01-31"}); err != nil {
				t.Fatal(err)
			}
			return written
		}
		first := eval()
		if first == 0 {
			t.Fatal("the first evaluation wrote nothing")
		}
		if again := eval(); again != 0 {
			t.Fatalf("an evaluation with nothing changed rewrote %d of %d rows", again, first)
		}
		m := w.themeDay(t, brB, "b", "2025-01-20")
		w.record(t, brB, m.ID, longMinutes)
		// the event re-evaluated January onwards; December's row also lists the new meeting as
		// evidence (its copied-minutes check reads all_meetings), so it alone is rewritten
		if n := eval(); n > 1 {
			t.Fatalf("after the event was re-evaluated, a full evaluation rewrote %d rows", n)
		}
		if s := w.row(t, "theme_day_monthly", "b", "2025-01").Status; s != orglife.StatusLate {
			t.Fatalf("backfilled January: %s", s)
		}
	})
}
