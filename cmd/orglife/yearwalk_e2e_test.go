package main

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/orglife/orglife/storage/storagetest"
)

// TestYearWalkIsChinese is issue 12's acceptance of the pages people read: a branch records a
// year of organizational life through the API (meetings on time and late, talks, a member
// missed, two members called 张伟), the year is evaluated, and a secretary and a supervisor then
// follow every link of the web interface. No page or message shows English words, an ISO period
// label (2025-Q3, 2025-H1, 2025-03) or a UTC instant (…T16:00:00Z).
func TestYearWalkIsChinese(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) { yearWalkIsChinese(t, dsn) })
	}
}

func yearWalkIsChinese(t *testing.T, dsn string) {
	s := startServer(t, dsn, "--now", "2025-12-20T10:00:00+08:00", "--eval-interval=0")
	admin := s.adminToken(t)
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "c", "name": "研究生院党委", "kind": "committee"})
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b", "name": "博士生第一党支部", "kind": "branch", "parent_id": "c",
		"established_on": "2015-09-01", "term_started_on": "2023-03-01", "term_years": 3})
	roster := []obj{
		{"id": "m-zhang", "name": "张伟", "roles": []string{"secretary"}, "since": "2016-06-01"},
		{"id": "m-zhang2", "name": "张伟", "since": "2018-06-01"},
		{"id": "m-li", "name": "李娜", "roles": []string{"committee"}, "since": "2017-06-01"},
		{"id": "m-wang", "name": "王芳", "since": "2019-06-01"},
		{"id": "m-zhao", "name": "赵磊", "since": "2019-06-01"},
		{"id": "m-dean", "name": "周建国", "leader": true, "since": "2001-07-01"},
		{"id": "m-sun", "name": "孙丽", "status": "probationary", "since": "2025-03-01"},
	}
	for _, m := range roster {
		s.must(t, 201, "POST", "/v1/orgs/b/members", admin, m)
	}
	s.must(t, 201, "POST", "/v1/users", admin, obj{"username": "shuji", "name": "李书记", "role": "branch", "org_id": "b", "password": "correct horse"})
	s.must(t, 201, "POST", "/v1/users", admin, obj{"username": "zuzhi", "name": "王组织员", "role": "supervisor", "org_id": "c", "password": "correct horse"})
	branch := s.must(t, 201, "POST", "/v1/tokens", admin, obj{"name": "branch-b", "role": "branch", "org_id": "b"})["token"].(string)
	record := func(workflow string, start, event obj, name string) {
		t.Helper()
		id := s.must(t, 201, "POST", "/v1/instances", branch, obj{"workflow": workflow, "org_id": "b", "data": start})["id"].(string)
		s.must(t, 200, "POST", "/v1/instances/"+id+"/events", branch, obj{"event": name, "data": event})
	}
	// 主题党日 in most months (all recorded today, so the earlier ones are 补记), one with problems
	for _, m := range []int{1, 2, 4, 5, 7, 9, 10, 11} {
		day := fmt.Sprintf("2025-%02d-18", m)
		ev := obj{"attendees": []string{"m-zhang", "m-li", "m-wang", "m-zhao", "m-sun"},
			"absentees": []obj{{"member": "m-zhang2", "reason": "出差"}, {"member": "m-dean", "reason": "开会"}},
			"minutes":   fmt.Sprintf("%d月主题党日：集体学习党章和习近平新时代中国特色社会主义思想，党员逐一交流学习体会，支部书记作总结。", m)}
		if m == 9 {
			ev["problems"] = []string{"理论学习不够系统"}
		}
		record("meeting", obj{"type": "theme_day", "held_on": day, "topic": "学习党章"}, ev, "record")
	}
	record("meeting", obj{"type": "committee", "held_on": "2025-03-10", "topic": "研究发展党员工作"},
		obj{"attendees": []string{"m-zhang", "m-li"}, "minutes": "讨论。"}, "record")
	record("talk", obj{"held_on": "2025-05-20", "kind": "committee_member"},
		obj{"participants": []string{"m-zhang", "m-zhang2"}, "summary": "了解张伟同志的学习和思想情况，交流对支部工作的意见。"}, "record")
	s.settle(t)

	for _, user := range []string{"shuji", "zuzhi"} {
		b := newBrowser(t, s.base)
		csrf := webLogin(t, b, user)
		if user == "shuji" {
			// a duty of a template message shows the rendered message under its period and due,
			// not the whole explanation again; the term's end is a Chinese date
			_, home, _ := b.get("/")
			if !strings.Contains(home, "周建国未参加本支部的组织生活（双重组织生活）") || strings.Contains(home, "季度 本季度周建国") ||
				!strings.Contains(home, "任期将于2026年3月1日届满") {
				t.Errorf("the 工作台:\n%s", readableText(home))
			}
			// the messages of a refused form: a date typed wrongly, a record without attendance
			_, page, _ := b.post("/records", url.Values{"csrf": {csrf}, "workflow": {"meeting"}, "type": {"theme_day"}, "held_on": {"2025-3-1"}, "topic": {"学"}})
			for _, problem := range readable(page) {
				t.Errorf("the refused start form: %s", problem)
			}
			id := s.must(t, 201, "POST", "/v1/instances", branch, obj{"workflow": "meeting", "org_id": "b", "data": obj{"type": "theme_day", "held_on": "2025-12-18", "topic": "学习党章"}})["id"].(string)
			st, page, _ := b.post("/records/"+id+"/events/record", url.Values{"csrf": {csrf}, "version": {"1"}, "minutes": {"学习党章并交流心得。"}})
			if st != 422 || !strings.Contains(page, "请列出出席人员") {
				t.Fatalf("a record without attendance: %d", st)
			}
			for _, problem := range readable(page) {
				t.Errorf("the refused event form: %s", problem)
			}
			// a talk naming someone who is not in the roster
			tk := s.must(t, 201, "POST", "/v1/instances", branch, obj{"workflow": "talk", "org_id": "b", "data": obj{"held_on": "2025-12-10", "kind": "member_member"}})["id"].(string)
			st, page, _ = b.post("/records/"+tk+"/events/record", url.Values{"csrf": {csrf}, "version": {"1"},
				"participants": {"m-zhang", "张伟同志"}, "summary": {"交流学习和思想情况，互相提出意见建议。"}})
			if st != 422 || !strings.Contains(page, "“张伟同志”不是本组织名册中的党员") {
				t.Fatalf("a talk naming nobody of the roster: %d\n%s", st, readableText(page))
			}
			for _, problem := range readable(page) {
				t.Errorf("the refused talk: %s", problem)
			}
		}
		pages := walkSite(t, b, 300, "/handbook/b?year=2025", "/records/new?workflow=meeting", "/records/new?workflow=talk", "/records/new?workflow=plan")
		if len(pages) < 12 {
			t.Fatalf("%s reached only %d pages: %v", user, len(pages), pages)
		}
		t.Logf("%s: %d pages: %s", user, len(pages), strings.Join(pages, " "))
	}
}

