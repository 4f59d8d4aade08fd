package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife/storage/storagetest"
)

// oneRule is a valid rule file holding only a stricter 主题党日 rule.
const oneRule = `rules:
  - id: theme_day_monthly
    title: 每月开展两次主题党日
    source: test
    where: "org.kind == 'branch'"
    every: month
    grace: 10d
    require: "count(meetings, .type == 'theme_day') >= 2"
    message: 本月主题党日少于两次
`

// brokenRule has an unknown field on line 7 and a bad period on line 5.
const brokenRule = `rules:
  - id: theme_day_monthly
    title: t
    source: test
    every: week
    grace: 10d
    require: "count(meetings, .typo == 'theme_day') >= 1"
    message: m
`

// ruleVersion returns the active rule-set version a server reports.
func ruleVersion(t *testing.T, s *testServer, token string) string {
	t.Helper()
	v, _ := s.must(t, 200, "GET", "/v1/rules", token, nil)["version"].(string)
	return v
}

// waitVersion waits until the server reports version want.
func waitVersion(t *testing.T, s *testServer, token, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if ruleVersion(t, s, token) == want {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the server still reports rules %s, want %s", ruleVersion(t, s, token), want)
}

// TestRulesPutSwitchesEveryServer: two servers share one database; a broken PUT answers 422
// with positions and changes nothing; a valid PUT on one server switches both; a rollback too.
func TestRulesPutSwitchesEveryServer(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a := startServer(t, dsn, "--now", pinned, "--rules-poll", "100ms")
			admin := a.adminToken(t)
			b := startServer(t, dsn, "--now", pinned, "--rules-poll", "100ms")
			original := ruleVersion(t, a, admin)
			if original == "" || ruleVersion(t, b, admin) != original {
				t.Fatalf("servers start with rules %q and %q", original, ruleVersion(t, b, admin))
			}

			st, body := a.call(t, "PUT", "/v1/rules?file=meetings.yaml", admin, brokenRule)
			if st != 422 || errCode(body) != "unprocessable" {
				t.Fatalf("broken PUT: %d %v", st, body)
			}
			var where []string
			for _, d := range body["error"].(obj)["details"].([]any) {
				d := d.(obj)
				where = append(where, d["file"].(string)+":"+itoa(d["line"])+":"+itoa(d["column"]))
			}
			joined := strings.Join(where, " ")
			if !strings.Contains(joined, "meetings.yaml:5:") || !strings.Contains(joined, "meetings.yaml:7:") {
				t.Fatalf("problems at %v, want lines 5 and 7 of meetings.yaml", where)
			}
			st, _ = a.call(t, "POST", "/v1/rules/validate", admin, brokenRule)
			if st != 422 {
				t.Fatalf("validate broken: %d", st)
			}
			if got := a.must(t, 200, "POST", "/v1/rules/validate", admin, oneRule); got["valid"] != true {
				t.Fatalf("validate: %v", got)
			}
			if ruleVersion(t, a, admin) != original || len(items(t, a.must(t, 200, "GET", "/v1/rules/versions", admin, nil))) != 1 {
				t.Fatal("a broken PUT or a validation changed the rules")
			}

			// one file of several drops the other rules: refused unless the removal is explicit
			if st, body := a.call(t, "PUT", "/v1/rules?note=每月两次", admin, oneRule); st != 409 || !strings.Contains(fmt.Sprint(body), "rules.term_renewed") {
				t.Fatalf("partial PUT: %d %v", st, body)
			}
			if st, _ := a.call(t, "PUT", "/v1/rules?allow_removal=true", admin, "rules: []\n"); st != 422 {
				t.Fatalf("empty PUT: %d", st)
			}
			if ruleVersion(t, a, admin) != original {
				t.Fatal("a refused PUT changed the rules")
			}
			put := a.must(t, 200, "PUT", "/v1/rules?note=每月两次&allow_removal=true", admin, oneRule)
			next, _ := put["version"].(string)
			if next == "" || next == original {
				t.Fatalf("PUT answered %v", put)
			}
			waitVersion(t, b, admin, next)
			if n := len(b.must(t, 200, "GET", "/v1/rules", admin, nil)["rules"].([]any)); n != 1 {
				t.Fatalf("server b has %d rules, want 1", n)
			}

			a.must(t, 200, "POST", "/v1/rules/versions/"+original+"/activate", admin, obj{"note": "回滚"})
			waitVersion(t, b, admin, original)
			audit := items(t, a.must(t, 200, "GET", "/v1/audit", admin, nil))
			var actions []string
			for _, e := range audit {
				actions = append(actions, e["action"].(string))
			}
			if !strings.Contains(strings.Join(actions, " "), "rules.put") || !strings.Contains(strings.Join(actions, " "), "rules.activate") {
				t.Fatalf("audit actions %v", actions)
			}
		})
	}
}

// itoa formats a JSON number as an integer.
func itoa(v any) string {
	f, _ := v.(float64)
	return strconv.Itoa(int(f))
}

// TestServeWatch: with --watch, editing a rule file changes the ledger at the next evaluation;
// a broken file logs file:line:column and the old rules stay active.
func TestServeWatch(t *testing.T) {
	dir := copyPack(t)
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "watch.db")
	s := startServer(t, dsn, "--pack", dir, "--watch", "--now", "2025-02-12T10:00:00+08:00")
	admin := s.adminToken(t)
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "c", "name": "研究生院党委", "kind": "committee"})
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b", "name": "博士生第一党支部", "kind": "branch", "parent_id": "c"})
	status := func() string {
		s.must(t, 200, "POST", "/v1/evaluations", admin, obj{"from": "2025-01-01", "to": "2025-01-31"})
		rows := items(t, s.must(t, 200, "GET", "/v1/compliance?org_id=b&rule=theme_day_monthly&period=2025-01", admin, nil))
		if len(rows) != 1 {
			t.Fatalf("rows %v", rows)
		}
		return rows[0]["status"].(string)
	}
	if got := status(); got != "overdue" {
		t.Fatalf("before the edit: %s", got)
	}
	before := ruleVersion(t, s, admin)
	path := filepath.Join(dir, "rules", "meetings.yaml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(src), `require: "count(meetings, .type == 'theme_day') >= 1"`, `require: "count(meetings, .type == 'theme_day') >= 0"`, 1)
	if edited == string(src) {
		t.Fatal("the theme day rule was not found")
	}
	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for ruleVersion(t, s, admin) == before && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	changed := ruleVersion(t, s, admin)
	if changed == before {
		t.Fatalf("the edit was not picked up:\n%s", s.stderr.String())
	}
	if got := status(); got != "compliant" {
		t.Fatalf("after the edit: %s", got)
	}
	broken := strings.Replace(edited, "every: month", "every: week", 1)
	if err := os.WriteFile(path, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(regexp.QuoteMeta(filepath.Join(dir, "rules", "meetings.yaml")) + `:\d+:\d+: `)
	deadline = time.Now().Add(10 * time.Second)
	for !re.MatchString(s.stderr.String()) && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if !re.MatchString(s.stderr.String()) {
		t.Fatalf("no file:line:column logged for the broken file:\n%s", s.stderr.String())
	}
	if ruleVersion(t, s, admin) != changed {
		t.Fatal("a broken file replaced the active rules")
	}
	if got := status(); got != "compliant" {
		t.Fatalf("after the broken file: %s", got)
	}
}
