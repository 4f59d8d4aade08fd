package main

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/orglife/orglife/storage/storagetest"
)

// TestElectionUpdatesOrg is issue 11's acceptance of elections on each test database: reporting
// an approved election's result sets the org's new term and the secretary in the transaction of
// the event (an election naming nobody of the org changes nothing; an id of nobody is refused when
// the election is recorded), and term_renewed then watches the new term.
func TestElectionUpdatesOrg(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) { electionUpdatesOrg(t, dsn) })
	}
}

func electionUpdatesOrg(t *testing.T, dsn string) {
	s := startServer(t, dsn, "--now", "2025-09-20T10:00:00+08:00", "--eval-interval=0")
	admin := s.adminToken(t)
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "c", "name": "研究生院党委", "kind": "committee"})
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b", "name": "硕士生党支部", "kind": "branch", "parent_id": "c",
		"term_started_on": "2022-09-01", "term_years": 3})
	sup := s.must(t, 201, "POST", "/v1/tokens", admin, obj{"name": "sup", "role": "supervisor", "org_id": "c"})["token"].(string)
	branch := s.must(t, 201, "POST", "/v1/tokens", admin, obj{"name": "branch-b", "role": "branch", "org_id": "b"})["token"].(string)
	s.must(t, 201, "POST", "/v1/orgs/b/members", admin, obj{"id": "m1", "name": "李四", "roles": []string{"secretary"}})
	s.must(t, 201, "POST", "/v1/orgs/b/members", admin, obj{"id": "m2", "name": "王五", "roles": []string{"group_leader"}})
	s.must(t, 201, "POST", "/v1/orgs/b/members", admin, obj{"id": "m3", "name": "赵六"})

	election := func(elected []obj) string {
		t.Helper()
		id := s.must(t, 201, "POST", "/v1/instances", branch, obj{"workflow": "election", "org_id": "b", "data": obj{}})["id"].(string)
		fire := func(token, event string, data obj) obj {
			t.Helper()
			return s.must(t, 200, "POST", "/v1/instances/"+id+"/events", token, obj{"event": event, "data": data})
		}
		fire(branch, "request", obj{"term_ends_on": "2025-09-01", "planned_on": "2025-09-15", "request": "拟于9月15日召开党员大会换届选举"})
		fire(sup, "approve", obj{})
		fire(branch, "hold", obj{"held_on": "2025-09-15", "attendees": []string{"m1", "m2", "m3"}, "elected": elected})
		return id
	}

	// The org is updated when the upper organization approves the result (confirm): an elected
	// name that is nobody of the org fails the approval, and nothing of it is written.
	report := func(id string) {
		t.Helper()
		s.must(t, 200, "POST", "/v1/instances/"+id+"/events", branch, obj{"event": "report", "data": obj{"result": "选举结果报告"}})
	}
	bad := election([]obj{{"name": "钱七", "post": "secretary"}})
	report(bad)
	s.must(t, 422, "POST", "/v1/instances/"+bad+"/events", sup, obj{"event": "confirm", "data": obj{}})
	if in := s.must(t, 200, "GET", "/v1/instances/"+bad, branch, nil); in["state"] != "reported" {
		t.Fatalf("the failed approval moved the election: %v", in["state"])
	}
	if o := s.must(t, 200, "GET", "/v1/orgs/b", branch, nil); o["term_started_on"] != "2022-09-01" {
		t.Fatalf("the failed approval changed the term: %v", o)
	}

	// An elected member id that is nobody of the org is refused where it is typed, at the election.
	badID := s.must(t, 201, "POST", "/v1/instances", branch, obj{"workflow": "election", "org_id": "b", "data": obj{}})["id"].(string)
	for _, step := range []struct {
		token, event string
		data         obj
	}{{branch, "request", obj{"planned_on": "2025-09-15", "request": "拟于9月15日召开党员大会换届选举"}}, {sup, "approve", obj{}}} {
		s.must(t, 200, "POST", "/v1/instances/"+badID+"/events", step.token, obj{"event": step.event, "data": step.data})
	}
	refused := s.must(t, 422, "POST", "/v1/instances/"+badID+"/events", branch, obj{"event": "hold",
		"data": obj{"held_on": "2025-09-15", "attendees": []string{"m1", "m2", "m3"}, "elected": []obj{{"member": "m9", "post": "secretary"}}}})
	if d := jsonOf(t, refused["error"]); !strings.Contains(d, `"field":"elected[0].member"`) || !strings.Contains(d, "“m9”不是本组织名册中的党员") {
		t.Fatalf("an elected id of nobody: %s", d)
	}

	// The elected are member ids; an older record's name still matches one member.
	good := election([]obj{{"member": "m2", "post": "secretary"}, {"name": "李四", "post": "committee"}})
	report(good)
	s.must(t, 200, "POST", "/v1/instances/"+good+"/events", sup, obj{"event": "confirm", "data": obj{}})
	if o := s.must(t, 200, "GET", "/v1/orgs/b", branch, nil); o["term_started_on"] != "2025-09-15" || o["term_years"] != 3.0 {
		t.Fatalf("term after the election: %v", o)
	}
	roles := map[string]string{}
	for _, m := range items(t, s.must(t, 200, "GET", "/v1/orgs/b/members", branch, nil)) {
		roles[m["id"].(string)] = jsonOf(t, m["roles"])
	}
	if roles["m1"] != `["committee"]` || roles["m2"] != `["group_leader","secretary"]` || roles["m3"] != `[]` {
		t.Fatalf("roles after the election: %v", roles)
	}
	hist := items(t, s.must(t, 200, "GET", "/v1/orgs/b/members/m2/history", sup, nil))
	if last := hist[len(hist)-1]; last["kind"] != "roles" || last["on"] != "2025-09-15" || last["actor"] != "sup" {
		t.Fatalf("m2's history: %v", hist)
	}
	if a := items(t, s.must(t, 200, "GET", "/v1/audit?action=org.term", admin, nil)); len(a) != 1 || a[0]["target"] != "b" {
		t.Fatalf("audit of the term: %v", a)
	}

	// term_renewed watches the new term: due the day after 2028-09-15, and not yet due.
	s.settle(t)
	rows := items(t, s.must(t, 200, "GET", "/v1/compliance?rule=term_renewed&org_id=b", sup, nil))
	if len(rows) != 1 || rows[0]["status"] != "pending" {
		t.Fatalf("term_renewed after the election: %v", rows)
	}
	if due := rows[0]["due"]; due != "2028-09-15T16:00:00Z" && due != "2028-09-16T00:00:00+08:00" {
		t.Fatalf("term_renewed due %v, want 2028-09-16T00:00+08:00", due)
	}
	// The new secretary's post is dated by the election: the induction training is due six
	// months later; m1, who held the post before (undated), is no new secretary.
	trained := items(t, s.must(t, 200, "GET", "/v1/compliance?rule=secretary_trained_in_time&org_id=b", sup, nil))
	byMember := map[string]obj{}
	for _, r := range trained {
		byMember[r["subject_id"].(string)] = r
	}
	if r := byMember["m2"]; r == nil || r["status"] != "pending" || r["due_on"] != "2026-03-15" {
		t.Fatalf("secretary_trained_in_time for the new secretary: %v", trained)
	}
	if r := byMember["m1"]; r != nil && r["status"] != "not_applicable" {
		t.Fatalf("secretary_trained_in_time for the former secretary: %v", r)
	}
	hist = items(t, s.must(t, 200, "GET", "/v1/orgs/b/history", sup, nil))
	if len(hist) != 2 || hist[1]["on"] != "2025-09-15" || hist[1]["term_started_on"] != "2025-09-15" || hist[1]["actor"] != "sup" {
		t.Fatalf("org history: %v", hist)
	}
	// A refused void brings the election back to confirmed: the action runs again, writing nothing.
	s.must(t, 200, "POST", "/v1/instances/"+good+"/events", branch, obj{"event": "request_void", "comment": "误报"})
	s.must(t, 200, "POST", "/v1/instances/"+good+"/events", sup, obj{"event": "refuse_void", "comment": "结果无误"})
	if h := items(t, s.must(t, 200, "GET", "/v1/orgs/b/history", sup, nil)); len(h) != 2 {
		t.Fatalf("org history after re-entering confirmed: %v", h)
	}
	if h := items(t, s.must(t, 200, "GET", "/v1/orgs/b/members/m2/history", sup, nil)); len(h) != 2 {
		t.Fatalf("m2's history after re-entering confirmed: %v", h)
	}

	// As of 2025-09-10 the old term (ended 2025-09-01) was running and no election was known.
	old := items(t, s.must(t, 200, "GET", "/v1/compliance?rule=term_renewed&org_id=b&as_of="+url.QueryEscape("2025-09-10T12:00:00+08:00"), sup, nil))
	if len(old) != 1 || old[0]["status"] != "overdue" {
		t.Fatalf("term_renewed as of 2025-09-10: %v", old)
	}
	if due := old[0]["due"]; due != "2025-09-01T16:00:00Z" && due != "2025-09-02T00:00:00+08:00" {
		t.Fatalf("term_renewed due as of 2025-09-10: %v, want 2025-09-02T00:00+08:00", due)
	}
}

// jsonOf returns v as compact JSON.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
