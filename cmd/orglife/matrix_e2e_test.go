package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/orglife/orglife/storage/storagetest"
)

// loginAs logs a browser in through the login form.
func (b *browser) loginAs(username, password string) {
	b.t.Helper()
	_, page, _ := b.get("/login")
	st, _, h := b.post("/login", url.Values{"csrf": {csrfOf(b.t, page)}, "username": {username}, "password": {password}})
	if st != 303 || h.Get("Location") != "/" {
		b.t.Fatalf("login %s: %d", username, st)
	}
}

// matrixTree creates, on 2025-01-16, 研究生院党委 c with 博士生党总支 g1 (branches b1 and b2) and
// a branch x2 directly under c, a supervisor of c and the secretary of b1; b1 records its January
// 主题党日 the day after it was held, b2 and x2 record nothing (silent). It returns the server
// restarted on 2025-02-12 after an evaluation of January.
func matrixTree(t *testing.T, dsn string) *testServer {
	t.Helper()
	s := startServer(t, dsn, "--now", "2025-01-16T10:00:00+08:00", "--eval-interval=0")
	admin := s.adminToken(t)
	for _, o := range []obj{
		{"id": "c", "name": "研究生院党委", "kind": "committee"},
		{"id": "g1", "name": "博士生党总支", "kind": "general_branch", "parent_id": "c"},
		{"id": "b1", "name": "博士生第一党支部", "kind": "branch", "parent_id": "g1", "term_started_on": "2023-06-01", "term_years": 3},
		{"id": "b2", "name": "博士生第二党支部", "kind": "branch", "parent_id": "g1"},
		{"id": "x2", "name": "机关第二党支部", "kind": "branch", "parent_id": "c"},
	} {
		s.must(t, 201, "POST", "/v1/orgs", admin, o)
	}
	s.must(t, 201, "POST", "/v1/orgs/b1/members", admin, obj{"name": "李书记", "status": "full", "roles": []string{"secretary"}})
	s.must(t, 201, "POST", "/v1/orgs/b1/members", admin, obj{"name": "王同学", "status": "full"})
	s.must(t, 201, "POST", "/v1/users", admin, obj{"username": "zuzhi", "name": "张组织员", "role": "supervisor", "org_id": "c", "password": "correct horse"})
	s.must(t, 201, "POST", "/v1/users", admin, obj{"username": "shuji1", "name": "李书记", "role": "branch", "org_id": "b1", "password": "correct horse"})
	branch := s.must(t, 201, "POST", "/v1/tokens", admin, obj{"name": "b1", "role": "branch", "org_id": "b1"})["token"].(string)
	m := s.must(t, 201, "POST", "/v1/instances", branch, obj{"workflow": "meeting", "org_id": "b1",
		"data": obj{"type": "theme_day", "held_on": "2025-01-15", "topic": "主题党日"}})
	s.must(t, 200, "POST", "/v1/instances/"+m["id"].(string)+"/events", branch, obj{"event": "record",
		"data": obj{"minutes": "参观校史馆，重温入党誓词；讨论如何在实验室安全管理中发挥党员先锋模范作用，形成三条改进措施并明确责任人。", "expected": 12, "present": 12}})
	s.stop()
	s = startServer(t, dsn, "--now", "2025-02-12T10:00:00+08:00", "--eval-interval=0")
	s.must(t, 200, "POST", "/v1/evaluations", admin, obj{"from": "2025-01-01", "to": "2025-02-12"})
	return s
}

// TestMatrixEndToEnd: after an evaluation the supervisor's 合规矩阵 lists every branch of its
// subtree grouped by general branch — the silent ones with 逾期未办 — with the roll-up and the
// 完成率, each cell a link to 支部详情; a branch secretary sees only its own row and its own
// 支部详情, and gets 403 无权访问 for another branch's by URL tampering.
func TestMatrixEndToEnd(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			s := matrixTree(t, dsn)

			sup := newBrowser(t, s.base)
			sup.loginAs("zuzhi", "correct horse")
			st, home, _ := sup.get("/")
			if st != 200 || !strings.Contains(home, `href="/matrix"`) {
				t.Fatalf("no 合规矩阵 in the menu: %d", st)
			}
			st, page, _ := sup.get("/matrix?rule=theme_day_monthly&year=2025")
			if st != 200 {
				t.Fatalf("matrix: %d %.500s", st, page)
			}
			for _, want := range []string{"合规矩阵", "博士生党总支", "研究生院党委", "博士生第一党支部", "博士生第二党支部", "机关第二党支部",
				"1月", "12月", "按期完成", "逾期未办", "未到期", "按时开展 1 / 应开展 1", "按时开展 0 / 应开展 1", "完成率", "33%",
				`href="/branches/b2?period=2025-01&amp;rule=theme_day_monthly&amp;year=2025#detail"`, `共 3 个党支部`} {
				if !strings.Contains(page, want) {
					t.Errorf("the matrix lacks %q", want)
				}
			}
			if strings.Index(page, "博士生党总支") > strings.Index(page, "博士生第二党支部") {
				t.Errorf("branches are not under their general branch")
			}
			if st, _, _ := sup.get("/matrix?rule=nope&year=2025"); st != 400 {
				t.Errorf("an unknown rule: %d", st)
			}
			if st, _, _ := sup.get("/matrix?year=abc"); st != 400 {
				t.Errorf("a bad year: %d", st)
			}
			st, page, _ = sup.get("/branches/b2?rule=theme_day_monthly&period=2025-01&year=2025")
			if st != 200 || !strings.Contains(page, "博士生第二党支部") || !strings.Contains(page, "逾期未办") ||
				!strings.Contains(page, "每月开展一次主题党日") || !strings.Contains(page, `id="detail"`) || !strings.Contains(page, "[问题]") {
				t.Fatalf("支部详情 of b2: %d %.1500s", st, page)
			}

			sec := newBrowser(t, s.base)
			sec.loginAs("shuji1", "correct horse")
			st, page, _ = sec.get("/branches/b1")
			for _, want := range []string{"博士生第一党支部", "李书记", "2人", "2026年6月1日", "按期完成", "[记录]", "[流转]"} {
				if st != 200 || !strings.Contains(page, want) {
					t.Errorf("own 支部详情 (%d) lacks %q", st, want)
				}
			}
			st, page, _ = sec.get("/branches/b2")
			if st != 403 || !strings.Contains(page, "无权访问") || strings.Contains(page, "博士生第二党支部") {
				t.Fatalf("another branch's 支部详情: %d %.300s", st, page)
			}
			if st, _, _ := sec.get("/matrix?org_id=b2&rule=theme_day_monthly&year=2025"); st != 403 {
				t.Fatalf("another branch's matrix: %d", st)
			}
			st, page, _ = sec.get("/matrix?rule=theme_day_monthly&year=2025")
			if st != 200 || !strings.Contains(page, "博士生第一党支部") || strings.Contains(page, "博士生第二党支部") || strings.Contains(page, "机关第二党支部") {
				t.Fatalf("a secretary's matrix: %d", st)
			}
		})
	}
}
