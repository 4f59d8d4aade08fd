package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/orglife/orglife/storage"
	"github.com/orglife/orglife/storage/storagetest"
)

// TestBrowserRulesChange: at a PC an admin opens 规则, edits the theme day rule in the editor
// with a typo, presses 校验 and sees the problem at meetings.yaml:LINE:COLUMN under the file with
// the line highlighted, corrects it into a shorter grace, previews January (the branch's theme
// day turns 逾期未办 and a finding would open), activates the change and sees the new version.
func TestBrowserRulesChange(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) { browserRulesChange(t, dsn, name == storage.SQLite) })
	}
}

// setRuleFile replaces from by to in the textarea of the rule file name.
func setRuleFile(name, from, to string) string {
	return fmt.Sprintf(`(() => { const ta = document.querySelector('input[name=name][value=%q]').parentElement.querySelector('textarea');
		ta.value = ta.value.replace(%q, %q); return true })()`, name, from, to)
}

func browserRulesChange(t *testing.T, dsn string, shots bool) {
	ctx := newBrowserContext(t, 1280, 900)
	s := startServer(t, dsn, "--now", pinned, "--eval-interval=0")
	admin := s.adminToken(t)
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "p", "name": "研究生党委", "kind": "committee"})
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b", "name": "博士生第一党支部", "kind": "branch", "parent_id": "p"})
	s.must(t, 201, "POST", "/v1/users", admin, obj{"username": "guanli", "name": "王管理", "role": "admin", "password": "correct horse"})
	s.must(t, 200, "POST", "/v1/evaluations", admin, obj{})
	original, files := activeRuleFiles(t, s, admin)
	line := lineOf(t, files["meetings.yaml"], "every: month")

	err := chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), "guanli"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "correct horse"),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`header.bar`)),
		chromedp.Click(chromedp.CSS(`nav a[href="/rules"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#rules`)),
		chromedp.Click(chromedp.CSS(`a[href="/rules/edit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#validate`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](setRuleFile("meetings.yaml", "every: month", "every: fortnight"))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#validate`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.querySelector('.problem') !== null`)
	where, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.problem code.where`)))
	if err != nil || !strings.HasPrefix(where, fmt.Sprintf("meetings.yaml:%d:", line)) {
		t.Fatalf("the problem's position: %q %v (want line %d)", where, err, line)
	}
	mark, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.problem pre.excerpt mark`)))
	if err != nil || !strings.Contains(mark, "every: fortnight") {
		t.Fatalf("the highlighted line: %q %v", mark, err)
	}
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#rules-error`)))
	if err != nil || !strings.Contains(msg, "尚未保存") {
		t.Fatalf("the error above the form: %q %v", msg, err)
	}
	// the problem is under the textarea of its own file
	if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('.problem').closest('.rulefile').querySelector('input[name=name]').value === 'meetings.yaml'`)); err != nil || !ok {
		t.Fatalf("the problem is not under meetings.yaml: %v", err)
	}
	if shots {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { document.querySelector('.problem').closest('.rulefile').scrollIntoView(); return true })()`)); err != nil {
			t.Fatal(err)
		}
		viewportShot(t, ctx, "rules-error")
	}
	// the typed text is kept: correct it into a shorter grace and preview January
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](setRuleFile("meetings.yaml", "every: fortnight", "every: month"))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](setRuleFile("meetings.yaml", "grace: 10d", "grace: 1d"))); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#from`), "2025-01-01"),
		chromedp.SetValue(chromedp.CSS(`#to`), "2025-01-31"),
		chromedp.Click(chromedp.CSS(`#preview`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.querySelector('#preview-result') !== null`)
	result, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#preview-result`)))
	if err != nil || !strings.Contains(result, "每月开展一次主题党日") || !strings.Contains(result, "逾期未办") || !strings.Contains(result, "2025年1月") ||
		!strings.Contains(result, "将新增的问题") || !strings.Contains(result, "2025-02-01 24:00") {
		t.Fatalf("the preview: %q %v", result, err)
	}
	if ruleVersion(t, s, admin) != original {
		t.Fatal("the preview changed the rules")
	}
	if shots {
		if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS(`#preview-result`))); err != nil {
			t.Fatal(err)
		}
		viewportShot(t, ctx, "rules-preview")
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#note`), "主题党日宽限改为1天"),
		chromedp.Click(chromedp.CSS(`#activate`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.querySelector('#rules') !== null && document.body.textContent.includes('新规则已启用')`)
	next := ruleVersion(t, s, admin)
	if next == original {
		t.Fatal("the activation did not change the rules")
	}
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
	if err != nil || !strings.Contains(body, next) || !strings.Contains(body, "主题党日宽限改为1天") || !strings.Contains(body, "期满后 1 天内") {
		t.Fatalf("the rules after activation: %q %v", body, err)
	}
	if shots {
		viewportShot(t, ctx, "rules")
	}
	// 组织与账号: the org tree and the accounts, each a list of the one page model
	err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`nav a[href="/admin/orgs"]`)), chromedp.WaitVisible(chromedp.CSS(`#orgs`)))
	if err != nil {
		t.Fatal(err)
	}
	if tree := text(t, ctx, `#orgs`); !strings.Contains(tree, "研究生党委") || !strings.Contains(tree, "博士生第一党支部") {
		t.Fatalf("the org tree: %q", tree)
	}
	if info := text(t, ctx, `nav.pager`); !strings.Contains(info, "共 2 条") {
		t.Fatalf("the org tree's pager: %q", info)
	}
	if shots {
		screenshot(t, ctx, "accounts")
	}
	err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`nav.tabs a[href="/admin/users"]`)), chromedp.WaitVisible(chromedp.CSS(`#user-guanli`)))
	if err != nil {
		t.Fatal(err)
	}
}

// viewportShot saves what the window shows (not the whole page) as NAME.png in
// ORGLIFE_SCREENSHOTS, when that is set: the rule editor is many screens long.
func viewportShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv(envScreenshots)
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
