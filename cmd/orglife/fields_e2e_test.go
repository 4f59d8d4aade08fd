package main

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/orglife/orglife/storage/storagetest"
)

// TestFieldsEndToEnd walks points 3, 5 and 7 of issue 8 on a real server on each test
// database: an event writes only the fields it may set, an action sees problems added at a later
// step, and a supervisor starts an inspection whose findings the branch works on.
func TestFieldsEndToEnd(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) { fieldsEndToEnd(t, dsn) })
	}
}

// errDetails returns the detail fields of an error body.
func errDetails(body obj) []string {
	e, _ := body["error"].(obj)
	ds, _ := e["details"].([]any)
	var out []string
	for _, d := range ds {
		f, _ := d.(obj)["field"].(string)
		out = append(out, f)
	}
	return out
}

func errMessage(body obj) string {
	e, _ := body["error"].(obj)
	m, _ := e["message"].(string)
	return m
}

func fieldsEndToEnd(t *testing.T, dsn string) {
	s := startServer(t, dsn, "--now", pinned)
	admin := s.adminToken(t)
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "c", "name": "研究生院党委", "kind": "committee"})
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "g", "name": "博士生党总支", "kind": "general_branch", "parent_id": "c"})
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b", "name": "博士生第一党支部", "kind": "branch", "parent_id": "g"})
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b2", "name": "硕士生第二党支部", "kind": "branch", "parent_id": "c"})
	s.must(t, 201, "POST", "/v1/orgs/b/members", admin, obj{"id": "m-zhang", "name": "张伟"})
	token := func(role, org string) string {
		b := s.must(t, 201, "POST", "/v1/tokens", admin, obj{"name": role + "-" + org, "role": role, "org_id": org})
		return b["token"].(string)
	}
	supC, supG, br := token("supervisor", "c"), token("supervisor", "g"), token("branch", "b")
	fire := func(tok, id, event string, data obj, comment string) (int, obj) {
		t.Helper()
		return s.call(t, "POST", "/v1/instances/"+id+"/events", tok, obj{"event": event, "data": data, "comment": comment})
	}
	mustFire := func(tok, id, event string, data obj, comment string) obj {
		t.Helper()
		return s.must(t, 200, "POST", "/v1/instances/"+id+"/events", tok, obj{"event": event, "data": data, "comment": comment})
	}

	// The workflow API shows what each event may set and who may start.
	wf := s.must(t, 200, "GET", "/v1/workflows/plan", br, nil)
	for _, e := range wf["events"].([]any) {
		ev := e.(obj)
		if ev["name"] == "file" && fmt.Sprint(ev["sets"]) != "[]" || ev["name"] == "submit" && fmt.Sprint(ev["sets"]) != "[content]" {
			t.Fatalf("event %v sets %v", ev["name"], ev["sets"])
		}
	}
	if fmt.Sprint(wf["started_by"]) != "[branch]" {
		t.Fatalf("plan started_by: %v", wf["started_by"])
	}

	// The supervisor's file with data: 422, and the plan is unchanged.
	plan := s.must(t, 201, "POST", "/v1/instances", br, obj{"workflow": "plan", "org_id": "b",
		"data": obj{"year": 2025, "content": "全年三会一课安排：每月主题党日，每季度党员大会和党课。"}})
	id := plan["id"].(string)
	sub := mustFire(br, id, "submit", nil, "")
	code, b := fire(supC, id, "file", obj{"year": 2026, "content": "上级替支部改写的二〇二六年度计划内容。"}, "")
	if code != 422 || errCode(b) != "unprocessable" || !slices.Equal(errDetails(b), []string{"content", "year"}) || !strings.Contains(errMessage(b), "“备案”不能修改") {
		t.Fatalf("file with data: %d %v", code, b)
	}
	after := s.must(t, 200, "GET", "/v1/instances/"+id, br, nil)
	if !reflect.DeepEqual(after["data"], sub["data"]) || after["version"] != sub["version"] || after["state"] != "submitted" {
		t.Fatalf("plan changed: %v, was %v", after, sub)
	}
	if h := items(t, s.must(t, 200, "GET", "/v1/instances/"+id+"/history", br, nil)); len(h) != 1 {
		t.Fatalf("history after the refused file: %v", h)
	}
	mustFire(supC, id, "file", nil, "")

	// hold cannot turn a 主题党日 into a 党课.
	m := s.must(t, 201, "POST", "/v1/instances", br, obj{"workflow": "meeting", "org_id": "b",
		"data": obj{"type": "theme_day", "held_on": "2025-01-20", "topic": "学习党章"}})
	mid := m["id"].(string)
	if code, b := fire(br, mid, "hold", obj{"type": "lecture"}, ""); code != 422 || !slices.Equal(errDetails(b), []string{"type"}) || !strings.Contains(errMessage(b), "“类型”") {
		t.Fatalf("hold changing the type: %d %v", code, b)
	}
	if got := mustFire(br, mid, "hold", obj{"expected": 12}, ""); got["data"].(obj)["type"] != "theme_day" {
		t.Fatalf("held meeting: %v", got)
	}

	// A returned 组织生活会 re-filed with a third problem gets its third item, never a duplicate.
	rectsOf := func(tok, parent string) []string {
		t.Helper()
		var out []string
		for _, in := range items(t, s.must(t, 200, "GET", "/v1/instances?workflow=rectification&org_id=b&limit=100", tok, nil)) {
			if in["parent_id"] == parent {
				out = append(out, in["data"].(obj)["problem"].(string))
			}
		}
		slices.Sort(out)
		return out
	}
	ol := s.must(t, 201, "POST", "/v1/instances", br, obj{"workflow": "org_life", "org_id": "b", "data": obj{"year": 2024}})
	oid := ol["id"].(string)
	mustFire(br, oid, "hold", obj{"held_on": "2025-01-10", "opinions": []string{"多开展实践活动"},
		"problems": []string{"理论学习不够系统", "联系服务同学不够主动"}, "minutes": "会议记录"}, "")
	mustFire(br, oid, "file", obj{"grades": []obj{{"member": "m-zhang", "grade": "qualified"}}, "rectification_plan": "逐项整改"}, "")
	mustFire(supC, oid, "return", nil, "问题查摆不全")
	mustFire(br, oid, "file", obj{"problems": []string{"理论学习不够系统", "联系服务同学不够主动", "组织生活创新不足"}}, "")
	want := []string{"理论学习不够系统", "联系服务同学不够主动", "组织生活创新不足"}
	slices.Sort(want)
	if got := rectsOf(br, oid); !slices.Equal(got, want) {
		t.Fatalf("re-filed org_life items: %v", got)
	}
	mustFire(supC, oid, "return", nil, "再补充")
	mustFire(br, oid, "file", nil, "")
	if got := rectsOf(br, oid); !slices.Equal(got, want) {
		t.Fatalf("items after entering held and filed again: %v", got)
	}

	// A supervisor starts an inspection at a branch below it, not at its own org or a sibling.
	insp := obj{"workflow": "inspection", "org_id": "g", "data": obj{"inspected_on": "2025-01-15", "kind": "inspection"}}
	if code, b := s.call(t, "POST", "/v1/instances", supG, insp); code != 403 {
		t.Fatalf("inspection of the supervisor's own org: %d %v", code, b)
	}
	insp["org_id"] = "b2"
	if code, b := s.call(t, "POST", "/v1/instances", supG, insp); code != 403 {
		t.Fatalf("inspection of a sibling: %d %v", code, b)
	}
	insp["org_id"] = "b"
	if code, b := s.call(t, "POST", "/v1/instances", br, insp); code != 403 {
		t.Fatalf("the branch starting its own inspection: %d %v", code, b)
	}
	in := s.must(t, 201, "POST", "/v1/instances", supG, insp)
	iid := in["id"].(string)
	mustFire(supG, iid, "issue", obj{"summary": "督查三会一课记录。", "rectify_by": "2025-04-30",
		"findings": []string{"会议记录过于简略", "党课未按季度开展"}}, "")
	got := rectsOf(br, iid)
	if !slices.Equal(got, []string{"会议记录过于简略", "党课未按季度开展"}) {
		t.Fatalf("the branch sees %v", got)
	}
	if seen := s.must(t, 200, "GET", "/v1/instances/"+iid, br, nil); seen["state"] != "issued" {
		t.Fatalf("the branch reads the inspection: %v", seen)
	}
	var item obj
	for _, x := range items(t, s.must(t, 200, "GET", "/v1/instances?workflow=rectification&org_id=b&limit=100", br, nil)) {
		if x["parent_id"] == iid {
			item = x
		}
	}
	evs := fmt.Sprint(item["available_events"])
	if !strings.Contains(evs, "plan") {
		t.Fatalf("the branch may not work on the item: %v", item)
	}
	mustFire(br, item["id"].(string), "plan", obj{"owner": "张伟", "measure": "完善会议记录模板"}, "")
}
