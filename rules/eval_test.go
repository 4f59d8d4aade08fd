package rules

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife"
)

const themeDay = `rules:
  - id: theme_day_monthly
    title: 每月开展一次主题党日
    severity: major
    where: "org.kind == 'branch'"
    every: month
    grace: 10d
    warn: 7d
    require: "count(meetings, .type == 'theme_day') >= 1"
    message: 本期未开展主题党日
    shallow:
      - id: low_attendance
        when: "any(meetings, .type == 'theme_day' && .present * 10 < .expected * 7)"
        message: 主题党日出勤率低于70%
    effective_from: 2018-10-28
  - id: theme_day_new
    title: 新规
    every: month
    require: "count(meetings, .type == 'theme_day') >= 1"
    message: 新规未满足
    effective_from: 2025-02-01
    mode: shadow
  - id: log_monthly
    title: 每月一条日志
    every: month
    require: "len(logs) >= 1 && all(logs, period_of(.at, 'month') == period.label)"
    message: 本月无日志
  - id: talk_half_yearly
    title: 每半年谈心谈话
    scope: member
    every: half_year
    grace: 15d
    require: "any(talks, member.name in .participants)"
    message: 本半年未与该党员开展谈心谈话
  - id: term_renewed
    title: 支部委员会按期换届
    due: "org.term_ends_on"
    warn: 180d
    where: "org.kind == 'branch' && org.term_years > 0"
    require: "any(all_elections, .held_on >= org.term_started_on)"
    message: 支部委员会任期届满未换届
  - id: rectification_on_time
    title: 整改事项按期完成
    scope: instance
    workflow: rectification
    due: "data.due_on"
    warn: 14d
    require: "instance.complete"
    message: 整改事项逾期未完成
  - id: broken
    title: 运行出错
    every: month
    require: "meetings[5].present > 0"
    message: 出错
`

func sh(t testing.TB) *time.Location { return shanghai(t) }

func branch() *orglife.Org {
	start := "2022-03-01"
	return &orglife.Org{ID: "b", Name: "博士生第一党支部", Kind: orglife.KindBranch, TermStartedOn: &start, TermYears: 3}
}

func meeting(id, heldOn string, present, expected int, recorded time.Time, loc *time.Location) *Record {
	d, _ := time.ParseInLocation(orglife.DateLayout, heldOn, loc)
	return &Record{ID: id, Workflow: "meeting", OrgID: "b", State: "recorded", Complete: true, OccursOn: d,
		RecordedAt: recorded, CreatedAt: recorded,
		Data: map[string]any{"type": "theme_day", "held_on": heldOn, "present": float64(present), "expected": expected, "minutes": "学习"}}
}

type want struct {
	rule, subject, period string
	status                orglife.Status
}

func find(rows []orglife.LedgerRow, rule, subject, period string) *orglife.LedgerRow {
	for i := range rows {
		r := &rows[i]
		if r.Rule == rule && (subject == "" || r.SubjectID == subject) && r.PeriodKey() == period {
			return r
		}
	}
	return nil
}

