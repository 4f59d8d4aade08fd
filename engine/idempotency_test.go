package engine_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/storage/storagetest"
)

// TestIdempotencyPruning checks that responses to Idempotency-Keys are kept for the retention,
// pruned after it (explicitly, from the schedule's helper and after a write with a key), that a
// pruned key may be used again, and that one pruning removes a bounded number of rows.
func TestIdempotencyPruning(t *testing.T) {
	set := testSet(t)
	for name, db := range storagetest.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			t0 := time.Date(2025, 2, 3, 2, 0, 0, 0, time.UTC)
			clock := t0
			svc := engine.New(engine.Config{Store: db, Workflows: set, Now: func() time.Time { return clock },
				IdempotencyRetention: 24 * time.Hour})
			c := "c"
			for _, o := range []*orglife.Org{{ID: "c", Name: "党委", Kind: orglife.KindCommittee},
				{ID: "b", Name: "支部", Kind: orglife.KindBranch, ParentID: &c}} {
				if _, err := svc.CreateOrg(ctx, admin, o); err != nil {
					t.Fatal(err)
				}
			}
			start := func(key, hash, day string) (*orglife.Instance, error) {
				return svc.Start(ctx, branchB, engine.StartParams{Workflow: "meeting", OrgID: "b", IdempotencyKey: key,
					RequestHash: hash, Data: map[string]any{"type": "committee", "held_on": day, "topic": "支委会"}})
			}
			if _, err := start("k1", "h1", "2025-01-10"); err != nil {
				t.Fatal(err)
			}
			clock = t0.Add(23 * time.Hour)
			if _, err := start("k2", "h2", "2025-01-11"); err != nil {
				t.Fatal(err)
			}
			if _, err := start("k1", "other", "2025-01-12"); code(err) != orglife.ECONFLICT {
				t.Fatalf("k1 within the retention, other body: %v", err)
			}

			clock = t0.Add(25 * time.Hour)
			if n, err := svc.PruneIdempotency(ctx); err != nil || n != 1 {
				t.Fatalf("pruned %d (want 1: k1 only), %v", n, err)
			}
			if _, err := db.Idempotency(ctx, "branch:b:"+branchB.Name, "k2"); err != nil {
				t.Fatalf("k2 is younger than the retention and must stay: %v", err)
			}
			if _, err := start("k1", "other", "2025-01-12"); err != nil {
				t.Fatalf("a pruned key is new again: %v", err)
			}

			// Bounded: batches of 100, at most 250 per pruning.
			old := t0.Add(-48 * time.Hour)
			for i := range 600 {
				if err := db.SaveIdempotency(ctx, &orglife.IdempotencyRecord{Scope: "s", Key: fmt.Sprint(i),
					RequestHash: "h", Response: []byte("{}"), CreatedAt: old.Add(time.Duration(i) * time.Second)}); err != nil {
					t.Fatal(err)
				}
			}
			engine.SetPruneLimits(svc, 100, 250)
			for i, want := range []int{250, 250, 100, 0} {
				if n, err := svc.PruneIdempotency(ctx); err != nil || n != want {
					t.Fatalf("pruning %d: %d, %v; want %d", i, n, err, want)
				}
			}
			if _, err := db.Idempotency(ctx, "s", "599"); orglife.ErrorCode(err) != orglife.ENOTFOUND {
				t.Fatalf("the newest old key survived: %v", err)
			}

			// Opportunistic: a write with a key prunes when the last pruning is an hour old.
			if err := db.SaveIdempotency(ctx, &orglife.IdempotencyRecord{Scope: "s", Key: "stale",
				RequestHash: "h", Response: []byte("{}"), CreatedAt: old}); err != nil {
				t.Fatal(err)
			}
			clock = clock.Add(30 * time.Minute)
			if _, err := start("k3", "h3", "2025-01-13"); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Idempotency(ctx, "s", "stale"); err != nil {
				t.Fatalf("pruned again within the hour: %v", err)
			}
			clock = clock.Add(time.Hour)
			if _, err := start("k4", "h4", "2025-01-14"); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Idempotency(ctx, "s", "stale"); orglife.ErrorCode(err) != orglife.ENOTFOUND {
				t.Fatalf("a write with a key an hour after the last pruning did not prune: %v", err)
			}
		})
	}
}

// TestHostileEngineInput checks that the engine itself (not only the API) refuses NUL bytes,
// invalid UTF-8 and over-long ids with invalid naming the field, before any database sees them.
func TestHostileEngineInput(t *testing.T) {
	forEachDB(t, func(t *testing.T, svc *engine.Service, st engine.Store) {
		ctx := context.Background()
		long := fmt.Sprintf("%02800d", 0)
		c := "c"
		tests := []struct {
			name, field string
			call        func() error
		}{
			{"org id NUL", "id", func() error {
				_, err := svc.CreateOrg(ctx, admin, &orglife.Org{ID: "x\x00", Name: "n", Kind: orglife.KindBranch})
				return err
			}},
			{"org id long", "id", func() error {
				_, err := svc.CreateOrg(ctx, admin, &orglife.Org{ID: long, Name: "n", Kind: orglife.KindBranch, ParentID: &c})
				return err
			}},
			{"org name bad UTF-8", "name", func() error {
				_, err := svc.CreateOrg(ctx, admin, &orglife.Org{ID: "x", Name: "\xff", Kind: orglife.KindBranch})
				return err
			}},
			{"org attribute NUL", "attributes.k", func() error {
				_, err := svc.CreateOrg(ctx, admin, &orglife.Org{ID: "x", Name: "n", Kind: orglife.KindBranch, Attributes: map[string]string{"k": "\x00"}})
				return err
			}},
			{"get org NUL", "id", func() error { _, err := svc.GetOrg(ctx, admin, "b\x00"); return err }},
			{"data nested NUL", "data.absentees[0].name", func() error {
				_, err := svc.Start(ctx, branchB, engine.StartParams{Workflow: "meeting", OrgID: "b",
					Data: map[string]any{"absentees": []any{map[string]any{"name": "a\x00"}}}})
				return err
			}},
			{"long idempotency key", "Idempotency-Key", func() error {
				_, err := svc.Start(ctx, branchB, engine.StartParams{Workflow: "meeting", OrgID: "b", IdempotencyKey: long})
				return err
			}},
			{"instance filter NUL", "state", func() error {
				_, err := svc.ListInstances(ctx, admin, engine.ListInstancesParams{State: "a\x00"})
				return err
			}},
			{"token name NUL", "name", func() error {
				_, _, err := svc.CreateToken(ctx, admin, engine.CreateTokenParams{Name: "a\x00", Role: orglife.RoleAdmin})
				return err
			}},
		}
		for _, tt := range tests {
			err := tt.call()
			if code(err) != orglife.EINVALID || !hasField(orglife.ErrorDetails(err), tt.field) {
				t.Errorf("%s: %v %v, want invalid naming %s", tt.name, err, orglife.ErrorDetails(err), tt.field)
			}
		}
		orgs, err := st.Orgs(ctx, nil)
		if err != nil || len(orgs) != 3 {
			t.Fatalf("orgs after hostile input: %d %v", len(orgs), err)
		}
	})
}

func hasField(ds []orglife.Detail, field string) bool {
	for _, d := range ds {
		if d.Field == field {
			return true
		}
	}
	return false
}
