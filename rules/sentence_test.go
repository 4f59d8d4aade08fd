package rules

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife"
)

func TestPeriodTitle(t *testing.T) {
	for label, want := range map[string]string{
		"2025-02": "2025年2月", "2025-12": "2025年12月", "2025-Q1": "2025年第一季度", "2025-Q3": "2025年第三季度",
		"2025-H1": "2025年上半年", "2025-H2": "2025年下半年", "2025": "2025年度", "bad": "bad",
	} {
		if got := PeriodTitle(label); got != want {
			t.Errorf("PeriodTitle(%q) = %q, want %q", label, got, want)
		}
	}
}

func TestDateTexts(t *testing.T) {
	loc := sh(t)
	// 2025-02-10T16:00:00Z is 11 February in Shanghai: the local day, never the UTC one
	u := at(t, "2025-02-10T16:00:00Z")
	if got := DateText(u, loc); got != "2025年2月11日" {
		t.Errorf("DateText = %q", got)
	}
	if got := MonthDayText(u, loc); got != "2月11日" {
		t.Errorf("MonthDayText = %q", got)
	}
	// a due at the start of a day shows the day before: the last day that counts
	if got := DueText(at(t, "2025-03-11T00:00:00+08:00"), loc); got != "2025年3月10日" {
		t.Errorf("DueText(midnight) = %q", got)
	}
	if got := DueText(at(t, "2025-03-10T14:30:00+08:00"), loc); got != "2025年3月10日 14:30" {
		t.Errorf("DueText(instant) = %q", got)
	}
	if got := DateText(time.Time{}, loc); got != "" {
		t.Errorf("DateText(zero) = %q", got)
	}
	if got := NameOf([]MemberView{{ID: "m1", Name: "张伟"}}, "m1"); got != "张伟" {
		t.Errorf("NameOf = %q", got)
	}
	if got := NameOf(nil, "m9"); got != "m9" {
		t.Errorf("NameOf(unknown) = %q", got)
	}
}

func TestTextHelpersInExpressions(t *testing.T) {
	loc := sh(t)
	env := Env{VarNow: time.Date(2025, 3, 1, 9, 0, 0, 0, loc), "t": at(t, "2025-03-19T17:00:00Z")}
	for src, want := range map[string]string{
		`date_text(t)`: "2025年3月20日", // read in the zone of now
		`month_day(t)`: "3月20日",
		`date_text(due_date(date("2025-03-11")))`: "2025年3月10日",
		`period_title("2025-Q3")`:                 "2025年第三季度",
		`period_title(period_of(t, "half_year"))`: "2025年上半年",
	} {
		p, err := Compile(src, env, KindAny)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		got, err := p.Run(env)
		if err != nil || got != want {
			t.Errorf("%s = %v, %v; want %q", src, got, err, want)
		}
	}
}

const explainRules = `rules:
  - id: theme_day_monthly
    title: 每月开展一次主题党日
    every: month
    grace: 10d
    require: "count(meetings, .type == 'theme_day') >= 1"
    message: 本月未开展主题党日
    late_message: "本月主题党日{{ join(map(filter(meetings, .type == 'theme_day'), month_day(.held_on) + '召开，' + month_day(.recorded_at) + '才录入'), '；') }}，晚于截止日期{{ month_day(due_date(period.due)) }}（补记）"
  - id: plain_monthly
    title: 每月一次党小组会
    every: month
    grace: 10d
    require: "count(meetings, .type == 'branch_assembly') >= 1"
    message: 本月未召开党小组会
  - id: talk_half_yearly
    title: 每半年谈心谈话
    scope: member
    every: half_year
    grace: 15d
    require: "any(talks, member.id in .participants)"
    message: "{{ period.title }}未与{{ member.label }}开展谈心谈话"
  - id: rectification_on_time
    title: 整改事项按期完成
    scope: instance
    workflow: rectification
    due: "data.due_on"
    require: "instance.complete"
    subject: "整改事项“{{ data.problem }}”"
    message: "整改事项“{{ data.problem }}”逾期未完成（责任人：{{ name_of(members, data.owner) }}）"
`