var (
	hrefRE    = regexp.MustCompile(`href="(/[^"#]*)"`)
	scriptRE  = regexp.MustCompile(`(?s)<(script|style)\b.*?</(script|style)>`)
	tagRE     = regexp.MustCompile(`(?s)<[^>]*>`)
	attrRE    = regexp.MustCompile(`\b(title|placeholder|aria-label|alt)="([^"]*)"`)
	periodRE  = regexp.MustCompile(`\b20\d\d-(Q[1-4]|H[12]|\d\d)(-\d\d)?\b`)
	instantRE = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d`)
	wordRE    = regexp.MustCompile(`[A-Za-z][A-Za-z0-9_.\-]*`)
)

// walkSite follows the links of the site from / and the paths also (GET only, at most limit
// pages, a few query variants per path), checks every HTML page's text with readable, and returns the paths seen.
func walkSite(t *testing.T, b *browser, limit int, also ...string) []string {
	t.Helper()
	seen := map[string]bool{"/": true}
	perPath := map[string]int{}
	queue := append([]string{"/"}, also...)
	var out []string
	for len(queue) > 0 && len(out) < limit {
		p := queue[0]
		queue = queue[1:]
		st, body, h := b.get(p)
		if st >= 300 && st < 400 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			continue
		}
		out = append(out, p)
		for _, problem := range readable(body) {
			t.Errorf("%s: %s", p, problem)
		}
		for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
			link := html.UnescapeString(m[1])
			u, err := url.Parse(link)
			if err != nil || seen[link] || strings.HasPrefix(u.Path, "/static/") || u.Path == "/logout" ||
				strings.Contains(u.Path, "export") || strings.HasSuffix(u.Path, ".xlsx") || strings.HasSuffix(u.Path, ".csv") {
				continue
			}
			if perPath[u.Path]++; perPath[u.Path] > 8 {
				continue
			}
			seen[link] = true
			queue = append(queue, link)
		}
	}
	return out
}

// readableText is the text of a page without its tags, for messages.
func readableText(page string) string {
	return strings.Join(strings.Fields(html.UnescapeString(tagRE.ReplaceAllString(scriptRE.ReplaceAllString(page, " "), " "))), " ")
}

// readable lists what a person should not read on the page: English words, ISO period labels
// and UTC instants, in the text and the attributes people read (title, placeholder, aria-label).
func readable(page string) []string {
	var texts []string
	for _, m := range attrRE.FindAllStringSubmatch(page, -1) {
		texts = append(texts, html.UnescapeString(m[2]))
	}
	body := page
	if i := strings.Index(body, "<body"); i >= 0 {
		body = body[i:]
	}
	texts = append(texts, html.UnescapeString(tagRE.ReplaceAllString(scriptRE.ReplaceAllString(body, " "), " ")))
	var out []string
	for _, text := range texts {
		for _, m := range periodRE.FindAllStringSubmatch(text, -1) {
			if m[2] == "" { // a date (2025-03-10) is a local date, not a period label
				out = append(out, "ISO period label "+m[0])
			}
		}
		for _, m := range instantRE.FindAllString(text, -1) {
			out = append(out, "instant "+m)
		}
		for _, w := range wordRE.FindAllString(text, -1) {
			if !strings.ContainsAny(w, "0123456789_-.") && len(w) > 1 && !slices.Contains(allowedWords, w) {
				out = append(out, "English "+strconvQuote(w)+" in "+strconvQuote(around(text, w)))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// allowedWords are the Latin words a Chinese page may show: names of file formats.
var allowedWords = []string{"Excel", "PDF", "CSV", "xlsx"}

func around(text, w string) string {
	i := strings.Index(text, w)
	lo, hi := max(0, i-30), min(len(text), i+len(w)+30)
	return strings.Join(strings.Fields(strings.ToValidUTF8(text[lo:hi], "")), " ")
}

func strconvQuote(s string) string { return fmt.Sprintf("%q", s) }

// TestCalendarWarningOnRulesPage: in November the 规则 page says that the holiday calendar lacks
// next year, so the administrator adds it from the State Council's notice before January.
func TestCalendarWarningOnRulesPage(t *testing.T) {
	s := startServer(t, "sqlite:"+t.TempDir()+"/o.db", "--now", "2026-11-20T10:00:00+08:00", "--eval-interval=0")
	admin := s.adminToken(t)
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "c", "name": "研究生院党委", "kind": "committee"})
	s.must(t, 201, "POST", "/v1/users", admin, obj{"username": "zuzhi", "name": "王组织员", "role": "supervisor", "org_id": "c", "password": "correct horse"})
	b := newBrowser(t, s.base)
	webLogin(t, b, "zuzhi")
	_, page, _ := b.get("/rules")
	if !strings.Contains(page, `id="calendar-warning"`) || !strings.Contains(page, "尚不含2027年") {
		t.Fatalf("the rules page in November 2026 does not warn of 2027:\n%.2000s", page)
	}
}
