package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/orglife/orglife/storage/storagetest"
)

// TestMemberFormsEndToEnd: in 组织与账号 an administrator confirms, appoints, transfers and
// removes a member and reads their history; a refused form says why; the branch page shows the
// posts.
func TestMemberFormsEndToEnd(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			s := startServer(t, dsn, "--now", "2025-07-10T10:00:00+08:00", "--eval-interval=0")
			admin := s.adminToken(t)
			s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "c", "name": "研究生院党委", "kind": "committee"})
			s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b1", "name": "硕士生第一党支部", "kind": "branch", "parent_id": "c"})
			s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b2", "name": "博士生第二党支部", "kind": "branch", "parent_id": "c"})
			s.must(t, 201, "POST", "/v1/users", admin, obj{"username": "boss", "name": "管理员", "role": "admin", "password": "correct horse"})
			s.must(t, 201, "POST", "/v1/orgs/b1/members", admin, obj{"id": "m1", "name": "张三", "status": "probationary"})
			b := newBrowser(t, s.base)
			b.loginAs("boss", "correct horse")
			_, org, _ := b.get("/admin/orgs/b1")
			if !strings.Contains(org, `href="/admin/orgs/b1/members/m1"`) {
				t.Fatalf("the org page has no link to the member: %.2000s", org)
			}
			_, page, _ := b.get("/admin/orgs/b1/members/m1")
			token := csrfOf(t, page)
			for _, want := range []string{"确认转正", "组织关系转接", "变动记录", "转入/入册"} {
				if !strings.Contains(page, want) {
					t.Fatalf("member page without %s", want)
				}
			}
			post := func(path string, form url.Values) (int, string, string) {
				t.Helper()
				form.Set("csrf", token)
				st, body, h := b.post(path, form)
				return st, body, h.Get("Location")
			}
			if st, _, loc := post("/admin/orgs/b1/members/m1", url.Values{"action": {"confirm"}, "on": {"2025-07-01"}}); st != 303 || loc != "/admin/orgs/b1/members/m1" {
				t.Fatalf("confirm: %d %s", st, loc)
			}
			if st, _, _ := post("/admin/orgs/b1/members/m1", url.Values{"action": {"roles"}, "roles": {"secretary", "publicity_member"}, "on": {"2025-07-02"}}); st != 303 {
				t.Fatalf("roles: %d", st)
			}
			_, branch, _ := b.get("/branches/b1")
			if !strings.Contains(branch, "张三（书记、宣传委员）") {
				t.Fatalf("the branch page does not show the posts: %.3000s", branch)
			}
			if st, _, loc := post("/admin/orgs/b1/members/m1", url.Values{"action": {"transfer"}, "to_org_id": {"b2"}, "on": {"2025-07-05"}, "reason": {"转入博士生支部"}}); st != 303 || loc != "/admin/orgs/b2/members/m1" {
				t.Fatalf("transfer: %d %s", st, loc)
			}
			if st, body, _ := post("/admin/orgs/b2/members/m1", url.Values{"action": {"leave"}, "on": {"2025-07-08"}}); st != 422 || !strings.Contains(body, "未能保存") {
				t.Fatalf("leave without a reason: %d", st)
			}
			if st, _, _ := post("/admin/orgs/b2/members/m1", url.Values{"action": {"leave"}, "on": {"2025-07-08"}, "reason": {"毕业"}}); st != 303 {
				t.Fatalf("leave: %d", st)
			}
			if st, _, _ := b.post("/admin/orgs/b2/members/m1", url.Values{"action": {"leave"}, "reason": {"x"}}); st != 403 {
				t.Fatalf("without CSRF: %d", st)
			}
			_, page, _ = b.get("/admin/orgs/b2/members/m1")
			for _, want := range []string{"离开日期", "毕业", "硕士生第一党支部 → 博士生第二党支部", "转正", "职务变动", "书记、宣传委员"} {
				if !strings.Contains(page, want) {
					t.Fatalf("history page without %q: %.4000s", want, page)
				}
			}
			if strings.Contains(page, "确认转正") || strings.Contains(page, `id="leave-member"`) {
				t.Fatal("a member who left still has the change forms")
			}
			if ms := items(t, s.must(t, 200, "GET", "/v1/orgs/b2/members", admin, nil)); len(ms) != 0 {
				t.Fatalf("b2's roster after the leave: %v", ms)
			}
		})
	}
}
