package engine_test

import (
	"context"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/storage/storagetest"
	"github.com/orglife/orglife/workflows"
)

var (
	admin      = orglife.Actor{Role: orglife.RoleAdmin, Name: "admin"}
	branchB    = orglife.Actor{Role: orglife.RoleBranch, OrgID: "b", Name: "书记-b"}
	branchB2   = orglife.Actor{Role: orglife.RoleBranch, OrgID: "b2", Name: "书记-b2"}
	supervisor = orglife.Actor{Role: orglife.RoleSupervisor, OrgID: "c", Name: "组织员"}
)

func testSet(t testing.TB) *workflows.Set {
	t.Helper()
	set, problems := workflows.Load(os.DirFS("../workflows/testdata"), "valid", "valid")
	if len(problems) > 0 {
		t.Fatalf("test pack does not load:\n%v", problems)
	}
	return set
}

// forEachDB runs fn with a fresh service on every test database, with orgs c (committee),
// b and b2 (branches of c).
func forEachDB(t *testing.T, fn func(t *testing.T, svc *engine.Service, st engine.Store)) {
	set := testSet(t)
	for name, db := range storagetest.Databases(t) {
		t.Run(name, func(t *testing.T) {
			clock := time.Date(2025, 2, 3, 2, 0, 0, 0, time.UTC)
			svc := engine.New(engine.Config{Store: db, Workflows: set, Now: func() time.Time { return clock }})
			ctx := context.Background()
			c := "c"
			for _, o := range []*orglife.Org{
				{ID: "c", Name: "研究生院党委", Kind: orglife.KindCommittee},
				{ID: "b", Name: "博士生第一党支部", Kind: orglife.KindBranch, ParentID: &c},
				{ID: "b2", Name: "硕士生第二党支部", Kind: orglife.KindBranch, ParentID: &c},
			} {
				if _, err := svc.CreateOrg(ctx, admin, o); err != nil {
					t.Fatal(err)
				}
			}
			fn(t, svc, db)
		})
	}
}

func code(err error) string { return orglife.ErrorCode(err) }

