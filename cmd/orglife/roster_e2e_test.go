package main

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/orglife/orglife/storage/storagetest"
)

// TestRosterEndToEnd is issue 11's acceptance of members over time on each test database: a
// member who transferred on 2025-06-28 counts for the new branch's talks only from 2025-H2 (the
// half-year rule skips the cut period), and an evaluation as of 2025-03 sees them in the old
// branch.
func TestRosterEndToEnd(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) { rosterEndToEnd(t, dsn) })
	}
}

// talkRows returns the talk_half_yearly rows of one member keyed by org and period.
func talkRows(t *testing.T, s *testServer, token, member, query string) map[string]string {
	t.Helper()
	s.settle(t)
	out := map[string]string{}
	for _, r := range items(t, s.must(t, 200, "GET", "/v1/compliance?rule=talk_half_yearly&org_id=c&limit=500"+query, token, nil)) {
		if r["subject_id"] == member {
			out[fmt.Sprint(r["org_id"], " ", r["period"])] = fmt.Sprint(r["status"])
		}
	}
	return out
}

func rosterEndToEnd(t *testing.T, dsn string) {
	s := startServer(t, dsn, "--now", "2025-07-10T10:00:00+08:00", "--eval-interval=0")
	admin := s.adminToken(t)
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "c", "name": "研究生院党委", "kind": "committee"})
	for _, b := range []string{"b1", "b2"} {
		s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": b, "name": "支部" + b, "kind": "branch", "parent_id": "c"})
	}
	sup := s.must(t, 201, "POST", "/v1/tokens", admin, obj{"name": "sup", "role": "supervisor", "org_id": "c"})["token"].(string)
	branch := s.must(t, 201, "POST", "/v1/tokens", admin, obj{"name": "b1", "role": "branch", "org_id": "b1"})["token"].(string)
	s.must(t, 201, "POST", "/v1/orgs/b1/members", admin, obj{"id": "m1", "name": "张三", "status": "probationary", "since": "2024-09-01"})
	s.must(t, 201, "POST", "/v1/orgs/b1/members", admin, obj{"id": "m2", "name": "李四"})

	// The branch itself may not move its members; the supervisor above both branches may.
	s.must(t, 403, "POST", "/v1/orgs/b1/members/m1/transfer", branch, obj{"to_org_id": "b2", "on": "2025-06-28"})
	s.must(t, 404, "POST", "/v1/orgs/b2/members/m1/transfer", sup, obj{"to_org_id": "b1"})
	s.must(t, 400, "POST", "/v1/orgs/b1/members/m1/transfer", sup, obj{"to_org_id": "b2", "on": "2025-6-28"})
	m := s.must(t, 200, "POST", "/v1/orgs/b1/members/m1/transfer", sup, obj{"to_org_id": "b2", "on": "2025-06-28", "reason": "转入博士生支部"})
	if m["org_id"] != "b2" || m["since"] != "2025-06-28" {
		t.Fatalf("after the transfer: %v", m)
	}
	s.must(t, 404, "GET", "/v1/orgs/b1/members/m1", sup, nil)
	s.must(t, 200, "POST", "/v1/orgs/b2/members/m1/confirm", sup, obj{"on": "2025-07-01"})
	s.must(t, 422, "POST", "/v1/orgs/b2/members/m1/confirm", sup, obj{"on": "2025-07-02"}) // already full
	s.must(t, 200, "PATCH", "/v1/orgs/b1/members/m2", admin, obj{"name": "李四（更正）"})
	s.must(t, 400, "POST", "/v1/orgs/b1/members/m2/leave", admin, obj{"on": "2025-07-05"}) // a reason is required
	left := s.must(t, 200, "DELETE", "/v1/orgs/b1/members/m2", admin, nil)
	if left["left_on"] != "2025-07-10" || left["left_reason"] != "移出" {
		t.Fatalf("after DELETE: %v", left)
	}
	if ms := items(t, s.must(t, 200, "GET", "/v1/orgs/b1/members", branch, nil)); len(ms) != 0 {
		t.Fatalf("b1's roster after the transfer and the leave: %v", ms)
	}
	hist := items(t, s.must(t, 200, "GET", "/v1/orgs/b2/members/m1/history", sup, nil))
	var kinds []string
	for _, h := range hist {
		kinds = append(kinds, fmt.Sprint(h["kind"], "@", h["on"], "/", h["org_id"], "/", h["actor"]))
	}
	if fmt.Sprint(kinds) != "[join@2024-09-01/b1/admin transfer@2025-06-28/b2/sup confirm@2025-07-01/b2/sup]" {
		t.Fatalf("history: %v", kinds)
	}
	audit := items(t, s.must(t, 200, "GET", "/v1/audit?action=member.transfer", admin, nil))
	if len(audit) != 1 || audit[0]["target"] != "m1" || audit[0]["actor"] != "sup" {
		t.Fatalf("audit of the transfer: %v", audit)
	}

	// The ledger (re-evaluated through the outbox): b2 judges m1 from 2025-H2 on; the half year
	// cut by the transfer belongs to b2 (where m1 is at its end) and is skipped (partial: skip),
	// as is b1's half year cut by m1's joining on 2024-09-01; b1 has no row of m1 after that.
	rows := talkRows(t, s, sup, "m1", "")
	want := map[string]string{"b1 2024-H2": "not_applicable", "b2 2025-H1": "not_applicable", "b2 2025-H2": "pending"}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Fatalf("talk rows of m1: %v, want %v", rows, want)
	}

	// As of 2025-03 the transfer had not happened: m1 belongs to b1, and b2 does not know them.
	q := "&period=2025-H1&as_of=" + url.QueryEscape("2025-03-31T12:00:00+08:00")
	rows = talkRows(t, s, sup, "m1", q)
	if rows["b1 2025-H1"] != "pending" || rows["b2 2025-H1"] != "" {
		t.Fatalf("talk rows of m1 as of 2025-03: %v", rows)
	}
	// m2 (left 2025-07-10) is still b1's member as of 2025-03.
	if rows := talkRows(t, s, sup, "m2", q); rows["b1 2025-H1"] != "pending" {
		t.Fatalf("talk rows of m2 as of 2025-03: %v", rows)
	}
}

