package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/orglife/orglife/storage"
	"github.com/orglife/orglife/storage/storagetest"
)

// envRequireBrowser makes a missing Chromium fail the browser tests instead of skipping them
// (.ci/run sets it).
const envRequireBrowser = "ORGLIFE_REQUIRE_BROWSER"

// envScreenshots names a directory where the browser tests save screenshots of the pages.
const envScreenshots = "ORGLIFE_SCREENSHOTS"

// newBrowserContext starts headless Chromium (Debian's /usr/bin/chromium, or ORGLIFE_CHROMIUM)
// with a window of the given width and returns a chromedp context; it skips the test when no
// Chromium is installed, unless ORGLIFE_REQUIRE_BROWSER is set.
func newBrowserContext(t *testing.T, width, height int) context.Context {
	t.Helper()
	path := os.Getenv("ORGLIFE_CHROMIUM")
	if path == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		if os.Getenv(envRequireBrowser) != "" {
			t.Fatal("browser tests must run but no Chromium was found (apt-get install -y chromium)")
		}
		t.Skip("browser tests skipped: no Chromium found (apt-get install -y chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 120*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	// headless windows are at least 500 px wide: emulate the screen instead
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height), chromedp.EmulateMobile)); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// screenshot saves a full-page PNG (quality 100 means PNG) of the current page as NAME.png in ORGLIFE_SCREENSHOTS, when
// that is set.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv(envScreenshots)
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserLogin: on a phone-sized screen a secretary opens the site, is sent to the login
// page, mistypes the password and sees the error, logs in and sees the 工作台 with her name, and
// logs out.
func TestBrowserLogin(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) { browserLogin(t, dsn, name == storage.SQLite) })
	}
}

func browserLogin(t *testing.T, dsn string, shots bool) {
	ctx := newBrowserContext(t, 375, 740)
	s := startServer(t, dsn, "--now", pinned, "--eval-interval=0")
	admin := s.adminToken(t)
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b", "name": "博士生第一党支部", "kind": "branch"})
	s.must(t, 201, "POST", "/v1/users", admin, obj{"username": "shuji", "name": "李书记", "role": "branch", "org_id": "b", "password": "correct horse"})

	err := chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), "shuji"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "wrong horse"),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.error`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.error`)))
	if err != nil || !strings.Contains(text, "用户名或密码错误") {
		t.Fatalf("error shown: %q %v", text, err)
	}
	if shots {
		screenshot(t, ctx, "login")
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#password`), "correct horse"),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`header.bar`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	text, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`body`)))
	if err != nil || !strings.Contains(text, "工作台") || !strings.Contains(text, "李书记") {
		t.Fatalf("home page: %q %v", text, err)
	}
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if width > 375 {
		t.Errorf("the page is %d px wide on a 375 px screen", width)
	}
	if shots {
		screenshot(t, ctx, "home")
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`button.link`)),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
	)
	if err != nil {
		t.Fatal(err)
	}
}

// TestBrowserRecordMeeting: a secretary records this month's 主题党日 through the generated form
// on a phone: a too short topic is refused with the message next to the field (and the typed
// values kept), the corrected form saves the record, and the 填写记录 form of the record page
// records it with attendance and minutes. Every page of her day (工作台, 记录, the forms, 问题清单,
// 支部详情, 工作手册) fits the 375 px screen. A secretary of another branch who opens the
// record's URL, or the first branch's 支部详情, 工作手册, matrix or findings, sees 无权访问 or
// nothing of it; her start form aimed at the first branch and an event posted on its record
// (with her own CSRF token) are refused and change nothing.
func TestBrowserRecordMeeting(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) { browserRecordMeeting(t, dsn, name == storage.SQLite) })
	}
}

