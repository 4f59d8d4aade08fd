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
				!strings.Contains(page, `<span class="status pending">未到期</span></td><td><span class="status overdue">逾期未办</span>`) || !strings.Contains(page, "将新增的问题（1）") {
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
