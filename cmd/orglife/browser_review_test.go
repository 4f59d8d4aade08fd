package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/orglife/orglife/storage"
	"github.com/orglife/orglife/storage/storagetest"
)

// loginAs logs a user in (password "correct horse") in the browser of ctx.
func loginAs(t *testing.T, ctx context.Context, base, user string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), user),
		chromedp.SendKeys(chromedp.CSS(`#password`), "correct horse"),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`header.bar`)),
	)
	if err != nil {
		t.Fatal(err)
	}
}

// mustHave fails the test at once when the page lacks an element: a form whose field was removed
// from the page fails here rather than after a timeout.
func mustHave(t *testing.T, ctx context.Context, selector, what string) {
	t.Helper()
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector(`+strconv.Quote(selector)+`) !== null`))
	if err != nil || !ok {
		body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`body`)))
		t.Fatalf("%s is not on the page (%s, %v):\n%s", what, selector, err, body)
	}
}

// countViolations counts the findings of a status below org c through the API, page by page.
func countViolations(t *testing.T, s *testServer, token, status string) int {
	t.Helper()
	n, cursor := 0, ""
	for {
		body := s.must(t, 200, "GET", "/v1/violations?limit=500&org_id=c&status="+status+"&cursor="+cursor, token, nil)
		n += len(items(t, body))
		next, _ := body["next_cursor"].(string)
		if next == "" {
			return n
		}
		cursor = next
	}
}

// countOwnViolations counts the violations in a status of org c itself (its 民主生活会, its
// secretary's 党课): c's supervisor may not decide them, the level above does.
func countOwnViolations(t *testing.T, s *testServer, token, status string) int {
	t.Helper()
	n, cursor := 0, ""
	for {
		body := s.must(t, 200, "GET", "/v1/violations?limit=500&org_id=c&status="+status+"&cursor="+cursor, token, nil)
		for _, v := range items(t, body) {
			if v["org_id"] == "c" {
				n++
			}
		}
		next, _ := body["next_cursor"].(string)
		if next == "" {
			return n
		}
		cursor = next
	}
}

func text(t *testing.T, ctx context.Context, selector string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(selector)))
	if err != nil {
		t.Fatalf("text of %s: %v", selector, err)
	}
	return s
}

// TestBrowserReview: the supervisor's day in the browser. The secretary (phone) submits the
// year's plan through the forms; the supervisor (desktop) finds it in 审核, is refused a return
// without a comment, returns it with one; the secretary sees it on her 工作台 under 退回待修改
// with the comment. After an evaluation opens findings, the supervisor waives one checked
// finding in 问题清单 and acknowledges all the other results of the filter at once, each result
// reported. In 合规矩阵 the branch's January 主题党日 is 逾期未办; the secretary records it through
// the forms and, once the outbox worker has evaluated it, the supervisor sees the cell turn
// 逾期补办 (the other branch's stays). The 工作手册 shows the branch's plan and meeting sheet, hides the menu in print and
// prints to a PDF; another branch's secretary cannot open it.
func TestBrowserReview(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) { browserReview(t, dsn, name == storage.SQLite) })
	}
}

func browserReview(t *testing.T, dsn string, shots bool) {
	s := startServer(t, dsn, "--now", "2025-02-12T10:00:00+08:00", "--eval-interval=0")
	admin := s.adminToken(t)
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "c", "name": "研究生院党委", "kind": "committee"})
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b", "name": "博士生第一党支部", "kind": "branch", "parent_id": "c"})
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b2", "name": "硕士生第二党支部", "kind": "branch", "parent_id": "c"})
	for _, u := range []obj{
		{"username": "shuji", "name": "李书记", "role": "branch", "org_id": "b"},
		{"username": "other", "name": "张书记", "role": "branch", "org_id": "b2"},
		{"username": "zuzhi", "name": "王组织员", "role": "supervisor", "org_id": "c"},
	} {
		u["password"] = "correct horse"
		s.must(t, 201, "POST", "/v1/users", admin, u)
	}
	// a 支委会 of January, recorded through the API, for the handbook
	branch := s.must(t, 201, "POST", "/v1/tokens", admin, obj{"name": "b", "role": "branch", "org_id": "b"})["token"].(string)
	m := s.must(t, 201, "POST", "/v1/instances", branch, obj{"workflow": "meeting", "org_id": "b",
		"data": obj{"type": "committee", "held_on": "2025-01-15", "topic": "研究发展党员工作"}})
	s.must(t, 200, "POST", "/v1/instances/"+m["id"].(string)+"/events", branch, obj{"event": "record", "data": obj{
		"place": "理科楼305会议室", "chair": "李书记", "recorder": "赵委员", "expected": 5, "present": 4,
		"absentees": []obj{{"name": "钱同学", "reason": "外出参加学术会议"}},
		"minutes":   "讨论确定两名入党积极分子为发展对象，安排培养联系人。", "decisions": []string{"确定两名发展对象"}}})

	// the secretary files the year's plan on her phone: start it, then 报送
	phone := newBrowserContext(t, 375, 740)
	loginAs(t, phone, s.base, "shuji")
	const planText = "全年召开支部党员大会4次、支委会12次、党课4次，每月第三个周五开展主题党日。"
	err := chromedp.Do(phone,
		chromedp.Navigate(s.base+"/records/new?workflow=plan"),
		chromedp.WaitVisible(chromedp.CSS(`#f-year`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	mustHave(t, phone, `form.card textarea[name=content]`, "the plan's required 计划内容")
	err = chromedp.Do(phone,
		chromedp.SetValue(chromedp.CSS(`#f-year`), "2025"),
		chromedp.SetValue(chromedp.CSS(`#f-content`), planText),
		chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`dl.data`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := chromedp.Run(phone, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	planID := loc[strings.LastIndex(loc, "/")+1:]
	mustHave(t, phone, `form[action$="/events/submit"] [name=content]`, "the 报送 form's 计划内容")
	err = chromedp.Do(phone,
		chromedp.Click(chromedp.CSS(`details.event:has(form[action$="/events/submit"]) summary`)),
		chromedp.Click(chromedp.CSS(`form[action$="/events/submit"] button[type=submit]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, phone, `document.querySelector('#state')?.textContent === '已报送'`)

	// the supervisor at a PC: 审核 lists the plan with its text
	desk := newBrowserContext(t, 1280, 900)
	loginAs(t, desk, s.base, "zuzhi")
	card := `#r-` + planID
	// the 工作台 counts the plan and the meeting as 待审核, a link to 审核
	waitFor(t, desk, `document.querySelector('.counts a[href="/review"]')?.textContent.replace(/\s+/g, '') === '2待审核'`)
	err = chromedp.Do(desk, chromedp.Click(chromedp.CSS(`.counts a[href="/review"]`)), chromedp.WaitVisible(chromedp.CSS(`nav.tabs`)))
	if err != nil {
		t.Fatal(err)
	}
	if tabs := text(t, desk, `nav.tabs`); !strings.Contains(tabs, "年度三会一课计划 · 已报送（1）") || !strings.Contains(tabs, "三会一课及主题党日记录 · 已记录（1）") {
		t.Fatalf("the tabs of 审核: %q", tabs)
	}
	err = chromedp.Do(desk, chromedp.Click(chromedp.CSS(`nav.tabs a[href="/review?queue=plan.submitted"]`)), chromedp.WaitVisible(chromedp.CSS(`a.current[href="/review?queue=plan.submitted"]`)))
	if err != nil {
		t.Fatal(err)
	}
	mustHave(t, desk, card, "the submitted plan in 审核")
	if c := text(t, desk, card); !strings.Contains(c, planText) || !strings.Contains(c, "博士生第一党支部") || !strings.Contains(c, "备案") {
		t.Fatalf("the plan in 审核: %q", c)
	}
	if shots {
		screenshot(t, desk, "review")
	}
	// a return without a comment is refused, next to the comment
	ret := card + ` form[action$="/events/return"]`
	mustHave(t, desk, ret+` textarea[name=comment]`, "the 退回修改 form's required comment")
	err = chromedp.Do(desk,
		chromedp.Click(chromedp.CSS(card+` details.event:has(form[action$="/events/return"]) summary`)),
		chromedp.Click(chromedp.CSS(ret+` button[type=submit]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, desk, `document.querySelector('#err-c-return') !== null`)
	if st := text(t, desk, `#state`); st != "已报送" {
		t.Fatalf("a return without comment changed the state to %q", st)
	}
	const comment = "请补充党课的具体主题和授课人。"
	err = chromedp.Do(desk, chromedp.Navigate(s.base+"/review?queue=plan.submitted"), chromedp.WaitVisible(chromedp.CSS(card)),
		chromedp.Click(chromedp.CSS(card+` details.event:has(form[action$="/events/return"]) summary`)),
		chromedp.SendKeys(chromedp.CSS(ret+` textarea[name=comment]`), comment),
		chromedp.Click(chromedp.CSS(ret+` button[type=submit]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, desk, `location.pathname === '/review' && document.querySelector('`+card+`') === null`)
	if st := s.must(t, 200, "GET", "/v1/instances/"+planID, admin, nil)["state"]; st != "returned" {
		t.Fatalf("the plan after 退回: %v", st)
	}

	// the secretary sees the return and its comment on her 工作台
	err = chromedp.Do(phone, chromedp.Navigate(s.base+"/"), chromedp.WaitVisible(chromedp.CSS(`#todo-h`)))
	if err != nil {
		t.Fatal(err)
	}
	mustHave(t, phone, `#ret-h`, "退回待修改")
	if sec := text(t, phone, `section[aria-labelledby=ret-h]`); !strings.Contains(sec, comment) || !strings.Contains(sec, "年度三会一课计划") {
		t.Fatalf("退回待修改: %q", sec)
	}

	// findings: January's 主题党日 is overdue in both branches
	s.must(t, 200, "POST", "/v1/evaluations", admin, obj{"from": "2025-01-01", "to": "2025-01-31"})
	open := countViolations(t, s, admin, "open")
	if open < 2 {
		t.Fatalf("%d open findings, want at least 2", open)
	}
	err = chromedp.Do(desk, chromedp.Navigate(s.base+"/violations?status=open"), chromedp.WaitVisible(chromedp.CSS(`#bulk`)))
	if err != nil {
		t.Fatal(err)
	}
	if all := text(t, desk, `#bulk-all`); all != strconv.Itoa(open) {
		t.Fatalf("全部筛选结果 %s 条, want %d", all, open)
	}
	mustHave(t, desk, `#bulk-reason`, "the waiver's reason")
	mustHave(t, desk, `#bulk-expires`, "the waiver's expiry")
	err = chromedp.Do(desk,
		chromedp.Click(chromedp.CSS(`input[type=checkbox][name=id][form=bulk]`)),
		chromedp.SetValue(chromedp.CSS(`#bulk-decision`), "waive"),
		chromedp.SendKeys(chromedp.CSS(`#bulk-reason`), "寒假期间学生离校，经党委同意顺延"),
		chromedp.SetValue(chromedp.CSS(`#bulk-expires`), "2025-03-31"),
		chromedp.Click(chromedp.CSS(`#bulk button[type=submit]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, desk, `document.querySelector('#bulk-ok')?.textContent === '1' && document.querySelector('#bulk-failed') === null`)
	if n := countViolations(t, s, admin, "waived"); n != 1 {
		t.Fatalf("%d waived, want 1", n)
	}
	if all := text(t, desk, `#bulk-all`); all != strconv.Itoa(open-1) {
		t.Fatalf("after the waiver 全部筛选结果 %s 条, want %d", all, open-1)
	}
	if shots {
		screenshot(t, desk, "violations")
	}
	err = chromedp.Do(desk,
		chromedp.Click(chromedp.CSS(`input[name=scope][value=all]`)),
		chromedp.SetValue(chromedp.CSS(`#bulk-decision`), "acknowledge"),
		chromedp.Click(chromedp.CSS(`#bulk button[type=submit]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	// all but the waived one, and those of the committee itself, which its supervisor may not decide
	own := countOwnViolations(t, s, admin, "open")
	waitFor(t, desk, `document.querySelector('#bulk-ok')?.textContent === '`+strconv.Itoa(open-1-own)+`'`)
	if n := countViolations(t, s, admin, "acknowledged"); n != open-1-own {
		t.Fatalf("%d acknowledged, want %d", n, open-1-own)
	}

	// the matrix: the branch's January 主题党日 is 逾期未办 until the secretary records it late
	const cell = `#cell-b-theme_day_monthly-2025-01`
	matrixURL := s.base + "/matrix?rule=theme_day_monthly&year=2025"
	err = chromedp.Do(desk, chromedp.Navigate(matrixURL), chromedp.WaitVisible(chromedp.CSS(`table.matrix`)))
	if err != nil {
		t.Fatal(err)
	}
	mustHave(t, desk, cell, "b's January in 合规矩阵")
	if st := text(t, desk, cell); st != "逾期未办" {
		t.Fatalf("b's January before the record: %q", st)
	}
	err = chromedp.Do(phone,
		chromedp.Navigate(s.base+"/records/new?workflow=meeting"),
		chromedp.WaitVisible(chromedp.CSS(`#f-topic`)),
		chromedp.SetValue(chromedp.CSS(`#f-type`), "theme_day"),
		chromedp.SetValue(chromedp.CSS(`#f-held_on`), "2025-01-24"),
		chromedp.SendKeys(chromedp.CSS(`#f-topic`), "重温入党誓词"),
		chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`dl.data`)),
		chromedp.Click(chromedp.CSS(`details.event:has(form[action$="/events/record"]) summary`)),
		chromedp.SetValue(chromedp.CSS(`form[action$="/events/record"] [name=expected]`), "10"),
		chromedp.SetValue(chromedp.CSS(`form[action$="/events/record"] [name=present]`), "10"),
		chromedp.SetValue(chromedp.CSS(`form[action$="/events/record"] [name=minutes]`), "全体党员面向党旗重温入党誓词，逐一谈入党初心，支部书记作总结讲话。"),
		chromedp.Click(chromedp.CSS(`form[action$="/events/record"] button[type=submit]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, phone, `document.querySelector('#state')?.textContent === '已记录'`)
	s.settle(t) // the outbox worker evaluates the branch after the record
	after := ""
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if err := chromedp.Do(desk, chromedp.Navigate(matrixURL), chromedp.WaitVisible(chromedp.CSS(cell))); err != nil {
			t.Fatal(err)
		}
		if after = text(t, desk, cell); after != "逾期未办" {
			break
		}
	}
	if after != "逾期补办" {
		t.Fatalf("b's January after the late record: %q, want 逾期补办", after)
	}
	if other := text(t, desk, `#cell-b2-theme_day_monthly-2025-01`); other != "逾期未办" {
		t.Fatalf("b2's January changed too: %q", other)
	}

	// the 工作手册: the secretary's own branch, not another's
	err = chromedp.Do(phone, chromedp.Navigate(s.base+"/handbook/b?year=2025"), chromedp.WaitVisible(chromedp.CSS(`.hb-cover`)))
	if err != nil {
		t.Fatal(err)
	}
	hb := text(t, phone, `main`)
	for _, want := range []string{"党支部工作手册", "博士生第一党支部", "理科楼305会议室", "钱同学（外出参加学术会议）", "确定两名发展对象", planText} {
		if !strings.Contains(hb, want) {
			t.Fatalf("the handbook lacks %q:\n%s", want, hb)
		}
	}
	err = chromedp.Do(phone, chromedp.Navigate(s.base+"/handbook/b2?year=2025"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if err != nil {
		t.Fatal(err)
	}
	if body := text(t, phone, `body`); !strings.Contains(body, "无权访问") || strings.Contains(body, "硕士生第二党支部") {
		t.Fatalf("another branch's handbook: %q", body)
	}
	// the supervisor prints it: no menu, a page per record, a PDF
	err = chromedp.Do(desk, chromedp.Navigate(s.base+"/handbook/b?year=2025"), chromedp.WaitVisible(chromedp.CSS(`.hb-record`)))
	if err != nil {
		t.Fatal(err)
	}
	if shots {
		screenshot(t, desk, "handbook")
	}
	printed, err := chromedp.Run(desk, func(ctx context.Context, tg *chromedp.Target) (bool, error) {
		if _, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			return false, err
		}
		ok, err := chromedp.Evaluate[bool](`getComputedStyle(document.querySelector('header.bar')).display === 'none' &&
			getComputedStyle(document.querySelectorAll('.hb-record')[1]).breakBefore === 'page'`)(ctx, tg)
		if _, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
			return false, err
		}
		return ok, err
	})
	if err != nil || !printed {
		t.Fatalf("print CSS: menu hidden and a page break per record: %v %v", printed, err)
	}
	pdf, err := chromedp.Run(desk, func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		res, err := cdp.Call(ctx, tg, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: new(true)})
		return res.Data, err
	})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "handbook.pdf")
	if err := os.WriteFile(out, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if raw, err := os.ReadFile(out); err != nil || len(raw) < 1000 || !bytes.HasPrefix(raw, []byte("%PDF")) {
		t.Fatalf("the printed handbook %s: %d bytes, %v", out, len(raw), err)
	}
}