func browserRecordMeeting(t *testing.T, dsn string, shots bool) {
	ctx := newBrowserContext(t, 375, 740)
	s := startServer(t, dsn, "--now", pinned, "--eval-interval=0")
	admin := s.adminToken(t)
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b", "name": "博士生第一党支部", "kind": "branch"})
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b2", "name": "硕士生第二党支部", "kind": "branch"})
	s.must(t, 201, "POST", "/v1/users", admin, obj{"username": "shuji", "name": "李书记", "role": "branch", "org_id": "b", "password": "correct horse"})
	s.must(t, 201, "POST", "/v1/users", admin, obj{"username": "other", "name": "张书记", "role": "branch", "org_id": "b2", "password": "correct horse"})
	login := func(user string) {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.Navigate(s.base+"/login"),
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
	login("shuji")
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/records/new?workflow=meeting"),
		chromedp.WaitVisible(chromedp.CSS(`#f-topic`)),
		chromedp.SetValue(chromedp.CSS(`#f-type`), "theme_day"),
		chromedp.SetValue(chromedp.CSS(`#f-held_on`), "2025-01-20"),
		chromedp.SendKeys(chromedp.CSS(`#f-topic`), "学"),
		chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#err-topic`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#err-topic`)))
	if err != nil || !strings.Contains(msg, "2") {
		t.Fatalf("the topic's error next to the field: %q %v", msg, err)
	}
	held, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#f-held_on`)))
	if err != nil || held != "2025-01-20" {
		t.Fatalf("the typed date is lost: %q %v", held, err)
	}
	if shots {
		screenshot(t, ctx, "record-form-error")
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#f-topic`), "学习党章第一章"),
		chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`dl.data`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	recordURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	// open the 填写记录 form and fill it
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`details.event:has(form[action$="/events/record"]) summary`)),
		chromedp.SetValue(chromedp.CSS(`form[action$="/events/record"] [name=expected]`), "10"),
		chromedp.SetValue(chromedp.CSS(`form[action$="/events/record"] [name=present]`), "9"),
		chromedp.SetValue(chromedp.CSS(`form[action$="/events/record"] [name=minutes]`), "学习《中国共产党章程》第一章，全体党员逐一发言，支部书记作总结。"),
		chromedp.Click(chromedp.CSS(`form[action$="/events/record"] button[type=submit]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.querySelector('#state')?.textContent === '已记录'`)
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
	if err != nil || !strings.Contains(body, "已记录") || !strings.Contains(body, "李书记") {
		t.Fatalf("the recorded meeting: %q %v", body, err)
	}
	if shots {
		screenshot(t, ctx, "record")
	}
	// every page of the secretary's day fits the phone's 375 px
	for _, path := range []string{"/", "/records", "/records/new?workflow=meeting", strings.TrimPrefix(recordURL, s.base),
		"/violations", "/branches/b?year=2025", "/handbook/b?year=2025"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(s.base+path), chromedp.WaitVisible(chromedp.CSS(`h1`))); err != nil {
			t.Fatal(err)
		}
		width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil || width > 375 {
			t.Errorf("%s is %d px wide on a 375 px screen (%v)", path, width, err)
		}
	}
	// another branch's secretary tampers with the URLs: nothing of branch b on any page
	login("other")
	for _, path := range []string{strings.TrimPrefix(recordURL, s.base), "/branches/b?year=2025", "/handbook/b?year=2025",
		"/matrix?org_id=b&year=2025", "/violations?org_id=b", "/records?org_id=b"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(s.base+path), chromedp.WaitVisible(chromedp.CSS(`h1`))); err != nil {
			t.Fatal(err)
		}
		body, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`body`)))
		if err != nil || strings.Contains(body, "党章") || strings.Contains(body, "博士生第一党支部") {
			t.Fatalf("%s shows branch b to another branch: %q %v", path, body, err)
		}
		if !strings.Contains(path, "org_id") && !strings.Contains(body, "无权访问") {
			t.Fatalf("%s: not refused: %q", path, body)
		}
	}
	// nor act on it: the start form aimed at b, and b's record's event posted with her own CSRF token
	err = chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/records/new?workflow=meeting&org_id=b"),
		chromedp.WaitVisible(chromedp.CSS(`#f-topic`)),
		chromedp.SetValue(chromedp.CSS(`#f-type`), "theme_day"),
		chromedp.SetValue(chromedp.CSS(`#f-held_on`), "2025-01-21"),
		chromedp.SendKeys(chromedp.CSS(`#f-topic`), "冒名记录的主题党日"),
		chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`h1`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.textContent.includes('无权访问')`)
	if err := chromedp.Do(ctx, chromedp.Navigate(s.base+"/"), chromedp.WaitVisible(chromedp.CSS(`header.bar`))); err != nil {
		t.Fatal(err)
	}
	status, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(async () => {
		const csrf = document.querySelector('input[name=csrf]').value;
		const r = await fetch(`+strconv.Quote(strings.TrimPrefix(recordURL, s.base)+"/events/approve")+`, {method: 'POST',
			body: new URLSearchParams({csrf, version: '2', comment: '越权'}), redirect: 'manual'});
		return r.status })()`, chromedp.EvalAwaitPromise))
	if err != nil || status != 403 {
		t.Fatalf("another branch posts an event on b's record: %d %v", status, err)
	}
	list := s.must(t, 200, "GET", "/v1/instances?org_id=b", admin, nil)
	if n := len(items(t, list)); n != 1 {
		t.Fatalf("branch b has %d records after the tampering, want 1", n)
	}
	if st := items(t, list)[0]["state"]; st != "recorded" {
		t.Fatalf("b's record after the tampering: %v", st)
	}
}

