package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife/storage"
	"github.com/orglife/orglife/storage/storagetest"
)

// budgetCase is one request that once took the server down or switched checking off.
type budgetCase struct {
	name, method, path, token string
	body                      any
	status                    int
	want                      string // a part of the answer's error message (or body), "" for any
}

// memoryCeiling is the heap the test process (servers included) may hold after any request.
const memoryCeiling = 400 << 20

// TestBudgetsEndToEnd sends the requests of issue 7 that crashed, stalled or flooded the server
// to three real servers sharing each test database, and asserts the status, that each answer
// came within seconds, that the servers stay up with the heap bounded, and that nothing was
// written (the ledger included).
func TestBudgetsEndToEnd(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) { budgets(t, dsn) })
	}
}

func budgets(t *testing.T, dsn string) {
	a := startServer(t, dsn, "--now", pinned, "--eval-interval=0", "--rules-poll", "100ms")
	admin := a.adminToken(t)
	b := startServer(t, dsn, "--now", pinned, "--eval-interval=0", "--rules-poll", "100ms")
	c := startServer(t, dsn, "--now", pinned, "--eval-interval=0", "--rules-poll", "100ms")
	a.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "c", "name": "研究生院党委", "kind": "committee"})
	a.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b", "name": "博士生第一党支部", "kind": "branch", "parent_id": "c"})
	super := a.must(t, 201, "POST", "/v1/tokens", admin, obj{"name": "组织员", "role": "supervisor", "org_id": "c"})["token"].(string)
	branch := a.must(t, 201, "POST", "/v1/tokens", admin, obj{"name": "书记", "role": "branch", "org_id": "b"})["token"].(string)
	a.must(t, 200, "POST", "/v1/evaluations", admin, obj{})

	asOf := url.QueryEscape(pinned)
	huge := "from=0001-01-01&to=9999-12-31"
	problems := make([]string, 40000)
	for i := range problems {
		problems[i] = fmt.Sprintf("问题%d", i)
	}
	manyRules := func(n int) string {
		var b strings.Builder
		b.WriteString("rules:\n")
		for i := range n {
			fmt.Fprintf(&b, "  - {id: r%d, title: t, every: month, require: \"true\", message: m}\n", i)
		}
		return b.String()
	}
	deep := strings.Repeat("[", 50000) + strings.Repeat("]", 50000)
	laughs := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	for i := 'b'; i <= 'j'; i++ {
		prev := string(i - 1)
		laughs += fmt.Sprintf("%c: &%c [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n", i, i, prev, prev, prev, prev, prev, prev, prev, prev, prev, prev)
	}
	gbk := "rules:\n  - id: r\n    title: \xd6\xf7\xcc\xe2\xb5\xb3\xc8\xd5\n    every: month\n    require: \"true\"\n    message: m\n"
	cases := []budgetCase{
		{"compliance over ten thousand years (supervisor)", "GET", "/v1/compliance?as_of=" + asOf + "&" + huge + "&limit=1", super, nil, 400, "at most 766 days"},
		{"compliance over ten thousand years (branch)", "GET", "/v1/compliance?as_of=" + asOf + "&" + huge + "&limit=1", branch, nil, 400, "budget"},
		{"compliance over ten thousand years (branch, again)", "GET", "/v1/compliance?as_of=" + asOf + "&" + huge, branch, nil, 400, "budget"},
		{"compliance as of, one row", "GET", "/v1/compliance?as_of=" + asOf + "&limit=1", super, nil, 200, ""},
		{"preview over ten thousand years", "POST", "/v1/rules/preview?" + huge, super, oneRule, 400, "budget"},
		{"preview of a memory bomb", "POST", "/v1/rules/preview", super, bombRule, 200, ""},
		{"preview of 15 000 rules", "POST", "/v1/rules/preview", super, manyRules(15000), 422, "larger than 100000 nodes"},
		{"preview of 1 200 rules", "POST", "/v1/rules/preview", super, manyRules(1200), 422, "at most 1000 rules"},
		{"YAML nested 50 000 deep", "POST", "/v1/rules/validate", admin, "rules: " + deep + "\n", 422, "nest"},
		{"PUT of a memory bomb", "PUT", "/v1/rules?allow_removal=true", admin, bombRule, 422, "budget"},
		{"PUT of a doubling string", "PUT", "/v1/rules?allow_removal=true", admin, strings.Replace(bombRule,
			"len(repeat(repeat('x', 999999), 999999)) > 0", "len(reduce(1..64, #acc + #acc, org.name)) > 0", 1), 422, "budget"},
		{"PUT of a loop of a billion steps", "PUT", "/v1/rules?allow_removal=true", admin, strings.Replace(bombRule,
			"len(repeat(repeat('x', 999999), 999999)) > 0", "all(1..1000, all(1..1000, all(1..1000, # > 0)))", 1), 422, "budget"},
		{"billion laughs", "POST", "/v1/rules/validate", admin, laughs, 422, "nodes"},
		{"PUT of nested YAML", "PUT", "/v1/rules?allow_removal=true", admin, "rules: " + deep + "\n", 422, "nest"},
		{"PUT of no rules", "PUT", "/v1/rules?allow_removal=true", admin, "rules: []\n", 422, "no rule"},
		{"PUT of one file of six", "PUT", "/v1/rules", admin, oneRule, 409, "allow_removal"},
		{"PUT of a GBK file", "PUT", "/v1/rules?allow_removal=true", admin, gbk, 422, "GBK"},
		{"a meeting with 40 000 problems", "POST", "/v1/instances", branch, obj{"workflow": "meeting", "org_id": "b",
			"data": obj{"type": "committee", "held_on": "2025-01-10", "topic": "支委会", "problems": problems}}, 422, "「查找的问题」至多100项"},
		{"an evaluation of 2029", "POST", "/v1/evaluations", admin, obj{"as_of": "2029-06-01T00:00:00Z", "from": "2029-01-01", "to": "2029-05-31"}, 200, "persisted:false"},
	}
	a.settle(t) // the outbox workers have evaluated the setup
	before, ledger := countRows(t, dsn), ledgerState(t, dsn)
	for _, tc := range cases {
		start := time.Now()
		got, body := a.call(t, tc.method, tc.path, tc.token, tc.body)
		took := time.Since(start)
		text := fmt.Sprint(body)
		switch {
		case got != tc.status:
			t.Errorf("%s: status %d, want %d: %.300s", tc.name, got, tc.status, text)
		case tc.want != "" && !strings.Contains(text, tc.want):
			t.Errorf("%s: answer lacks %q: %.300s", tc.name, tc.want, text)
		case took > 5*time.Second:
			t.Errorf("%s: answered after %v", tc.name, took)
		}
		if tc.name == "compliance as of, one row" && len(items(t, body)) > 1 {
			t.Errorf("%s: %d rows", tc.name, len(items(t, body)))
		}
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		if m.HeapInuse > memoryCeiling {
			t.Errorf("%s: heap in use %d MiB after the answer", tc.name, m.HeapInuse>>20)
		}
		for _, s := range []*testServer{a, b, c} {
			s.must(t, 200, "GET", "/healthz", "", nil)
		}
	}
	if after := countRows(t, dsn); after != before {
		t.Errorf("the requests wrote rows:\nbefore %s\nafter  %s", before, after)
	}
	if after := ledgerState(t, dsn); after != ledger {
		t.Errorf("the requests changed the ledger: %s, was %s", after, ledger)
	}

	// A rule that fails at run time (not a budget) is accepted; its rows have status error, the
	// other rules' rows are unaffected, and every server follows the new set and keeps serving.
	failing := oneRule + "  - id: bad_date\n    title: 日期错误\n    every: month\n    require: \"date(org.name) < now\"\n    message: m\n"
	put := a.must(t, 200, "PUT", "/v1/rules?allow_removal=true", admin, failing)
	version := put["version"].(string)
	for _, s := range []*testServer{b, c} {
		waitVersion(t, s, admin, version)
	}
	if st, body := b.call(t, "POST", "/v1/evaluations", admin, obj{"from": "2025-01-01", "to": "2025-01-31"}); st != 200 {
		t.Fatalf("evaluation with a failing rule: %d %v\n%s", st, body, b.stderr.String())
	}
	rows := items(t, c.must(t, 200, "GET", "/v1/compliance?org_id=b&period=2025-01&limit=500", admin, nil))
	statuses := map[string]string{}
	for _, r := range rows {
		statuses[r["rule"].(string)] = r["status"].(string)
	}
	if statuses["bad_date"] != "error" || statuses["theme_day_monthly"] == "error" || statuses["theme_day_monthly"] == "" {
		t.Fatalf("statuses after a failing rule: %v", statuses)
	}
	if !strings.Contains(b.stderr.String(), "rule=bad_date") {
		t.Errorf("no log line names the failing rule:\n%s", b.stderr.String())
	}
	for _, s := range []*testServer{a, b, c} {
		s.must(t, 200, "GET", "/healthz", "", nil)
	}
}

// bombRule builds a string of a terabyte.
const bombRule = `rules:
  - id: bomb
    title: 内存炸弹
    every: month
    require: "len(repeat(repeat('x', 999999), 999999)) > 0"
    message: 炸
`

// ledgerState summarizes the ledger and violations: their sizes and the latest instant in them.
func ledgerState(t *testing.T, dsn string) string {
	t.Helper()
	driver, name := "pgx", dsn
	if path, ok := strings.CutPrefix(dsn, storage.SQLite+":"); ok {
		driver, name = "sqlite", "file:"+path
	}
	db, err := sql.Open(driver, name)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n, v int
	var last sql.NullString
	ctx := context.Background()
	if err := db.QueryRowContext(ctx, "SELECT count(*), max(evaluated_at) FROM ledger").Scan(&n, &last); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM violations").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("ledger=%d last=%s violations=%d", n, last.String, v)
}
