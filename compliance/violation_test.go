package compliance_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	partybranch "github.com/orglife/orglife/examples/party-branch"
	"github.com/orglife/orglife/rules"
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

// world is a workflow service and a compliance checker on the built-in pack with the org tree
// c (committee) → g (general branch) → b (branch); c → b2 (branch); c2 (committee) → x (branch).
type world struct {
	svc   *engine.Service
	chk   *compliance.Checker
	st    store
	set   *workflows.Set
	clock *testClock
	ctx   context.Context
}

// store is what storage.DB is to both sides: engine's and compliance's Store.
type store interface {
	engine.Store
	compliance.Store
}

// services returns a workflow service and a compliance checker on st, the service enqueuing
// through the checker, as serve wires them.
func services(st store, set *workflows.Set, rs *rules.RuleSet, now func() time.Time, loc *time.Location) (*engine.Service, *compliance.Checker) {
	return servicesWith(compliance.Config{Store: st, Workflows: set, Rules: rs, Now: now, Location: loc}, st)
}

// servicesWith is services with the checker's whole Config (its store, workflows, clock and
// location are the service's too) and the service's store.
func servicesWith(cfg compliance.Config, st engine.Store) (*engine.Service, *compliance.Checker) {
	chk := compliance.New(cfg)
	svc := engine.New(engine.Config{Store: st, Workflows: cfg.Workflows, Now: cfg.Now, Location: cfg.Location, Evaluations: chk})
	return svc, chk
}

// packSet loads the built-in pack.
func packSet(t testing.TB) (*workflows.Set, *rules.RuleSet) {
	t.Helper()
	set, problems := workflows.Load(partybranch.FS, "workflows", "x")
	if len(problems) > 0 {
		t.Fatalf("built-in workflows: %v", problems)
	}
	rs, problems := rules.LoadRules(partybranch.FS, "rules", "x", set.Collections())
	if len(problems) > 0 {
		t.Fatalf("built-in rules: %v", problems)
	}
	return set, rs
}

// packWorld runs fn on every test database with a fresh world; the clock starts at
// 2025-02-12T10:00+08:00.
func packWorld(t *testing.T, fn func(t *testing.T, w *world)) {
	set, rs := packSet(t)
	for name, db := range storagetest.Databases(t) {
		t.Run(name, func(t *testing.T) {
			fn(t, newWorld(t, db, set, rs))
		})
	}
}

func newWorld(t *testing.T, db store, set *workflows.Set, rs *rules.RuleSet) *world {
	t.Helper()
	clock := &testClock{}
	clock.set(t, "2025-02-12T10:00:00+08:00")
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	w := &world{st: db, set: set, clock: clock, ctx: context.Background()}
	w.svc, w.chk = services(db, set, rs, clock.Now, loc)
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
	compliance.DiscardOutbox(t, w.chk)
	compliance.SyncOutbox(t, w.chk)
	return w
}

// useRules compiles one rule file against the pack's workflows and activates it.
func (w *world) useRules(t *testing.T, src string) {
	t.Helper()
	rs, problems := rules.ParseRuleFiles(map[string][]byte{"rules.yaml": []byte(src)}, w.set.Collections())
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	w.chk.SetRuleSet(rs)
}

