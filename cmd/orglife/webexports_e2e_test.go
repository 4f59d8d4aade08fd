package main

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/orglife/orglife/storage/storagetest"
)

// TestWebExportsRemindersImport: the supervisor's 考核导出 previews the branches and downloads
// the workbook; 问题清单 links its filtered view as .xlsx and .csv and the file carries the
// filter; a secretary may not open 考核导出; the admin configures a webhook on 提醒 (a bad
// address is refused) and imports a roster on 导入名册: upload, preview, confirm.
func TestWebExportsRemindersImport(t *testing.T) {
	dsn := storagetest.DSNs(t)["sqlite"]
	s := matrixTree(t, dsn)
	admin := cliToken(t, dsn, "admin", "")
	s.must(t, 201, "POST", "/v1/users", admin, obj{"username": "guanli", "name": "管理员", "role": "admin", "password": "correct horse"})

	sup := newBrowser(t, s.base)
	sup.loginAs("zuzhi", "correct horse")
	st, page, _ := sup.get("/assessment?org_id=g1&year=2025")
	if st != 200 || !strings.Contains(page, "博士生第一党支部") || !strings.Contains(page, `href="/exports/assessment.xlsx?org_id=g1&amp;year=2025"`) {
		t.Fatalf("考核导出: %d %.2000s", st, page)
	}
	st, _, h := sup.get("/exports/assessment.xlsx?org_id=g1&year=2025")
	if st != 200 || !strings.Contains(h.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("workbook: %d %v", st, h)
	}
	st, page, _ = sup.get("/violations?status=open&kind=overdue")
	m := regexp.MustCompile(`id="export-csv" href="([^"]+)"`).FindStringSubmatch(page)
	if st != 200 || m == nil {
		t.Fatalf("问题清单 has no export link: %d", st)
	}
	st, csv, _ := sup.get(html.UnescapeString(m[1]))
	if st != 200 || !strings.Contains(csv, "kind=overdue") || !strings.Contains(csv, "status=open") || !strings.Contains(csv, "逾期未办") {
		t.Fatalf("violations.csv: %d %.500s", st, csv)
	}

	sec := newBrowser(t, s.base)
	sec.loginAs("shuji1", "correct horse")
	if st, _, _ := sec.get("/assessment"); st != 403 {
		t.Errorf("a secretary opened 考核导出: %d", st)
	}
	if st, _, _ := sec.get("/exports/assessment.xlsx?org_id=b1&year=2025"); st != 403 {
		t.Errorf("a secretary downloaded the assessment: %d", st)
	}
	if st, body, _ := sec.get("/exports/records.csv"); st != 200 || !strings.Contains(body, "主题党日") {
		t.Errorf("records.csv: %d %.300s", st, body)
	}

	adm := newBrowser(t, s.base)
	adm.loginAs("guanli", "correct horse")
	_, page, _ = adm.get("/admin/reminders")
	csrf := csrfOf(t, page)
	if st, _, _ := adm.post("/admin/webhooks", url.Values{"csrf": {csrf}, "org_id": {"b1"}, "url": {"ftp://x"}}); st != 400 {
		t.Errorf("a bad webhook: %d", st)
	}
	st, page, _ = adm.post("/admin/webhooks", url.Values{"csrf": {csrf}, "org_id": {"b1"}, "url": {"https://oapi.dingtalk.com/robot/send?access_token=t"}})
	if st != 200 || !strings.Contains(page, "oapi.dingtalk.com") {
		t.Fatalf("webhook: %d", st)
	}
	_, page, _ = adm.get("/admin/import")
	roster := "所在党组织编码,姓名,学工号,党籍状态\nb2,钱七,B2024001,正式党员\n"
	st, page, _ = adm.postMultipart("/admin/import", url.Values{"csrf": {csrfOf(t, page)}, "kind": {"members"}}, map[string]string{"r.csv": roster})
	if st != 200 || !strings.Contains(page, "预览（尚未写入）") || !strings.Contains(page, "钱七") || !strings.Contains(page, `id="confirm-import"`) {
		t.Fatalf("preview: %d %.3000s", st, page)
	}
	if n := len(items(t, s.must(t, 200, "GET", "/v1/orgs/b2/members", admin, nil))); n != 0 {
		t.Fatalf("the preview wrote %d members", n)
	}
	form := url.Values{}
	for _, f := range regexp.MustCompile(`<input type="hidden" name="([a-z]+)" value="([^"]*)">`).FindAllStringSubmatch(page[strings.Index(page, `id="confirm-import"`):], -1) {
		form.Set(f[1], html.UnescapeString(f[2]))
	}
	st, page, _ = adm.post("/admin/import/confirm", form)
	if st != 200 || !strings.Contains(page, "导入完成") {
		t.Fatalf("confirm: %d %.2000s", st, page)
	}
	if n := len(items(t, s.must(t, 200, "GET", "/v1/orgs/b2/members", admin, nil))); n != 1 {
		t.Fatalf("after confirm: %d members", n)
	}
	form.Set("data", "eA==")
	if st, _, _ := adm.post("/admin/import/confirm", form); st != 400 {
		t.Errorf("a tampered confirmation: %d", st)
	}
	bad := "所在党组织编码,姓名,学工号,党籍状态\nb2,,B2024002,群众\n"
	_, page, _ = adm.get("/admin/import")
	st, page, _ = adm.postMultipart("/admin/import", url.Values{"csrf": {csrfOf(t, page)}, "kind": {"members"}}, map[string]string{"bad.csv": bad})
	if st != 422 || !strings.Contains(page, "2:2") || !strings.Contains(page, "2:4") || strings.Contains(page, `id="confirm-import"`) {
		t.Errorf("bad roster: %d %.2000s", st, page)
	}
}
