package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/storage/storagetest"
)

func shanghaiLoc(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestPlausibleDatesEndToEnd walks the typos of issue 8 on a real server started with a go-live
// date: a 党课 dated 1025-03-05 or 0001-01-01 is refused naming the field and writes no ledger
// row; a meeting dated in the future can be planned but not recorded; a meeting before the
// go-live date is refused; no violation opens for a period that ended before the go-live date.
func TestPlausibleDatesEndToEnd(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			s := startServer(t, dsn, "--now", "2026-10-15T10:00:00+08:00", "--since", "2026-09-01", "--eval-interval=0")
			admin := s.adminToken(t)
			s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "c", "name": "研究生院党委", "kind": "committee"})
			s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b", "name": "博士生第一党支部", "kind": "branch", "parent_id": "c",
				"established_on": "2015-09-01", "term_started_on": "2024-09-01", "term_years": 3})
			branch := s.must(t, 201, "POST", "/v1/tokens", admin, obj{"name": "书记", "role": "branch", "org_id": "b"})["token"].(string)
			s.must(t, 200, "POST", "/v1/evaluations", admin, obj{})
			before := ledgerState(t, dsn)

			for _, heldOn := range []string{"1025-03-05", "0001-01-01", "2026-08-20"} {
				st, body := s.call(t, "POST", "/v1/instances", branch, obj{"workflow": "meeting", "org_id": "b",
					"data": obj{"type": "lecture", "held_on": heldOn, "topic": "党课：学习党章"}})
				if st != 422 || !strings.Contains(fmt.Sprint(body), "field:held_on") || !strings.Contains(fmt.Sprint(body), "日期：") {
					t.Fatalf("a 党课 on %s: %d %v", heldOn, st, body)
				}
			}
			if after := ledgerState(t, dsn); after != before {
				t.Fatalf("refused records changed the ledger: %s, was %s", after, before)
			}

			future := s.must(t, 201, "POST", "/v1/instances", branch, obj{"workflow": "meeting", "org_id": "b",
				"data": obj{"type": "theme_day", "held_on": "2026-11-05", "topic": "主题党日：参观校史馆"}})
			id := future["id"].(string)
			st, body := s.call(t, "POST", "/v1/instances/"+id+"/events", branch, obj{"event": "record",
				"data": obj{"minutes": strings.Repeat("学习讨论", 10), "expected": 10, "present": 9}})
			if st != 422 || !strings.Contains(fmt.Sprint(body), "尚未到来") {
				t.Fatalf("recording a future meeting: %d %v", st, body)
			}

			since := time.Date(2026, 9, 1, 0, 0, 0, 0, shanghaiLoc(t))
			vs := items(t, s.must(t, 200, "GET", "/v1/violations?org_id=b&limit=500", admin, nil))
			if len(vs) == 0 {
				t.Fatal("no violation at all: the test would prove nothing")
			}
			for _, v := range vs {
				label, _ := v["period"].(string)
				if label == "" {
					continue
				}
				per, err := rules.ParsePeriod(label, shanghaiLoc(t))
				if err != nil {
					t.Fatal(err)
				}
				if per.Start.Before(since) {
					t.Errorf("a violation of %s, which does not lie wholly after the go-live date: %v", label, v["rule"])
				}
			}
		})
	}
}