// evaluate runs a persisting evaluation as admin over [from, to].
func (w *world) evaluate(t *testing.T, from, to string) *compliance.EvaluateResult {
	t.Helper()
	res, err := w.chk.Evaluate(w.ctx, admin, compliance.EvaluateParams{From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// row returns the persisted ledger row of an org-scope rule for org and period.
func (w *world) row(t *testing.T, rule, org, period string) *orglife.LedgerRow {
	t.Helper()
	page, err := w.chk.Compliance(w.ctx, admin, compliance.ComplianceParams{OrgID: org, Rule: rule, Period: period})
	if err != nil {
		t.Fatal(err)
	}
	var out []*orglife.LedgerRow
	for _, r := range page.Items {
		if r.OrgID == org {
			out = append(out, r)
		}
	}
	if len(out) != 1 {
		t.Fatalf("ledger %s %s %s: %d rows, want 1", rule, org, period, len(out))
	}
	return out[0]
}

// violation returns the violation (with history) of rule, org and period of the given kind and
// check, or nil.
func (w *world) violation(t *testing.T, rule, org, period, kind, check string) *orglife.Violation {
	t.Helper()
	page, err := w.chk.ListViolations(w.ctx, admin, compliance.ListViolationsParams{OrgID: org, Rule: rule, Period: period, Kind: kind})
	if err != nil {
		t.Fatal(err)
	}
	var found *orglife.Violation
	for _, v := range page.Items {
		if v.OrgID == org && v.Check == check {
			if found != nil {
				t.Fatalf("two violations %s %s %s %s %s: %s and %s", rule, org, period, kind, check, found.ID, v.ID)
			}
			found = v
		}
	}
	if found == nil {
		return nil
	}
	v, err := w.chk.GetViolation(w.ctx, admin, found.ID)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// mustViolation is violation that fails when there is none.
func (w *world) mustViolation(t *testing.T, rule, org, period, kind, check string) *orglife.Violation {
	t.Helper()
	v := w.violation(t, rule, org, period, kind, check)
	if v == nil {
		t.Fatalf("no %s violation %s/%s of %s %s", kind, check, rule, org, period)
	}
	return v
}

const (
	longMinutes  = "学习《中国共产党章程》第一章，全体党员逐一发言，结合科研工作谈体会，支部书记作总结并布置下月学习任务。"
	longMinutes2 = "参观校史馆，重温入党誓词；讨论如何在实验室安全管理中发挥党员先锋模范作用，形成三条改进措施并明确责任人。"
	shortMinutes = "简短记录"
)

// themeDay starts a 主题党日 of org held on heldOn as the branch and returns it (planned).
func (w *world) themeDay(t *testing.T, actor orglife.Actor, org, heldOn string) *orglife.Instance {
	t.Helper()
	m, err := w.svc.Start(w.ctx, actor, engine.StartParams{Workflow: "meeting", OrgID: org,
		Data: map[string]any{"type": "theme_day", "held_on": heldOn, "topic": "主题党日"}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// record fires record on a meeting with full attendance and the given minutes.
func (w *world) record(t *testing.T, actor orglife.Actor, id, minutes string) *orglife.Instance {
	t.Helper()
	m, err := w.svc.Fire(w.ctx, actor, engine.FireParams{InstanceID: id, Event: "record",
		Data: map[string]any{"minutes": minutes, "expected": 10.0, "present": 10.0}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// historyPath renders a violation's history as "from>to" steps.
func historyPath(v *orglife.Violation) string {
	var s []string
	for _, h := range v.History {
		s = append(s, h.From+">"+h.To)
	}
	return strings.Join(s, " ")
}

func resolution(v *orglife.Violation) string {
	if v.Resolution == nil {
		return ""
	}
	return *v.Resolution
}

// timeline returns the To statuses of a ledger row's timeline.
func (w *world) timeline(t *testing.T, rule, subject, period string) string {
	t.Helper()
	ch, err := w.st.LedgerTimeline(w.ctx, rule, subject, period)
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, c := range ch {
		s = append(s, fmt.Sprintf("%s>%s", c.From, c.To))
	}
	return strings.Join(s, " ")
}

// TestViolationLifecycle walks a violation through spec §3 on the built-in pack: overdue, cleared
// by a backfill that makes the row late, acknowledged, waived, reopened when the waiver expires,
// resolved manually (final); and a shallow violation that clears and reopens with its condition.
func TestViolationLifecycle(t *testing.T) {
	const rule = "theme_day_monthly"
	packWorld(t, func(t *testing.T, w *world) {
		// 2025-01 has no 主题党日; as of 2025-02-12 it is overdue (due 2025-02-11T00:00+08:00).
		res := w.evaluate(t, "2025-01-01", "2025-01-31")
		if res.Opened == 0 {
			t.Fatalf("evaluation opened nothing: %+v", res)
		}
		row := w.row(t, rule, "b", "2025-01")
		if row.Status != orglife.StatusOverdue || row.Due == nil || !row.Due.Equal(instant(t, "2025-02-11T00:00:00+08:00")) {
			t.Fatalf("row before the backfill: %s due %v", row.Status, row.Due)
		}
		over := w.mustViolation(t, rule, "b", "2025-01", orglife.KindOverdue, "")
		if over.Status != orglife.ViolationOpen || over.Severity != "major" || historyPath(over) != ">open" {
			t.Fatalf("overdue violation: %s %s history %q", over.Status, over.Severity, historyPath(over))
		}
		if h := over.History[0]; h.Actor != "orglife" || !h.At.Equal(w.clock.Now()) {
			t.Fatalf("opening entry: %+v", h)
		}

		// Backfill: the theme day held on 2025-01-20 is recorded on 2025-02-13. The ledger follows
		// the transition without an explicit evaluation.
		w.clock.set(t, "2025-02-13T09:00:00+08:00")
		jan := w.themeDay(t, brB, "b", "2025-01-20")
		w.clock.set(t, "2025-02-13T09:05:00+08:00")
		w.record(t, brB, jan.ID, longMinutes)
		if row := w.row(t, rule, "b", "2025-01"); row.Status != orglife.StatusLate {
			t.Fatalf("row after the backfill: %s (%s)", row.Status, row.Explanation.Text)
		}
		over = w.mustViolation(t, rule, "b", "2025-01", orglife.KindOverdue, "")
		if over.Status != orglife.ViolationResolved || resolution(over) != orglife.ResolutionCleared ||
			historyPath(over) != ">open open>resolved" || over.History[1].Actor != "orglife" {
			t.Fatalf("overdue violation after the backfill: %s %s %q", over.Status, resolution(over), historyPath(over))
		}
		late := w.mustViolation(t, rule, "b", "2025-01", orglife.KindLate, "")
		if late.Status != orglife.ViolationOpen || late.Severity != "major" || len(late.Evidence) != 1 || late.Evidence[0] != jan.ID {
			t.Fatalf("late violation: %s %s evidence %v", late.Status, late.Severity, late.Evidence)
		}
		// Recorded 18 working days after the meeting: a late row still opens its shallow findings.
		if v := w.mustViolation(t, rule, "b", "2025-01", orglife.KindShallow, "recorded_late"); v.Status != orglife.ViolationOpen || v.Severity != "minor" {
			t.Fatalf("recorded_late violation: %s %s", v.Status, v.Severity)
		}
		if got, want := w.timeline(t, rule, "b", "2025-01"), ">overdue overdue>late"; got != want {
			t.Fatalf("ledger timeline %q, want %q", got, want)
		}

		// Decisions: only a supervisor strictly above (or an admin).
		decide := func(a orglife.Actor, d string, p compliance.DecideParams) (*orglife.Violation, error) {
			return w.chk.Decide(w.ctx, a, late.ID, d, p)
		}
		for _, a := range []orglife.Actor{brB, supB, supC2} {
			if _, err := decide(a, compliance.DecideAcknowledge, compliance.DecideParams{Note: "x"}); code(err) != orglife.EFORBIDDEN {
				t.Fatalf("acknowledge by %s of %s: %v, want forbidden", a.Role, a.OrgID, err)
			}
		}
		if _, err := w.chk.GetViolation(w.ctx, supC2, late.ID); code(err) != orglife.EFORBIDDEN {
			t.Fatalf("reading from another subtree: %v", err)
		}
		w.clock.set(t, "2025-02-14T09:00:00+08:00")
		v, err := decide(supC, compliance.DecideAcknowledge, compliance.DecideParams{Note: "已知悉，督促整改"})
		if err != nil || v.Status != orglife.ViolationAcknowledged {
			t.Fatalf("acknowledge: %v %v", v, err)
		}
		if _, err := decide(supG, compliance.DecideAcknowledge, compliance.DecideParams{}); code(err) != orglife.ECONFLICT {
			t.Fatalf("acknowledge twice: %v", err)
		}

		// Waiver: reason and a future expiry are required.
		const expiresAt, past = "2025-02-20T00:00:00+08:00", "2025-02-01"
		expires := instant(t, expiresAt)
		if _, err := decide(supC, compliance.DecideWaive, compliance.DecideParams{ExpiresAt: expiresAt}); code(err) != orglife.EUNPROCESSABLE {
			t.Fatalf("waive without reason: %v", err)
		}
		if _, err := decide(supC, compliance.DecideWaive, compliance.DecideParams{Reason: "r", ExpiresAt: past}); code(err) != orglife.EUNPROCESSABLE {
			t.Fatalf("waive with a past expiry: %v", err)
		}
		if _, err := decide(supC, compliance.DecideWaive, compliance.DecideParams{Reason: "r"}); code(err) != orglife.EUNPROCESSABLE {
			t.Fatalf("waive without expiry: %v", err)
		}
		if _, err := decide(brB, compliance.DecideWaive, compliance.DecideParams{Reason: "r", ExpiresAt: expiresAt}); code(err) != orglife.EFORBIDDEN {
			t.Fatalf("branch waiving: %v", err)
		}
		v, err = decide(supC, compliance.DecideWaive, compliance.DecideParams{Reason: "支部书记出国交流，已书面说明", ExpiresAt: expiresAt})
		if err != nil || v.Status != orglife.ViolationWaived || v.Waiver == nil || !v.Waiver.ExpiresAt.Equal(expires) || v.Waiver.By != supC.Name {
			t.Fatalf("waive: %+v %v", v, err)
		}

		// Before expiry every evaluation keeps it waived.
		w.clock.set(t, "2025-02-19T23:00:00+08:00")
		w.evaluate(t, "2025-01-01", "2025-01-31")
		if v := w.mustViolation(t, rule, "b", "2025-01", orglife.KindLate, ""); v.Status != orglife.ViolationWaived || len(v.History) != 3 {
			t.Fatalf("before expiry: %s %q", v.Status, historyPath(v))
		}
		// After expiry the next evaluation reopens it: the condition still holds.
		w.clock.set(t, "2025-02-21T09:00:00+08:00")
		res = w.evaluate(t, "2025-01-01", "2025-01-31")
		v = w.mustViolation(t, rule, "b", "2025-01", orglife.KindLate, "")
		if v.Status != orglife.ViolationOpen || historyPath(v) != ">open open>acknowledged acknowledged>waived waived>open" || res.Reopened < 1 {
			t.Fatalf("after expiry: %s %q (reopened %d)", v.Status, historyPath(v), res.Reopened)
		}
		for i, want := range []struct{ actor, note string }{
			{"orglife", ""}, {supC.Name, "已知悉，督促整改"}, {supC.Name, "支部书记出国交流，已书面说明"}, {"orglife", "豁免已于"},
		} {
			h := v.History[i]
			if h.Actor != want.actor || !strings.Contains(h.Note, want.note) {
				t.Errorf("history[%d] = %+v, want actor %s and note containing %q", i, h, want.actor, want.note)
			}
		}
		if !v.History[1].At.Equal(instant(t, "2025-02-14T09:00:00+08:00")) || !v.History[3].At.Equal(w.clock.Now()) {
			t.Errorf("history times: %v %v", v.History[1].At, v.History[3].At)
		}

		// A manual resolve needs a note and is final.
		if _, err := decide(supC, compliance.DecideResolve, compliance.DecideParams{}); code(err) != orglife.EUNPROCESSABLE {
			t.Fatalf("resolve without note: %v", err)
		}
		v, err = decide(supC, compliance.DecideResolve, compliance.DecideParams{Note: "已约谈支部书记，补记原因属实"})
		if err != nil || v.Status != orglife.ViolationResolved || resolution(v) != orglife.ResolutionManual {
			t.Fatalf("resolve: %+v %v", v, err)
		}
		w.clock.set(t, "2025-02-21T09:30:00+08:00")
		w.evaluate(t, "2025-01-01", "2025-01-31")
		if _, _, err := w.chk.RunScheduledOnce(w.ctx); err != nil {
			t.Fatal(err)
		}
		v = w.mustViolation(t, rule, "b", "2025-01", orglife.KindLate, "")
		if v.Status != orglife.ViolationResolved || resolution(v) != orglife.ResolutionManual || len(v.History) != 5 {
			t.Fatalf("manual resolve not final: %s %s %q", v.Status, resolution(v), historyPath(v))
		}
		if _, err := decide(supC, compliance.DecideResolve, compliance.DecideParams{Note: "again"}); code(err) != orglife.ECONFLICT {
			t.Fatalf("resolve twice: %v", err)
		}

		// A shallow finding clears when its condition goes and reopens when it returns.
		w.clock.set(t, "2025-02-21T10:00:00+08:00")
		feb := w.themeDay(t, brB, "b", "2025-02-21")
		w.record(t, brB, feb.ID, shortMinutes)
		if row := w.row(t, rule, "b", "2025-02"); row.Status != orglife.StatusShallow || len(row.Explanation.Checks) != 1 ||
			row.Explanation.Checks[0].ID != "minutes_too_short" {
			t.Fatalf("short minutes: %s %+v", row.Status, row.Explanation.Checks)
		}
		short := w.mustViolation(t, rule, "b", "2025-02", orglife.KindShallow, "minutes_too_short")
		if short.Status != orglife.ViolationOpen {
			t.Fatalf("shallow violation: %s", short.Status)
		}
		if v, err := w.chk.Decide(w.ctx, supG, short.ID, compliance.DecideAcknowledge, compliance.DecideParams{}); err != nil || v.Status != orglife.ViolationAcknowledged {
			t.Fatalf("acknowledge by the general branch's supervisor: %v %v", v, err)
		}
		fire := func(a orglife.Actor, event, comment, minutes string) {
			t.Helper()
			p := engine.FireParams{InstanceID: feb.ID, Event: event, Comment: comment}
			if minutes != "" {
				p.Data = map[string]any{"minutes": minutes}
			}
			if _, err := w.svc.Fire(w.ctx, a, p); err != nil {
				t.Fatalf("%s: %v", event, err)
			}
		}
		w.clock.set(t, "2025-02-21T11:00:00+08:00")
		fire(supG, "return", "记录过于简略，请补充", "")
		if v := w.mustViolation(t, rule, "b", "2025-02", orglife.KindShallow, "minutes_too_short"); v.Status != orglife.ViolationResolved ||
			resolution(v) != orglife.ResolutionCleared || historyPath(v) != ">open open>acknowledged acknowledged>resolved" {
			t.Fatalf("after return: %s %s %q", v.Status, resolution(v), historyPath(v))
		}
		w.clock.set(t, "2025-02-21T12:00:00+08:00")
		fire(brB, "record", "", longMinutes2)
		if row := w.row(t, rule, "b", "2025-02"); row.Status != orglife.StatusCompliant {
			t.Fatalf("fixed minutes: %s %+v", row.Status, row.Explanation.Checks)
		}
		if v := w.mustViolation(t, rule, "b", "2025-02", orglife.KindShallow, "minutes_too_short"); v.Status != orglife.ViolationResolved {
			t.Fatalf("fixed minutes reopened the violation: %s", v.Status)
		}
		w.clock.set(t, "2025-02-21T13:00:00+08:00")
		fire(supG, "return", "请按原始记录填写", "")
		w.clock.set(t, "2025-02-21T14:00:00+08:00")
		fire(brB, "record", "", shortMinutes)
		v = w.mustViolation(t, rule, "b", "2025-02", orglife.KindShallow, "minutes_too_short")
		// It comes back acknowledged: the supervisor's decision survives the round trip.
		if v.ID != short.ID || v.Status != orglife.ViolationAcknowledged || v.Resolution != nil || v.ClearedFrom != "" ||
			historyPath(v) != ">open open>acknowledged acknowledged>resolved resolved>acknowledged" ||
			v.History[3].Note != "问题再次出现，仍为已知悉" {
			t.Fatalf("condition returned: %s %s %q", v.Status, resolution(v), historyPath(v))
		}
		if got, want := w.timeline(t, rule, "b", "2025-02"), ">pending pending>shallow shallow>pending pending>compliant compliant>pending pending>shallow"; got != want {
			t.Fatalf("2025-02 timeline %q, want %q", got, want)
		}
	})
}

// TestShadowRules: a rule in shadow mode fills the ledger but opens no violation; the same rule
// enforced does.
func TestShadowRules(t *testing.T) {
	const src = `rules:
  - id: theme_shadow
    title: 主题党日（试运行）
    mode: shadow
    severity: major
    where: "org.kind == 'branch'"
    every: month
    grace: 10d
    require: "count(meetings, .type == 'theme_day') >= 1"
    message: 本月未开展主题党日
  - id: theme_enforced
    title: 主题党日
    severity: major
    where: "org.kind == 'branch'"
    every: month
    grace: 10d
    require: "count(meetings, .type == 'theme_day') >= 1"
    message: 本月未开展主题党日
`
	packWorld(t, func(t *testing.T, w *world) {
		w.useRules(t, src)
		res := w.evaluate(t, "2025-01-01", "2025-01-31")
		if res.Opened != 3 { // theme_enforced in b, b2 and x
			t.Fatalf("opened %d violations, want 3: %+v", res.Opened, res)
		}
		for _, org := range []string{"b", "b2", "x"} {
			if row := w.row(t, "theme_shadow", org, "2025-01"); row.Status != orglife.StatusOverdue {
				t.Fatalf("shadow row of %s: %s", org, row.Status)
			}
			if w.violation(t, "theme_shadow", org, "2025-01", "", "") != nil {
				t.Fatalf("shadow rule opened a violation in %s", org)
			}
			if w.mustViolation(t, "theme_enforced", org, "2025-01", orglife.KindOverdue, "").Status != orglife.ViolationOpen {
				t.Fatalf("enforced rule in %s", org)
			}
		}
		if got := w.timeline(t, "theme_shadow", "b", "2025-01"); got != ">overdue" {
			t.Fatalf("shadow timeline %q", got)
		}
	})
}
