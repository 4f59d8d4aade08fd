package main

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/orglife/orglife/storage/storagetest"
)

// postMultipart posts form fields and files (name → content, under the field "upload") as
// multipart/form-data, like the rule editor's form.
func (b *browser) postMultipart(path string, form url.Values, files map[string]string) (int, string, http.Header) {
	b.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	for name, content := range files {
		fw, err := w.CreateFormFile("upload", name)
		if err != nil {
			b.t.Fatal(err)
		}
		_, _ = io.WriteString(fw, content)
	}
	_ = w.Close()
	resp, err := b.client.Post(b.base+path, w.FormDataContentType(), &buf)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

// loginBrowser logs a user in through the login form and returns the browser.
func loginBrowser(t *testing.T, s *testServer, username, password string) *browser {
	t.Helper()
	b := newBrowser(t, s.base)
	_, page, _ := b.get("/login")
	if st, _, _ := b.post("/login", url.Values{"csrf": {csrfOf(t, page)}, "username": {username}, "password": {password}}); st != 303 {
		t.Fatalf("login %s: %d", username, st)
	}
	return b
}

// activeRuleFiles returns the files of the active rule set, through the API.
func activeRuleFiles(t *testing.T, s *testServer, admin string) (string, map[string]string) {
	t.Helper()
	v := ruleVersion(t, s, admin)
	files := map[string]string{}
	for name, c := range s.must(t, 200, "GET", "/v1/rules/versions/"+v, admin, nil)["files"].(obj) {
		files[name] = c.(string)
	}
	return v, files
}

// ruleForm is the edit form with the given files as textareas.
func ruleForm(csrf, action string, files map[string]string, extra ...string) url.Values {
	f := url.Values{"csrf": {csrf}, "action": {action}}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		f.Add("name", n)
		f.Add("content", files[n])
	}
	for i := 0; i+1 < len(extra); i += 2 {
		f.Set(extra[i], extra[i+1])
	}
	return f
}

// lineOf returns the 1-based line of the first line of text containing sub.
func lineOf(t *testing.T, text, sub string) int {
	t.Helper()
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, sub) {
			return i + 1
		}
	}
	t.Fatalf("no line contains %q", sub)
	return 0
}

