package storage_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/storage"
	"github.com/orglife/orglife/storage/storagetest"
	"github.com/orglife/orglife/workflows"
)

const toggleWorkflow = `id: toggle
title: 开关
collection: toggles
fields:
  n: {type: int}
states:
  a: {title: 甲}
  b: {title: 乙, complete: true}
initial: a
events:
  - {name: flip, from: [a], to: b, by: [branch]}
  - {name: flop, from: [b], to: a, by: [branch]}
`

// everyChange is an engine.Evaluations that asks for an outbox entry for every change, as an
// active rule set does.
type everyChange struct{}

func (everyChange) InstanceEntry(_ context.Context, in *orglife.Instance, _ *string) (*orglife.OutboxEntry, error) {
	return &orglife.OutboxEntry{OrgID: in.OrgID, From: "2025-01-01", Days: []string{"2025-01-01", "2025-02-03"}, InstanceID: in.ID,
		Workflow: in.Workflow, CreatedAt: in.UpdatedAt}, nil
}
func (everyChange) OrgEntry(orgID string) *orglife.OutboxEntry {
	return &orglife.OutboxEntry{OrgID: orgID}
}
func (everyChange) Committed(*orglife.Instance) {}
func (everyChange) Begin() func()               { return func() {} }

// TestTransitionStatements counts the SQL statements of one Start and of one Fire, each writing
// its outbox entry: on PostgreSQL a Start is BEGIN, one read (org lineage and go-live setting),
// one write (instance and outbox entry) and COMMIT; a Fire is BEGIN, one read (the instance FOR
// UPDATE with its org's lineage and the go-live setting), one write (UPDATE of the instance,
// INSERT of its history row and of its outbox entry, in one WITH) and COMMIT. SQLite keeps
// single-purpose statements (a local file: no round trips). A Fire costs as many statements on
// an instance with 1 transition of history as on one with 200 (the new row's seq and previous
// hash come from the instance row, not from reading the history).
func TestTransitionStatements(t *testing.T) {
	def, problems := workflows.Parse("toggle.yaml", []byte(toggleWorkflow))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	set, problems := workflows.NewSet([]*workflows.Definition{def})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seedTree(t, db)
		clock := time.Date(2025, 2, 3, 2, 0, 0, 0, time.UTC)
		svc := engine.New(engine.Config{Store: db, Workflows: set, Now: func() time.Time { return clock }, Evaluations: everyChange{}})
		wantStart, wantFire := 4, 4
		if db.Dialect() == storage.SQLite {
			wantStart, wantFire = 6, 8
		}
		branch := orglife.Actor{Name: "支部书记", Role: orglife.RoleBranch, OrgID: "b"}
		counter := storagetest.CountStatements(t, db)

		start := func() *orglife.Instance {
			var in *orglife.Instance
			var err error
			sent := counter.During(func() {
				in, err = svc.Start(ctx, branch, engine.StartParams{Workflow: "toggle", OrgID: "b", Data: map[string]any{"n": 1.0}})
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("Start: %d statements\n  %s", len(sent), strings.Join(sent, "\n  "))
			if len(sent) > wantStart {
				t.Errorf("Start sent %d statements, want at most %d", len(sent), wantStart)
			}
			return in
		}
		fire := func(in *orglife.Instance) (*orglife.Instance, []string) {
			ev := "flip"
			if in.State == "b" {
				ev = "flop"
			}
			var out *orglife.Instance
			var err error
			sent := counter.During(func() {
				out, err = svc.Fire(ctx, branch, engine.FireParams{InstanceID: in.ID, Event: ev, ExpectedVersion: &in.Version, Data: map[string]any{"n": float64(in.Version)}})
			})
			if err != nil {
				t.Fatal(err)
			}
			return out, sent
		}
		short, long := start(), start()
		short, _ = fire(short)
		for range 200 {
			long, _ = fire(long)
		}
		if long.LastSeq != 200 || short.LastSeq != 1 {
			t.Fatalf("chain heads: %d and %d, want 200 and 1", long.LastSeq, short.LastSeq)
		}
		_, one := fire(short)
		_, many := fire(long)
		t.Logf("Fire with 1 transition of history: %d statements\n  %s", len(one), strings.Join(one, "\n  "))
		if len(one) != len(many) {
			t.Errorf("Fire sent %d statements with 1 transition of history and %d with 200:\n  %s", len(one), len(many), strings.Join(many, "\n  "))
		}
		if len(one) > wantFire {
			t.Errorf("Fire sent %d statements, want at most %d", len(one), wantFire)
		}
		entries, err := db.OutboxEntries(ctx, 0)
		must(t, err)
		if len(entries) != 205 || entries[204].InstanceID != long.ID || entries[204].Workflow != "toggle" ||
			strings.Join(entries[204].Days, ",") != "2025-01-01,2025-02-03" || !entries[204].CreatedAt.Equal(clock) {
			t.Fatalf("outbox after 2 starts and 203 transitions: %d entries, last %+v", len(entries), entries[len(entries)-1])
		}
		for _, q := range many {
			if strings.Contains(q, `FROM "transitions"`) {
				t.Errorf("Fire read the history: %s", q)
			}
		}
		rep, err := svc.Verify(ctx)
		must(t, err)
		if len(rep.Broken) > 0 || rep.Transitions != 203 {
			t.Fatalf("verify: %+v", rep)
		}
		// Removing the last row leaves a chain that is intact but shorter than the instance
		// says: verify names it.
		_, err = db.Bun().NewRaw("DELETE FROM transitions WHERE instance_id = ? AND seq = 201", long.ID).Exec(ctx)
		must(t, err)
		rep, err = svc.Verify(ctx)
		must(t, err)
		if len(rep.Broken) != 1 || !strings.Contains(rep.Broken[0], long.ID) || !strings.Contains(rep.Broken[0], "chain head (seq 201") {
			t.Fatalf("verify after removing the last row: %+v", rep)
		}
	})
}

