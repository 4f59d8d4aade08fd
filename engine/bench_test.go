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

// benchService returns a service on a fresh SQLite database with orgs c, b and b2.
func benchService(b *testing.B) *engine.Service {
	b.Helper()
	dbs := storagetest.Databases(b)
	db := dbs["sqlite"]
	clock := time.Date(2025, 2, 3, 2, 0, 0, 0, time.UTC)
	svc := engine.New(engine.Config{Store: db, Workflows: testSet(b), Now: func() time.Time { return clock }})
	c := "c"
	for _, o := range []*orglife.Org{
		{ID: "c", Name: "研究生院党委", Kind: orglife.KindCommittee},
		{ID: "b", Name: "博士生第一党支部", Kind: orglife.KindBranch, ParentID: &c},
	} {
		if _, err := svc.CreateOrg(context.Background(), admin, o); err != nil {
			b.Fatal(err)
		}
	}
	return svc
}

// BenchmarkStart starts meeting instances (validation, unique key, one INSERT) on SQLite.
func BenchmarkStart(b *testing.B) {
	svc := benchService(b)
	ctx := context.Background()
	day := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, err := svc.Start(ctx, branchB, engine.StartParams{Workflow: "meeting", OrgID: "b",
			Data: map[string]any{"type": "theme_day", "held_on": day.AddDate(0, 0, i).Format(orglife.DateLayout), "topic": "学习党章"}})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFire fires hold then record (with a guard and an action starting one child) on
// meeting instances on SQLite; one op is one transition.
func BenchmarkFire(b *testing.B) {
	svc := benchService(b)
	ctx := context.Background()
	day := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	ids := make([]string, (b.N+1)/2)
	for i := range ids {
		m, err := svc.Start(ctx, branchB, engine.StartParams{Workflow: "meeting", OrgID: "b",
			Data: map[string]any{"type": "committee", "held_on": day.AddDate(0, 0, i).Format(orglife.DateLayout), "topic": "支委会"}})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = m.ID
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := engine.FireParams{InstanceID: ids[i/2], Event: "hold"}
		if i%2 == 1 {
			p = engine.FireParams{InstanceID: ids[i/2], Event: "record", Data: map[string]any{
				"minutes": "研究支部工作", "expected": 7.0, "present": 6.0, "problems": []any{fmt.Sprintf("问题%d", i)}}}
		}
		if _, err := svc.Fire(ctx, branchB, p); err != nil {
			b.Fatal(err)
		}
	}
}
