package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	partybranch "github.com/orglife/orglife/examples/party-branch"
	"github.com/orglife/orglife/reminders"
	"github.com/orglife/orglife/roster"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/storage"
	"github.com/orglife/orglife/storage/storagetest"
	"github.com/orglife/orglife/web"
	"github.com/orglife/orglife/workflows"
)

// matrixWorld is a web handler on a database with a committee, general branches of 20 branches
// each, n branches with a theme_day_monthly and a committee_monthly (按期完成 up to November)
// ledger row for each month of 2025 (every 50th branch silent), and a logged-in supervisor of the
// committee.
type matrixWorld struct {
	db      *storage.DB
	handler http.Handler
	cookie  *http.Cookie
}

func newMatrixWorld(tb testing.TB, dsn string, n int) *matrixWorld {
	tb.Helper()
	ctx := context.Background()
	db := storagetest.Open(tb, dsn)
	set, ps := workflows.Load(partybranch.FS, "workflows", "x")
	if len(ps) > 0 {
		tb.Fatal(ps)
	}
	rs, ps := rules.LoadRules(partybranch.FS, "rules", "", set.Collections())
	if len(ps) > 0 {
		tb.Fatal(ps)
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		tb.Fatal(err)
	}
	now := time.Date(2025, 12, 20, 10, 0, 0, 0, loc)
	chk := compliance.New(compliance.Config{Store: db, Workflows: set, Rules: rs, Location: loc, Now: func() time.Time { return now }})
	svc := engine.New(engine.Config{Store: db, Workflows: set, Location: loc, Now: func() time.Time { return now }, Evaluations: chk})
	p := func(s string) *string { return &s }
	bulk := &storage.Bulk{Orgs: []*orglife.Org{{ID: "c", Name: "校党委", Kind: orglife.KindCommittee, CreatedAt: now, UpdatedAt: now}}}
	var ledger []*orglife.LedgerRow
	statuses := []orglife.Status{orglife.StatusCompliant, orglife.StatusLate, orglife.StatusOverdue, orglife.StatusShallow, orglife.StatusCompliant}
	for i := range n {
		g := fmt.Sprintf("g%03d", i/20)
		if i%20 == 0 {
			bulk.Orgs = append(bulk.Orgs, &orglife.Org{ID: g, Name: "第" + g + "党总支", Kind: orglife.KindGeneralBranch, ParentID: p("c"), CreatedAt: now, UpdatedAt: now})
		}
		id := fmt.Sprintf("b%04d", i)
		bulk.Orgs = append(bulk.Orgs, &orglife.Org{ID: id, Name: "第" + id + "党支部", Kind: orglife.KindBranch, ParentID: p(g), CreatedAt: now, UpdatedAt: now})
		if i%50 == 49 {
			continue // silent: no ledger rows
		}
		for m := 1; m <= 12; m++ {
			per := rules.PeriodOf(time.Date(2025, time.Month(m), 15, 0, 0, 0, 0, loc), rules.PeriodMonth, loc)
			due := per.Due(10)
			start, end := per.Start.Format(orglife.DateLayout), per.End.Format(orglife.DateLayout)
			st := statuses[(i+m)%len(statuses)]
			if m == 12 {
				st = orglife.StatusPending
			}
			ledger = append(ledger, &orglife.LedgerRow{Rule: "theme_day_monthly", RuleVersion: rs.Version, Scope: "org", OrgID: id,
				SubjectID: id, Period: p(per.Label), PeriodStart: &start, PeriodEnd: &end, Due: &due, Status: st, Severity: "major",
				Explanation: orglife.Explanation{Text: "说明"}, Evidence: []string{}, EvaluatedAt: now})
			committee := orglife.StatusCompliant
			if m == 12 {
				committee = orglife.StatusPending
			}
			ledger = append(ledger, &orglife.LedgerRow{Rule: "committee_monthly", RuleVersion: rs.Version, Scope: "org", OrgID: id,
				SubjectID: id, Period: p(per.Label), PeriodStart: &start, PeriodEnd: &end, Due: &due, Status: committee, Severity: "major",
				Explanation: orglife.Explanation{Text: "说明"}, Evidence: []string{}, EvaluatedAt: now})
		}
	}
	if err := db.BulkLoad(ctx, bulk); err != nil {
		tb.Fatal(err)
	}
	if err := db.SaveLedger(ctx, ledger, nil); err != nil {
		tb.Fatal(err)
	}
	admin := orglife.Actor{Role: orglife.RoleAdmin, Name: "admin"}
	if _, err := svc.CreateUser(ctx, admin, engine.UserParams{Username: "zuzhi", Name: "组织员", Role: orglife.RoleSupervisor,
		OrgID: "c", Password: "correct horse"}); err != nil {
		tb.Fatal(err)
	}
	secret, _, err := svc.Login(ctx, "zuzhi", "correct horse")
	if err != nil {
		tb.Fatal(err)
	}
	// with the reminder job and the importer, so that their pages and forms are served (and
	// TestEveryFormNeedsCSRF covers their POST routes)
	opts := web.Options{Reminders: reminders.New(reminders.Config{Store: db, Now: svc.Now}),
		Importer: &roster.Importer{Read: db, Write: roster.EngineWriter{Svc: svc, Store: db}, Now: svc.Now}}
	return &matrixWorld{db: db, handler: web.New(svc, chk, opts), cookie: &http.Cookie{Name: "orglife_session", Value: secret}}
}

