package rules

import (
	"fmt"
	"testing"
	"time"

	"github.com/orglife/orglife"
)

// benchMonth returns one org-month of meetings (W4 input): a theme day, a committee meeting, a
// group meeting and a lecture, recorded the day after.
func benchMonth(loc *time.Location) []*Record {
	var out []*Record
	for i, typ := range []string{"committee", "group", "theme_day", "lecture"} {
		held := time.Date(2025, 1, 5+5*i, 0, 0, 0, 0, loc)
		out = append(out, &Record{ID: fmt.Sprintf("m%d", i), Workflow: "meeting", Complete: true, OccursOn: held,
			RecordedAt: held.AddDate(0, 0, 1), Data: map[string]any{"type": typ, "held_on": held.Format(orglife.DateLayout),
				"present": 18, "expected": 20, "minutes": "会议记录"}})
	}
	return out
}

// BenchmarkRule runs the compiled require of theme_day_monthly on one org-month (W4), the way
// judge does: setView, then boolFrame (the fast path when the require has one, see fastpath.go).
func BenchmarkRule(b *testing.B) {
	loc := shanghai(b)
	rs := loadPack(b)
	r := rs.Rule("theme_day_monthly")
	ev := newOrgEval(rs, &OrgInput{Org: branch(), Records: map[string][]*Record{"meeting": benchMonth(loc)}},
		EvalParams{AsOf: time.Date(2025, 3, 1, 0, 0, 0, 0, loc), Loc: loc})
	ev.r, ev.f = r, ev.frame(r)
	per := PeriodOf(time.Date(2025, 1, 1, 0, 0, 0, 0, loc), PeriodMonth, loc)
	ev.start, ev.end = per.Start, per.Next().Start
	due := per.Due(r.Grace)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ev.setView(due, true)
		ok, err := r.require.boolFrame(ev.f)
		if !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

type handMeeting struct {
	Type              string
	HeldOn            time.Time
	Present, Expected int
	RecordedAt        time.Time
}

// BenchmarkRuleHandWritten is the same check written in Go over typed records of the month.
func BenchmarkRuleHandWritten(b *testing.B) {
	loc := shanghai(b)
	var ms []*handMeeting
	for _, r := range benchMonth(loc) {
		ms = append(ms, &handMeeting{Type: r.Data["type"].(string), HeldOn: r.OccursOn, Present: 18, Expected: 20, RecordedAt: r.RecordedAt})
	}
	per := PeriodOf(time.Date(2025, 1, 1, 0, 0, 0, 0, loc), PeriodMonth, loc)
	due := per.Due(10)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		for _, m := range ms {
			if m.RecordedAt.Before(due) && m.Type == "theme_day" {
				n++
			}
		}
		if n < 1 {
			b.Fatal(n)
		}
	}
}

// BenchmarkEvaluateOrgYear evaluates the conformance rules for one org over a year of records
// (12 monthly rows, one yearly, one deadline), explanations included.
func BenchmarkEvaluateOrgYear(b *testing.B) {
	loc := shanghai(b)
	rs := loadPack(b)
	var recs []*Record
	for m := 0; m < 12; m++ {
		for _, r := range benchMonth(loc) {
			c := *r
			c.ID = fmt.Sprintf("%s-%d", r.ID, m)
			c.OccursOn = r.OccursOn.AddDate(0, m, 0)
			c.RecordedAt = r.RecordedAt.AddDate(0, m, 0)
			recs = append(recs, &c)
		}
	}
	in := &OrgInput{Org: branch(), Records: map[string][]*Record{"meeting": recs}}
	p := EvalParams{AsOf: time.Date(2026, 1, 1, 0, 0, 0, 0, loc), From: time.Date(2025, 1, 1, 0, 0, 0, 0, loc),
		To: time.Date(2025, 12, 31, 0, 0, 0, 0, loc), Loc: loc}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if rows := rs.EvaluateOrg(in, p); len(rows) != 14 {
			b.Fatal(len(rows))
		}
	}
}

// BenchmarkCompileRule measures loading and compiling the conformance rules (4 rules).
func BenchmarkCompileRule(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		loadPack(b)
	}
}