// TestMemberCommand: `orglife member` runs the member changes of the API on the same database.
func TestMemberCommand(t *testing.T) {
	dsn := storagetest.DSNs(t)["sqlite"]
	s := startServer(t, dsn, "--now", "2025-07-10T10:00:00+08:00", "--eval-interval=0")
	admin := s.adminToken(t)
	for _, o := range []obj{{"id": "c", "name": "党委", "kind": "committee"}, {"id": "b1", "name": "一支部", "kind": "branch", "parent_id": "c"},
		{"id": "b2", "name": "二支部", "kind": "branch", "parent_id": "c"}} {
		s.must(t, 201, "POST", "/v1/orgs", admin, o)
	}
	s.must(t, 201, "POST", "/v1/orgs/b1/members", admin, obj{"id": "m1", "name": "张三", "status": "probationary"})
	steps := [][]string{
		{"confirm", "b1", "m1", "--on", "2025-07-01"},
		{"roles", "b1", "m1", "--roles", "organization_member,group_leader", "--on", "2025-07-02"},
		{"transfer", "b1", "m1", "--to", "b2", "--on", "2025-07-03"},
		{"update", "b2", "m1", "--name", "张三丰"},
		{"leave", "b2", "m1", "--reason", "毕业", "--on", "2025-07-08"},
	}
	for _, st := range steps {
		if code, out, errs := runCmd(t, append(append([]string{"member"}, st...), "--db", dsn)...); code != 0 || !strings.HasPrefix(out, "ok: m1") {
			t.Fatalf("member %v: %d %s %s", st, code, out, errs)
		}
	}
	if code, _, errs := runCmd(t, "member", "confirm", "b2", "m1", "--db", dsn); code != 1 || !strings.Contains(errs, "left on 2025-07-08") {
		t.Fatalf("a change after leaving: %d %s", code, errs)
	}
	code, out, errs := runCmd(t, "member", "history", "b2", "m1", "--db", dsn)
	if code != 0 || strings.Count(out, `"kind"`) != 6 || !strings.Contains(out, `"reason": "毕业"`) {
		t.Fatalf("history: %d %s %s", code, out, errs)
	}
	if code, _, _ := runCmd(t, "member", "fly", "b2", "m1", "--db", dsn); code != 2 {
		t.Fatalf("an unknown subcommand: %d", code)
	}
}
