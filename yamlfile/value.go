package yamlfile

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/orglife/orglife"
)

// Layouts shown in messages about dates and instants.
const (
	exampleInstant = "2025-03-01T10:00:00+08:00"
	exampleDate    = "2025-03-01"
)

// Bool returns the value of a plain true or false; anything else is a problem.
func (d *Decoder) Bool(n *Node, what string) (bool, bool) {
	if n == nil {
		return false, false
	}
	b, ok := n.Bool()
	if !ok {
		d.Addf(n, what, "must be true or false")
	}
	return b, ok
}

// Int returns the value of a plain integer from lo to hi; anything else is a problem. hi
// math.MaxInt means no upper bound.
func (d *Decoder) Int(n *Node, what string, lo, hi int) (int, bool) {
	if n == nil {
		return 0, false
	}
	v, ok := n.Int()
	if ok && v >= lo && v <= hi {
		return v, true
	}
	if hi == math.MaxInt {
		d.Addf(n, what, "must be a whole number of at least %d", lo)
	} else {
		d.Addf(n, what, "must be a whole number from %d to %d", lo, hi)
	}
	return v, false
}

// Number returns the value of a plain integer or decimal number; anything else is a problem.
func (d *Decoder) Number(n *Node, what string) (float64, bool) {
	if n == nil {
		return 0, false
	}
	v, ok := n.Float()
	if !ok {
		d.Addf(n, what, "must be a number")
	}
	return v, ok
}

// OneOf returns a scalar's text when it is one of values; another text is a problem that lists
// them.
func (d *Decoder) OneOf(n *Node, what string, values []string) (string, bool) {
	s, ok := d.Text(n, what)
	if ok && !slices.Contains(values, s) {
		d.Addf(n, what, "invalid value %q (want %s)", s, Alternatives(values))
		return s, false
	}
	return s, ok
}

// Alternatives lists values for a message: "a", "a or b", "a, b or c".
func Alternatives(values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// Name returns a scalar's text when it matches pattern; another text is a problem that shows
// the pattern.
func (d *Decoder) Name(n *Node, what string, pattern *regexp.Regexp) (string, bool) {
	s, ok := d.Text(n, what)
	if ok && !pattern.MatchString(s) {
		d.Addf(n, what, "invalid name %q (must match %s)", s, pattern)
		return s, false
	}
	return s, ok
}

// Date returns the start, in loc, of the day a YYYY-MM-DD scalar names; another text is a
// problem.
func (d *Decoder) Date(n *Node, what string, loc *time.Location) (time.Time, bool) {
	s, ok := d.Text(n, what)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(orglife.DateLayout, s, loc)
	if err != nil {
		d.Addf(n, what, "invalid date %q (want YYYY-MM-DD)", s)
		return time.Time{}, false
	}
	return t, true
}

// Instant returns the instant an RFC 3339 scalar names. With dateLoc not nil a date
// (YYYY-MM-DD) is accepted too and means the start of that day in dateLoc. Another text is a
// problem.
func (d *Decoder) Instant(n *Node, what string, dateLoc *time.Location) (time.Time, bool) {
	s, ok := d.Text(n, what)
	if !ok {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	if dateLoc == nil {
		d.Addf(n, what, "invalid timestamp %q (want RFC 3339, like %s)", s, exampleInstant)
		return time.Time{}, false
	}
	if t, err := time.ParseInLocation(orglife.DateLayout, s, dateLoc); err == nil {
		return t, true
	}
	d.Addf(n, what, "invalid timestamp %q (want RFC 3339, like %s, or a date, like %s)", s, exampleInstant, exampleDate)
	return time.Time{}, false
}