func TestAnnualPlanWalk(t *testing.T) {
	forEachDB(t, func(t *testing.T, svc *engine.Service, st engine.Store) {
		ctx := context.Background()
		p, err := svc.Start(ctx, branchB, engine.StartParams{Workflow: "plan", OrgID: "b",
			Data: map[string]any{"year": 2025.0, "content": "全年三会一课安排：每月主题党日，每季度党员大会和党课。"}})
		if err != nil {
			t.Fatal(err)
		}
		if p.State != "draft" || p.Version != 1 {
			t.Fatalf("started plan: state %s version %d", p.State, p.Version)
		}
		if _, err := svc.Start(ctx, branchB2, engine.StartParams{Workflow: "plan", OrgID: "b", Data: map[string]any{"year": 2026.0, "content": "x"}}); code(err) != orglife.EFORBIDDEN {
			t.Fatalf("another branch starting for b: %v", err)
		}
		fire := func(actor orglife.Actor, event, comment string) (*orglife.Instance, error) {
			return svc.Fire(ctx, actor, engine.FireParams{InstanceID: p.ID, Event: event, Comment: comment})
		}
		sub, err := fire(branchB, "submit", "")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			actor orglife.Actor
			want  string
		}{{branchB, ""}, {supervisor, "return file"}, {admin, "return file"}} {
			var names []string
			for _, e := range svc.AvailableEvents(c.actor, sub) {
				names = append(names, e.Name)
			}
			if got := strings.Join(names, " "); got != c.want {
				t.Fatalf("available events for %s on a submitted plan: %q, want %q", c.actor.Name, got, c.want)
			}
		}
		if _, err := fire(branchB2, "submit", ""); code(err) != orglife.EFORBIDDEN {
			t.Fatalf("another branch's token: %v", err)
		}
		if _, err := fire(branchB, "file", ""); code(err) != orglife.EFORBIDDEN {
			t.Fatalf("branch filing its own plan: %v", err)
		}
		if _, err := fire(supervisor, "return", ""); code(err) != orglife.EUNPROCESSABLE {
			t.Fatalf("return without comment: %v", err)
		}
		if _, err := fire(supervisor, "return", "请补充党课安排"); err != nil {
			t.Fatal(err)
		}
		if _, err := fire(supervisor, "file", ""); code(err) != orglife.ECONFLICT {
			t.Fatalf("file from returned: %v", err)
		}
		if _, err := fire(branchB, "submit", ""); err != nil {
			t.Fatal(err)
		}
		got, err := fire(supervisor, "file", "")
		if err != nil {
			t.Fatal(err)
		}
		if got.State != "filed" || !got.Complete || got.RecordedAt == nil || got.Version != 5 {
			t.Fatalf("filed plan: %+v", got)
		}
		hist, err := svc.History(ctx, supervisor, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var events, actors []string
		for _, h := range hist {
			events = append(events, h.Event)
			actors = append(actors, h.Actor)
		}
		if want := []string{"submit", "return", "submit", "file"}; !equal(events, want) {
			t.Fatalf("history events %v, want %v", events, want)
		}
		if want := []string{"书记-b", "组织员", "书记-b", "组织员"}; !equal(actors, want) {
			t.Fatalf("history actors %v, want %v", actors, want)
		}
		if hist[1].Comment != "请补充党课安排" {
			t.Fatalf("return comment lost: %q", hist[1].Comment)
		}
		rep, err := svc.Verify(ctx)
		if err != nil || len(rep.Broken) != 0 || rep.Transitions != 4 {
			t.Fatalf("verify: %+v %v", rep, err)
		}
		if _, err := svc.GetInstance(ctx, branchB2, p.ID); code(err) != orglife.EFORBIDDEN {
			t.Fatalf("reading another branch's plan: %v", err)
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func startMeeting(t *testing.T, svc *engine.Service, heldOn string) *orglife.Instance {
	t.Helper()
	m, err := svc.Start(context.Background(), branchB, engine.StartParams{Workflow: "meeting", OrgID: "b",
		Data: map[string]any{"type": "theme_day", "held_on": heldOn, "topic": "学习党章"}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestConcurrentFireOneWins(t *testing.T) {
	forEachDB(t, func(t *testing.T, svc *engine.Service, st engine.Store) {
		ctx := context.Background()
		m := startMeeting(t, svc, "2025-01-15")
		v := m.Version
		var wg sync.WaitGroup
		codes := make([]string, 20)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := svc.Fire(ctx, branchB, engine.FireParams{InstanceID: m.ID, Event: "hold", ExpectedVersion: &v})
				codes[i] = code(err)
			}()
		}
		wg.Wait()
		sort.Strings(codes)
		ok, conflicts := 0, 0
		for _, c := range codes {
			switch c {
			case "":
				ok++
			case orglife.ECONFLICT:
				conflicts++
			}
		}
		if ok != 1 || conflicts != 19 {
			t.Fatalf("20 concurrent fires: %d ok, %d conflicts (%v)", ok, conflicts, codes)
		}
		hist, _ := svc.History(ctx, admin, m.ID)
		if len(hist) != 1 {
			t.Fatalf("history has %d rows, want 1", len(hist))
		}
	})
}

func TestIdempotentStart(t *testing.T) {
	forEachDB(t, func(t *testing.T, svc *engine.Service, st engine.Store) {
		ctx := context.Background()
		p := engine.StartParams{Workflow: "meeting", OrgID: "b", IdempotencyKey: "k1", RequestHash: "h1",
			Data: map[string]any{"type": "committee", "held_on": "2025-01-10", "topic": "支委会"}}
		a, err := svc.Start(ctx, branchB, p)
		if err != nil {
			t.Fatal(err)
		}
		b, err := svc.Start(ctx, branchB, p)
		if err != nil || b.ID != a.ID {
			t.Fatalf("replay: %v %v", b, err)
		}
		p.RequestHash = "h2"
		if _, err := svc.Start(ctx, branchB, p); code(err) != orglife.ECONFLICT {
			t.Fatalf("same key, other body: %v", err)
		}
		page, err := svc.ListInstances(ctx, admin, engine.ListInstancesParams{Workflow: "meeting"})
		if err != nil || len(page.Items) != 1 {
			t.Fatalf("instances after retries: %d %v", len(page.Items), err)
		}
		// unique [type, held_on]: the same meeting again is a conflict
		p.IdempotencyKey = ""
		if _, err := svc.Start(ctx, branchB, p); code(err) != orglife.ECONFLICT {
			t.Fatalf("unique clash: %v", err)
		}
	})
}

func TestRecordSpawnsRectifications(t *testing.T) {
	forEachDB(t, func(t *testing.T, svc *engine.Service, st engine.Store) {
		ctx := context.Background()
		m := startMeeting(t, svc, "2025-01-15")
		record := func(problems []any) (*orglife.Instance, error) {
			return svc.Fire(ctx, branchB, engine.FireParams{InstanceID: m.ID, Event: "record", Data: map[string]any{
				"minutes": "学习党章第一章，讨论发言", "expected": 20.0, "present": 18.0, "problems": problems}})
		}
		// one problem is too short for rectification.problem (min_length 2): nothing is written
		_, err := record([]any{"理论学习不够深入", "x", "组织生活不规范"})
		if code(err) != orglife.EUNPROCESSABLE {
			t.Fatalf("invalid child: %v", err)
		}
		if in, _ := svc.GetInstance(ctx, admin, m.ID); in.State != "planned" || in.Version != 1 {
			t.Fatalf("parent changed after a failed action: %+v", in)
		}
		if page, _ := svc.ListInstances(ctx, admin, engine.ListInstancesParams{Workflow: "rectification"}); len(page.Items) != 0 {
			t.Fatalf("children written after a failed action: %d", len(page.Items))
		}
		if _, err := svc.Fire(ctx, branchB, engine.FireParams{InstanceID: m.ID, Event: "record", Data: map[string]any{
			"minutes": "x", "expected": 20.0, "present": 21.0}}); code(err) != orglife.EUNPROCESSABLE || orglife.ErrorMessage(err) != "到会人数不能超过应到人数" {
			t.Fatalf("false guard: %v %s", err, orglife.ErrorMessage(err))
		}
		if _, err := svc.Fire(ctx, branchB, engine.FireParams{InstanceID: m.ID, Event: "record", Data: map[string]any{"minutez": "x"}}); code(err) != orglife.EINVALID {
			t.Fatalf("unknown field: %v", err)
		}
		if _, err := record([]any{"理论学习不够深入", "批评与自我批评不够", "组织生活不规范"}); err != nil {
			t.Fatal(err)
		}
		page, err := svc.ListInstances(ctx, branchB, engine.ListInstancesParams{Workflow: "rectification", OrgID: "b"})
		if err != nil || len(page.Items) != 3 {
			t.Fatalf("rectification items: %d %v", len(page.Items), err)
		}
		for _, r := range page.Items {
			if r.Data["due_on"] != "2025-04-15" || r.ParentID == nil || *r.ParentID != m.ID {
				t.Fatalf("child: %+v", r)
			}
		}
		// returned and recorded again: no duplicate children
		if _, err := svc.Fire(ctx, supervisor, engine.FireParams{InstanceID: m.ID, Event: "return", Comment: "补充缺席人员"}); err != nil {
			t.Fatal(err)
		}
		if _, err := record([]any{"理论学习不够深入", "批评与自我批评不够", "组织生活不规范", "党费收缴不及时"}); err != nil {
			t.Fatal(err)
		}
		page, _ = svc.ListInstances(ctx, admin, engine.ListInstancesParams{Workflow: "rectification"})
		if len(page.Items) != 4 {
			t.Fatalf("after re-recording with one more problem: %d items, want 4", len(page.Items))
		}
	})
}