func TestEvaluateStatuses(t *testing.T) {
	loc := sh(t)
	rs := ruleSet(t, themeDay)
	jan := func(s string) time.Time { return at(t, s) }
	tests := []struct {
		name  string
		org   *orglife.Org
		asOf  string
		recs  []*Record
		rules []string
		from  string
		want  []want
	}{
		{name: "compliant", asOf: "2025-02-20T10:00:00+08:00",
			recs: []*Record{meeting("m1", "2025-01-15", 18, 20, jan("2025-01-16T09:00:00+08:00"), loc)},
			want: []want{{"theme_day_monthly", "b", "2025-01", orglife.StatusCompliant}}},
		{name: "recorded on the due day's last minute counts", asOf: "2025-02-20T10:00:00+08:00",
			recs: []*Record{meeting("m1", "2025-01-15", 18, 20, jan("2025-02-10T23:59:00+08:00"), loc)},
			want: []want{{"theme_day_monthly", "b", "2025-01", orglife.StatusCompliant}}},
		{name: "late (补记)", asOf: "2025-02-20T10:00:00+08:00",
			recs: []*Record{meeting("m1", "2025-01-15", 18, 20, jan("2025-02-11T00:00:00+08:00"), loc)},
			want: []want{{"theme_day_monthly", "b", "2025-01", orglife.StatusLate}}},
		{name: "before the backfill: overdue", asOf: "2025-02-12T10:00:00+08:00",
			want: []want{{"theme_day_monthly", "b", "2025-01", orglife.StatusOverdue}}},
		{name: "after the backfill: late", asOf: "2025-02-20T10:00:00+08:00",
			recs: []*Record{meeting("m1", "2025-01-15", 18, 20, jan("2025-02-15T10:00:00+08:00"), loc)},
			want: []want{{"theme_day_monthly", "b", "2025-01", orglife.StatusLate}}},
		{name: "pending", asOf: "2025-01-20T10:00:00+08:00",
			want: []want{{"theme_day_monthly", "b", "2025-01", orglife.StatusPending}}},
		{name: "at_risk from due minus warn", asOf: "2025-02-04T00:00:00+08:00",
			want: []want{{"theme_day_monthly", "b", "2025-01", orglife.StatusAtRisk}}},
		{name: "pending just before the warn window", asOf: "2025-02-03T23:59:59+08:00",
			want: []want{{"theme_day_monthly", "b", "2025-01", orglife.StatusPending}}},
		{name: "at_risk the last minute", asOf: "2025-02-10T23:59:59+08:00",
			want: []want{{"theme_day_monthly", "b", "2025-01", orglife.StatusAtRisk}}},
		{name: "overdue at the due instant", asOf: "2025-02-11T00:00:00+08:00",
			want: []want{{"theme_day_monthly", "b", "2025-01", orglife.StatusOverdue}}},
		{name: "shallow replaces compliant", asOf: "2025-02-03T10:00:00+08:00",
			recs: []*Record{meeting("m1", "2025-01-15", 12, 20, jan("2025-02-03T10:00:00+08:00"), loc)},
			want: []want{{"theme_day_monthly", "b", "2025-01", orglife.StatusShallow}}},
		{name: "late stays late with its checks", asOf: "2025-02-20T10:00:00+08:00",
			recs: []*Record{meeting("m1", "2025-01-15", 12, 20, jan("2025-02-15T10:00:00+08:00"), loc)},
			want: []want{{"theme_day_monthly", "b", "2025-01", orglife.StatusLate}}},
		{name: "where false", org: &orglife.Org{ID: "b", Kind: orglife.KindCommittee}, asOf: "2025-02-20T10:00:00+08:00",
			want: []want{{"theme_day_monthly", "b", "2025-01", orglife.StatusNotApplicable}}},
		{name: "effective dates", asOf: "2025-03-20T10:00:00+08:00", from: "2025-01-01",
			want: []want{{"theme_day_new", "b", "2025-01", orglife.StatusNotApplicable}, {"theme_day_new", "b", "2025-02", orglife.StatusOverdue}}},
		{name: "Asia/Shanghai month boundary", asOf: "2025-05-20T10:00:00+08:00", rules: []string{"log_monthly"}, from: "2025-03-01",
			recs: []*Record{
				{ID: "l1", Workflow: "log", Complete: true, OccursOn: jan("2025-03-31T15:30:00Z"), RecordedAt: jan("2025-03-31T23:45:00+08:00"),
					Data: map[string]any{"at": "2025-03-31T23:30:00+08:00"}},
				{ID: "l2", Workflow: "log", Complete: true, OccursOn: jan("2025-03-31T16:30:00Z"), RecordedAt: jan("2025-04-01T09:00:00+08:00"),
					Data: map[string]any{"at": "2025-03-31T16:30:00Z"}},
			},
			want: []want{{"log_monthly", "b", "2025-03", orglife.StatusCompliant}, {"log_monthly", "b", "2025-04", orglife.StatusCompliant},
				{"log_monthly", "b", "2025-05", orglife.StatusPending}}},
		{name: "run-time error", asOf: "2025-02-20T10:00:00+08:00", rules: []string{"broken"},
			want: []want{{"broken", "b", "2025-01", orglife.StatusError}}},
		{name: "deadline compliant", asOf: "2025-02-20T10:00:00+08:00",
			recs: []*Record{{ID: "e1", Workflow: "election", Complete: true, OccursOn: jan("2025-02-01T00:00:00+08:00"),
				RecordedAt: jan("2025-02-01T12:00:00+08:00"), Data: map[string]any{"held_on": "2025-02-01"}}},
			want: []want{{"term_renewed", "b", "", orglife.StatusCompliant}}},
		{name: "deadline overdue", asOf: "2025-03-02T00:00:00+08:00",
			want: []want{{"term_renewed", "b", "", orglife.StatusOverdue}}},
		{name: "deadline late", asOf: "2025-03-20T00:00:00+08:00",
			recs: []*Record{{ID: "e1", Workflow: "election", Complete: true, OccursOn: jan("2025-03-10T00:00:00+08:00"),
				RecordedAt: jan("2025-03-10T12:00:00+08:00"), Data: map[string]any{"held_on": "2025-03-10"}}},
			want: []want{{"term_renewed", "b", "", orglife.StatusLate}}},
		{name: "deadline pending before warn 180d", asOf: "2024-09-02T23:00:00+08:00",
			want: []want{{"term_renewed", "b", "", orglife.StatusPending}}},
		{name: "deadline at_risk within warn 180d", asOf: "2024-09-03T00:00:00+08:00",
			want: []want{{"term_renewed", "b", "", orglife.StatusAtRisk}}},
		{name: "member scope", asOf: "2025-07-20T10:00:00+08:00", rules: []string{"talk_half_yearly"},
			recs: []*Record{{ID: "t1", Workflow: "talk", Complete: true, OccursOn: jan("2025-03-10T00:00:00+08:00"),
				RecordedAt: jan("2025-03-10T12:00:00+08:00"), Data: map[string]any{"held_on": "2025-03-10", "participants": []any{"张三", "李书记"}}}},
			want: []want{{"talk_half_yearly", "m1", "2025-H1", orglife.StatusCompliant}, {"talk_half_yearly", "m2", "2025-H1", orglife.StatusOverdue}}},
		{name: "instance pending", asOf: "2025-02-03T10:00:00+08:00",
			recs: []*Record{rect("r1", "2025-04-15", time.Time{})},
			want: []want{{"rectification_on_time", "r1", "", orglife.StatusPending}}},
		{name: "instance at_risk", asOf: "2025-04-02T00:00:00+08:00",
			recs: []*Record{rect("r1", "2025-04-15", time.Time{})},
			want: []want{{"rectification_on_time", "r1", "", orglife.StatusAtRisk}}},
		{name: "instance overdue", asOf: "2025-04-16T00:00:00+08:00",
			recs: []*Record{rect("r1", "2025-04-15", time.Time{})},
			want: []want{{"rectification_on_time", "r1", "", orglife.StatusOverdue}}},
		{name: "instance completed on the due day", asOf: "2025-04-20T00:00:00+08:00",
			recs: []*Record{rect("r1", "2025-04-15", jan("2025-04-15T20:00:00+08:00"))},
			want: []want{{"rectification_on_time", "r1", "", orglife.StatusCompliant}}},
		{name: "instance late", asOf: "2025-04-20T00:00:00+08:00",
			recs: []*Record{rect("r1", "2025-04-15", jan("2025-04-16T08:00:00+08:00"))},
			want: []want{{"rectification_on_time", "r1", "", orglife.StatusLate}}},
		{name: "instance due before From is left out", asOf: "2025-04-20T00:00:00+08:00", from: "2025-05-01",
			recs: []*Record{rect("r1", "2025-04-15", time.Time{})}, rules: []string{"rectification_on_time"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org := tt.org
			if org == nil {
				org = branch()
			}
			in := &OrgInput{Org: org, Records: map[string][]*Record{}, Members: []*orglife.Member{
				{ID: "m1", OrgID: "b", Name: "张三", Status: "full"}, {ID: "m2", OrgID: "b", Name: "李四", Status: "full"}}}
			for _, r := range tt.recs {
				in.Records[r.Workflow] = append(in.Records[r.Workflow], r)
			}
			asOf := at(t, tt.asOf)
			from := time.Date(2025, 1, 1, 0, 0, 0, 0, loc)
			if tt.from != "" {
				from, _ = time.ParseInLocation(orglife.DateLayout, tt.from, loc)
			}
			rows := rs.EvaluateOrg(in, EvalParams{AsOf: asOf, From: from, To: asOf, Loc: loc, Rules: tt.rules})
			for _, w := range tt.want {
				r := find(rows, w.rule, w.subject, w.period)
				if r == nil {
					t.Fatalf("no row for %v in %d rows", w, len(rows))
				}
				if r.Status != w.status {
					t.Errorf("%s %s %s: status %s, want %s (%s)", w.rule, w.subject, w.period, r.Status, w.status, r.Explanation.Text)
				}
				if !r.EvaluatedAt.Equal(asOf) || r.RuleVersion != rs.Version {
					t.Errorf("evaluated_at %v version %q", r.EvaluatedAt, r.RuleVersion)
				}
			}
			if tt.want == nil && len(rows) != 0 {
				t.Errorf("rows: %+v", rows)
			}
		})
	}
}

