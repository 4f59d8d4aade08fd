package compliance_test

import (
	"strings"
	"testing"

	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/storage"
	"github.com/orglife/orglife/storage/storagetest"
)

// TestOutboxStatements counts the statements of the outbox worker's pass after one recorded
// theme day, with the org's records in the worker's cache: one transaction (the delete of the
// evaluated entries says whether more are waiting, so no empty claim follows), one claim
// statement, the org's evaluation lock taken once, the org read with its parent.
func TestOutboxStatements(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		db, ok := w.st.(*storage.DB)
		if !ok {
			t.Skip("not a storage.DB")
		}
		counter := storagetest.CountStatements(t, db)
		x := w.themeDay(t, brB, "b", "2025-01-10") // fills the worker's record cache
		compliance.ManualOutbox(w.chk)
		y := w.themeDay(t, brB, "b", "2025-01-20")
		if err := w.chk.DrainOutbox(w.ctx); err != nil {
			t.Fatal(err)
		}
		w.record(t, brB, x.ID, longMinutes)
		var err error
		sent := counter.During(func() { err = w.chk.DrainOutbox(w.ctx) })
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("outbox pass after one transition: %d statements\n  %s", len(sent), strings.Join(sent, "\n  "))
		_ = y
		count := func(prefix string) int {
			n := 0
			for _, q := range sent {
				if strings.HasPrefix(q, prefix) {
					n++
				}
			}
			return n
		}
		if n := count("BEGIN"); n != 1 {
			t.Errorf("%d transactions, want 1", n)
		}
		if n := count("SELECT * FROM outbox"); n != 1 {
			t.Errorf("%d claim statements, want 1", n)
		}
		if n := count("SELECT pg_advisory_xact_lock"); n > 1 {
			t.Errorf("the evaluation lock was asked for %d times", n)
		}
		if n := count(`SELECT "o"."id"`); n != 1 {
			t.Errorf("orgs read %d times, want once (with their parents)", n)
		}
		if len(sent) > 19 {
			t.Errorf("%d statements, want at most 19 (25 before the claim, lock and drain were folded)", len(sent))
		}
	})
}
