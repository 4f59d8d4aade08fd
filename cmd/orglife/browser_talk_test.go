package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/orglife/orglife/storage"
	"github.com/orglife/orglife/storage/storagetest"
)

// TestBrowserTalkPicksMembers: on a phone a secretary records a 谈心谈话 by ticking its
// participants in the branch's roster — each shown with name and id, so of two members called
// 张伟 she picks the right one, and a member who has transferred out is still offered, marked
// 已转出 —; the record page names them; an id that is not in the roster (a tampered form) is
// refused next to the field and nothing changes.
func TestBrowserTalkPicksMembers(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) { browserTalkPicksMembers(t, dsn, name == storage.SQLite) })
	}
}

func browserTalkPicksMembers(t *testing.T, dsn string, shots bool) {
	ctx := newBrowserContext(t, 375, 740)
	s := startServer(t, dsn, "--now", pinned, "--eval-interval=0")
	admin := s.adminToken(t)
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "c", "name": "研究生院党委", "kind": "committee"})
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b", "name": "博士生第一党支部", "kind": "branch", "parent_id": "c"})
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b2", "name": "硕士生第二党支部", "kind": "branch", "parent_id": "c"})
	for _, m := range []obj{{"id": "m-zhang", "name": "张伟"}, {"id": "m-zhang2", "name": "张伟"}, {"id": "m-li", "name": "李娜"}, {"id": "m-wang", "name": "王芳"}} {
		s.must(t, 201, "POST", "/v1/orgs/b/members", admin, m)
	}
	s.must(t, 201, "POST", "/v1/orgs/b2/members", admin, obj{"id": "m-other", "name": "赵强"})
	s.must(t, 200, "POST", "/v1/orgs/b/members/m-wang/transfer", admin, obj{"to_org_id": "b2", "on": "2025-01-05", "reason": "转入硕士生支部"})
	s.must(t, 201, "POST", "/v1/users", admin, obj{"username": "shuji", "name": "李书记", "role": "branch", "org_id": "b", "password": "correct horse"})
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), "shuji"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "correct horse"),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`header.bar`)),
		chromedp.Navigate(s.base+"/records/new?workflow=talk"),
		chromedp.WaitVisible(chromedp.CSS(`#f-held_on`)),
		chromedp.SetValue(chromedp.CSS(`#f-held_on`), "2025-01-10"),
		chromedp.SetValue(chromedp.CSS(`#f-kind`), "committee_member"),
		chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`dl.data`)),
		chromedp.Click(chromedp.CSS(`details.event:has(form[action$="/events/record"]) summary`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	form := `form[action$="/events/record"]`
	labels, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('`+form+` fieldset.members label.check')].map(l => l.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(labels, " ") != "李娜（m-li） 张伟（m-zhang） 张伟（m-zhang2） 王芳（m-wang，已转出）" {
		t.Fatalf("the participants offered: %q", labels)
	}
	if shots {
		screenshot(t, ctx, "talk-members")
	}
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || width > 375 {
		t.Errorf("the talk form is %d px wide on a 375 px screen (%v)", width, err)
	}
	recordURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	// a tampered form: an id of another branch's member
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const i = document.createElement('input'); i.type = 'hidden'; i.name = 'participants'; i.value = 'm-other';
			document.querySelector('`+form+` fieldset.members').append(i); return true })()`)); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(form+` input[value="m-zhang2"]`)),
		chromedp.SetValue(chromedp.CSS(form+` [name=summary]`), "了解思想和学习情况，交流对支部工作的意见建议。"),
		chromedp.Click(chromedp.CSS(form+` button[type=submit]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.querySelector('`+form+` fieldset.members .error')?.textContent.includes('“m-other”不是本组织名册中的党员')`)
	if st := s.must(t, 200, "GET", "/v1/instances/"+strings.TrimPrefix(recordURL, s.base+"/records/"), admin, nil)["state"]; st != "planned" {
		t.Fatalf("the refused talk was recorded: %v", st)
	}
	checked, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('`+form+` fieldset.members input:checked')].map(i => i.value)`))
	if err != nil || strings.Join(checked, ",") != "m-zhang2,m-other" {
		t.Fatalf("the ticked members after the refusal: %q %v", checked, err)
	}
	// the secretary ticks the right people: the second 张伟 and the member who has moved
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(form+` input[value="m-other"]`)),
		chromedp.Click(chromedp.CSS(form+` input[value="m-wang"]`)),
		chromedp.Click(chromedp.CSS(form+` button[type=submit]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.querySelector('#state')?.textContent === '已记录'`)
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`dl.data`)))
	if err != nil || !strings.Contains(body, "张伟（m-zhang2）") || !strings.Contains(body, "王芳（m-wang）") || strings.Contains(body, "m-zhang\n") {
		t.Fatalf("the recorded talk: %q %v", body, err)
	}
	got := s.must(t, 200, "GET", "/v1/instances/"+strings.TrimPrefix(recordURL, s.base+"/records/"), admin, nil)
	if p, _ := got["data"].(map[string]any)["participants"].([]any); len(p) != 2 || p[0] != "m-zhang2" || p[1] != "m-wang" {
		t.Fatalf("participants stored: %v", got["data"])
	}
}