func rect(id, dueOn string, recorded time.Time) *Record {
	r := &Record{ID: id, Workflow: "rectification", OrgID: "b", State: "identified",
		Data: map[string]any{"problem": "理论学习不够深入", "due_on": dueOn}}
	if !recorded.IsZero() {
		r.State, r.Complete, r.RecordedAt = "completed", true, recorded
	}
	return r
}

func TestExplanation(t *testing.T) {
	loc := sh(t)
	rs := ruleSet(t, themeDay)
	in := &OrgInput{Org: branch(), Records: map[string][]*Record{"meeting": {
		meeting("m2", "2025-01-20", 18, 20, at(t, "2025-02-15T10:00:00+08:00"), loc),
		meeting("m1", "2025-01-15", 18, 20, at(t, "2025-01-16T10:00:00+08:00"), loc),
		meeting("m3", "2025-02-05", 18, 20, at(t, "2025-02-06T10:00:00+08:00"), loc),
	}}}
	asOf := at(t, "2025-02-20T10:00:00+08:00")
	p := EvalParams{AsOf: asOf, From: time.Date(2025, 1, 1, 0, 0, 0, 0, loc), To: asOf, Loc: loc}
	rows := rs.EvaluateOrg(in, p)
	r := find(rows, "theme_day_monthly", "b", "2025-01")
	if r.Status != orglife.StatusCompliant {
		t.Fatalf("status %s: %+v", r.Status, r.Explanation)
	}
	// only m1 was recorded by due, but the explanation shows what is known at as_of: 2
	if got, want := r.Explanation.Text, "2025年1月 每月开展一次主题党日：已满足（2 条记录）"; got != want {
		t.Errorf("text %q, want %q", got, want)
	}
	if !slices.Equal(r.Evidence, []string{"m1", "m2"}) {
		t.Errorf("evidence %v", r.Evidence)
	}
	if !r.Due.Equal(at(t, "2025-02-11T00:00:00+08:00")) || *r.PeriodStart != "2025-01-01" || *r.PeriodEnd != "2025-01-31" {
		t.Errorf("due %v period %s..%s", r.Due, *r.PeriodStart, *r.PeriodEnd)
	}
	cl := r.Explanation.Clauses
	if len(cl) != 1 || !cl[0].Holds || cl[0].Left != 2 || cl[0].Right != 1 || cl[0].Matched == nil || *cl[0].Matched != 2 ||
		cl[0].Source != "count(meetings, .type == 'theme_day') >= 1" {
		t.Errorf("clauses %+v", cl)
	}
	// shallow check fires (m2 at 60 %) although compliant by due: shallow with one finding
	if len(r.Explanation.Checks) != 0 && r.Status != orglife.StatusShallow {
		t.Errorf("checks %+v with status %s", r.Explanation.Checks, r.Status)
	}
	// overdue text
	in.Records = nil
	rows = rs.EvaluateOrg(in, p)
	r = find(rows, "theme_day_monthly", "b", "2025-01")
	if got, want := r.Explanation.Text, "2025年1月 本期未开展主题党日（截止2025年2月10日）"; got != want || r.Status != orglife.StatusOverdue {
		t.Errorf("text %q, want %q", got, want)
	}
	if cl := r.Explanation.Clauses; len(cl) != 1 || cl[0].Holds || *cl[0].Matched != 0 {
		t.Errorf("clauses %+v", cl)
	}
	if r.Evidence == nil || r.Mode != "" || find(rows, "theme_day_new", "b", "2025-02").Mode != ModeShadow {
		t.Errorf("evidence %v mode %q", r.Evidence, r.Mode)
	}
}

