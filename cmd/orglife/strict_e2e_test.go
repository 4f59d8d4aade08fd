package main

import (
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/orglife/orglife/storage/storagetest"
)

// TestStrictQueriesEndToEnd: on a real server and each test database, a period label that is not
// one (2025-13, 2025年3月) answers 400 naming period; a date-only waiver expiry works; one beyond
// the maximum answers 422 naming expires_at, with the default maximum (366 days) and with
// --max-waiver-days.
func TestStrictQueriesEndToEnd(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) { strictQueriesEndToEnd(t, dsn) })
	}
}

func strictQueriesEndToEnd(t *testing.T, dsn string) {
	s := startServer(t, dsn, "--now", "2025-02-12T10:00:00+08:00", "--eval-interval=0")
	admin := s.adminToken(t)
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "c", "name": "研究生院党委", "kind": "committee"})
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b", "name": "博士生第一党支部", "kind": "branch", "parent_id": "c"})
	sup := s.must(t, 201, "POST", "/v1/tokens", admin, obj{"name": "组织员", "role": "supervisor", "org_id": "c"})["token"].(string)
	s.must(t, 200, "POST", "/v1/evaluations", admin, obj{"from": "2025-01-01", "to": "2025-01-31"})

	for _, path := range []string{"/v1/compliance", "/v1/violations", "/v1/compliance/summary?org_id=c"} {
		for _, period := range []string{"2025-13", "2025年3月"} {
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			p := path + sep + "period=" + url.QueryEscape(period)
			st, b := s.call(t, "GET", p, sup, nil)
			e, _ := b["error"].(obj)
			msg, _ := e["message"].(string)
			ds, _ := e["details"].([]any)
			if st != 400 || errCode(b) != "invalid" || len(ds) != 1 || ds[0].(obj)["field"] != "period" ||
				!strings.HasPrefix(msg, "period must be a period label such as 2025-03, 2025-Q1, 2025-H1 or 2025") {
				t.Errorf("GET %s: %d %v", p, st, b)
			}
		}
	}
	vs := items(t, s.must(t, 200, "GET", "/v1/violations?org_id=b&rule=theme_day_monthly&period=2025-01&kind=overdue", sup, nil))
	if len(vs) != 1 {
		t.Fatalf("overdue violations of 2025-01: %v", vs)
	}
	id := vs[0]["id"].(string)
	waive := func(s *testServer, expiresAt string) (int, obj) {
		return s.call(t, "POST", "/v1/violations/"+id+"/waive", sup, obj{"reason": "支部书记出国交流，已书面说明", "expires_at": expiresAt})
	}
	beyond := func(s *testServer, expiresAt, days string) {
		t.Helper()
		st, b := waive(s, expiresAt)
		e, _ := b["error"].(obj)
		ds, _ := e["details"].([]any)
		if st != 422 || len(ds) != 1 || ds[0].(obj)["field"] != "expires_at" || !strings.Contains(e["message"].(string), "at most "+days+" days") {
			t.Fatalf("expires_at %s beyond %s days: %d %v", expiresAt, days, st, b)
		}
	}
	beyond(s, "2026-02-14", "366") // 367 days after 2025-02-12
	beyond(s, "2099-01-01T00:00:00Z", "366")
	s.stop()

	s = startServer(t, dsn, "--now", "2025-02-12T10:00:00+08:00", "--eval-interval=0", "--max-waiver-days", "30")
	beyond(s, "2025-03-31", "30")
	st, b := waive(s, "2025-03-14") // a date: the waiver runs through that day, Asia/Shanghai
	w, _ := b["waiver"].(obj)
	if st != 200 || b["status"] != "waived" || w["expires_at"] != "2025-03-14T16:00:00Z" {
		t.Fatalf("date-only expires_at: %d %v", st, b)
	}
}

// TestMaxWaiverDaysFlag: --max-waiver-days defaults to 366, takes ORGLIFE_MAX_WAIVER_DAYS, and
// refuses a value below 1.
func TestMaxWaiverDaysFlag(t *testing.T) {
	for _, tc := range []struct {
		env  string
		args []string
		want int
	}{{"", nil, 366}, {"30", nil, 30}, {"30", []string{"--max-waiver-days", "90"}, 90}} {
		e := testEnv(io.Discard, io.Discard)
		e.getenv = func(k string) string {
			if k == "ORGLIFE_MAX_WAIVER_DAYS" {
				return tc.env
			}
			return ""
		}
		var c cli
		k, err := newParser(&c, e)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := k.Parse(append([]string{"serve"}, tc.args...)); err != nil || c.Serve.MaxWaiverDays != tc.want {
			t.Errorf("env %q args %v: %d %v, want %d", tc.env, tc.args, c.Serve.MaxWaiverDays, err, tc.want)
		}
	}
	if code, _, errs := runCmd(t, "serve", "--db", "sqlite:"+t.TempDir()+"/x.db", "--max-waiver-days", "0"); code != 2 || !strings.Contains(errs, "--max-waiver-days") {
		t.Fatalf("--max-waiver-days 0: exit %d, %s", code, errs)
	}
}