func TestExplanationTexts(t *testing.T) {
	loc := sh(t)
	rs := ruleSet(t, explainRules)
	other := func(id, typ, heldOn string) *Record {
		r := meeting(id, heldOn, 5, 5, at(t, heldOn+"T20:00:00+08:00"), loc)
		r.Data["type"] = typ
		return r
	}
	march := &Record{}
	*march = *meeting("td-03", "2025-03-20", 20, 20, at(t, "2025-04-25T10:00:00+08:00"), loc)
	in := &OrgInput{Org: branch(),
		Members: []*orglife.Member{{ID: "m-zhang", Name: "张伟"}, {ID: "m-zhang2", Name: "张伟"}, {ID: "m-li", Name: "李娜"}},
		Records: map[string][]*Record{
			"meeting": {march, other("cm-02", "committee", "2025-02-05"), other("gp-02", "group", "2025-02-12"),
				other("ba-02", "branch_assembly", "2025-02-20")},
			"talk": {{ID: "tk-1", Workflow: "talk", OrgID: "b", State: "recorded", Complete: true,
				OccursOn: time.Date(2025, 3, 3, 0, 0, 0, 0, loc), RecordedAt: at(t, "2025-03-03T12:00:00+08:00"),
				Data: map[string]any{"held_on": "2025-03-03", "participants": []any{"m-zhang"}}}},
			"rectification": {
				{ID: "rect-late", Workflow: "rectification", OrgID: "b", State: "completed", Complete: true,
					RecordedAt: at(t, "2025-06-20T09:00:00+08:00"),
					Data:       map[string]any{"problem": "理论学习不够深入", "due_on": "2025-06-10", "owner": "m-li"}},
				{ID: "rect-open", Workflow: "rectification", OrgID: "b", State: "identified",
					Data: map[string]any{"problem": "志愿服务参与率低", "due_on": "2025-06-10", "owner": "m-li"}},
			},
		}}
	asOf := at(t, "2025-08-01T10:00:00+08:00")
	rows := rs.EvaluateOrg(in, EvalParams{AsOf: asOf, From: time.Date(2025, 2, 1, 0, 0, 0, 0, loc), To: time.Date(2025, 3, 31, 0, 0, 0, 0, loc), Loc: loc})

	feb := find(rows, "theme_day_monthly", "b", "2025-02")
	if feb.Status != orglife.StatusOverdue || feb.Explanation.Text != "2025年2月 本月未开展主题党日（截止2025年3月10日）" {
		t.Errorf("february: %s %q", feb.Status, feb.Explanation.Text)
	}
	// the failing clause looked at theme days only: no committee, group or assembly meeting
	if len(feb.Evidence) != 0 {
		t.Errorf("february evidence %v, want none", feb.Evidence)
	}
	if ba := find(rows, "plain_monthly", "b", "2025-02"); !slices.Equal(ba.Evidence, []string{"ba-02"}) {
		t.Errorf("assembly evidence %v", ba.Evidence)
	}
	mar := find(rows, "theme_day_monthly", "b", "2025-03")
	if want := "2025年3月 本月主题党日3月20日召开，4月25日才录入，晚于截止日期4月10日（补记）"; mar.Status != orglife.StatusLate || mar.Explanation.Text != want {
		t.Errorf("march: %s %q, want %q", mar.Status, mar.Explanation.Text, want)
	}
	if !slices.Equal(mar.Evidence, []string{"td-03"}) {
		t.Errorf("march evidence %v", mar.Evidence)
	}
	// two members called 张伟: the one not talked to is named, and told apart by id in the row
	z2 := find(rows, "talk_half_yearly", "m-zhang2", "2025-H1")
	if want := "2025年上半年 2025年上半年未与张伟（m-zhang2）开展谈心谈话（截止2025年7月15日）"; z2.Status != orglife.StatusOverdue || z2.Explanation.Text != want {
		t.Errorf("张伟 (m-zhang2): %s %q, want %q", z2.Status, z2.Explanation.Text, want)
	}
	if z := find(rows, "talk_half_yearly", "m-zhang", "2025-H1"); z.Explanation.Text != "2025年上半年 每半年谈心谈话（张伟（m-zhang））：已满足（1 条记录）" {
		t.Errorf("张伟 (m-zhang): %q", z.Explanation.Text)
	}
	late := find(rows, "rectification_on_time", "rect-late", "")
	if want := "整改事项按期完成（整改事项“理论学习不够深入”）：2025年6月20日才完成，晚于截止日期2025年6月10日（逾期完成）"; late.Status != orglife.StatusLate || late.Explanation.Text != want {
		t.Errorf("late rectification: %s %q, want %q", late.Status, late.Explanation.Text, want)
	}
	open := find(rows, "rectification_on_time", "rect-open", "")
	if want := "整改事项“志愿服务参与率低”逾期未完成（责任人：李娜）（截止2025年6月10日）"; open.Explanation.Text != want {
		t.Errorf("open rectification: %q, want %q", open.Explanation.Text, want)
	}
	// a message naming the member by name alone is preceded by the subject, which tells the two
	// 张伟 apart
	rs2 := ruleSet(t, strings.Replace(explainRules, "member.label", "member.name", 1))
	rows = rs2.EvaluateOrg(in, EvalParams{AsOf: asOf, From: time.Date(2025, 2, 1, 0, 0, 0, 0, loc), To: time.Date(2025, 3, 31, 0, 0, 0, 0, loc), Loc: loc})
	if got, want := find(rows, "talk_half_yearly", "m-zhang2", "2025-H1").Explanation.Text, "2025年上半年 张伟（m-zhang2）：2025年上半年未与张伟开展谈心谈话（截止2025年7月15日）"; got != want {
		t.Errorf("name only: %q, want %q", got, want)
	}
	for _, r := range rows {
		if strings.Contains(r.Explanation.Text, "2025-") || strings.Contains(r.Explanation.Text, "T16:00") {
			t.Errorf("%s %s: ISO text in %q", r.Rule, r.SubjectID, r.Explanation.Text)
		}
	}
}

func TestTemplateProblems(t *testing.T) {
	src := `rules:
  - id: a
    every: month
    require: "true"
    message: "本月{{ member.name }}未完成"
  - id: b
    every: month
    require: "true"
    message: "本月{{ period.title"
`
	_, ps := ParseRuleFiles(map[string][]byte{"r.yaml": []byte(src)}, packCollections())
	got := ps.Error()
	for _, want := range []string{"r.yaml:5:20: message: unknown name member", "r.yaml:9:", "unclosed {{"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems %q lack %q", got, want)
		}
	}
}