func TestClauses(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"a && b", []string{"a", "b"}},
		{"a > 1 && (b || c) and count(x, .y && .z) >= 1", []string{"a > 1", "(b || c)", "count(x, .y && .z) >= 1"}},
		{"(a && b) && c", []string{"(a && b)", "c"}},
		{"a || b && c", []string{"a || b && c"}},
		{"'x && y' == s && t", []string{"'x && y' == s", "t"}},
		{"主题 == '党日' && b", []string{"主题 == '党日'", "b"}},
	}
	for _, tt := range tests {
		if got := splitAnd(tt.src); !slices.Equal(got, tt.want) {
			t.Errorf("splitAnd(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

// TestConformance runs the conformance pack's four rules on the conformance scenario.
func TestConformance(t *testing.T) {
	loc := sh(t)
	rs := loadPack(t)
	asOf := at(t, "2025-02-03T10:00:00+08:00")
	in := &OrgInput{Org: branch(), Records: map[string][]*Record{
		"meeting": {meeting("m1", "2025-01-15", 12, 20, asOf, loc)},
		"plan": {{ID: "p1", Workflow: "plan", OrgID: "b", State: "filed", Complete: true, RecordedAt: asOf, CreatedAt: asOf,
			Data: map[string]any{"year": float64(2025), "content": "全年三会一课安排"}}},
		"rectification": {rect("r1", "2025-04-15", time.Time{})},
	}}
	rows := rs.EvaluateOrg(in, EvalParams{AsOf: asOf, From: time.Date(2025, 1, 1, 0, 0, 0, 0, loc),
		To: time.Date(2025, 2, 28, 0, 0, 0, 0, loc), Loc: loc})
	for _, w := range []want{
		{"theme_day_monthly", "b", "2025-01", orglife.StatusShallow},
		{"theme_day_monthly", "b", "2025-02", orglife.StatusPending},
		{"annual_plan_filed", "b", "2025", orglife.StatusLate},
		{"term_renewed", "b", "", orglife.StatusAtRisk},
		{"rectification_on_time", "r1", "", orglife.StatusPending},
	} {
		r := find(rows, w.rule, w.subject, w.period)
		if r == nil {
			t.Fatalf("no row %v", w)
		}
		if r.Status != w.status {
			t.Errorf("%v: got %s (%s)", w, r.Status, r.Explanation.Text)
		}
		t.Logf("%s %s %s: %s", w.rule, w.period, r.Status, r.Explanation.Text)
	}
	if n := len(rows); n != 5 {
		t.Errorf("%d rows", n)
	}
	r := find(rows, "theme_day_monthly", "b", "2025-01")
	if len(r.Explanation.Checks) != 1 || r.Explanation.Checks[0].ID != "low_attendance" || r.Explanation.Checks[0].Severity != "minor" {
		t.Errorf("checks %+v", r.Explanation.Checks)
	}
	if r := find(rows, "annual_plan_filed", "b", "2025"); !r.Due.Equal(at(t, "2025-02-01T00:00:00+08:00")) || !strings.Contains(r.Explanation.Text, "补记") {
		t.Errorf("plan due %v text %q", r.Due, r.Explanation.Text)
	}
	if r := find(rows, "term_renewed", "b", ""); r.Period != nil || !r.Due.Equal(at(t, "2025-03-02T00:00:00+08:00")) {
		t.Errorf("term row %+v", r)
	}
}
