package rules

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife"
)

// hangGuard fails the fuzzing process (so the input is kept as a crasher) when one input takes
// longer than d.
func hangGuard(d time.Duration, in any) func() bool {
	return time.AfterFunc(d, func() { panic(fmt.Sprintf("hang on %q", in)) }).Stop
}

// FuzzRuleFile: parsing one rule file against the pack's collections never panics, and a file
// is either accepted or refused with positioned problems.
func FuzzRuleFile(f *testing.F) {
	f.Add([]byte("rules:\n  - {id: a, every: month, require: \"true\", message: m, grace: 3d, warn: 1d}\n"))
	f.Add([]byte("rules: [{id: a, due: \"org.term_ends_on\", require: \"len(members) > 0\", message: m, shallow: [{id: s, when: \"1 > 2\", message: x}]}]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		defer hangGuard(5*time.Second, src)()
		rs, ps := ParseRuleFiles(map[string][]byte{"r.yaml": src}, packCollections())
		if rs != nil && len(ps) > 0 {
			t.Fatalf("a rule set and problems: %v", ps)
		}
		for _, p := range ps {
			if p.File != "r.yaml" || p.Line < 1 || p.Column < 1 {
				t.Fatalf("bad position: %v", p)
			}
		}
	})
}

// fuzzOrg is the small fixed dataset expressions run on: one branch with two members and a few
// meetings, plans and rectifications in January 2025.
func fuzzOrg(loc *time.Location) *OrgInput {
	d := func(s string) time.Time { t, _ := time.ParseInLocation(orglife.DateLayout, s, loc); return t }
	rec := func(id, wf, day string, data map[string]any) *Record {
		return &Record{ID: id, Workflow: wf, OrgID: "b", State: "recorded", Complete: true, OccursOn: d(day),
			RecordedAt: d(day).Add(time.Hour), CreatedAt: d(day), Data: data}
	}
	return &OrgInput{
		Org: branch(),
		Members: []*orglife.Member{
			{ID: "m1", OrgID: "b", Name: "张三"},
			{ID: "m2", OrgID: "b", Name: "李四"},
		},
		Records: map[string][]*Record{
			"meeting": {
				rec("r1", "meeting", "2025-01-05", map[string]any{"type": "theme_day", "held_on": "2025-01-05", "present": 18, "expected": 20, "minutes": "学习"}),
				rec("r2", "meeting", "2025-01-10", map[string]any{"type": "committee", "held_on": "2025-01-10", "present": 3.0, "expected": 5}),
				rec("r3", "meeting", "2025-01-12", map[string]any{"type": "group"}),
			},
			"plan":          {rec("p1", "plan", "2025-01-02", map[string]any{"year": 2025, "content": "计划"})},
			"rectification": {rec("x1", "rectification", "2025-01-03", map[string]any{"problem": "p", "due_on": "2025-04-03"})},
			"talk":          {rec("t1", "talk", "2025-01-04", map[string]any{"held_on": "2025-01-04", "participants": []any{"m1", "m2"}})},
		},
	}
}

// FuzzExpression compiles one expression as the require of a monthly org rule, a member rule
// and an instance rule, and runs the rules that compile on a small fixed dataset: this must never
// panic or hang; compile and run-time errors are fine.
//
// Expressions that build huge values (repeat, ranges) are skipped: run-time memory budgets for
// expressions are separate work (issue 7, point 2).
func FuzzExpression(f *testing.F) {
	for _, s := range []string{
		"count(meetings, .type == 'theme_day') >= 1",
		"any(meetings, .type == 'theme_day' && .present * 10 < .expected * 7)",
		"any(all_plans, .year == period.start.Year())",
		"data.due_on + days(90) > now",
		"instance.complete",
		"similarity(first(meetings).minutes, last(meetings).minutes) > 0.9",
		"working_days(period.start, period.end) > 20",
		"period_of(add_months(period.start, 3), 'quarter') == '2025-Q2'",
		"len(member.name) > 0 && org.member_count == 2",
		"filter(all_talks, member.id in .participants) | len() > 0",
		"meetings[0].present / meetings[1].expected > 0",
		"1 / 0 > 1",
		"int('x') > 0",
		"org.term_ends_on < period.end",
		"len(repeat(repeat('x', 999999), 999999)) > 0",
		"len(reduce(1..64, #acc + #acc, org.name)) > 0",
		"all(1..1000, all(1..1000, all(1..1000, # > 0)))",
		"len(join(map(1..200000, 'xxxxxxxxxx'), ',')) > 0",
		"len(replace(repeat('x', 1000), '', repeat('y', 2000))) > 0",
	} {
		f.Add(s)
	}
	loc := time.FixedZone("CST", 8*3600)
	in := fuzzOrg(loc)
	p := EvalParams{AsOf: time.Date(2025, 3, 1, 0, 0, 0, 0, loc), From: time.Date(2025, 1, 1, 0, 0, 0, 0, loc),
		To: time.Date(2025, 2, 28, 0, 0, 0, 0, loc), Loc: loc}
	f.Fuzz(func(t *testing.T, expr string) {
		if len(expr) > 300 {
			return
		}
		defer hangGuard(5*time.Second, expr)()
		q := strconv.Quote(expr)
		var sb strings.Builder
		sb.WriteString("rules:\n")
		fmt.Fprintf(&sb, "  - {id: o, every: month, require: %s, message: m, shallow: [{id: s, when: %s, message: m}]}\n", q, q)
		fmt.Fprintf(&sb, "  - {id: m, scope: member, every: quarter, require: %s, message: m}\n", q)
		fmt.Fprintf(&sb, "  - {id: d, due: \"org.term_ends_on\", where: %s, require: %s, message: m}\n", q, q)
		fmt.Fprintf(&sb, "  - {id: i, scope: instance, workflow: rectification, due: \"data.due_on\", require: %s, message: m}\n", q)
		for _, rule := range strings.SplitAfter(sb.String(), "\n")[1:] {
			if rule == "" {
				continue
			}
			rs, _ := ParseRuleFiles(map[string][]byte{"e.yaml": []byte("rules:\n" + rule)}, packCollections())
			if rs == nil {
				continue
			}
			for _, row := range rs.EvaluateOrg(in, p) {
				if row.Status == "" {
					t.Fatalf("row without status: %+v", row)
				}
			}
		}
	})
}