// TestRulesPages: an admin sees the active rules and versions, validates a broken rule file and
// sees each problem at its file:line:column with the line, previews a change (status and due
// changes), activates it, is asked to confirm a change that removes rules, and rolls back; a
// supervisor reads /rules but may not edit, activate or roll back; a branch secretary may not
// open them; every POST without the CSRF token is refused.
func TestRulesPages(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			s := startServer(t, dsn, "--now", pinned, "--eval-interval=0")
			admin := s.adminToken(t)
			s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "p", "name": "研究生党委", "kind": "committee"})
			s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b", "name": "博士生第一党支部", "kind": "branch", "parent_id": "p"})
			s.must(t, 201, "POST", "/v1/users", admin, obj{"username": "guanli", "name": "王管理", "role": "admin", "password": "correct horse"})
			s.must(t, 201, "POST", "/v1/users", admin, obj{"username": "zuzhi", "name": "赵组织员", "role": "supervisor", "org_id": "p", "password": "correct horse"})
			s.must(t, 201, "POST", "/v1/users", admin, obj{"username": "shuji", "name": "李书记", "role": "branch", "org_id": "b", "password": "correct horse"})
			s.must(t, 200, "POST", "/v1/evaluations", admin, obj{})
			original, files := activeRuleFiles(t, s, admin)

			a := loginBrowser(t, s, "guanli", "correct horse")
			st, page, _ := a.get("/rules")
			if st != 200 || !strings.Contains(page, "每月开展一次主题党日") || !strings.Contains(page, "每月") || !strings.Contains(page, "每季度") ||
				!strings.Contains(page, "期满后 10 天内") || !strings.Contains(page, "刚性") || !strings.Contains(page, original) || !strings.Contains(page, "pack") {
				t.Fatalf("/rules for the admin: %d %.3000s", st, page)
			}
			st, page, _ = a.get("/rules/edit")
			if st != 200 || !strings.Contains(page, `name="content"`) || !strings.Contains(page, "meetings.yaml") || !strings.Contains(page, "校验") {
				t.Fatalf("/rules/edit: %d %.2000s", st, page)
			}
			csrf := csrfOf(t, page)

			// a broken file: every problem at file:line:column under its textarea, with the line
			broken := maps(files)
			broken["meetings.yaml"] = strings.Replace(files["meetings.yaml"], "every: month", "every: fortnight", 1)
			line := lineOf(t, broken["meetings.yaml"], "every: fortnight")
			st, page, _ = a.post("/rules/edit", ruleForm(csrf, "validate", broken))
			if st != 422 || !strings.Contains(page, fmt.Sprintf("meetings.yaml:%d:", line)) || !strings.Contains(page, "fortnight") ||
				!strings.Contains(page, fmt.Sprintf(`<span class="ln">%d</span><mark>    every: fortnight</mark>`, line)) || !strings.Contains(page, "尚未保存") {
				t.Fatalf("validate a broken file: %d %.4000s", st, page)
			}
			if ruleVersion(t, s, admin) != original {
				t.Fatal("validating changed the rules")
			}
			// the same through an upload (multipart), replacing the textarea of that name
			st, page, _ = a.postMultipart("/rules/edit", ruleForm(csrf, "validate", files), map[string]string{"meetings.yaml": broken["meetings.yaml"]})
			if st != 422 || !strings.Contains(page, fmt.Sprintf("meetings.yaml:%d:", line)) {
				t.Fatalf("validate an uploaded broken file: %d %.3000s", st, page)
			}
			// a valid candidate: a longer grace for the theme day
			changed := maps(files)
			changed["meetings.yaml"] = strings.Replace(files["meetings.yaml"], "grace: 10d", "grace: 1d", 1)
			st, page, _ = a.post("/rules/edit", ruleForm(csrf, "validate", changed))
			if st != 200 || !strings.Contains(page, "校验通过") {
				t.Fatalf("validate a valid change: %d %.3000s", st, page)
			}
			st, page, _ = a.post("/rules/edit", ruleForm(csrf, "preview", changed, "from", "2025-01-01", "to", "2025-01-31"))
			if st != 200 || !strings.Contains(page, "预览结果") || !strings.Contains(page, "期限变化") || !strings.Contains(page, "每月开展一次主题党日") ||
				!strings.Contains(page, "2025年1月") || !strings.Contains(page, "2025-02-10 24:00") || !strings.Contains(page, "2025-02-01 24:00") ||
				!strings.Contains(page, `<span class="status pending">未到期</span></td><td><span class="status overdue">逾期未办</span>`) || !strings.Contains(page, "将新增的问题（1）") || !strings.Contains(page, "<td>博士生第一党支部</td>") {
				t.Fatalf("preview: %d %.6000s", st, after(page, "预览结果"))
			}
			if ruleVersion(t, s, admin) != original {
				t.Fatal("a preview changed the rules")
			}
			st, _, h := a.post("/rules/edit", ruleForm(csrf, "activate", changed, "note", "主题党日宽限1天"))
			if st != 303 || !strings.HasPrefix(h.Get("Location"), "/rules?notice=activated") {
				t.Fatalf("activate: %d %v", st, h)
			}
			second := ruleVersion(t, s, admin)
			if second == original {
				t.Fatal("activation did not change the rules")
			}
			if _, page, _ = a.get(h.Get("Location")); !strings.Contains(page, "新规则已启用") || !strings.Contains(page, "主题党日宽限1天") {
				t.Fatalf("after activation: %.3000s", page)
			}

			// dropping a file removes its rules: refused with the list until confirmed
			partial := maps(changed)
			partial["term.yaml"] = ""
			st, page, _ = a.post("/rules/edit", ruleForm(csrf, "activate", partial))
			if st != 409 || !strings.Contains(page, "将被删除") || !strings.Contains(page, "term_renewed") || !strings.Contains(page, `value="activate_removal"`) {
				t.Fatalf("activate a removal: %d %.4000s", st, page)
			}
			// the confirm button without the checkbox is refused again
			if st, _, _ = a.post("/rules/edit", ruleForm(csrf, "activate_removal", partial)); st != 409 {
				t.Fatalf("a removal without the confirmation: %d", st)
			}
			if ruleVersion(t, s, admin) != second {
				t.Fatal("a refused removal changed the rules")
			}
			st, _, _ = a.post("/rules/edit", ruleForm(csrf, "activate_removal", partial, "allow_removal", "true"))
			third := ruleVersion(t, s, admin)
			if st != 303 || third == second {
				t.Fatalf("a confirmed removal: %d", st)
			}
			if _, page, _ = a.get("/rules"); strings.Contains(page, "term_renewed") {
				t.Fatal("the removed rule is still listed")
			}

			// rollback to the pack's version
			if st, _, _ = a.post("/rules/versions/"+original+"/activate", url.Values{"csrf": {csrf}, "note": {"回滚到原规则"}}); st != 303 {
				t.Fatalf("rollback: %d", st)
			}
			if ruleVersion(t, s, admin) != original {
				t.Fatal("rollback did not restore the pack's rules")
			}
			if st, page, _ = a.post("/rules/versions/000000000000/activate", url.Values{"csrf": {csrf}}); st != 404 || !strings.Contains(page, "未能回滚") {
				t.Fatalf("rollback to an unknown version: %d", st)
			}

			// no CSRF token: refused, nothing changes
			for _, path := range []string{"/rules/edit", "/rules/versions/" + second + "/activate"} {
				f := ruleForm("", "activate", changed)
				f.Del("csrf")
				if st, _, _ := a.post(path, f); st != 403 {
					t.Fatalf("POST %s without CSRF: %d", path, st)
				}
				f.Set("csrf", "wrong")
				if st, _, _ := a.post(path, f); st != 403 {
					t.Fatalf("POST %s with a wrong CSRF: %d", path, st)
				}
			}
			if ruleVersion(t, s, admin) != original {
				t.Fatal("a POST without CSRF changed the rules")
			}

			// a supervisor reads, but may not edit
			sup := loginBrowser(t, s, "zuzhi", "correct horse")
			st, page, _ = sup.get("/rules")
			if st != 200 || !strings.Contains(page, "每月开展一次主题党日") || strings.Contains(page, `href="/rules/edit"`) || strings.Contains(page, "回滚") {
				t.Fatalf("/rules for a supervisor: %d %.2000s", st, page)
			}
			supCSRF := csrfOf(t, page)
			if st, page, _ = sup.get("/rules/edit"); st != 403 || !strings.Contains(page, "无权访问") {
				t.Fatalf("/rules/edit for a supervisor: %d", st)
			}
			if st, page, _ = sup.post("/rules/edit", ruleForm(supCSRF, "activate", changed)); st != 403 || !strings.Contains(page, "无权访问") {
				t.Fatalf("activate by a supervisor: %d", st)
			}
			if st, _, _ = sup.post("/rules/versions/"+second+"/activate", url.Values{"csrf": {supCSRF}}); st != 403 {
				t.Fatalf("rollback by a supervisor: %d", st)
			}
			if ruleVersion(t, s, admin) != original {
				t.Fatal("a supervisor changed the rules")
			}
			// a branch secretary may not open them, and has no menu entry
			br := loginBrowser(t, s, "shuji", "correct horse")
			if _, home, _ := br.get("/"); strings.Contains(home, `href="/rules"`) {
				t.Fatal("a secretary's menu links 规则")
			}
			for _, path := range []string{"/rules", "/rules/edit"} {
				if st, page, _ := br.get(path); st != 403 || !strings.Contains(page, "无权访问") {
					t.Fatalf("%s for a secretary: %d", path, st)
				}
			}
		})
	}
}

