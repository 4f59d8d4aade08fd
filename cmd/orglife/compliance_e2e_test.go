package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife/storage/storagetest"
)

// TestComplianceEndToEnd is the acceptance walk of compliance (spec §3, §5, §6) on each test
// database: an overdue month, a backfill that turns it late with no explicit evaluation, a
// waiver that expires across a restart, and orglife check on the same database.
func TestComplianceEndToEnd(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) { complianceEndToEnd(t, dsn) })
	}
}

// ledger returns the persisted theme_day_monthly rows of org b keyed by period.
func themeRows(t *testing.T, s *testServer, token, query string) map[string]obj {
	t.Helper()
	s.settle(t)
	out := map[string]obj{}
	for _, r := range items(t, s.must(t, 200, "GET", "/v1/compliance?rule=theme_day_monthly&org_id=b&limit=500"+query, token, nil)) {
		if r["rule"] != "theme_day_monthly" || r["org_id"] != "b" {
			t.Fatalf("filters let through %v %v", r["rule"], r["org_id"])
		}
		out[fmt.Sprint(r["period"])] = r
	}
	return out
}

// themeViolations returns the theme_day_monthly violations of b in 2025-01 keyed by kind/check.
func themeViolations(t *testing.T, s *testServer, token string) map[string]obj {
	t.Helper()
	s.settle(t)
	out := map[string]obj{}
	for _, v := range items(t, s.must(t, 200, "GET", "/v1/violations?org_id=b&rule=theme_day_monthly&period=2025-01", token, nil)) {
		key := fmt.Sprint(v["kind"])
		if c, _ := v["check"].(string); c != "" {
			key += "/" + c
		}
		if _, dup := out[key]; dup {
			t.Fatalf("two %s violations", key)
		}
		out[key] = v
	}
	return out
}

func historySteps(t *testing.T, v obj) string {
	t.Helper()
	hist, ok := v["history"].([]any)
	if !ok {
		t.Fatalf("violation without history: %v", v)
	}
	var s []string
	for _, h := range hist {
		h := h.(obj)
		if h["actor"] == "" || h["at"] == "" {
			t.Fatalf("history entry without actor or time: %v", h)
		}
		s = append(s, fmt.Sprintf("%v>%v", h["from"], h["to"]))
	}
	return strings.Join(s, " ")
}

