package engine_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
)

var (
	branchOfB   = orglife.Actor{Role: orglife.RoleBranch, OrgID: "b", Name: "书记-b"}
	supervisorC = orglife.Actor{Role: orglife.RoleSupervisor, OrgID: "c", Name: "组织员-c"}
	supervisorG = orglife.Actor{Role: orglife.RoleSupervisor, OrgID: "g", Name: "组织员-g"}
)

// start starts an instance or fails the test.
func (w *world) start(t *testing.T, actor orglife.Actor, workflow, org string, data map[string]any) *orglife.Instance {
	t.Helper()
	in, err := w.svc.Start(w.ctx, actor, engine.StartParams{Workflow: workflow, OrgID: org, Data: data})
	if err != nil {
		t.Fatalf("start %s at %s: %v", workflow, org, err)
	}
	return in
}

// fire fires an event and returns the instance and the error.
func (w *world) fire(actor orglife.Actor, id, event string, data map[string]any, comment string) (*orglife.Instance, error) {
	return w.svc.Fire(w.ctx, actor, engine.FireParams{InstanceID: id, Event: event, Data: data, Comment: comment})
}

// mustFire fires an event or fails the test.
func (w *world) mustFire(t *testing.T, actor orglife.Actor, id, event string, data map[string]any, comment string) *orglife.Instance {
	t.Helper()
	in, err := w.fire(actor, id, event, data, comment)
	if err != nil {
		t.Fatalf("%s: %v", event, err)
	}
	return in
}

// problemsOf returns the problems of the rectification items started by parent, sorted.
func (w *world) problemsOf(t *testing.T, actor orglife.Actor, parent string) []string {
	t.Helper()
	page, err := w.svc.ListInstances(w.ctx, actor, engine.ListInstancesParams{Workflow: "rectification", ListParams: orglife.ListParams{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, in := range page.Items {
		if in.ParentID != nil && *in.ParentID == parent {
			out = append(out, in.Data["problem"].(string))
		}
	}
	slices.Sort(out)
	return out
}

func detailFields(err error) []string {
	var out []string
	if e, ok := err.(*orglife.Error); ok {
		for _, d := range e.Details {
			out = append(out, d.Field)
		}
	}
	return out
}

func TestEventSets(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		content := "全年三会一课安排：每月主题党日，每季度党员大会和党课。"
		p := w.start(t, branchOfB, "plan", "b", map[string]any{"year": 2025.0, "content": content})
		if _, err := w.fire(branchOfB, p.ID, "submit", map[string]any{"year": 2026.0}, ""); code(err) != orglife.EUNPROCESSABLE ||
			!slices.Equal(detailFields(err), []string{"year"}) || !strings.Contains(orglife.ErrorMessage(err), "年度") {
			t.Fatalf("submit changing the year (identity): %v", err)
		}
		sub := w.mustFire(t, branchOfB, p.ID, "submit", map[string]any{"content": content + "另加两次党课。"}, "")
		_, err := w.fire(supervisorC, p.ID, "file", map[string]any{"year": 2026.0, "content": "上级替支部改写的计划内容，足够二十个字符长。"}, "")
		if code(err) != orglife.EUNPROCESSABLE || !slices.Equal(detailFields(err), []string{"content", "year"}) {
			t.Fatalf("file with data: %v (%v)", err, detailFields(err))
		}
		if msg := orglife.ErrorMessage(err); !strings.Contains(msg, "“备案”不能修改“计划内容”、“年度”") || !strings.Contains(msg, "event file may not set content, year") {
			t.Fatalf("message: %s", msg)
		}
		got, err := w.svc.GetInstance(w.ctx, admin, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != sub.Version || got.State != "submitted" || !reflect.DeepEqual(got.Data, sub.Data) {
			t.Fatalf("plan changed by a refused file: %+v", got)
		}
		if _, err := w.fire(supervisorC, p.ID, "file", map[string]any{"nope": 1.0, "year": 2026.0}, ""); code(err) != orglife.EINVALID {
			t.Fatalf("unknown field before sets: %v", err)
		}
		if _, err := w.fire(supervisorC, p.ID, "file", map[string]any{"content": nil}, ""); code(err) != orglife.EUNPROCESSABLE {
			t.Fatalf("clearing a field the event may not set: %v", err)
		}
		if f := w.mustFire(t, supervisorC, p.ID, "file", nil, ""); f.State != "filed" || fmt.Sprint(f.Data["year"]) != "2025" {
			t.Fatalf("filed: %+v", f)
		}

		m := w.start(t, branchOfB, "meeting", "b", map[string]any{"type": "theme_day", "held_on": "2025-02-10", "topic": "学习党章"})
		if _, err := w.fire(branchOfB, m.ID, "hold", map[string]any{"type": "lecture"}, ""); code(err) != orglife.EUNPROCESSABLE ||
			!slices.Equal(detailFields(err), []string{"type"}) || !strings.Contains(orglife.ErrorMessage(err), "“召开”不能修改“类型”") {
			t.Fatalf("hold changing the type: %v", err)
		}
		h := w.mustFire(t, branchOfB, m.ID, "hold", map[string]any{"held_on": "2025-02-11", "expected": 10.0}, "")
		if h.Data["type"] != "theme_day" || h.Data["held_on"] != "2025-02-11" || h.OccursOn == nil || *h.OccursOn != "2025-02-11" {
			t.Fatalf("held: %+v", h)
		}
		if _, err := w.fire(branchOfB, m.ID, "record", map[string]any{"held_on": "2025-02-12", "minutes": "记录", "present": 8.0}, ""); code(err) != orglife.EUNPROCESSABLE ||
			!slices.Equal(detailFields(err), []string{"held_on"}) {
			t.Fatalf("record moving the date: %v", err)
		}
		w.mustFire(t, branchOfB, m.ID, "record", map[string]any{"minutes": "学习党章并交流心得。", "present": 8.0}, "")
		if _, err := w.fire(supervisorC, m.ID, "return", map[string]any{"minutes": "x"}, "请补充"); code(err) != orglife.EUNPROCESSABLE {
			t.Fatalf("return with data: %v", err)
		}
	})
}

func TestActionOnEveryNamedState(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		o := w.start(t, branchOfB, "org_life", "b", map[string]any{"year": 2024.0})
		two := []any{"理论学习不够系统", "联系服务同学不够主动"}
		three := append(slices.Clone(two), "组织生活创新不足")
		w.mustFire(t, branchOfB, o.ID, "hold", map[string]any{"held_on": "2025-01-10", "opinions": []any{"多开展实践活动"},
			"problems": two, "minutes": "会议记录"}, "")
		if got := w.problemsOf(t, branchOfB, o.ID); len(got) != 2 {
			t.Fatalf("after hold: %v", got)
		}
		w.roster(t, "b", "m-zhang")
		grades := []any{map[string]any{"member": "m-zhang", "grade": "qualified"}}
		w.mustFire(t, branchOfB, o.ID, "file", map[string]any{"grades": grades, "rectification_plan": "逐项整改"}, "")
		w.mustFire(t, supervisorC, o.ID, "return", nil, "问题查摆不全")
		if got := w.problemsOf(t, branchOfB, o.ID); len(got) != 2 {
			t.Fatalf("after return (re-entering held): %v", got)
		}
		w.mustFire(t, branchOfB, o.ID, "file", map[string]any{"problems": three}, "")
		want := []string{"组织生活创新不足", "理论学习不够系统", "联系服务同学不够主动"}
		slices.Sort(want)
		if got := w.problemsOf(t, branchOfB, o.ID); !slices.Equal(got, want) {
			t.Fatalf("after re-filing with a third problem: %v", got)
		}
		w.mustFire(t, supervisorC, o.ID, "return", nil, "再补充")
		w.mustFire(t, branchOfB, o.ID, "file", nil, "")
		if got := w.problemsOf(t, branchOfB, o.ID); !slices.Equal(got, want) {
			t.Fatalf("entering held and filed again duplicated items: %v", got)
		}
	})
}

