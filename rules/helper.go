package rules

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"time"
	"unicode"

	"github.com/expr-lang/expr"
)

// helperOptions registers the helper functions of spec §4 with typed signatures, so a wrong
// number or type of arguments is a compile error. The options are built once and never changed.
var helperOptions = []expr.Option{
	expr.Function("days",
		func(p ...any) (any, error) { return Days(p[0].(int)), nil },
		new(func(int) time.Duration)),
	expr.Function("add_months",
		func(p ...any) (any, error) { return AddMonths(p[0].(time.Time), p[1].(int)), nil },
		new(func(time.Time, int) time.Time)),
	expr.Function("working_days",
		func(p ...any) (any, error) {
			a := p[0].(time.Time)
			return WorkingDays(a, p[1].(time.Time), a.Location()), nil
		},
		new(func(time.Time, time.Time) int)),
	expr.Function(zonedPrefix+"working_days",
		func(p ...any) (any, error) {
			return WorkingDays(p[1].(time.Time), p[2].(time.Time), p[0].(time.Time).Location()), nil
		},
		new(func(time.Time, time.Time, time.Time) int)),
	expr.Function("similarity",
		func(p ...any) (any, error) { return Similarity(p[0].(string), p[1].(string)), nil },
		new(func(string, string) float64)),
	expr.Function("period_of",
		func(p ...any) (any, error) {
			t := p[0].(time.Time)
			return periodLabel(t, p[1].(string), t.Location())
		},
		new(func(time.Time, string) string)),
	expr.Function(zonedPrefix+"period_of",
		func(p ...any) (any, error) {
			return periodLabel(p[1].(time.Time), p[2].(string), p[0].(time.Time).Location())
		},
		new(func(time.Time, time.Time, string) string)),
	expr.Function("date_text",
		func(p ...any) (any, error) { t := p[0].(time.Time); return DateText(t, t.Location()), nil },
		new(func(time.Time) string)),
	expr.Function(zonedPrefix+"date_text",
		func(p ...any) (any, error) { return DateText(p[1].(time.Time), p[0].(time.Time).Location()), nil },
		new(func(time.Time, time.Time) string)),
	expr.Function("month_day",
		func(p ...any) (any, error) { t := p[0].(time.Time); return MonthDayText(t, t.Location()), nil },
		new(func(time.Time) string)),
	expr.Function(zonedPrefix+"month_day",
		func(p ...any) (any, error) { return MonthDayText(p[1].(time.Time), p[0].(time.Time).Location()), nil },
		new(func(time.Time, time.Time) string)),
	expr.Function("due_date",
		func(p ...any) (any, error) { t := p[0].(time.Time); return DueDate(t, t.Location()), nil },
		new(func(time.Time) time.Time)),
	expr.Function(zonedPrefix+"due_date",
		func(p ...any) (any, error) { return DueDate(p[1].(time.Time), p[0].(time.Time).Location()), nil },
		new(func(time.Time, time.Time) time.Time)),
	expr.Function("period_title",
		func(p ...any) (any, error) { return PeriodTitle(p[0].(string)), nil },
		new(func(string) string)),
	expr.Function("name_of",
		func(p ...any) (any, error) { return NameOf(p[0].([]MemberView), p[1].(string)), nil },
		new(func([]MemberView, string) string)),
	expr.Function(zonedPrefix+"date",
		func(p ...any) (any, error) {
			args := make([]string, len(p)-1)
			for i := range args {
				args[i] = p[i+1].(string)
			}
			return parseDate(p[0].(time.Time).Location(), args...)
		},
		new(func(time.Time, string, ...string) time.Time)),
}

// NameOf returns how people read the member with the id among members — the name, with the id
// when another member has the same name (the member's Label) — or the id itself when no member
// has it (a person who left the roster is still named by something): name_of(members,
// data.member).
func NameOf(members []MemberView, id string) string {
	for i := range members {
		if members[i].ID == id {
			return cmp.Or(members[i].Label, members[i].Name)
		}
	}
	return id
}

// zonedPrefix names the variants of date, period_of, working_days, date_text, month_day and
// due_date that calls become when the
// environment has `now`: they take `now` first and work in its location, the deployment time
// zone, whatever the location of their other arguments.
const zonedPrefix = "zoned_"

func periodLabel(t time.Time, kind string, loc *time.Location) (string, error) {
	if _, err := ParsePeriodKind(kind); err != nil {
		return "", err
	}
	return PeriodOf(t, kind, loc).Label, nil
}

// dateLayouts are the layouts date(s) tries, as expr's built-in does.
var dateLayouts = []string{
	"2006-01-02",
	"15:04:05",
	"2006-01-02 15:04:05",
	time.RFC3339,
	time.RFC822,
	time.RFC850,
	time.RFC1123,
}

