package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	partybranch "github.com/orglife/orglife/examples/party-branch"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/storage/storagetest"
	"github.com/orglife/orglife/web"
	"github.com/orglife/orglife/workflows"
)

// pagerWorld is the web interface on a database with a branch b of 45 members and 25 meeting
// records, and a logged-in admin.
type pagerWorld struct {
	handler http.Handler
	cookie  *http.Cookie
}

func newPagerWorld(t *testing.T, dsn string) *pagerWorld {
	t.Helper()
	ctx := context.Background()
	db := storagetest.Open(t, dsn)
	set, ps := workflows.Load(partybranch.FS, "workflows", "x")
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	rs, ps := rules.LoadRules(partybranch.FS, "rules", "", set.Collections())
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 12, 20, 10, 0, 0, 0, loc)
	chk := compliance.New(compliance.Config{Store: db, Workflows: set, Rules: rs, Location: loc, Now: func() time.Time { return now }})
	svc := engine.New(engine.Config{Store: db, Workflows: set, Location: loc, Now: func() time.Time { return now }, Evaluations: chk})
	admin := orglife.Actor{Role: orglife.RoleAdmin, Name: "admin"}
	if _, err := svc.CreateOrg(ctx, admin, &orglife.Org{ID: "b", Name: "博士生第一党支部", Kind: orglife.KindBranch}); err != nil {
		t.Fatal(err)
	}
	for i := range 45 {
		if _, err := svc.CreateMember(ctx, admin, "b", &orglife.Member{ID: fmt.Sprintf("m%02d", i), Name: fmt.Sprintf("党员%02d", i), Status: orglife.MemberFull}); err != nil {
			t.Fatal(err)
		}
	}
	branch := orglife.Actor{Role: orglife.RoleBranch, OrgID: "b", Name: "李书记"}
	for i := range 25 {
		_, err := svc.Start(ctx, branch, engine.StartParams{Workflow: "meeting", OrgID: "b",
			Data: map[string]any{"type": "committee", "held_on": fmt.Sprintf("2025-%02d-%02d", i%12+1, i%28+1), "topic": fmt.Sprintf("支委会第%02d次", i)}})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.CreateUser(ctx, admin, engine.UserParams{Username: "guanli", Name: "王管理", Role: orglife.RoleAdmin, Password: "correct horse"}); err != nil {
		t.Fatal(err)
	}
	secret, _, err := svc.Login(ctx, "guanli", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	return &pagerWorld{handler: web.New(svc, chk, web.Options{}), cookie: &http.Cookie{Name: "orglife_session", Value: secret}}
}

func (w *pagerWorld) get(t *testing.T, path string) string {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.AddCookie(w.cookie)
	rec := httptest.NewRecorder()
	w.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %.300s", path, rec.Code, rec.Body.String())
	}
	return rec.Body.String()
}

// pagerLink is the href of the control's link of class pager-NAME, "" when absent.
func pagerLink(page, name string) string {
	m := regexp.MustCompile(`<a href="([^"]*)" rel="[a-z]+" class="pager-` + name + `"`).FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

var memberRE = regexp.MustCompile(`<th scope="row">(党员\d\d)</th>`)

func members(page string) []string {
	var out []string
	for _, m := range memberRE.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestPagerWalk: a list walks forward with 下一页 over every row exactly once, back with 上一页
// to the same rows and home with 第一页; the page number, the size and the filters stay in the
// links; another page size lists everything at once; a tampered cursor is refused in Chinese.
func TestPagerWalk(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			w := newPagerWorld(t, dsn)
			p1 := w.get(t, "/admin/orgs/b?size=20")
			if pagerLink(p1, "prev") != "" || pagerLink(p1, "first") != "" || !strings.Contains(p1, `第 <span class="pager-n">1</span> 页`) {
				t.Fatalf("page 1 has a way back or no number:\n%s", p1)
			}
			var seen []string
			pages := []string{p1}
			for page := p1; ; {
				seen = append(seen, members(page)...)
				next := pagerLink(page, "next")
				if next == "" {
					break
				}
				if !strings.Contains(next, "size=20") || !strings.HasPrefix(next, "/admin/orgs/b?") {
					t.Fatalf("the next link loses the size: %s", next)
				}
				page = w.get(t, next)
				pages = append(pages, page)
			}
			if len(pages) != 3 || len(members(pages[0])) != 20 || len(members(pages[2])) != 5 {
				t.Fatalf("%d pages, %d and %d rows", len(pages), len(members(pages[0])), len(members(pages[len(pages)-1])))
			}
			sorted := slices.Sorted(slices.Values(seen))
			if len(seen) != 45 || len(slices.Compact(sorted)) != 45 {
				t.Fatalf("walked %d rows (%d distinct), want 45 once each", len(seen), len(slices.Compact(sorted)))
			}
			if !strings.Contains(pages[2], `第 <span class="pager-n">3</span> 页`) {
				t.Fatalf("page 3 is not numbered")
			}
			back := w.get(t, pagerLink(pages[2], "prev"))
			if !slices.Equal(members(back), members(pages[1])) || !strings.Contains(back, `第 <span class="pager-n">2</span> 页`) {
				t.Fatalf("上一页 of page 3: %v, want %v", members(back), members(pages[1]))
			}
			if first := w.get(t, pagerLink(back, "prev")); !slices.Equal(members(first), members(p1)) || pagerLink(first, "prev") != "" {
				t.Fatalf("上一页 of page 2 is not page 1: %v", members(first))
			}
			if first := w.get(t, pagerLink(pages[2], "first")); !slices.Equal(members(first), members(p1)) {
				t.Fatalf("第一页: %v", members(first))
			}
			all := w.get(t, "/admin/orgs/b?size=100")
			if len(members(all)) != 45 || pagerLink(all, "next") != "" {
				t.Fatalf("size 100: %d rows", len(members(all)))
			}
			// the filter of the records list stays in its links
			recordRE := regexp.MustCompile(`<li class="card"><a href="/records/([^"]+)">`)
			r1 := w.get(t, "/records?workflow=meeting")
			next := pagerLink(r1, "next")
			if !strings.Contains(next, "workflow=meeting") || !strings.Contains(next, "cursor=") {
				t.Fatalf("the records' next link: %q", next)
			}
			r2 := w.get(t, next)
			ids := append(recordRE.FindAllStringSubmatch(r1, -1), recordRE.FindAllStringSubmatch(r2, -1)...)
			distinct := map[string]bool{}
			for _, m := range ids {
				distinct[m[1]] = true
			}
			if len(ids) != 25 || len(distinct) != 25 || pagerLink(r2, "next") != "" {
				t.Fatalf("records over two pages: %d rows, %d distinct", len(ids), len(distinct))
			}
			if prev := pagerLink(r2, "prev"); prev != "/records?workflow=meeting" {
				t.Fatalf("上一页 of the records' page 2: %q", prev)
			}
		})
	}
}
