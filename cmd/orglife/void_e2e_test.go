package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/orglife/orglife/storage/storagetest"
)

// TestVoidEndToEnd is the acceptance walk of voiding (作废) on a real server and each test
// database: a bogus 主题党日 with two problems makes January late; the branch asks to void it with
// a reason, the supervisor refuses (the record is back, still late), the branch asks again and
// the supervisor approves: January is overdue at once, the violations the record caused clear,
// the untouched rectification item is voided while the one worked on stays; a supervisor voids a
// 党课 directly; orglife verify passes afterwards.
func TestVoidEndToEnd(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) { voidEndToEnd(t, dsn) })
	}
}

func voidEndToEnd(t *testing.T, dsn string) {
	const minutes = "学习《中国共产党章程》第一章，全体党员逐一发言，结合科研工作谈体会，支部书记作总结并布置下月学习任务。"
	s := startServer(t, dsn, "--now", "2025-02-12T10:00:00+08:00", "--eval-interval=0")
	admin := s.adminToken(t)
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "c", "name": "研究生院党委", "kind": "committee"})
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b", "name": "博士生第一党支部", "kind": "branch", "parent_id": "c"})
	token := func(role, org string) string {
		return s.must(t, 201, "POST", "/v1/tokens", admin, obj{"name": role + "-" + org, "role": role, "org_id": org})["token"].(string)
	}
	branch, sup := token("branch", "b"), token("supervisor", "c")
	fire := func(tok string, want int, id string, body obj) obj {
		t.Helper()
		return s.must(t, want, "POST", "/v1/instances/"+id+"/events", tok, body)
	}
	january := func() string {
		t.Helper()
		return fmt.Sprint(themeRows(t, s, sup, "&period=2025-01")["2025-01"]["status"])
	}
	status := func(key string) string {
		t.Helper()
		return fmt.Sprint(themeViolations(t, s, sup)[key]["status"])
	}

	s.must(t, 200, "POST", "/v1/evaluations", admin, obj{"from": "2025-01-01", "to": "2025-01-31"})
	if got := january(); got != "overdue" {
		t.Fatalf("January before the bogus record: %s", got)
	}

	// The bogus record: late (recorded after the due date), with two rectification items.
	m := s.must(t, 201, "POST", "/v1/instances", branch, obj{"workflow": "meeting", "org_id": "b",
		"data": obj{"type": "theme_day", "held_on": "2025-01-20", "topic": "主题党日"}})
	mid := m["id"].(string)
	fire(branch, 200, mid, obj{"event": "record", "data": obj{"minutes": minutes, "expected": 12, "present": 12,
		"problems": []string{"理论学习不够深入", "组织生活不规范"}}})
	if got := january(); got != "late" {
		t.Fatalf("January after the bogus record: %s", got)
	}
	if status("late") != "open" || status("shallow/recorded_late") != "open" || status("overdue") != "resolved" {
		t.Fatalf("violations after the bogus record: %v", themeViolations(t, s, sup))
	}
	kids := items(t, s.must(t, 200, "GET", "/v1/instances?workflow=rectification&org_id=b", branch, nil))
	if len(kids) != 2 {
		t.Fatalf("%d rectification items, want 2", len(kids))
	}
	worked, untouched := kids[0]["id"].(string), kids[1]["id"].(string)
	fire(branch, 200, worked, obj{"event": "plan", "data": obj{"owner": "张伟", "measure": "每周集中学习一次"}})

	// Asked and refused: the record is back as it was, January late again.
	fire(branch, 422, mid, obj{"event": "request_void"})
	fire(sup, 403, mid, obj{"event": "request_void", "comment": "x"})
	if got := fire(branch, 200, mid, obj{"event": "request_void", "comment": "误录：一月未开展主题党日"}); got["state"] != "void_requested" {
		t.Fatalf("request: %v", got)
	}
	if got := january(); got != "overdue" {
		t.Fatalf("January while the request is pending: %s", got)
	}
	fire(branch, 403, mid, obj{"event": "approve_void"})
	if got := fire(sup, 200, mid, obj{"event": "refuse_void", "comment": "记录属实"}); got["state"] != "recorded" || got["complete"] != true {
		t.Fatalf("refused: %v", got)
	}
	if got := january(); got != "late" || status("late") != "open" {
		t.Fatalf("January after the refusal: %s, late violation %s", got, status("late"))
	}

	// Asked again and approved: January overdue at once, the record's violations cleared.
	fire(branch, 200, mid, obj{"event": "request_void", "comment": "误录：一月未开展主题党日"})
	if got := fire(sup, 200, mid, obj{"event": "approve_void"}); got["state"] != "voided" || got["complete"] != false {
		t.Fatalf("approved: %v", got)
	}
	if got := january(); got != "overdue" {
		t.Fatalf("January after the void: %s", got)
	}
	vs := themeViolations(t, s, sup)
	for _, key := range []string{"late", "shallow/recorded_late"} {
		if vs[key]["status"] != "resolved" || vs[key]["resolution"] != "cleared" {
			t.Fatalf("%s violation after the void: %v", key, vs[key])
		}
	}
	if vs["overdue"]["status"] != "open" {
		t.Fatalf("overdue violation after the void: %v", vs["overdue"])
	}
	var events []string
	for _, h := range items(t, s.must(t, 200, "GET", "/v1/instances/"+mid+"/history", branch, nil)) {
		events = append(events, fmt.Sprint(h["event"]))
	}
	if got := strings.Join(events, " "); got != "record request_void refuse_void request_void approve_void" {
		t.Fatalf("history: %s", got)
	}
	if got := s.must(t, 200, "GET", "/v1/instances/"+untouched, branch, nil); got["state"] != "voided" {
		t.Fatalf("untouched item: %v", got["state"])
	}
	h := items(t, s.must(t, 200, "GET", "/v1/instances/"+untouched+"/history", branch, nil))
	if len(h) != 1 || h[0]["event"] != "void" || !strings.Contains(fmt.Sprint(h[0]["comment"]), "误录：一月未开展主题党日") {
		t.Fatalf("untouched item's history: %v", h)
	}
	if got := s.must(t, 200, "GET", "/v1/instances/"+worked, branch, nil); got["state"] != "planned" {
		t.Fatalf("the item worked on: %v", got["state"])
	}

	// A supervisor voids a 党课 directly: the quarter is pending again.
	l := s.must(t, 201, "POST", "/v1/instances", branch, obj{"workflow": "meeting", "org_id": "b",
		"data": obj{"type": "lecture", "held_on": "2025-01-10", "topic": "党课"}})
	lid := l["id"].(string)
	fire(branch, 200, lid, obj{"event": "record", "data": obj{"minutes": minutes, "expected": 12, "present": 12}})
	quarter := func() string {
		t.Helper()
		s.settle(t)
		rows := items(t, s.must(t, 200, "GET", "/v1/compliance?rule=lecture_quarterly&org_id=b&period=2025-Q1", sup, nil))
		if len(rows) != 1 {
			t.Fatalf("lecture rows: %v", rows)
		}
		return fmt.Sprint(rows[0]["status"])
	}
	if got := quarter(); got != "compliant" {
		t.Fatalf("Q1 with the lecture: %s", got)
	}
	fire(sup, 422, lid, obj{"event": "void"})
	fire(branch, 403, lid, obj{"event": "void", "comment": "x"})
	if got := fire(sup, 200, lid, obj{"event": "void", "comment": "党课未实际开展"}); got["state"] != "voided" {
		t.Fatalf("void: %v", got)
	}
	if got := quarter(); got != "pending" {
		t.Fatalf("Q1 after the void: %s", got)
	}
	fire(sup, 409, lid, obj{"event": "void", "comment": "again"})

	if code := s.stop(); code != 0 {
		t.Fatalf("serve exited with %d:\n%s", code, s.stderr.String())
	}
	if code, out, errs := runCmd(t, "verify", "--db", dsn); code != 0 {
		t.Fatalf("verify: exit %d\n%s%s", code, out, errs)
	}
}
