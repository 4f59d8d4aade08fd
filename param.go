package orglife

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Filter values are checked before any database is asked, so that a value that can never match
// (a typo such as period=2025年3月 or kind=bogus) answers 400 invalid naming the parameter with an
// example, instead of an empty list that reads as "no problems". Each check returns at most one
// detail whose Field is the parameter and whose Message is a whole sentence; InvalidInput turns
// them into one error whose message is the first one's. engine and compliance share these.

// Filter is one list filter: its query name and the value a caller gave (an array, so that a
// literal of it needs no field names).
type Filter [2]string

// CheckFilters refuses, with invalid naming the filter, values that are not valid UTF-8, hold a
// NUL byte or are longer than MaxFilterLength: no database is asked about them.
func CheckFilters(fs ...Filter) error {
	var d []Detail
	for _, f := range fs {
		d = append(d, CheckText(f[0], f[1], MaxFilterLength)...)
	}
	return InvalidInput(d)
}

// BadParam is the detail of a filter value that cannot be used.
func BadParam(name, want, value string) []Detail {
	return []Detail{{Field: name, Message: fmt.Sprintf("%s must be %s, not %q", name, want, value)}}
}

// CheckOneOf accepts "" or one of allowed.
func CheckOneOf(name, value string, allowed []string) []Detail {
	if value == "" || slices.Contains(allowed, value) {
		return nil
	}
	return BadParam(name, "one of "+OrList(allowed), value)
}

// OrList renders values as "a, b or c".
func OrList(values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// CheckDateRange accepts empty or YYYY-MM-DD from and to, with from not after to.
func CheckDateRange(from, to string) []Detail {
	var d []Detail
	days := map[string]time.Time{}
	for _, p := range [][2]string{{"from", from}, {"to", to}} {
		if p[1] == "" {
			continue
		}
		t, err := time.Parse(DateLayout, p[1])
		if err != nil {
			d = append(d, BadParam(p[0], "a date YYYY-MM-DD such as 2025-03-01", p[1])...)
			continue
		}
		days[p[0]] = t
	}
	f, okF := days["from"]
	t, okT := days["to"]
	if okF && okT && t.Before(f) {
		d = append(d, Detail{Field: "from",
			Message: fmt.Sprintf("from must not be after to (from %s, to %s), e.g. from=2025-01-01&to=2025-03-31", from, to)})
	}
	return d
}

// The window every date and datetime of a record must lie in (docs/workflow-format.md,
// "Plausible dates"): from MinRecordDate to MaxRecordYears years after today.
const (
	MinRecordDate  = "2000-01-01"
	MaxRecordYears = 10
)

// SettingSince is the key of the go-live date in the settings table: engine refuses records
// dated before it, compliance evaluates no period before it.
const SettingSince = "since"
