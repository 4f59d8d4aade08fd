package compliance_test

import (
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/storage"
	"github.com/orglife/orglife/storage/storagetest"
)

// TestScheduledRunsOneAtATime: two services on one database (two PostgreSQL pools, or two SQLite
// handles in one process, which share the process-local lock) never run the scheduled evaluation
// at the same time; when the holder's connection dies (PostgreSQL) the other takes over.
func TestScheduledRunsOneAtATime(t *testing.T) {
	set, rs := packSet(t)
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			dbA := storagetest.Open(t, dsn)
			dbB := storagetest.Open(t, dsn)
			a := newWorld(t, dbA, set, rs)
			b := &world{st: dbB, set: set, clock: a.clock, ctx: a.ctx}
			b.svc, b.chk = services(dbB, set, rs, a.clock.Now, nil)

			inside, release := make(chan struct{}), make(chan struct{})
			compliance.SetOnScheduled(a.chk, func() {
				close(inside)
				<-release
			})
			type outcome struct {
				ran bool
				res *compliance.EvaluateResult
				err error
			}
			done := make(chan outcome, 1)
			go func() {
				ran, res, err := a.chk.RunScheduledOnce(a.ctx)
				done <- outcome{ran, res, err}
			}()
			select {
			case <-inside:
			case <-time.After(10 * time.Second):
				t.Fatal("A did not start its scheduled evaluation")
			}
			ran, res, err := b.chk.RunScheduledOnce(b.ctx)
			if err != nil || ran || res != nil {
				t.Fatalf("B while A runs: ran %v res %v err %v", ran, res, err)
			}
			close(release)
			got := <-done
			if got.err != nil || !got.ran || got.res == nil || got.res.Orgs != 6 || got.res.Opened == 0 {
				t.Fatalf("A: %+v", got)
			}
			// The first scheduled run covers the current period back through the lookback.
			if got.res.To != "2025-02-12" || got.res.From != "2024-01-09" {
				t.Fatalf("scheduled range %s..%s", got.res.From, got.res.To)
			}
			// B's run, with nothing changed since A's, is incremental and has nothing to do.
			ran, res, err = b.chk.RunScheduledOnce(b.ctx)
			if err != nil || !ran || res == nil || res.Orgs != 0 || res.Opened != 0 {
				t.Fatalf("B after A: ran %v res %+v err %v", ran, res, err)
			}
			if v := b.mustViolation(t, "theme_day_monthly", "b", "2025-01", orglife.KindOverdue, ""); v.Status != orglife.ViolationOpen || len(v.History) != 1 {
				t.Fatalf("violation after two scheduled runs: %s %q", v.Status, historyPath(v))
			}
			if name != storage.Postgres {
				return
			}

			// A holds the lock again and dies: its lock connection is terminated and its pool closed.
			inside, release = make(chan struct{}), make(chan struct{})
			compliance.SetOnScheduled(a.chk, func() {
				close(inside)
				<-release
			})
			go func() {
				ran, res, err := a.chk.RunScheduledOnce(a.ctx)
				done <- outcome{ran, res, err}
			}()
			<-inside
			if ran, _, err := b.chk.RunScheduledOnce(b.ctx); err != nil || ran {
				t.Fatalf("B while A holds the lock again: ran %v err %v", ran, err)
			}
			var n int
			err = dbB.Bun().NewRaw(`SELECT count(pg_terminate_backend(pid)) FROM pg_locks
				WHERE locktype = 'advisory' AND pid <> pg_backend_pid()
				AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(b.ctx, &n)
			if err != nil || n != 1 {
				t.Fatalf("terminating A's lock holder: %d %v", n, err)
			}
			_ = dbA.Close()
			deadline := time.Now().Add(5 * time.Second)
			for {
				ran, res, err := b.chk.RunScheduledOnce(b.ctx)
				if err != nil {
					t.Fatal(err)
				}
				if ran {
					if res == nil {
						t.Fatalf("B taking over: %+v", res)
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("B never took over after A's connection died")
				}
				time.Sleep(20 * time.Millisecond)
			}
			close(release)
			if got := <-done; got.err == nil {
				t.Fatalf("A evaluated on a closed store: %+v", got)
			}
		})
	}
}
