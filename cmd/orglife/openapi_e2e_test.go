package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/orglife/orglife/storage/storagetest"
)

// TestOpenAPIEndToEnd walks a representative set of routes on each test database — orgs,
// members, instances, the ledger, violations and decisions, rules, errors — and makes sure
// each answer was checked against api/openapi.json (call checks every answer).
func TestOpenAPIEndToEnd(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) { openAPIEndToEnd(t, dsn) })
	}
}

func openAPIEndToEnd(t *testing.T, dsn string) {
	s := startServer(t, dsn, "--now", "2025-02-12T10:00:00+08:00", "--eval-interval=0")
	admin := s.adminToken(t)
	s.must(t, 200, "GET", "/healthz", "", nil)
	s.must(t, 200, "GET", "/v1/openapi.json", "", nil)
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "c", "name": "研究生院党委", "kind": "committee"})
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b", "name": "博士生第一党支部", "kind": "branch", "parent_id": "c",
		"attributes": obj{"level": "phd"}, "term_started_on": "2023-03-01", "term_years": 3})
	s.must(t, 200, "PATCH", "/v1/orgs/b", admin, obj{"name": "博士生第一党支部（新）"})
	s.must(t, 200, "GET", "/v1/orgs?limit=1", admin, nil)
	s.must(t, 200, "GET", "/v1/orgs/b", admin, nil)
	s.must(t, 201, "POST", "/v1/orgs/b/members", admin, obj{"id": "m1", "name": "张伟", "roles": []string{"secretary"}})
	s.must(t, 200, "GET", "/v1/orgs/b/members", admin, nil)
	branch := s.must(t, 201, "POST", "/v1/tokens", admin, obj{"name": "b", "role": "branch", "org_id": "b"})["token"].(string)
	sup := s.must(t, 201, "POST", "/v1/tokens", admin, obj{"name": "s", "role": "supervisor", "org_id": "c"})["token"].(string)
	s.must(t, 200, "GET", "/v1/tokens", admin, nil)
	s.must(t, 201, "POST", "/v1/users", admin, obj{"username": "zhang", "name": "张伟", "role": "branch", "org_id": "b", "password": "long enough"})
	s.must(t, 200, "GET", "/v1/users", admin, nil)
	s.must(t, 200, "GET", "/v1/workflows", branch, nil)
	s.must(t, 200, "GET", "/v1/workflows/meeting", branch, nil)
	s.must(t, 200, "GET", "/v1/workflows/meeting?format=mermaid", branch, nil)

	// A record, an event, its history.
	m := s.must(t, 201, "POST", "/v1/instances", branch, obj{"workflow": "meeting", "org_id": "b",
		"data": obj{"type": "theme_day", "held_on": "2024-12-18", "topic": "主题党日"}}, "Idempotency-Key", "m-1")
	id := m["id"].(string)
	s.must(t, 200, "POST", "/v1/instances/"+id+"/events", branch, obj{"event": "record", "expected_version": 1,
		"data": obj{"minutes": "学习党章第一章，全体党员逐一发言，支部书记作总结并布置下月学习任务。", "expected": 12, "present": 12}})
	s.must(t, 200, "GET", "/v1/instances?workflow=meeting&org_id=b", sup, nil)
	s.must(t, 200, "GET", "/v1/instances/"+id, sup, nil)
	s.must(t, 200, "GET", "/v1/instances/"+id+"/history", sup, nil)

	// The ledger and violations: January had no theme day.
	s.must(t, 200, "POST", "/v1/evaluations", admin, obj{"from": "2024-12-01", "to": "2025-01-31"})
	s.must(t, 200, "POST", "/v1/evaluations", admin, obj{"from": "2025-01-01", "to": "2025-01-31", "as_of": "2025-01-20T10:00:00+08:00"})
	s.must(t, 200, "GET", "/v1/compliance?org_id=b", sup, nil)
	s.must(t, 200, "GET", "/v1/compliance?org_id=b&period=2025-01&as_of=2025-01-25T12:00:00%2B08:00", sup, nil)
	s.must(t, 200, "GET", "/v1/compliance/summary?org_id=c&period=2025-01", sup, nil)
	vs := items(t, s.must(t, 200, "GET", "/v1/violations?org_id=b&rule=theme_day_monthly&status=open", sup, nil))
	if len(vs) == 0 {
		t.Fatal("no violation for the missing January theme day")
	}
	v := vs[0]["id"].(string)
	s.must(t, 200, "GET", "/v1/violations/"+v, branch, nil)
	s.must(t, 200, "POST", "/v1/violations/"+v+"/acknowledge", sup, obj{"note": "已提醒支部"})
	s.must(t, 200, "POST", "/v1/violations/"+v+"/waive", sup, obj{"reason": "寒假期间", "expires_at": "2025-02-28"})
	s.must(t, 200, "POST", "/v1/violations/"+v+"/resolve", sup, obj{"note": "已约谈支部书记"})

	// Rules.
	rules := s.must(t, 200, "GET", "/v1/rules", branch, nil)
	s.must(t, 200, "POST", "/v1/rules/validate?file=one.yaml", admin, oneRule)
	s.must(t, 200, "GET", "/v1/rules/versions", admin, nil)
	s.must(t, 200, "GET", "/v1/rules/versions/"+rules["version"].(string), admin, nil)
	s.must(t, 200, "POST", "/v1/rules/versions/"+rules["version"].(string)+"/activate", admin, obj{"note": "再次启用"})
	s.must(t, 200, "GET", "/v1/audit", admin, nil)

	// Downloads, the to-do list, webhooks and reminders.
	if st, h, _ := s.download(t, "/v1/exports/violations.csv?org_id=b", sup); st != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
		t.Errorf("violations.csv: %d %s", st, h.Get("Content-Type"))
	}
	if st, _, _ := s.download(t, "/v1/exports/assessment.xlsx?org_id=c&year=2025", sup); st != 200 {
		t.Errorf("assessment.xlsx: %d", st)
	}
	s.must(t, 200, "GET", "/v1/todo", branch, nil)
	s.must(t, 200, "PUT", "/v1/orgs/b/webhook", admin, obj{"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"})
	s.must(t, 200, "GET", "/v1/webhooks", admin, nil)
	s.must(t, 200, "GET", "/v1/reminders", admin, nil)

	// Errors.
	s.must(t, 401, "GET", "/v1/orgs", "", nil)
	s.must(t, 400, "GET", "/v1/violations?severity=high", sup, nil)
	s.must(t, 403, "POST", "/v1/orgs", branch, obj{"id": "x", "name": "X", "kind": "branch"})
	s.must(t, 404, "GET", "/v1/instances/nope", admin, nil)
	s.must(t, 409, "POST", "/v1/instances/"+id+"/events", branch, obj{"event": "record", "expected_version": 1})
	s.must(t, 422, "POST", "/v1/rules/validate", admin, brokenRule)
	s.must(t, 404, "GET", "/v1/nothing", admin, nil)
	s.must(t, 405, "DELETE", "/v1/orgs", admin, nil)

	checked := s.answers.Checked()
	for _, route := range []string{"GET /v1/orgs", "GET /v1/orgs/{id}", "POST /v1/orgs", "POST /v1/instances",
		"POST /v1/instances/{id}/events", "GET /v1/compliance", "GET /v1/violations", "GET /v1/rules",
		"POST /v1/violations/{id}/acknowledge", "GET /v1/compliance/summary", "GET /v1/instances/{id}/history",
		"GET /v1/exports/violations.{format}", "GET /v1/exports/assessment.xlsx", "GET /v1/todo", "PUT /v1/orgs/{id}/webhook"} {
		if checked[route] == 0 {
			keys := make([]string, 0, len(checked))
			for k := range checked {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			t.Errorf("no answer of %s was checked against the OpenAPI document; checked: %s", route, strings.Join(keys, ", "))
		}
	}
}
