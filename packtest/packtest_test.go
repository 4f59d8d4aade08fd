package packtest

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife"
	partybranch "github.com/orglife/orglife/examples/party-branch"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/workflows"
)

func loadPack(t testing.TB) (*workflows.Set, *rules.RuleSet) {
	t.Helper()
	set, ps := workflows.Load(partybranch.FS, "workflows", "")
	if len(ps) > 0 {
		t.Fatalf("workflows:\n%v", ps)
	}
	rs, ps := rules.LoadRules(partybranch.FS, "rules", "", set.Collections())
	if len(ps) > 0 {
		t.Fatalf("rules:\n%v", ps)
	}
	return set, rs
}

func TestExamplePack(t *testing.T) {
	set, rs := loadPack(t)
	res := Run(partybranch.FS, "tests", "examples/party-branch", set, rs, Options{})
	for _, p := range res.Problems {
		t.Error(p)
	}
	for _, f := range res.Failures {
		t.Error(f)
	}
	if len(res.Uncovered) > 0 {
		t.Errorf("rules without tests: %v", res.Uncovered)
	}
	if res.Cases < 13 || res.Expectations < 13 || res.Files < 1 {
		t.Errorf("ran %d files, %d cases, %d expectations", res.Files, res.Cases, res.Expectations)
	}
	// Every status but error, and every shallow check of the pack, is expected somewhere.
	seen := map[string]bool{}
	for _, name := range mustGlob(t) {
		b, _ := fs.ReadFile(partybranch.FS, name)
		for _, st := range orglife.Statuses {
			if strings.Contains(string(b), "status: "+string(st)) {
				seen[string(st)] = true
			}
		}
		for _, r := range rs.Rules {
			for _, c := range r.Shallow {
				if strings.Contains(string(b), "checks: ["+c.ID+"]") {
					seen[r.ID+"/"+c.ID] = true
				}
			}
		}
	}
	for _, st := range orglife.Statuses {
		if st != orglife.StatusError && !seen[string(st)] {
			t.Errorf("no expectation of status %s", st)
		}
	}
	for _, r := range rs.Rules {
		for _, c := range r.Shallow {
			if !seen[r.ID+"/"+c.ID] {
				t.Errorf("no expectation of check %s of %s", c.ID, r.ID)
			}
		}
	}
}

