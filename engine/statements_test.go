package engine_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
)

// countingStore counts store calls; every Store method is one SQL statement on PostgreSQL
// (storage's contract), so the count is the number of statements a use case costs there.
type countingStore struct {
	engine.Store
	n *atomic.Int64
}

func (c countingStore) call() { c.n.Add(1) }

func (c countingStore) Instance(ctx context.Context, id string, forUpdate bool) (*orglife.Instance, error) {
	c.call()
	return c.Store.Instance(ctx, id, forUpdate)
}
func (c countingStore) UpdateInstance(ctx context.Context, in *orglife.Instance, prev int) error {
	c.call()
	return c.Store.UpdateInstance(ctx, in, prev)
}
func (c countingStore) InsertInstances(ctx context.Context, ins []*orglife.Instance) error {
	c.call()
	return c.Store.InsertInstances(ctx, ins)
}
func (c countingStore) LockInstance(ctx context.Context, id string) (*orglife.Instance, *orglife.OrgContext, error) {
	c.call()
	return c.Store.LockInstance(ctx, id)
}
func (c countingStore) OrgContext(ctx context.Context, id string) (*orglife.OrgContext, error) {
	c.call()
	return c.Store.OrgContext(ctx, id)
}
func (c countingStore) AdvanceInstance(ctx context.Context, w orglife.TransitionWrite) error {
	c.call()
	return c.Store.AdvanceInstance(ctx, w)
}
func (c countingStore) CreateInstance(ctx context.Context, in *orglife.Instance, outbox []*orglife.OutboxEntry) error {
	c.call()
	return c.Store.CreateInstance(ctx, in, outbox)
}
func (c countingStore) InsertTransition(ctx context.Context, t *orglife.Transition) error {
	c.call()
	return c.Store.InsertTransition(ctx, t)
}
func (c countingStore) Transitions(ctx context.Context, id string) ([]*orglife.Transition, error) {
	c.call()
	return c.Store.Transitions(ctx, id)
}
func (c countingStore) ChildKeys(ctx context.Context, id string) (map[string]bool, error) {
	c.call()
	return c.Store.ChildKeys(ctx, id)
}
func (c countingStore) OrgPath(ctx context.Context, id string) ([]string, error) {
	c.call()
	return c.Store.OrgPath(ctx, id)
}
func (c countingStore) OrgLineage(ctx context.Context, id string) ([]*orglife.Org, error) {
	c.call()
	return c.Store.OrgLineage(ctx, id)
}
func (c countingStore) Org(ctx context.Context, id string) (*orglife.Org, error) {
	c.call()
	return c.Store.Org(ctx, id)
}
func (c countingStore) Members(ctx context.Context, ids []string) ([]*orglife.Member, error) {
	c.call()
	return c.Store.Members(ctx, ids)
}
func (c countingStore) Idempotency(ctx context.Context, scope, key string) (*orglife.IdempotencyRecord, error) {
	c.call()
	return c.Store.Idempotency(ctx, scope, key)
}
func (c countingStore) SaveIdempotency(ctx context.Context, r *orglife.IdempotencyRecord) error {
	c.call()
	return c.Store.SaveIdempotency(ctx, r)
}

// TestTransitionStatementsConstant records meetings with 1 and with 30 problems: both cost the
// same number of statements (children are inserted in one statement).
func TestTransitionStatementsConstant(t *testing.T) {
	forEachDB(t, func(t *testing.T, _ *engine.Service, st engine.Store) {
		ctx := context.Background()
		var n atomic.Int64
		clock := time.Date(2025, 2, 3, 2, 0, 0, 0, time.UTC)
		svc := engine.New(engine.Config{Store: countingStore{Store: st, n: &n}, Workflows: testSet(t), Now: func() time.Time { return clock }})
		cost := func(day string, problems int) int64 {
			m := startMeeting(t, svc, day)
			var ps []any
			for i := range problems {
				ps = append(ps, fmt.Sprintf("问题%02d", i))
			}
			n.Store(0)
			if _, err := svc.Fire(ctx, branchB, engine.FireParams{InstanceID: m.ID, Event: "record", IdempotencyKey: day, RequestHash: day,
				Data: map[string]any{"minutes": "学习", "expected": 10.0, "present": 9.0, "problems": ps}}); err != nil {
				t.Fatal(err)
			}
			return n.Load()
		}
		one, many := cost("2025-01-01", 1), cost("2025-01-02", 30)
		if one != many || one > 12 {
			t.Fatalf("statements per transition: %d with 1 child, %d with 30 children", one, many)
		}
		t.Logf("a transition with actions and an idempotency key costs %d statements", one)
	})
}
