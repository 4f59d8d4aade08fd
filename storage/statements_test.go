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

// TestTransitionStatements counts the SQL statements of one Start and of one Fire: a Fire costs
// as many statements on an instance with 1 transition of history as on one with 200 (the new
// row's seq and previous hash come from the instance row, not from reading the history), and
// the org is read once.
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
		svc := engine.New(engine.Config{Store: db, Workflows: set, Now: func() time.Time { return clock }})
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
			if len(sent) > 6 {
				t.Errorf("Start sent %d statements, want at most 6", len(sent))
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
		if len(one) > 7 {
			t.Errorf("Fire sent %d statements, want at most 7", len(one))
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