// TestOrgLifetimeEndToEnd: a branch founded in September is not_applicable for the months and the
// plan before it; a dissolved branch is not_applicable for the months after its dissolution.
func TestOrgLifetimeEndToEnd(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			s := startServer(t, dsn, "--now", "2026-01-20T10:00:00+08:00", "--eval-interval=0")
			admin := s.adminToken(t)
			s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "c", "name": "研究生院党委", "kind": "committee"})
			s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "new", "name": "2025级硕士生党支部", "kind": "branch", "parent_id": "c",
				"established_on": "2025-09-15"})
			s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "old", "name": "2021级博士生党支部", "kind": "branch", "parent_id": "c",
				"established_on": "2021-09-01"})
			if st, _ := s.call(t, "PATCH", "/v1/orgs/old", admin, obj{"dissolved_on": "2021-08-01"}); st != 400 {
				t.Fatalf("dissolved before established: %d", st)
			}
			s.must(t, 200, "PATCH", "/v1/orgs/old", admin, obj{"dissolved_on": "2025-07-10"})
			s.must(t, 200, "POST", "/v1/evaluations", admin, obj{"from": "2025-01-01", "to": "2025-12-31"})
			status := func(org, rule, period string) string {
				rows := items(t, s.must(t, 200, "GET", "/v1/compliance?org_id="+org+"&rule="+rule+"&period="+period, admin, nil))
				if len(rows) != 1 {
					t.Fatalf("%s %s %s: %d rows", org, rule, period, len(rows))
				}
				return rows[0]["status"].(string)
			}
			for _, c := range []struct{ org, rule, period, want string }{
				{"new", "theme_day_monthly", "2025-03", "not_applicable"},
				{"new", "annual_plan_filed", "2025", "not_applicable"},
				{"new", "theme_day_monthly", "2025-10", "overdue"},
				{"old", "theme_day_monthly", "2025-06", "overdue"},
				{"old", "theme_day_monthly", "2025-08", "not_applicable"},
			} {
				if got := status(c.org, c.rule, c.period); got != c.want {
					t.Errorf("%s %s %s: %s, want %s", c.org, c.rule, c.period, got, c.want)
				}
			}
			// The org was evaluated (from the outbox) when it was created, before its dissolution
			// was entered: violations of the later months may have opened then, and must be
			// cleared now.
			s.settle(t)
			for _, v := range items(t, s.must(t, 200, "GET", "/v1/violations?org_id=old&limit=500", admin, nil)) {
				if p, _ := v["period"].(string); p >= "2025-07" && len(p) == 7 && p[5] <= '9' && v["status"] != "resolved" {
					t.Errorf("a violation of %s after the dissolution: %v, %v", p, v["rule"], v["status"])
				}
			}
		})
	}
}

// TestOrgDissolveCommand: `orglife org dissolve` sets and clears an org's dissolution date.
func TestOrgDissolveCommand(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			s := startServer(t, dsn, "--now", "2026-01-20T10:00:00+08:00", "--eval-interval=0")
			admin := s.adminToken(t)
			s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b", "name": "2021级博士生党支部", "kind": "branch", "established_on": "2021-09-01"})
			if code, out, errs := runCmd(t, "org", "dissolve", "b", "--on", "2025-07-10", "--db", dsn); code != 0 || !strings.Contains(out, "dissolved on 2025-07-10") {
				t.Fatalf("dissolve: %d %s %s", code, out, errs)
			}
			if got := s.must(t, 200, "GET", "/v1/orgs/b", admin, nil)["dissolved_on"]; got != "2025-07-10" {
				t.Fatalf("dissolved_on = %v", got)
			}
			if code, _, errs := runCmd(t, "org", "dissolve", "b", "--on", "2020-01-01", "--db", dsn); code != 1 || !strings.Contains(errs, "established_on") {
				t.Fatalf("dissolved before founded: %d %s", code, errs)
			}
			if code, _, _ := runCmd(t, "org", "dissolve", "b", "--db", dsn); code != 2 {
				t.Fatalf("without --on: %d", code)
			}
			if code, out, _ := runCmd(t, "org", "dissolve", "b", "--on", "", "--db", dsn); code != 0 || !strings.Contains(out, "not dissolved") {
				t.Fatalf("undo: %d %s", code, out)
			}
		})
	}
}

// TestLookbackFlag: --lookback sets how far back an evaluation without --from reaches.
func TestLookbackFlag(t *testing.T) {
	dsn := storagetest.DSNs(t)["sqlite"]
	if code, _, errs := runCmd(t, "migrate", "--db", dsn); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := runCmd(t, "check", "--db", dsn, "--now", "2026-03-31T10:00:00+08:00", "--lookback", "30d", "--format", "json")
	if code != 0 || !strings.Contains(out, `"from": "2026-03-01"`) {
		t.Fatalf("check --lookback 30d: %d %.300s %s", code, out, errs)
	}
	if code, _, errs := runCmd(t, "check", "--db", dsn, "--lookback", "a year"); code != 2 || !strings.Contains(errs, "number of days") {
		t.Fatalf("a bad --lookback: %d %s", code, errs)
	}
}