// TestAdvanceInstanceStale writes a transition at a stale version: conflict, and neither the
// history row nor the outbox entry is written (on PostgreSQL they are inserted from the UPDATE's
// result in the same statement). An unknown instance is not found.
func TestAdvanceInstanceStale(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seedTree(t, db)
		now := time.Date(2025, 2, 3, 2, 0, 0, 0, time.UTC)
		in := &orglife.Instance{ID: "i1", Workflow: "toggle", WorkflowVersion: "v", OrgID: "b", State: "a", Version: 1,
			Data: map[string]any{}, CreatedData: map[string]any{}, CreatedAt: now, UpdatedAt: now, CreatedBy: "x", CreationHash: "h0"}
		e := &orglife.OutboxEntry{OrgID: "b", InstanceID: "i1", Workflow: "toggle", CreatedAt: now}
		must(t, db.CreateInstance(ctx, in, []*orglife.OutboxEntry{e}))
		if e.ID == 0 {
			t.Fatal("CreateInstance set no outbox id")
		}
		write := func(id string, prev int) error {
			next := *in
			next.ID, next.State, next.Version, next.LastSeq, next.LastHash = id, "b", prev+1, 1, "h1"
			tr := &orglife.Transition{InstanceID: id, Seq: 1, Event: "flip", From: "a", To: "b", Actor: "x", ActorRole: "branch",
				At: now, Data: map[string]any{}, PrevHash: "h0", Hash: "h1"}
			return db.InTx(ctx, func(ctx context.Context) error {
				return db.AdvanceInstance(ctx, orglife.TransitionWrite{Instance: &next, PrevVersion: prev, Transition: tr,
					Outbox: []*orglife.OutboxEntry{{OrgID: "b", InstanceID: id, Workflow: "toggle", CreatedAt: now}}})
			})
		}
		if err := write("i1", 7); orglife.ErrorCode(err) != orglife.ECONFLICT {
			t.Fatalf("stale version: %v, want conflict", err)
		}
		if err := write("nope", 1); orglife.ErrorCode(err) != orglife.ENOTFOUND {
			t.Fatalf("unknown instance: %v, want not found", err)
		}
		ts, err := db.Transitions(ctx, "i1")
		must(t, err)
		es, err := db.OutboxEntries(ctx, 0)
		must(t, err)
		if len(ts) != 0 || len(es) != 1 {
			t.Fatalf("after refused writes: %d transitions, %d outbox entries; want 0 and 1", len(ts), len(es))
		}
		must(t, write("i1", 1))
		got, err := db.Instance(ctx, "i1", false)
		must(t, err)
		ts, err = db.Transitions(ctx, "i1")
		must(t, err)
		es, err = db.OutboxEntries(ctx, 0)
		must(t, err)
		if got.Version != 2 || got.State != "b" || got.LastSeq != 1 || len(ts) != 1 || len(es) != 2 || es[1].InstanceID != "i1" {
			t.Fatalf("after the write: %+v, %d transitions, %d entries", got, len(ts), len(es))
		}
	})
}