func complianceEndToEnd(t *testing.T, dsn string) {
	const noSchedule = "--eval-interval=0" // evaluations in this test are explicit or after events
	decMinutes := "学习《中国共产党章程》第一章，全体党员逐一发言，结合科研工作谈体会，支部书记作总结并布置下月学习任务。"
	janMinutes := "参观校史馆，重温入党誓词；讨论如何在实验室安全管理中发挥党员先锋模范作用，形成三条改进措施并明确责任人。"

	// December 2024: the tree, the tokens, and the December theme day recorded on time.
	s := startServer(t, dsn, "--now", "2024-12-20T10:00:00+08:00", noSchedule)
	admin := s.adminToken(t)
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "c", "name": "研究生院党委", "kind": "committee"})
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b", "name": "博士生第一党支部", "kind": "branch", "parent_id": "c"})
	token := func(role, org string) string {
		return s.must(t, 201, "POST", "/v1/tokens", admin, obj{"name": role + "-" + org, "role": role, "org_id": org})["token"].(string)
	}
	branch, sup := token("branch", "b"), token("supervisor", "c")
	themeDay := func(s *testServer, heldOn, minutes string) string {
		t.Helper()
		m := s.must(t, 201, "POST", "/v1/instances", branch, obj{"workflow": "meeting", "org_id": "b",
			"data": obj{"type": "theme_day", "held_on": heldOn, "topic": "主题党日"}})
		id := m["id"].(string)
		rec := s.must(t, 200, "POST", "/v1/instances/"+id+"/events", branch, obj{"event": "record",
			"data": obj{"minutes": minutes, "expected": 12, "present": 12}})
		if rec["state"] != "recorded" {
			t.Fatalf("record: %v", rec)
		}
		return id
	}
	themeDay(s, "2024-12-18", decMinutes)
	s.stop()

	// 2025-02-12: January had no theme day; an evaluation finds it overdue.
	s = startServer(t, dsn, "--now", "2025-02-12T10:00:00+08:00", noSchedule)
	res := s.must(t, 200, "POST", "/v1/evaluations", admin, obj{"from": "2024-12-01", "to": "2025-01-31"})
	if res["opened"].(float64) < 1 || res["rows"].(float64) < 2 {
		t.Fatalf("evaluation: %v", res)
	}
	s.must(t, 403, "POST", "/v1/evaluations", sup, obj{})
	rows := themeRows(t, s, branch, "")
	if rows["2024-12"]["status"] != "compliant" || rows["2025-01"]["status"] != "overdue" {
		t.Fatalf("ledger: 2024-12 %v, 2025-01 %v", rows["2024-12"]["status"], rows["2025-01"]["status"])
	}
	if due := rows["2025-01"]["due"]; due != "2025-02-10T16:00:00Z" && due != "2025-02-11T00:00:00+08:00" {
		t.Fatalf("2025-01 due %v, want 2025-02-11T00:00+08:00", due)
	}
	if ex, _ := rows["2025-01"]["explanation"].(obj); ex == nil || ex["text"] == "" {
		t.Fatalf("row without explanation: %v", rows["2025-01"])
	}
	vs := themeViolations(t, s, sup)
	over := vs["overdue"]
	if len(vs) != 1 || over == nil || over["status"] != "open" || over["severity"] != "major" {
		t.Fatalf("violations after the evaluation: %v", vs)
	}
	overID := over["id"].(string)
	if dec := items(t, s.must(t, 200, "GET", "/v1/violations?org_id=b&rule=theme_day_monthly&period=2024-12", sup, nil)); len(dec) != 0 {
		t.Fatalf("violations for the compliant December: %v", dec)
	}
	s.stop()

	// 2025-02-20: the January theme day is backfilled; the ledger follows the transition.
	s = startServer(t, dsn, "--now", "2025-02-20T10:00:00+08:00", noSchedule)
	jan := themeDay(s, "2025-01-25", janMinutes)
	deadline := time.Now().Add(time.Second) // spec §3: within a second of the transition
	for themeRows(t, s, sup, "&period=2025-01")["2025-01"]["status"] != "late" {
		if time.Now().After(deadline) {
			t.Fatalf("2025-01 after the backfill: %v", themeRows(t, s, sup, "&period=2025-01")["2025-01"])
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Evidence: the records the rule read (January's, and all earlier ones for copied minutes).
	if ev, _ := themeRows(t, s, sup, "&period=2025-01")["2025-01"]["evidence"].([]any); !slices.Contains(ev, any(jan)) {
		t.Fatalf("evidence %v lacks %s", ev, jan)
	}
	over = s.must(t, 200, "GET", "/v1/violations/"+overID, sup, nil)
	if over["status"] != "resolved" || over["resolution"] != "cleared" || historySteps(t, over) != ">open open>resolved" {
		t.Fatalf("overdue violation after the backfill: %v %v %s", over["status"], over["resolution"], historySteps(t, over))
	}
	vs = themeViolations(t, s, sup)
	late := vs["late"]
	if late == nil || late["status"] != "open" {
		t.Fatalf("no open late violation: %v", vs)
	}
	lateID := late["id"].(string)
	if v := vs["shallow/recorded_late"]; v == nil || v["status"] != "open" {
		t.Fatalf("recorded 18 working days late, no recorded_late finding: %v", vs)
	}

	// The supervisor waives the late violation until 2025-02-25; the branch may not.
	waiver := obj{"reason": "支部书记出国交流，已书面说明", "expires_at": "2025-02-25T00:00:00+08:00"}
	s.must(t, 403, "POST", "/v1/violations/"+lateID+"/waive", branch, waiver)
	if _, b := s.call(t, "POST", "/v1/violations/"+lateID+"/waive", sup, obj{"expires_at": "2025-02-25T00:00:00+08:00"}); errCode(b) != "unprocessable" {
		t.Fatalf("waiver without reason: %v", b)
	}
	w := s.must(t, 200, "POST", "/v1/violations/"+lateID+"/waive", sup, waiver)
	if wv, _ := w["waiver"].(obj); w["status"] != "waived" || wv == nil || wv["reason"] != waiver["reason"] {
		t.Fatalf("waive: %v", w)
	}
	// Before expiry an evaluation keeps it waived.
	s.must(t, 200, "POST", "/v1/evaluations", admin, obj{"from": "2025-01-01", "to": "2025-01-31"})
	if v := s.must(t, 200, "GET", "/v1/violations/"+lateID, branch, nil); v["status"] != "waived" {
		t.Fatalf("before expiry: %v", v["status"])
	}
	s.stop()

	// 2025-03-01: the waiver has expired; the next evaluation reopens the violation.
	s = startServer(t, dsn, "--now", "2025-03-01T10:00:00+08:00", noSchedule)
	res = s.must(t, 200, "POST", "/v1/evaluations", admin, obj{"from": "2025-01-01", "to": "2025-01-31"})
	if res["reopened"].(float64) < 1 {
		t.Fatalf("evaluation after expiry: %v", res)
	}
	v := s.must(t, 200, "GET", "/v1/violations/"+lateID, sup, nil)
	if v["status"] != "open" || historySteps(t, v) != ">open open>waived waived>open" {
		t.Fatalf("after expiry: %v %s", v["status"], historySteps(t, v))
	}
	if rows := themeRows(t, s, branch, "&status=late"); len(rows) != 1 || rows["2025-01"] == nil {
		t.Fatalf("late rows: %v", rows)
	}
	// As of 2025-02-12 (computed, not persisted) January was overdue.
	asOf := url.QueryEscape("2025-02-12T12:00:00+08:00")
	if r := themeRows(t, s, sup, "&period=2025-01&as_of="+asOf)["2025-01"]; r["status"] != "overdue" {
		t.Fatalf("as of 2025-02-12: %v", r["status"])
	}
	if r := themeRows(t, s, sup, "&period=2025-01")["2025-01"]; r["status"] != "late" {
		t.Fatalf("persisted after an as-of read: %v", r["status"])
	}
	s.stop()

	// orglife check on the same database, as of 2025-02-12: January is overdue again.
	check := []string{"check", "--db", dsn, "--as-of", "2025-02-12", "--from", "2025-01-01", "--to", "2025-01-31", "--org", "b", "--fail-on", "major"}
	code, out, errs := runCmd(t, check...)
	if code != 1 || !strings.Contains(out, "theme_day_monthly") || !(strings.Contains(out, "overdue") || strings.Contains(out, "late")) {
		t.Fatalf("check: exit %d, want 1 with a table naming overdue or late\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "STATUS") || !strings.Contains(errs, "at or above major") {
		t.Fatalf("check output:\n%s%s", out, errs)
	}
	code, out, errs = runCmd(t, append(check, "--format", "json")...)
	var report struct {
		Result map[string]any `json:"result"`
		Rows   []obj          `json:"rows"`
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil || code != 1 {
		t.Fatalf("check --format json: exit %d, %v\n%s%s", code, err, out, errs)
	}
	found := false
	for _, r := range report.Rows {
		if r["org_id"] != "b" {
			t.Fatalf("row of %v with --org b", r["org_id"])
		}
		if r["rule"] == "theme_day_monthly" && r["period"] == "2025-01" {
			found = true
			if r["status"] != "overdue" {
				t.Fatalf("check as of 2025-02-12: 2025-01 is %v, want overdue", r["status"])
			}
		}
	}
	if !found || report.Result["as_of"] == nil {
		t.Fatalf("check json: %v", report)
	}
}
