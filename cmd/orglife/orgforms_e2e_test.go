package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/orglife/orglife/storage/storagetest"
)

// TestOrgFormsEndToEnd: an administrator creates an org, dissolves it and adds a member through
// the forms of 组织与账号; a refused form says why; a supervisor and a form without CSRF are refused.
func TestOrgFormsEndToEnd(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			s := startServer(t, dsn, "--now", pinned, "--eval-interval=0")
			admin := s.adminToken(t)
			s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "c", "name": "研究生院党委", "kind": "committee"})
			s.must(t, 201, "POST", "/v1/users", admin, obj{"username": "boss", "name": "管理员", "role": "admin", "password": "correct horse"})
			s.must(t, 201, "POST", "/v1/users", admin, obj{"username": "zuzhi", "name": "王组织员", "role": "supervisor", "org_id": "c", "password": "correct horse"})
			b := newBrowser(t, s.base)
			b.loginAs("boss", "correct horse")
			_, page, _ := b.get("/admin/orgs")
			token := csrfOf(t, page)
			st, _, h := b.post("/admin/orgs", url.Values{"csrf": {token}, "id": {"b9"}, "name": {"2025级硕士生党支部"}, "kind": {"branch"},
				"parent_id": {"c"}, "established_on": {"2025-09-15"}, "term_years": {"3"}, "term_started_on": {"2025-09-15"}})
			if st != 303 || h.Get("Location") != "/admin/orgs/b9" {
				t.Fatalf("create org: %d %s", st, h.Get("Location"))
			}
			got := s.must(t, 200, "GET", "/v1/orgs/b9", admin, nil)
			if got["parent_id"] != "c" || got["established_on"] != "2025-09-15" || got["term_years"] != float64(3) {
				t.Fatalf("the org: %v", got)
			}
			if st, page, _ := b.post("/admin/orgs", url.Values{"csrf": {token}, "id": {"Bad Id"}, "name": {"x"}, "kind": {"branch"}}); st != 400 && st != 422 || !strings.Contains(page, "未能保存") {
				t.Fatalf("a bad org id: %d", st)
			}
			if st, _, _ := b.post("/admin/orgs/b9", url.Values{"csrf": {token}, "dissolved_on": {"2028-07-10"}}); st != 303 {
				t.Fatalf("dissolve: %d", st)
			}
			if got := s.must(t, 200, "GET", "/v1/orgs/b9", admin, nil); got["dissolved_on"] != "2028-07-10" || got["name"] != "2025级硕士生党支部" {
				t.Fatalf("after the edit: %v", got)
			}
			st, _, _ = b.post("/admin/orgs/b9/members", url.Values{"csrf": {token}, "id": {"2025001"}, "name": {"赵六"}, "status": {"probationary"},
				"roles": {"secretary", "committee"}, "joined_on": {"2024-06-01"}})
			if st != 303 {
				t.Fatalf("add member: %d", st)
			}
			ms := items(t, s.must(t, 200, "GET", "/v1/orgs/b9/members", admin, nil))
			if len(ms) != 1 || ms[0]["name"] != "赵六" || ms[0]["status"] != "probationary" || len(ms[0]["roles"].([]any)) != 2 {
				t.Fatalf("members: %v", ms)
			}
			if st, _, _ := b.post("/admin/orgs", url.Values{"id": {"b10"}, "name": {"x"}, "kind": {"branch"}}); st != 403 {
				t.Fatalf("without CSRF: %d", st)
			}
			sup := newBrowser(t, s.base)
			sup.loginAs("zuzhi", "correct horse")
			_, home, _ := sup.get("/")
			if st, _, _ := sup.post("/admin/orgs", url.Values{"csrf": {csrfOf(t, home)}, "id": {"b11"}, "name": {"x"}, "kind": {"branch"}}); st != 403 {
				t.Fatalf("a supervisor creates an org: %d", st)
			}
		})
	}
}
