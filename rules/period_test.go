package rules

import (
	"testing"
	"time"
)

func TestPeriodOf(t *testing.T) {
	loc := shanghai(t)
	for _, tt := range []struct {
		at         time.Time
		kind       string
		label      string
		start, end string
	}{
		{time.Date(2025, 3, 31, 23, 30, 0, 0, loc), PeriodMonth, "2025-03", "2025-03-01", "2025-03-31"},
		{time.Date(2025, 3, 31, 16, 0, 0, 0, time.UTC), PeriodMonth, "2025-04", "2025-04-01", "2025-04-30"}, // 1 April in Shanghai
		{time.Date(2025, 3, 31, 15, 59, 59, 0, time.UTC), PeriodMonth, "2025-03", "2025-03-01", "2025-03-31"},
		{time.Date(2025, 3, 31, 16, 0, 0, 0, time.UTC), PeriodQuarter, "2025-Q2", "2025-04-01", "2025-06-30"},
		{time.Date(2025, 2, 14, 0, 0, 0, 0, loc), PeriodQuarter, "2025-Q1", "2025-01-01", "2025-03-31"},
		{time.Date(2025, 12, 31, 0, 0, 0, 0, loc), PeriodQuarter, "2025-Q4", "2025-10-01", "2025-12-31"},
		{time.Date(2025, 6, 30, 12, 0, 0, 0, loc), PeriodHalfYear, "2025-H1", "2025-01-01", "2025-06-30"},
		{time.Date(2025, 7, 1, 0, 0, 0, 0, loc), PeriodHalfYear, "2025-H2", "2025-07-01", "2025-12-31"},
		{time.Date(2024, 12, 31, 16, 0, 0, 0, time.UTC), PeriodYear, "2025", "2025-01-01", "2025-12-31"},
		{time.Date(2024, 2, 10, 0, 0, 0, 0, loc), PeriodMonth, "2024-02", "2024-02-01", "2024-02-29"},
	} {
		p := PeriodOf(tt.at, tt.kind, loc)
		if p.Kind != tt.kind || p.Label != tt.label || p.Start.Format(time.DateOnly) != tt.start || p.End.Format(time.DateOnly) != tt.end {
			t.Errorf("PeriodOf(%v, %s) = %s %v..%v, want %s %s..%s", tt.at, tt.kind, p.Label, p.Start, p.End, tt.label, tt.start, tt.end)
		}
		if p.Start.Location() != loc || p.Start.Hour() != 0 || p.End.Hour() != 0 {
			t.Errorf("PeriodOf(%v, %s): bounds not at midnight in %v: %v %v", tt.at, tt.kind, loc, p.Start, p.End)
		}
		if !p.Contains(tt.at) {
			t.Errorf("%s does not contain %v", p.Label, tt.at)
		}
		back, err := ParsePeriod(p.Label, loc)
		if err != nil || back != p {
			t.Errorf("ParsePeriod(%q) = %+v, %v; want %+v", p.Label, back, err, p)
		}
	}
	if p := PeriodOf(time.Now(), "week", loc); p != (Period{}) {
		t.Errorf("unknown kind gave %+v", p)
	}
}

func TestParsePeriod(t *testing.T) {
	loc := shanghai(t)
	for _, label := range []string{"", "2025-", "2025-13", "2025-00", "2025-Q5", "2025-Q0", "2025-H3", "25-01", "2025-1", "2025-W1", "+025", "2025-003", "year"} {
		if p, err := ParsePeriod(label, loc); err == nil {
			t.Errorf("ParsePeriod(%q) = %+v, want an error", label, p)
		}
	}
	p, err := ParsePeriod("2025-H2", loc)
	if err != nil || p.Kind != PeriodHalfYear || p.Start.Month() != time.July || p.End.Format(time.DateOnly) != "2025-12-31" {
		t.Errorf("2025-H2 = %+v, %v", p, err)
	}
}

func TestParsePeriodKind(t *testing.T) {
	for _, k := range PeriodKinds {
		if got, err := ParsePeriodKind(k); err != nil || got != k {
			t.Errorf("ParsePeriodKind(%q) = %q, %v", k, got, err)
		}
	}
	for _, k := range []string{"", "week", "Month", "halfyear"} {
		if _, err := ParsePeriodKind(k); err == nil {
			t.Errorf("ParsePeriodKind(%q) succeeded", k)
		}
	}
}

func TestPeriodsOverlapping(t *testing.T) {
	loc := shanghai(t)
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, loc) }
	labels := func(ps []Period) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Label)
		}
		return out
	}
	for _, tt := range []struct {
		kind     string
		from, to time.Time
		want     []string
	}{
		{PeriodMonth, d(2024, 11, 15), d(2025, 2, 1), []string{"2024-11", "2024-12", "2025-01", "2025-02"}},
		{PeriodMonth, d(2025, 3, 31), d(2025, 3, 31), []string{"2025-03"}},
		{PeriodQuarter, d(2025, 3, 31), d(2025, 4, 1), []string{"2025-Q1", "2025-Q2"}},
		{PeriodHalfYear, d(2024, 1, 1), d(2025, 12, 31), []string{"2024-H1", "2024-H2", "2025-H1", "2025-H2"}},
		{PeriodYear, d(2023, 6, 1), d(2025, 1, 1), []string{"2023", "2024", "2025"}},
		{PeriodMonth, d(2025, 3, 1), d(2025, 2, 1), nil},
		{"week", d(2025, 3, 1), d(2025, 4, 1), nil},
	} {
		got := labels(PeriodsOverlapping(tt.kind, tt.from, tt.to, loc))
		if len(got) != len(tt.want) {
			t.Errorf("PeriodsOverlapping(%s, %v, %v) = %v, want %v", tt.kind, tt.from, tt.to, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("PeriodsOverlapping(%s, %v, %v) = %v, want %v", tt.kind, tt.from, tt.to, got, tt.want)
				break
			}
		}
	}
}

func TestPeriodDue(t *testing.T) {
	loc := shanghai(t)
	jan, _ := ParsePeriod("2025-01", loc)
	if got, want := jan.Due(10), time.Date(2025, 2, 11, 0, 0, 0, 0, loc); !got.Equal(want) || got.Location() != loc {
		t.Errorf("2025-01 due with 10d = %v, want %v", got, want)
	}
	if got, want := jan.Due(0), time.Date(2025, 2, 1, 0, 0, 0, 0, loc); !got.Equal(want) {
		t.Errorf("2025-01 due with 0d = %v, want %v", got, want)
	}
	if got, want := jan.Due(0).UTC(), time.Date(2025, 1, 31, 16, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("due in UTC = %v, want %v", got, want)
	}
	q4, _ := ParsePeriod("2024-Q4", loc)
	if got, want := q4.Due(31), time.Date(2025, 2, 1, 0, 0, 0, 0, loc); !got.Equal(want) {
		t.Errorf("2024-Q4 due with 31d = %v, want %v", got, want)
	}
	if next := q4.Next(); next.Label != "2025-Q1" {
		t.Errorf("next of 2024-Q4 = %s", next.Label)
	}
}

func TestParseDays(t *testing.T) {
	for s, want := range map[string]int{"0d": 0, "10d": 10, "180d": 180, "007d": 7} {
		if got, err := ParseDays(s); err != nil || got != want {
			t.Errorf("ParseDays(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "d", "10", "-1d", "+1d", "1.5d", "10 d", "10D", "1w", "9999999d"} {
		if got, err := ParseDays(s); err == nil {
			t.Errorf("ParseDays(%q) = %d, want an error", s, got)
		}
	}
}