func TestSupervisorStartsInspection(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		data := map[string]any{"inspected_on": "2025-02-11", "kind": "survey"}
		for _, c := range []struct {
			actor orglife.Actor
			org   string
		}{{supervisorG, "g"}, {supervisorG, "b2"}, {supervisorG, "x"}, {supervisorC, "c"}, {branchOfB, "b"}} {
			if _, err := w.svc.Start(w.ctx, c.actor, engine.StartParams{Workflow: "inspection", OrgID: c.org, Data: data}); code(err) != orglife.EFORBIDDEN {
				t.Fatalf("%s starting an inspection at %s: %v", c.actor.Name, c.org, err)
			}
		}
		if _, err := w.svc.Start(w.ctx, supervisorG, engine.StartParams{Workflow: "plan", OrgID: "b", Data: map[string]any{"year": 2025.0, "content": strings.Repeat("计划", 12)}}); code(err) != orglife.EFORBIDDEN {
			t.Fatalf("a supervisor starting the branch's plan: %v", err)
		}
		w.start(t, admin, "inspection", "b2", data)
		in := w.start(t, supervisorG, "inspection", "b", data)
		if in.CreatedBy != supervisorG.Name || in.OrgID != "b" {
			t.Fatalf("inspection: %+v", in)
		}
		if _, err := w.fire(branchOfB, in.ID, "issue", nil, ""); code(err) != orglife.EFORBIDDEN {
			t.Fatalf("the branch issuing findings: %v", err)
		}
		w.mustFire(t, supervisorG, in.ID, "issue", map[string]any{"summary": "随机调研三会一课记录。", "rectify_by": "2025-04-30",
			"findings": []any{"会议记录过于简略", "党课未按季度开展"}}, "")
		got := w.problemsOf(t, branchOfB, in.ID)
		if !slices.Equal(got, []string{"会议记录过于简略", "党课未按季度开展"}) {
			t.Fatalf("branch sees %v", got)
		}
		w.mustFire(t, supervisorG, in.ID, "add_findings", map[string]any{"findings": []any{"会议记录过于简略", "党课未按季度开展", "主题党日形式单一"}}, "")
		if got := w.problemsOf(t, branchOfB, in.ID); len(got) != 3 {
			t.Fatalf("after add_findings: %v", got)
		}
		page, err := w.svc.ListInstances(w.ctx, branchOfB, engine.ListInstancesParams{Workflow: "rectification"})
		if err != nil || len(page.Items) != 3 {
			t.Fatalf("branch's items: %v %v", page.Items, err)
		}
		item := page.Items[0]
		if item.OrgID != "b" || item.Data["due_on"] != "2025-04-30" {
			t.Fatalf("item: %+v", item)
		}
		w.mustFire(t, branchOfB, item.ID, "plan", map[string]any{"owner": "张伟", "measure": "完善会议记录模板"}, "")
		w.mustFire(t, branchOfB, item.ID, "complete", map[string]any{"result": "已按模板补全记录"}, "")
		if v := w.mustFire(t, supervisorG, item.ID, "verify", nil, ""); v.State != "verified" {
			t.Fatalf("verified: %+v", v)
		}
	})
}