// waitFor evaluates a JavaScript condition until it holds (through page loads), or fails the test
// after 10 s.
func waitFor(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond)); err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`body`)))
	t.Fatalf("%s does not hold; the page:\n%s", cond, body)
}

// TestBrowserMatrix: on a desktop-sized window a supervisor opens 合规矩阵, sees the silent
// branch's January as 逾期未办 (text, in a cell with its colour class) with a sticky first
// column, switches to the family of the monthly rules (a line per rule in each branch), and
// follows a cell to its 支部详情, where the cell's explanation is shown.
func TestBrowserMatrix(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) { browserMatrix(t, dsn, name == storage.SQLite) })
	}
}

func browserMatrix(t *testing.T, dsn string, shots bool) {
	ctx := newBrowserContext(t, 1400, 900)
	s := matrixTree(t, dsn)
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), "zuzhi"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "correct horse"),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`header.bar`)),
		chromedp.Click(chromedp.CSS(`nav a[href="/matrix"]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.matrix`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#org-b2 td.cell.overdue`)))
	if err != nil || !strings.Contains(text, "逾期未办") {
		t.Fatalf("b2's January: %q %v", text, err)
	}
	pos, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('#org-b2 th.org')).position`))
	if err != nil || pos != "sticky" {
		t.Fatalf("first column: %q %v", pos, err)
	}
	if shots {
		screenshot(t, ctx, "matrix")
	}
	// the family of the monthly rules: a line per rule in each branch, b1's January 主题党日 on time
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#mr`), "family:month"),
		chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.matrix.family`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('tr.line[data-org=b1]').length`))
	// the pack's monthly rules: 主题党日, 支委会, 党小组会, 党费, the six-month review
	if err != nil || lines != 5 {
		t.Fatalf("b1's lines in the family view: %d %v", lines, err)
	}
	if st, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#cell-b1-theme_day_monthly-2025-01`))); st != "按期完成" {
		t.Fatalf("b1's January 主题党日 in the family view: %q", st)
	}
	// b2 has fewer than 7 full members: no 支委会 under the 条例, so the rule does not apply
	if st, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#cell-b2-committee_monthly-2025-01`))); st != "不适用" {
		t.Fatalf("b2's January 支委会 in the family view: %q", st)
	}
	if shots {
		screenshot(t, ctx, "matrix-family")
	}
	err = chromedp.Do(ctx, chromedp.Navigate(s.base+"/matrix?rule=theme_day_monthly&year=2025"), chromedp.WaitVisible(chromedp.CSS(`#org-b2`)))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#org-b2 td.cell.overdue a`)),
		chromedp.WaitVisible(chromedp.CSS(`#detail`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	text, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#detail`)))
	if err != nil || !strings.Contains(text, "逾期未办") || !strings.Contains(text, "2025年1月") {
		t.Fatalf("the cell's detail: %q %v", text, err)
	}
	if shots {
		screenshot(t, ctx, "branch")
	}
}
