package storage_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/storage"
)

// TestOutboxClaim: entries come back per org, oldest org first; a retried entry is out of
// claims until its instant; deleted entries are gone.
func TestOutboxClaim(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := time.Now()
		es := []*orglife.OutboxEntry{{OrgID: "x", From: "2025-01-01", Days: []string{"2025-01-01", "2025-03-04"}, InstanceID: "i1", CreatedAt: now},
			{OrgID: "y", CreatedAt: now}, {OrgID: "x", From: "2024-12-01", CreatedAt: now}}
		must(t, db.EnqueueEvaluation(ctx, es))
		if es[0].ID == 0 || !(es[0].ID < es[1].ID && es[1].ID < es[2].ID) {
			t.Fatalf("ids %d %d %d", es[0].ID, es[1].ID, es[2].ID)
		}
		claim := func() []*orglife.OutboxEntry {
			t.Helper()
			var got []*orglife.OutboxEntry
			must(t, db.InTx(ctx, func(ctx context.Context) error {
				tx := db
				var err error
				got, err = tx.ClaimOutbox(ctx, time.Now(), 100)
				return err
			}))
			return got
		}
		got := claim()
		if len(got) != 2 || got[0].OrgID != "x" || got[0].From != "2025-01-01" || got[0].InstanceID != "i1" || got[1].From != "2024-12-01" ||
			!slices.Equal(got[0].Days, []string{"2025-01-01", "2025-03-04"}) || got[1].Days != nil {
			t.Fatalf("first claim: %+v %+v", got[0], got)
		}
		must(t, db.RetryOutbox(ctx, []int64{got[0].ID, got[1].ID}, time.Now().Add(time.Hour), "boom"))
		if got := claim(); len(got) != 1 || got[0].OrgID != "y" {
			t.Fatalf("claim during x's backoff: %+v", got)
		}
		must(t, db.DeleteOutbox(ctx, []int64{es[1].ID}))
		if got := claim(); len(got) != 0 {
			t.Fatalf("claim with only x waiting: %+v", got)
		}
		left, err := db.OutboxEntries(ctx, 0)
		must(t, err)
		if len(left) != 2 || left[0].Attempts != 1 || left[0].LastError != "boom" || !left[0].AvailableAt.After(time.Now()) {
			t.Fatalf("entries left: %+v", left)
		}
	})
}

// TestOutboxClaimSkipsLocked (PostgreSQL): while one transaction holds org x's entries, another
// claim passes them by and takes y's; and an org's evaluation lock excludes a second holder
// until the first transaction ends.
func TestOutboxClaimSkipsLocked(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		if db.Dialect() != storage.Postgres {
			t.Skip("SQLite has one writer: claims and evaluation locks are its write lock")
		}
		ctx := context.Background()
		must(t, db.EnqueueEvaluation(ctx, []*orglife.OutboxEntry{{OrgID: "x", CreatedAt: time.Now()}, {OrgID: "y", CreatedAt: time.Now()}}))
		held, release := make(chan struct{}), make(chan struct{})
		done := make(chan error, 1)
		go func() {
			done <- db.InTx(ctx, func(ctx context.Context) error {
				tx := db
				got, err := tx.ClaimOutbox(ctx, time.Now(), 100)
				if err != nil {
					return err
				}
				if len(got) != 1 || got[0].OrgID != "x" {
					return errors.New("first claim did not get x")
				}
				if err := tx.LockEvaluation(ctx, []string{"x", "a"}); err != nil {
					return err
				}
				close(held)
				<-release
				return nil
			})
		}()
		<-held
		must(t, db.InTx(ctx, func(ctx context.Context) error {
			tx := db
			got, err := tx.ClaimOutbox(ctx, time.Now(), 100)
			if err != nil {
				return err
			}
			if len(got) != 1 || got[0].OrgID != "y" {
				t.Errorf("second claim: %+v, want y's entry", got)
			}
			return nil
		}))
		locked := make(chan error, 1)
		go func() {
			locked <- db.InTx(ctx, func(ctx context.Context) error {
				return db.LockEvaluation(ctx, []string{"b", "x"})
			})
		}()
		select {
		case err := <-locked:
			t.Fatalf("x's evaluation lock taken twice (err %v)", err)
		case <-time.After(200 * time.Millisecond):
		}
		close(release)
		must(t, <-done)
		select {
		case err := <-locked:
			must(t, err)
		case <-time.After(5 * time.Second):
			t.Fatal("x's evaluation lock not free after the holder's commit")
		}
	})
}

// TestOutboxStats: the depth and the oldest entry's creation, for the metrics.
func TestOutboxStats(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		if n, oldest, err := db.OutboxStats(ctx); err != nil || n != 0 || !oldest.IsZero() {
			t.Fatalf("empty: %d %v %v", n, oldest, err)
		}
		first := time.Date(2025, 2, 3, 10, 0, 0, 0, time.UTC)
		must(t, db.EnqueueEvaluation(ctx, []*orglife.OutboxEntry{{OrgID: "x", CreatedAt: first.Add(time.Minute)}, {OrgID: "y", CreatedAt: first}}))
		n, oldest, err := db.OutboxStats(ctx)
		if err != nil || n != 2 || !oldest.Equal(first) {
			t.Fatalf("stats: %d %v %v", n, oldest, err)
		}
	})
}

// TestPendingOrgs: the orgs with entries waiting, for the ledger's "updating" flag.
func TestPendingOrgs(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		must(t, db.EnqueueEvaluation(ctx, []*orglife.OutboxEntry{{OrgID: "x", CreatedAt: time.Now()}, {OrgID: "x", CreatedAt: time.Now()}}))
		got, err := db.PendingOrgs(ctx, []string{"x", "y"})
		if err != nil || len(got) != 1 || got[0] != "x" {
			t.Fatalf("pending: %v %v", got, err)
		}
		if got, err := db.PendingOrgs(ctx, nil); err != nil || len(got) != 0 {
			t.Fatalf("no orgs: %v %v", got, err)
		}
	})
}