// maps copies a file map.
func maps(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// after returns page from the first marker on (all of it when there is none), for messages.
func after(page, marker string) string {
	if i := strings.Index(page, marker); i >= 0 {
		return page[i:]
	}
	return page
}

// TestAccountsPages: an admin sees the org tree indented under the parents with kinds, dates and
// the term end, an org's members, creates a user (a short password and an unknown org shown
// next to their fields), changes its role and org, disables and enables it, and revokes a token;
// forms without the CSRF token are refused; supervisors and secretaries may not open the pages.
func TestAccountsPages(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			s := startServer(t, dsn, "--now", pinned, "--eval-interval=0")
			admin := s.adminToken(t)
			s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "p", "name": "研究生党委", "kind": "committee"})
			s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "g", "name": "博士生党总支", "kind": "general_branch", "parent_id": "p"})
			s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b", "name": "博士生第一党支部", "kind": "branch", "parent_id": "g",
				"established_on": "2020-09-01", "term_started_on": "2023-03-01", "term_years": 3})
			s.must(t, 201, "POST", "/v1/orgs/b/members", admin, obj{"id": "m1", "name": "张三", "status": "full", "roles": []string{"secretary"}})
			s.must(t, 201, "POST", "/v1/users", admin, obj{"username": "guanli", "name": "王管理", "role": "admin", "password": "correct horse"})
			s.must(t, 201, "POST", "/v1/users", admin, obj{"username": "zuzhi", "name": "赵组织员", "role": "supervisor", "org_id": "p", "password": "correct horse"})
			tok := s.must(t, 201, "POST", "/v1/tokens", admin, obj{"name": "导出脚本", "role": "supervisor", "org_id": "p"})
			tokID, _ := tok["id"].(string)

			a := loginBrowser(t, s, "guanli", "correct horse")
			st, page, _ := a.get("/admin/orgs")
			if st != 200 || !strings.Contains(page, `class="depth-2">　　　　<a href="/admin/orgs/b">博士生第一党支部</a>`) || !strings.Contains(page, "党总支") ||
				!strings.Contains(page, "2020-09-01") || !strings.Contains(page, "2026-03-01") || !strings.Contains(page, `href="/admin/orgs"`) {
				t.Fatalf("org tree: %d %.3000s", st, after(page, "组织树"))
			}
			if st, page, _ = a.get("/admin/orgs/b"); st != 200 || !strings.Contains(page, "张三") || !strings.Contains(page, "书记") || !strings.Contains(page, "正式党员") {
				t.Fatalf("members: %d %.2000s", st, after(page, "<main>"))
			}
			st, page, _ = a.get("/admin/users")
			csrf := csrfOf(t, page)
			if st != 200 || !strings.Contains(page, "赵组织员") || !strings.Contains(page, "新建账号") {
				t.Fatalf("users: %d", st)
			}
			st, page, _ = a.post("/admin/users", url.Values{"csrf": {csrf}, "username": {"shuji"}, "name": {"李书记"}, "role": {"branch"}, "org_id": {"b"}, "password": {"short"}})
			if st != 400 || !strings.Contains(page, `id="err-nu-password">密码至少 8 个字符`) || !strings.Contains(page, `value="李书记"`) {
				t.Fatalf("a short password: %d %.3000s", st, after(page, "新建账号"))
			}
			st, page, _ = a.post("/admin/users", url.Values{"csrf": {csrf}, "username": {"shuji"}, "name": {"李书记"}, "role": {"branch"}, "org_id": {"nope"}, "password": {"correct horse"}})
			if st != 422 || !strings.Contains(page, `id="err-nu-org">没有这个组织`) {
				t.Fatalf("an unknown org: %d %.3000s", st, after(page, "新建账号"))
			}
			st, _, h := a.post("/admin/users", url.Values{"csrf": {csrf}, "username": {"shuji"}, "name": {"李书记"}, "role": {"branch"}, "org_id": {"b"}, "password": {"correct horse"}})
			if st != 303 || !strings.Contains(h.Get("Location"), "notice=created") {
				t.Fatalf("create a user: %d", st)
			}
			loginBrowser(t, s, "shuji", "correct horse")
			if st, page, _ = a.post("/admin/users/shuji", url.Values{"csrf": {csrf}, "action": {"save"}, "name": {"李书记"}, "role": {"supervisor"}, "org_id": {"nope"}}); st != 422 ||
				!strings.Contains(page, `id="err-o-shuji">没有这个组织`) {
				t.Fatalf("an edit with an unknown org: %d", st)
			}
			if st, _, _ = a.post("/admin/users/shuji", url.Values{"csrf": {csrf}, "action": {"save"}, "name": {"李书记"}, "role": {"supervisor"}, "org_id": {"g"}}); st != 303 {
				t.Fatalf("change role and org: %d", st)
			}
			var user obj
			for _, u := range items(t, s.must(t, 200, "GET", "/v1/users", admin, nil)) {
				if u["username"] == "shuji" {
					user = u
				}
			}
			if user["role"] != "supervisor" || user["org_id"] != "g" {
				t.Fatalf("the changed user: %v", user)
			}
			if st, _, _ = a.post("/admin/users/shuji", url.Values{"csrf": {csrf}, "action": {"disable"}}); st != 303 {
				t.Fatalf("disable: %d", st)
			}
			if _, page, _ = a.get("/admin/users"); !strings.Contains(after(page, `id="user-shuji"`), "已停用") {
				t.Fatal("the disabled user is not shown as such")
			}
			lb := newBrowser(t, s.base)
			_, lp, _ := lb.get("/login")
			if st, _, _ := lb.post("/login", url.Values{"csrf": {csrfOf(t, lp)}, "username": {"shuji"}, "password": {"correct horse"}}); st != 401 {
				t.Fatalf("a disabled user logs in: %d", st)
			}
			if st, _, _ = a.post("/admin/users/shuji", url.Values{"csrf": {csrf}, "action": {"enable"}}); st != 303 {
				t.Fatalf("enable: %d", st)
			}
			loginBrowser(t, s, "shuji", "correct horse")

			// tokens: listed with last use and expiry; revoked with the button
			if st, page, _ = a.get("/admin/tokens"); st != 200 || !strings.Contains(page, "导出脚本") || !strings.Contains(page, "从未使用") || !strings.Contains(page, tokID) {
				t.Fatalf("tokens: %d %.2000s", st, after(page, "API 令牌"))
			}
			if st, _, _ = a.post("/admin/tokens/"+tokID+"/revoke", url.Values{}); st != 403 {
				t.Fatalf("revoke without CSRF: %d", st)
			}
			if st, _, _ = a.post("/admin/tokens/"+tokID+"/revoke", url.Values{"csrf": {csrf}}); st != 303 {
				t.Fatalf("revoke: %d", st)
			}
			if _, page, _ = a.get("/admin/tokens"); !strings.Contains(page, "已吊销") {
				t.Fatal("the revoked token is not shown as such")
			}
			if st, _ := s.call(t, "GET", "/v1/rules", tok["token"].(string), nil); st != 401 {
				t.Fatalf("a revoked token still works: %d", st)
			}

			// no CSRF: refused
			for _, path := range []string{"/admin/users", "/admin/users/shuji"} {
				if st, _, _ := a.post(path, url.Values{"action": {"disable"}, "username": {"x"}, "name": {"x"}, "role": {"admin"}, "password": {"correct horse"}}); st != 403 {
					t.Fatalf("POST %s without CSRF: %d", path, st)
				}
			}
			// other roles may not open them
			sup := loginBrowser(t, s, "zuzhi", "correct horse")
			_, home, _ := sup.get("/")
			if strings.Contains(home, `href="/admin/orgs"`) {
				t.Fatal("a supervisor's menu links 组织与账号")
			}
			for _, path := range []string{"/admin/orgs", "/admin/orgs/b", "/admin/users", "/admin/tokens"} {
				if st, page, _ := sup.get(path); st != 403 || !strings.Contains(page, "无权访问") {
					t.Fatalf("%s for a supervisor: %d", path, st)
				}
			}
			if st, _, _ := sup.post("/admin/users/shuji", url.Values{"csrf": {csrfOf(t, home)}, "action": {"disable"}}); st != 403 {
				t.Fatalf("a supervisor disables a user: %d", st)
			}
		})
	}
}