// get serves path to the logged-in supervisor.
func (w *matrixWorld) get(tb testing.TB, path string) string {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.AddCookie(w.cookie)
	rec := httptest.NewRecorder()
	w.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		tb.Fatalf("GET %s: %d %.300s", path, rec.Code, rec.Body.String())
	}
	return rec.Body.String()
}

const matrixPath = "/matrix?rule=theme_day_monthly&year=2025"

const familyPath = "/matrix?rule=family:month&year=2025"

// TestMatrixStatements: 合规矩阵 costs the same number of SQL statements for 10 branches as for
// 120 (no statement per branch or cell), for one rule and for the family of the monthly rules,
// and lists every branch, the silent ones included. The family view has a line per monthly rule
// in each branch, with the roll-up of each line and of the branch, and a 完成率 per rule and in
// all per month.
func TestMatrixStatements(t *testing.T) {
	counts := map[string][]int{}
	monthly := 0
	for _, r := range newMatrixWorldRules(t) {
		if r.Every == rules.PeriodMonth && r.Scope != rules.ScopeInstance {
			monthly++
		}
	}
	for _, n := range []int{10, 120} {
		for name, dsn := range storagetest.DSNs(t) {
			t.Run(fmt.Sprintf("%s/%d", name, n), func(t *testing.T) {
				w := newMatrixWorld(t, dsn, n)
				stmts := storagetest.CountStatements(t, w.db)
				for _, path := range []string{matrixPath, familyPath} {
					var page string
					sent := stmts.During(func() { page = w.get(t, path) })
					counts[name+" "+path] = append(counts[name+" "+path], len(sent))
					if got := strings.Count(page, `<tr id="org-`); got != n {
						t.Fatalf("%s: %d branches: %d rows", path, n, got)
					}
					if n > 50 && (!strings.Contains(page, "第b0049党支部") || !strings.Contains(page, "无数据")) {
						t.Fatalf("%s: the silent branch is missing", path)
					}
					t.Logf("%s: %d branches: %d statements:\n%s", path, n, len(sent), strings.Join(sent, "\n"))
				}
				fam := w.get(t, familyPath)
				if got := strings.Count(fam, `<tr id="org-b0000" class="line first"`) + strings.Count(fam, `<tr class="line" data-org="b0000"`); got != monthly {
					t.Fatalf("b0000 has %d lines in the family view, want %d (the monthly rules)", got, monthly)
				}
				// b0000: 主题党日 4 of 11 按期, 支委会 11 of 11
				for _, want := range []string{"合计 按时开展 15 / 应开展 22", `id="cell-b0000-committee_monthly-2025-01"`,
					"按时开展 4 / 应开展 11", "按时开展 11 / 应开展 11", `href="/matrix?rule=committee_monthly&amp;year=2025"`} {
					if !strings.Contains(fam, want) {
						t.Fatalf("the family view lacks %q", want)
					}
				}
				foot := fam[strings.Index(fam, "<tfoot>"):]
				if got := strings.Count(foot, `class="rule-rate"`); got != monthly {
					t.Fatalf("%d 完成率 rows per rule, want %d", got, monthly)
				}
				// January: 支委会 100 %; 主题党日 and 支委会 together over the branches with rows
				committee := foot[strings.Index(foot, "每月召开一次支委会"):]
				if !strings.HasPrefix(committee[strings.Index(committee, `<td class="rate">`):], `<td class="rate">100%</td>`) {
					t.Fatalf("支委会's January 完成率: %.200s", committee)
				}
			})
		}
	}
	for name, c := range counts {
		if len(c) != 2 || c[0] != c[1] || c[0] > 8 {
			t.Errorf("%s: statements for 10 and 120 branches: %v", name, c)
		}
	}
}

// newMatrixWorldRules are the rules of the default pack.
func newMatrixWorldRules(tb testing.TB) []*rules.Rule {
	set, ps := workflows.Load(partybranch.FS, "workflows", "x")
	if len(ps) > 0 {
		tb.Fatal(ps)
	}
	rs, ps := rules.LoadRules(partybranch.FS, "rules", "", set.Collections())
	if len(ps) > 0 {
		tb.Fatal(ps)
	}
	var out []*rules.Rule
	for _, r := range rs.Rules {
		if r.Timing() == rules.TimingPeriodic {
			out = append(out, r)
		}
	}
	return out
}

// BenchmarkMatrix serves 合规矩阵 of 1 000 branches × 12 months (20 of them silent) to a
// supervisor: the session, the scope, the orgs and the ledger rows, and the HTML; for one rule
// and for the family of the monthly rules (three lines per branch).
func BenchmarkMatrix(b *testing.B) {
	n := 1000
	if v := os.Getenv("ORGLIFE_BENCH_BRANCHES"); v != "" {
		fmt.Sscan(v, &n)
	}
	for name, dsn := range storagetest.DSNs(b) {
		w := newMatrixWorld(b, dsn, n)
		for _, view := range []struct{ name, path string }{{"rule", matrixPath}, {"family", familyPath}} {
			path := view.path
			b.Run(name+"/"+view.name, func(b *testing.B) {
				page := w.get(b, path)
				if got := strings.Count(page, `<tr id="org-`); got != n {
					b.Fatalf("%d rows, want %d", got, n)
				}
				b.SetBytes(int64(len(page)))
				b.ResetTimer()
				for b.Loop() {
					w.get(b, path)
				}
			})
		}
	}
}
