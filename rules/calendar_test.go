package rules

import (
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife"
)

const calendar2025 = `calendar:
  2025:
    holidays:
      - {name: 春节, off: 2025-01-28..2025-02-04, work: [2025-01-26, 2025-02-08]}
      - {name: 国庆节、中秋节, off: 2025-10-01..2025-10-08, work: [2025-09-28, 2025-10-11]}
rules:
  - id: recorded_soon
    every: month
    require: "len(meetings) > 0"
    message: 本月无会议
`

func TestCalendarWorkingDays(t *testing.T) {
	loc := shanghai(t)
	rs, ps := ParseRuleFiles(map[string][]byte{"calendar.yaml": []byte(calendar2025)}, packCollections())
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	cal := rs.Calendar
	if cal == nil || cal.First != 2025 || cal.Last != 2025 || cal.File != "calendar.yaml" {
		t.Fatalf("calendar %+v", cal)
	}
	d := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"2025-09-30", "2025-10-09", 1},  // 国庆: 10-01..10-08 off, Thursday 10-09 is the first working day
		{"2025-09-25", "2025-09-30", 4},  // Sunday 09-28 is worked (调休): Friday, Sunday, Monday, Tuesday
		{"2025-10-09", "2025-10-13", 3},  // Saturday 10-11 is worked: Friday, Saturday, Monday
		{"2025-01-24", "2025-02-05", 3},  // before 春节: Sunday 01-26, Monday 01-27, then 02-05
		{"2025-03-07", "2025-03-10", 1},  // an ordinary weekend
		{"2025-10-09", "2025-09-30", -1}, // reversed
		{"2025-06-03", "2025-06-03", 0},
	} {
		got, err := cal.WorkingDays(d(tt.a), d(tt.b), loc)
		if err != nil || got != tt.want {
			t.Errorf("WorkingDays(%s, %s) = %d, %v; want %d", tt.a, tt.b, got, err, tt.want)
		}
	}
	// A day of a year the calendar does not cover is an error naming the year, not Monday–Friday.
	if _, err := cal.WorkingDays(d("2025-12-30"), d("2026-01-05"), loc); err == nil || !strings.Contains(err.Error(), "未包含2026年") {
		t.Errorf("2026: %v", err)
	}
	if _, err := cal.WorkingDays(d("2024-12-30"), d("2025-01-02"), loc); err == nil || !strings.Contains(err.Error(), "未包含2024年") {
		t.Errorf("2024: %v", err)
	}
}

// A rule set's working_days reads its calendar (rules), while guards, which have none, keep
// Monday to Friday.
func TestRuleSetWorkingDaysUseCalendar(t *testing.T) {
	loc := shanghai(t)
	src := strings.Replace(calendar2025, `require: "len(meetings) > 0"`, `require: "working_days(period.start, period.end) == 18"`, 1)
	rs, ps := ParseRuleFiles(map[string][]byte{"calendar.yaml": []byte(src)}, packCollections())
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	in := &OrgInput{Org: testOrg("b1", "branch")}
	// October 2025: 23 weekdays, 6 of them off, Saturday 10-11 worked; from 10-01 (exclusive) to
	// 10-31: 23 - 1 (10-01 is not counted) - 5 + 1 = 18.
	rows := rs.EvaluateOrg(in, EvalParams{AsOf: time.Date(2025, 11, 20, 0, 0, 0, 0, loc), From: time.Date(2025, 10, 1, 0, 0, 0, 0, loc),
		To: time.Date(2025, 10, 31, 0, 0, 0, 0, loc), Loc: loc})
	if len(rows) != 1 || rows[0].Status != "compliant" {
		t.Fatalf("rows %+v", rows)
	}
	rows = rs.EvaluateOrg(in, EvalParams{AsOf: time.Date(2026, 2, 20, 0, 0, 0, 0, loc), From: time.Date(2026, 1, 1, 0, 0, 0, 0, loc),
		To: time.Date(2026, 1, 31, 0, 0, 0, 0, loc), Loc: loc})
	if len(rows) != 1 || rows[0].Status != "error" || !strings.Contains(rows[0].Explanation.Text, "未包含2026年") {
		t.Fatalf("2026 rows %+v", rows)
	}
}

func testOrg(id, kind string) *orglife.Org { return &orglife.Org{ID: id, Name: id, Kind: kind} }

// The calendar warns when it lacks the current year, and from November when it lacks the next;
// a covered year and next year in October need nothing.
func TestCalendarWarning(t *testing.T) {
	loc := shanghai(t)
	rs, ps := ParseRuleFiles(map[string][]byte{"calendar.yaml": []byte(calendar2025)}, packCollections())
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	day := func(s string) time.Time {
		v, _ := time.ParseInLocation("2006-01-02", s, loc)
		return v
	}
	for at, want := range map[string]string{
		"2025-06-01": "",
		"2025-10-31": "",
		"2025-11-01": "尚不含2026年",
		"2026-01-02": "不含今年（2026年）",
		"2024-12-31": "不含今年（2024年）",
	} {
		got := rs.Calendar.Warning(day(at))
		if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
			t.Errorf("Warning(%s) = %q, want %q", at, got, want)
		}
	}
	var none *Calendar
	if none.Warning(day("2030-01-01")) != "" {
		t.Error("a rule set without a calendar warns")
	}
}
