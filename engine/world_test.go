package engine_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
	partybranch "github.com/orglife/orglife/examples/party-branch"
	"github.com/orglife/orglife/storage/storagetest"
	"github.com/orglife/orglife/workflows"
)

// Actors of the pack world (see packWorld): the tree is c → g → b, c → b2, and c2 → x.
var (
	brB   = orglife.Actor{Role: orglife.RoleBranch, OrgID: "b", Name: "书记-b"}
	supC  = orglife.Actor{Role: orglife.RoleSupervisor, OrgID: "c", Name: "组织员-c"}
	supG  = orglife.Actor{Role: orglife.RoleSupervisor, OrgID: "g", Name: "组织员-g"}
	supB  = orglife.Actor{Role: orglife.RoleSupervisor, OrgID: "b", Name: "组织员-b"}
	supC2 = orglife.Actor{Role: orglife.RoleSupervisor, OrgID: "c2", Name: "组织员-c2"}
)

// testClock is a settable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// set moves the clock to an RFC 3339 instant.
func (c *testClock) set(t *testing.T, s string) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = instant(t, s)
}

func instant(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// world is a service on the built-in pack's workflows (no compliance side: changes enqueue nothing) with the org tree
// c (committee) → g (general branch) → b (branch); c → b2 (branch); c2 (committee) → x (branch).
type world struct {
	svc   *engine.Service
	st    engine.Store
	set   *workflows.Set
	clock *testClock
	ctx   context.Context
}

// packSet loads the built-in pack's workflows.
func packSet(t testing.TB) *workflows.Set {
	t.Helper()
	set, problems := workflows.Load(partybranch.FS, "workflows", "x")
	if len(problems) > 0 {
		t.Fatalf("built-in workflows: %v", problems)
	}
	return set
}

// packWorld runs fn on every test database with a fresh world; the clock starts at
// 2025-02-12T10:00+08:00.
func packWorld(t *testing.T, fn func(t *testing.T, w *world)) {
	set := packSet(t)
	for name, db := range storagetest.Databases(t) {
		t.Run(name, func(t *testing.T) {
			fn(t, newWorld(t, db, set))
		})
	}
}

// roster adds full members with the given ids (named 党员 + id) to an org, for records that
// name members by id.
func (w *world) roster(t *testing.T, orgID string, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if _, err := w.svc.CreateMember(w.ctx, admin, orgID, &orglife.Member{ID: id, Name: "党员" + id, Status: orglife.MemberFull}); err != nil {
			t.Fatal(err)
		}
	}
}

func newWorld(t *testing.T, db engine.Store, set *workflows.Set) *world {
	t.Helper()
	clock := &testClock{}
	clock.set(t, "2025-02-12T10:00:00+08:00")
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	w := &world{st: db, set: set, clock: clock, ctx: context.Background(),
		svc: engine.New(engine.Config{Store: db, Workflows: set, Now: clock.Now, Location: loc})}
	p := func(s string) *string { return &s }
	for _, o := range []*orglife.Org{
		{ID: "c", Name: "研究生院党委", Kind: orglife.KindCommittee},
		{ID: "g", Name: "博士生党总支", Kind: orglife.KindGeneralBranch, ParentID: p("c")},
		{ID: "b", Name: "博士生第一党支部", Kind: orglife.KindBranch, ParentID: p("g")},
		{ID: "b2", Name: "硕士生第二党支部", Kind: orglife.KindBranch, ParentID: p("c")},
		{ID: "c2", Name: "机关党委", Kind: orglife.KindCommittee},
		{ID: "x", Name: "机关第一党支部", Kind: orglife.KindBranch, ParentID: p("c2")},
	} {
		if _, err := w.svc.CreateOrg(w.ctx, admin, o); err != nil {
			t.Fatal(err)
		}
	}
	return w
}
