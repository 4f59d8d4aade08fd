package main

import (
	"strings"
	"testing"

	"github.com/orglife/orglife/storage/storagetest"
)

// TestTodoAndWebhooksEndToEnd: GET /v1/todo lists the branch's duties of the current period with
// due dates; the admin configures a webhook (a bad URL is refused, a branch may not), reads it
// back and sees the reminders list; the secretary's token may not.
func TestTodoAndWebhooksEndToEnd(t *testing.T) {
	dsn := storagetest.DSNs(t)["sqlite"]
	s := matrixTree(t, dsn)
	admin := cliToken(t, dsn, "admin", "")
	branch := cliToken(t, dsn, "branch", "b1")
	todo := s.must(t, 200, "GET", "/v1/todo", branch, nil)
	duties, _ := todo["duties"].([]any)
	found := false
	for _, d := range duties {
		d := d.(obj)
		if d["rule"] == "theme_day_monthly" && d["period"] == "2025-02" && d["status"] == "pending" && d["due"] != nil {
			found = true
		}
		if d["rule"] == "theme_day_monthly" && d["period"] == "2025-01" {
			t.Errorf("January's theme day was done but is listed: %v", d)
		}
	}
	if !found || todo["org_id"] != "b1" {
		t.Errorf("todo lacks February's 主题党日: %v", todo)
	}
	if todo["term_ending"] != nil {
		t.Errorf("a term ending in 2026 is listed: %v", todo["term_ending"])
	}
	s.must(t, 200, "PATCH", "/v1/orgs/b1", admin, obj{"term_started_on": "2022-06-01"})
	term, _ := s.must(t, 200, "GET", "/v1/todo", branch, nil)["term_ending"].(obj)
	if term["ends_on"] != "2025-06-01" || term["days_left"] != float64(109) {
		t.Errorf("term ending: %v", term)
	}
	sec := newBrowser(t, s.base)
	sec.loginAs("shuji1", "correct horse")
	if _, home, _ := sec.get("/"); !strings.Contains(home, "支部委员会任期将于2025年6月1日届满（还有109天）") {
		t.Errorf("the 工作台 lacks the term: %.3000s", home)
	}
	if st, _ := s.call(t, "GET", "/v1/todo?org_id=b2", branch, nil); st != 403 {
		t.Errorf("another branch's todo: %d", st)
	}
	if st, _ := s.call(t, "PUT", "/v1/orgs/b1/webhook", admin, obj{"url": "javascript:alert(1)"}); st != 400 {
		t.Errorf("a bad URL: %d", st)
	}
	if st, _ := s.call(t, "PUT", "/v1/orgs/b1/webhook", branch, obj{"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}); st != 403 {
		t.Errorf("a branch set a webhook: %d", st)
	}
	s.must(t, 200, "PUT", "/v1/orgs/b1/webhook", admin, obj{"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"})
	if w := s.must(t, 200, "GET", "/v1/orgs/b1/webhook", admin, nil); w["url"] != "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k" {
		t.Errorf("webhook read back: %v", w)
	}
	s.must(t, 404, "GET", "/v1/orgs/b2/webhook", admin, nil)
	s.must(t, 200, "GET", "/v1/reminders", admin, nil)
	s.must(t, 403, "GET", "/v1/reminders", branch, nil)
	s.must(t, 204, "DELETE", "/v1/orgs/b1/webhook", admin, nil)
	if code, out, _ := runCmd(t, "webhook", "set", "--db", dsn, "b2", "http://127.0.0.1:9/robot"); code != 0 {
		t.Errorf("webhook set: %d %s", code, out)
	}
	if code, out, _ := runCmd(t, "webhook", "list", "--db", dsn); code != 0 || !contains(out, "http://127.0.0.1:9/robot") {
		t.Errorf("webhook list: %d %s", code, out)
	}
}

// contains is strings.Contains (kept short for the table above).
func contains(s, sub string) bool { return strings.Contains(s, sub) }
