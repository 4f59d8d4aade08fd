package rules

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Period kinds: calendar periods in the deployment time zone.
const (
	PeriodMonth    = "month"
	PeriodQuarter  = "quarter"
	PeriodHalfYear = "half_year"
	PeriodYear     = "year"
)

// PeriodKinds lists the valid period kinds, shortest first.
var PeriodKinds = []string{PeriodMonth, PeriodQuarter, PeriodHalfYear, PeriodYear}

// Period is one calendar period: month 2025-03, quarter 2025-Q1, half year 2025-H1 or year 2025.
// Start and End are its first and last day, at midnight in the deployment time zone.
type Period struct {
	Kind  string
	Label string
	Start time.Time
	End   time.Time
}

// ParsePeriodKind checks a period kind (month, quarter, half_year or year) and returns it.
func ParsePeriodKind(s string) (string, error) {
	switch s {
	case PeriodMonth, PeriodQuarter, PeriodHalfYear, PeriodYear:
		return s, nil
	}
	return "", errPeriodKind(s)
}

// monthsOf returns the length in months of a period kind, or 0 for an unknown kind.
func monthsOf(kind string) int {
	switch kind {
	case PeriodMonth:
		return 1
	case PeriodQuarter:
		return 3
	case PeriodHalfYear:
		return 6
	case PeriodYear:
		return 12
	}
	return 0
}

// PeriodOf returns the period of the given kind that contains the instant t, with t read in loc
// (2025-03-31T16:00Z is 1 April in Asia/Shanghai). An unknown kind yields the zero Period.
func PeriodOf(t time.Time, kind string, loc *time.Location) Period {
	n := monthsOf(kind)
	if n == 0 {
		return Period{}
	}
	y, m, _ := t.In(loc).Date()
	first := time.Month((int(m)-1)/n*n + 1)
	return newPeriod(kind, y, first, loc)
}

// newPeriod returns the period of the kind that starts on the first day of month m of year y
// (m may overflow into the next years, as in time.Date).
func newPeriod(kind string, y int, m time.Month, loc *time.Location) Period {
	n := monthsOf(kind)
	start := time.Date(y, m, 1, 0, 0, 0, 0, loc)
	y, m = start.Year(), start.Month()
	p := Period{Kind: kind, Start: start, End: time.Date(y, m+time.Month(n), 0, 0, 0, 0, 0, loc)}
	switch kind {
	case PeriodMonth:
		p.Label = fmt.Sprintf("%04d-%02d", y, int(m))
	case PeriodQuarter:
		p.Label = fmt.Sprintf("%04d-Q%d", y, (int(m)-1)/3+1)
	case PeriodHalfYear:
		p.Label = fmt.Sprintf("%04d-H%d", y, (int(m)-1)/6+1)
	case PeriodYear:
		p.Label = fmt.Sprintf("%04d", y)
	}
	return p
}

// ParsePeriod parses a period label (2025-03, 2025-Q1, 2025-H1 or 2025) into its period in loc.
func ParsePeriod(label string, loc *time.Location) (Period, error) {
	bad := fmt.Errorf("invalid period %q (want 2025-03, 2025-Q1, 2025-H1 or 2025)", label)
	if len(label) < 4 {
		return Period{}, bad
	}
	y, err := strconv.Atoi(label[:4])
	if err != nil || y < 1 || strings.ContainsAny(label[:4], "+-") {
		return Period{}, bad
	}
	rest := label[4:]
	switch {
	case rest == "":
		return newPeriod(PeriodYear, y, time.January, loc), nil
	case len(rest) == 3 && rest[0] == '-' && rest[1] == 'Q' && rest[2] >= '1' && rest[2] <= '4':
		return newPeriod(PeriodQuarter, y, time.Month(int(rest[2]-'1')*3+1), loc), nil
	case len(rest) == 3 && rest[0] == '-' && rest[1] == 'H' && (rest[2] == '1' || rest[2] == '2'):
		return newPeriod(PeriodHalfYear, y, time.Month(int(rest[2]-'1')*6+1), loc), nil
	case len(rest) == 3 && rest[0] == '-' && isDigit(rest[1]) && isDigit(rest[2]):
		m := int(rest[1]-'0')*10 + int(rest[2]-'0')
		if m >= 1 && m <= 12 {
			return newPeriod(PeriodMonth, y, time.Month(m), loc), nil
		}
	}
	return Period{}, bad
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// PeriodsOverlapping returns, in order, the periods of the kind that overlap the days from
// `from` to `to` (both inclusive, read in loc). It returns nil when to is before from or the kind
// is unknown.
func PeriodsOverlapping(kind string, from, to time.Time, loc *time.Location) []Period {
	n := monthsOf(kind)
	if n == 0 {
		return nil
	}
	first, last := PeriodOf(from, kind, loc), PeriodOf(to, kind, loc)
	if last.Start.Before(first.Start) {
		return nil
	}
	var out []Period
	for p := first; !p.Start.After(last.Start); p = p.Next() {
		out = append(out, p)
	}
	return out
}

// Next returns the period of the same kind that follows p.
func (p Period) Next() Period {
	return newPeriod(p.Kind, p.Start.Year(), p.Start.Month()+time.Month(monthsOf(p.Kind)), p.Start.Location())
}

// Contains reports whether the instant t falls in the period (read in the period's location).
func (p Period) Contains(t time.Time) bool {
	return !t.Before(p.Start) && t.Before(p.Next().Start)
}

// Due returns the due instant of the period with grace days: the start of the day after
// End + grace, in the period's location. Month 2025-01 with a grace of 10 days is due at
// 2025-02-11T00:00 local time.
func (p Period) Due(grace int) time.Time {
	y, m, d := p.End.Date()
	return time.Date(y, m, d+grace+1, 0, 0, 0, 0, p.End.Location())
}

// ParseDays parses a whole number of days written as "10d" (as in grace and warn).
func ParseDays(s string) (int, error) {
	num, ok := strings.CutSuffix(s, "d")
	if ok && num != "" && len(num) <= 6 {
		n, err := strconv.Atoi(num)
		if err == nil && n >= 0 && num[0] != '+' {
			return n, nil
		}
	}
	return 0, fmt.Errorf("invalid number of days %q (want a whole number followed by d, like 10d)", s)
}
