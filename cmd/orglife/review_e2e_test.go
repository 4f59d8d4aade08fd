package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/orglife/orglife/storage/storagetest"
)

// webLogin logs a user in through the login form (password "correct horse") and returns the
// session's CSRF token.
func webLogin(t *testing.T, b *browser, user string) string {
	t.Helper()
	_, page, _ := b.get("/login")
	if st, _, _ := b.post("/login", url.Values{"csrf": {csrfOf(t, page)}, "username": {user}, "password": {"correct horse"}}); st != 303 {
		t.Fatalf("login %s: %d", user, st)
	}
	_, page, _ = b.get("/")
	return csrfOf(t, page)
}

// TestReviewPagesScope: 审核 is the supervisors'; a secretary gets 无权访问, and a forged bulk
// decision reports every finding as 无权办理 and changes none; a bulk post without the CSRF token
// is refused; the 工作手册 opens only in the user's subtree (own branch for a secretary); a bulk
// waiver without its reason decides nothing.
func TestReviewPagesScope(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			s := startServer(t, dsn, "--now", "2025-02-12T10:00:00+08:00", "--eval-interval=0")
			admin := s.adminToken(t)
			s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "c", "name": "研究生院党委", "kind": "committee"})
			s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "c2", "name": "医学院党委", "kind": "committee"})
			s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b", "name": "博士生第一党支部", "kind": "branch", "parent_id": "c"})
			s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "x", "name": "临床第一党支部", "kind": "branch", "parent_id": "c2"})
			for _, u := range []obj{
				{"username": "shuji", "name": "李书记", "role": "branch", "org_id": "b"},
				{"username": "zuzhi", "name": "王组织员", "role": "supervisor", "org_id": "c"},
			} {
				u["password"] = "correct horse"
				s.must(t, 201, "POST", "/v1/users", admin, u)
			}
			s.must(t, 200, "POST", "/v1/evaluations", admin, obj{"from": "2025-01-01", "to": "2025-01-31"})
			open := items(t, s.must(t, 200, "GET", "/v1/violations?status=open&org_id=b", admin, nil))
			if len(open) == 0 {
				t.Fatal("no open findings for branch b")
			}
			id := open[0]["id"].(string)

			sec := newBrowser(t, s.base)
			csrf := webLogin(t, sec, "shuji")
			if st, page, _ := sec.get("/review"); st != 403 || !strings.Contains(page, "无权访问") {
				t.Fatalf("a secretary opens 审核: %d", st)
			}
			if st, page, _ := sec.post("/violations/bulk", url.Values{"csrf": {csrf}, "scope": {"checked"}, "id": {id}, "decision": {"acknowledge"}}); st != 200 || !strings.Contains(page, "无权办理") {
				t.Fatalf("a secretary's bulk decision: %d %.2000s", st, page)
			}
			if st, _, _ := sec.get("/handbook/x?year=2025"); st != 403 {
				t.Fatalf("a secretary opens another branch's handbook: %d", st)
			}
			if st, page, _ := sec.get("/handbook/b?year=2025"); st != 200 || !strings.Contains(page, "党支部工作手册") {
				t.Fatalf("the secretary's own handbook: %d", st)
			}
			if st, _, h := sec.get("/handbook"); st != 303 || h.Get("Location") != "/handbook/b?year=2025" {
				t.Fatalf("/handbook: %d %s", st, h.Get("Location"))
			}

			sup := newBrowser(t, s.base)
			csrf = webLogin(t, sup, "zuzhi")
			if st, _, _ := sup.post("/violations/bulk", url.Values{"scope": {"all"}, "decision": {"acknowledge"}, "filter": {"status=open"}}); st != 403 {
				t.Fatalf("a bulk post without CSRF token: %d", st)
			}
			if st, page, _ := sup.post("/violations/bulk", url.Values{"csrf": {csrf}, "scope": {"all"}, "decision": {"waive"}, "filter": {"status=open"}}); st != 422 || !strings.Contains(page, "豁免理由") {
				t.Fatalf("a bulk waiver without reason: %d", st)
			}
			if st, _, _ := sup.get("/handbook/x?year=2025"); st != 403 {
				t.Fatalf("a supervisor opens a handbook outside its subtree: %d", st)
			}
			if st, page, _ := sup.get("/review"); st != 200 || !strings.Contains(page, "没有待审核的记录") {
				t.Fatalf("an empty 审核: %d", st)
			}
			if st, _, _ := sup.get("/review?queue=nothing.here"); st != 404 {
				t.Fatalf("an unknown queue: %d", st)
			}
			if n := countViolations(t, s, admin, "open"); n != len(items(t, s.must(t, 200, "GET", "/v1/violations?status=open&org_id=c&limit=500", admin, nil))) || n == 0 {
				t.Fatalf("open findings changed: %d", n)
			}
			if n := countViolations(t, s, admin, "acknowledged"); n != 0 {
				t.Fatalf("%d findings acknowledged by refused posts", n)
			}
		})
	}
}