func mustGlob(t *testing.T) []string {
	names, err := fs.Glob(partybranch.FS, "tests/*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	return names
}

const wrong = `- name: 一月未开展主题党日
  as_of: 2025-02-20T10:00:00+08:00
  orgs: [{id: b1, name: 第一党支部, kind: branch}]
  expect:
    - {rule: theme_day_monthly, period: 2025-01, status: compliant}
    - {rule: committee_monthly, period: 2025-01, status: not_applicable, explanation: 不足7人，不设支委会}
    - {rule: group_monthly, period: 2025-01, status: not_applicable, explanation: 没有这句话}
    - {rule: theme_day_monthly, period: 2025-01, status: compliant, evidence: [td-01]}
`

func TestWrongExpectation(t *testing.T) {
	set, rs := loadPack(t)
	res := RunFiles(map[string][]byte{"tests/wrong.yaml": []byte(wrong)}, set, rs, Options{})
	if len(res.Problems) > 0 {
		t.Fatal(res.Problems)
	}
	if res.Cases != 1 || res.Expectations != 4 || len(res.Failures) != 3 || res.OK() {
		t.Fatalf("cases %d, expectations %d, failures %v", res.Cases, res.Expectations, res.Failures)
	}
	got := res.Failures[0].String()
	want := `FAIL tests/wrong.yaml:5:7: case "一月未开展主题党日": rule theme_day_monthly, subject b1, period 2025-01: want compliant, got overdue; explanation: 2025年1月 本月未开展主题党日（截止2025年2月10日）`
	if got != want {
		t.Errorf("failure:\n got %s\nwant %s", got, want)
	}
	got = res.Failures[1].String()
	if !strings.Contains(got, `status not_applicable as expected; the explanation does not contain "没有这句话"`) ||
		!strings.Contains(got, "本支部未设党小组") {
		t.Errorf("failure: %s", got)
	}
	if got := res.Failures[2].String(); !strings.Contains(got, "want evidence [td-01], got []") {
		t.Errorf("failure: %s", got)
	}
	if cr := res.CaseResults; len(cr) != 1 || cr[0].Failed != 3 {
		t.Errorf("case results: %+v", cr)
	}
}

const broken = `- name: 有问题的用例
  as_of: 2025-02-20T10:00:00+08:00
  orgs: [{id: b1, kind: branch}]
  records:
    - workflow: meeting
      state: recorded
      recorded_at: 2025-01-10T10:00:00+08:00
      data: {type: theme_day, held_on: 2025-01-09, topic: 学习, present: 多}
    - workflow: meeting
      state: held
      recorded_at: 2025-01-10
      data: {type: committee, held_on: 2025-01-09, topic: 学习}
  expect:
    - {rule: theme_day_monthly, period: 2025-01, status: compliant, checks: [nope]}
    - {rule: rectification_on_time, status: overdue}
- name: 正常的用例
  as_of: 2025-02-20T10:00:00+08:00
  orgs: [{id: b1, kind: branch}]
  expect:
    - {rule: theme_day_monthly, period: 2025-01, status: overdue}
`

func TestBrokenFile(t *testing.T) {
	set, rs := loadPack(t)
	res := RunFiles(map[string][]byte{"t.yaml": []byte(broken), "u.yaml": []byte("- name: [x\n")}, set, rs, Options{})
	want := []string{
		`t.yaml:8:72: data.present: 「实到人数」须为整数 (workflow meeting)`,
		`t.yaml:11:20: recorded_at: state "held" of workflow "meeting" is not complete; only a record in a complete state has recorded_at`,
		`t.yaml:14:78: checks: rule "theme_day_monthly" has no shallow check "nope"`,
		`t.yaml:15:7: expectation: missing "subject" (rule "rectification_on_time" is per instance of rectification: a record id)`,
		`u.yaml:1:9: yaml: sequence end token ']' not found`,
	}
	var got []string
	for _, p := range res.Problems {
		got = append(got, p.String())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The good case still runs; the broken one does not.
	if res.Cases != 1 || len(res.Failures) != 0 || res.OK() {
		t.Errorf("cases %d, failures %v, ok %v", res.Cases, res.Failures, res.OK())
	}
}

func TestCoverageAndRun(t *testing.T) {
	set, rs := loadPack(t)
	src := `- name: a
  as_of: 2025-02-20T10:00:00+08:00
  orgs: [{id: b1, kind: branch, term_started_on: 2023-03-01, term_years: 3}]
  expect:
    - {rule: term_renewed, status: pending}
- name: b
  as_of: 2025-02-20T10:00:00+08:00
  orgs: [{id: b1, kind: branch}]
  expect:
    - {rule: theme_day_monthly, period: 2025-01, status: overdue}
`
	res := RunFiles(map[string][]byte{"t.yaml": []byte(src)}, set, rs, Options{})
	if !res.OK() || res.Cases != 2 || len(res.Uncovered) != len(rs.Rules)-2 {
		t.Fatalf("%+v", res)
	}
	for _, id := range res.Uncovered {
		if id == "term_renewed" || id == "theme_day_monthly" {
			t.Errorf("%s listed as uncovered", id)
		}
	}
	res = RunFiles(map[string][]byte{"t.yaml": []byte(src)}, set, rs, Options{Run: regexp.MustCompile("^b$")})
	if res.Cases != 1 || len(res.Uncovered) != len(rs.Rules)-1 {
		t.Errorf("--run: %+v", res)
	}
}

func TestTimeZone(t *testing.T) {
	set, rs := loadPack(t)
	// The case's tz decides where days begin: the plan is due by the end of 31 January, and
	// 2025-01-31T16:30Z is already 1 February in Shanghai but still 31 January in UTC.
	src := `- name: 上海时区
  tz: Asia/Shanghai
  as_of: 2025-02-10T10:00:00+08:00
  orgs: [{id: b1, kind: branch}]
  records:
    - workflow: plan
      state: filed
      recorded_at: 2025-01-31T16:30:00Z
      data: {year: 2025, content: 全年召开支部党员大会4次、支委会12次、党小组会12次。}
  expect:
    - {rule: annual_plan_filed, period: "2025", status: late, explanation: 2月1日才报送，晚于截止日期2025年1月31日}
- name: UTC
  tz: UTC
  as_of: 2025-02-10T10:00:00+08:00
  orgs: [{id: b1, kind: branch}]
  records:
    - workflow: plan
      state: filed
      recorded_at: 2025-01-31T16:30:00Z
      data: {year: 2025, content: 全年召开支部党员大会4次、支委会12次、党小组会12次。}
  expect:
    - {rule: annual_plan_filed, period: "2025", status: compliant}
`
	res := RunFiles(map[string][]byte{"t.yaml": []byte(src)}, set, rs, Options{})
	if !res.OK() {
		t.Errorf("%v %v", res.Problems, res.Failures)
	}
}

func TestDefinitionRecord(t *testing.T) {
	set, _ := loadPack(t)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	at := time.Date(2025, 3, 31, 17, 0, 0, 0, time.UTC) // 1 April in Shanghai
	plan, _ := set.Get("plan")
	r := plan.Record("p1", "b1", "filed", map[string]any{"year": 2025}, at, at, loc)
	if !r.Complete || !r.RecordedAt.Equal(at) || r.OccursOn.Format(time.DateOnly) != "2025-04-01" || r.OccursOn.Location() != loc {
		t.Errorf("plan record: %+v", r)
	}
	meeting, _ := set.Get("meeting")
	r = meeting.Record("m1", "b1", "held", map[string]any{"held_on": "2025-03-20"}, at, at, loc)
	if r.Complete || !r.RecordedAt.IsZero() || r.OccursOn.Format(time.DateOnly) != "2025-03-20" {
		t.Errorf("meeting record: %+v", r)
	}
	if meeting.Record("m2", "b1", "cancelled", nil, at, at, loc) != nil {
		t.Error("a cancelled record is seen")
	}
}