// parseDate implements date(s), date(s, layout) and date(s, layout, zone) like expr's built-in,
// except that a date without zone is read in loc (the location of `now`) instead of UTC.
func parseDate(loc *time.Location, args ...string) (time.Time, error) {
	switch len(args) {
	case 1:
	case 2:
		return time.ParseInLocation(args[1], args[0], loc)
	case 3:
		zone, err := time.LoadLocation(args[2])
		if err != nil {
			return time.Time{}, err
		}
		return time.ParseInLocation(args[1], args[0], zone)
	default:
		return time.Time{}, fmt.Errorf("too many arguments to call date (expected at most 3, got %d)", len(args))
	}
	for _, layout := range dateLayouts {
		if t, err := time.ParseInLocation(layout, args[0], loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid date %s", args[0])
}

// Days returns a duration of n days (n × 24 hours): days(90).
func Days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

// AddMonths returns t plus n calendar months (n may be negative), keeping the time of day and
// the location. When the day does not exist in the target month it is clamped to the month's
// last day: 2025-01-31 plus one month is 2025-02-28.
func AddMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}

// WorkingDays counts the Mondays to Fridays from a, exclusive, to b, inclusive, comparing
// calendar dates in loc (times of day are ignored). From a Friday to the next Monday is 1; from
// a day to itself is 0; when b is before a the count is negative (working_days(b, a) negated).
// Public holidays are not known and count as working days.
func WorkingDays(a, b time.Time, loc *time.Location) int {
	a0 := dayNumber(a, loc)
	b0 := dayNumber(b, loc)
	if b0 < a0 {
		return -countWeekdays(b0, a0)
	}
	return countWeekdays(a0, b0)
}

// dayNumber returns the calendar date of t in loc as days since 1970-01-01 (a Thursday).
func dayNumber(t time.Time, loc *time.Location) int64 {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// countWeekdays counts days in (a, b] that are Monday to Friday, for a <= b.
func countWeekdays(a, b int64) int {
	// weekdaysUpTo(x) = Monday–Friday days in [epoch-ish origin, x]; differences are exact.
	return int(weekdaysUpTo(b) - weekdaysUpTo(a))
}

// weekdaysUpTo returns the number of Monday–Friday days among day numbers in [-3, x] for
// x >= -4, extended to negative x by the same formula. Day -3 (1969-12-29) is a Monday.
func weekdaysUpTo(x int64) int64 {
	n := x + 4 // days from Monday 1969-12-29 through x
	q, r := floorDiv(n, 7)
	return q*5 + min(r, 5)
}

func floorDiv(a, b int64) (int64, int64) {
	q, r := a/b, a%b
	if r < 0 {
		q--
		r += b
	}
	return q, r
}

// Similarity returns a text similarity from 0 to 1 suited to Chinese text: the Dice coefficient
// of the two texts' multisets of character bigrams, after dropping spaces and punctuation.
// Identical texts score 1 (two empty texts too); texts sharing no bigram score 0. Texts of one
// character compare as equal or not.
func Similarity(a, b string) float64 {
	pa, pb := textProfile(a), textProfile(b)
	if pa.bigrams == nil || pb.bigrams == nil {
		if pa.short == pb.short && (pa.bigrams == nil) == (pb.bigrams == nil) {
			return 1
		}
		return 0
	}
	ba, bb := pa.bigrams, pb.bigrams
	common := 0
	for i, j := 0, 0; i < len(ba) && j < len(bb); {
		switch {
		case ba[i] == bb[j]:
			common++
			i++
			j++
		case ba[i] < bb[j]:
			i++
		default:
			j++
		}
	}
	return 2 * float64(common) / float64(len(ba)+len(bb))
}

// profile is a text cleaned for Similarity: its sorted bigrams, or, for a text of fewer than two
// characters after cleaning, nil bigrams and the cleaned text.
type profile struct {
	bigrams []uint64
	short   string
}

// profiles caches the profiles of recent texts: a rule like copied_minutes compares each record
// with every earlier one, so the same texts are cleaned over and over (W1 profiling showed
// cleaning at a third of the evaluation's CPU). The cache is dropped when it grows past
// maxProfiles entries.
var profiles struct {
	sync.Mutex
	m map[string]profile
}

const maxProfiles = 1 << 16

func textProfile(s string) profile {
	profiles.Lock()
	p, ok := profiles.m[s]
	profiles.Unlock()
	if ok {
		return p
	}
	rs := cleanRunes(s)
	if len(rs) < 2 {
		p = profile{short: string(rs)}
	} else {
		p = profile{bigrams: bigrams(rs)}
	}
	profiles.Lock()
	if profiles.m == nil || len(profiles.m) >= maxProfiles {
		profiles.m = make(map[string]profile, 1024)
	}
	profiles.m[s] = p
	profiles.Unlock()
	return p
}

func cleanRunes(s string) []rune {
	out := make([]rune, 0, len(s)/2)
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			continue
		}
		out = append(out, unicode.ToLower(r))
	}
	return out
}

func bigrams(rs []rune) []uint64 {
	out := make([]uint64, len(rs)-1)
	for i := range out {
		out[i] = uint64(rs[i])<<32 | uint64(rs[i+1])
	}
	slices.Sort(out)
	return out
}

// errPeriodKind is the message of an unknown period kind.
func errPeriodKind(kind string) error {
	return fmt.Errorf("unknown period kind %q (want month, quarter, half_year or year)", kind)
}
