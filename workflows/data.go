package workflows

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
)

// NormalizeData validates the given keys of data (a creation's data or an event's patch) against
// the fields and returns a normalized copy: ints as int (from JSON float64; non-integers are
// rejected), numbers as float64, dates as "YYYY-MM-DD" and datetimes as RFC 3339 in loc (a
// time.Time is accepted for both), enums checked, lists as []any and objects as map[string]any.
// A null value is kept (it clears the field). Unknown keys are rejected. Each detail carries a
// field path such as absentees[0].name. Required fields are checked separately
// (MissingRequired), on the merged data.
func (d *Definition) NormalizeData(data map[string]any, loc *time.Location) (map[string]any, []orglife.Detail) {
	if loc == nil {
		loc = time.UTC
	}
	n := &normalizer{loc: loc}
	out := n.object(d.Fields, data, "")
	return out, n.details
}

type normalizer struct {
	loc     *time.Location
	details []orglife.Detail
}

func (n *normalizer) fail(path, format string, args ...any) {
	n.details = append(n.details, orglife.Detail{Field: path, Message: fmt.Sprintf(format, args...)})
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func (n *normalizer) object(fields []*orglife.Field, data map[string]any, path string) map[string]any {
	out := make(map[string]any, len(data))
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		i := slices.IndexFunc(fields, func(f *orglife.Field) bool { return f.Name == k })
		if i < 0 {
			n.fail(join(path, k), "unknown field")
			continue
		}
		if v, ok := n.value(fields[i], data[k], join(path, k)); ok {
			out[k] = v
		}
	}
	return out
}

// value normalizes one value; ok is false when it is invalid (a detail was added).
func (n *normalizer) value(f *orglife.Field, x any, path string) (any, bool) {
	if x == nil {
		return nil, true
	}
	switch f.Type {
	case orglife.TypeString, orglife.TypeText, orglife.TypeEnum:
		s, ok := x.(string)
		if !ok {
			n.fail(path, "must be a string")
			return nil, false
		}
		if f.Type == orglife.TypeEnum && !slices.Contains(f.Values, s) {
			n.fail(path, "must be one of: %s", strings.Join(f.Values, ", "))
			return nil, false
		}
		return s, n.length(f, utf8.RuneCountInString(s), path, "characters")
	case orglife.TypeInt:
		v, ok := rules.Number(x)
		if !ok || v != math.Trunc(v) || math.Abs(v) > 1<<53 {
			n.fail(path, "must be an integer")
			return nil, false
		}
		return int(v), n.bounds(f, v, path)
	case orglife.TypeNumber:
		v, ok := rules.Number(x)
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
			n.fail(path, "must be a number")
			return nil, false
		}
		return v, n.bounds(f, v, path)
	case orglife.TypeBool:
		b, ok := x.(bool)
		if !ok {
			n.fail(path, "must be true or false")
		}
		return b, ok
	case orglife.TypeDate:
		return n.date(x, path)
	case orglife.TypeDatetime:
		return n.datetime(x, path)
	case orglife.TypeList:
		return n.list(f, x, path)
	case orglife.TypeObject:
		m, ok := x.(map[string]any)
		if !ok {
			n.fail(path, "must be an object")
			return nil, false
		}
		before := len(n.details)
		out := n.object(f.Fields, m, path)
		return out, len(n.details) == before
	}
	return x, true
}

func (n *normalizer) bounds(f *orglife.Field, v float64, path string) bool {
	if f.Min != nil && v < *f.Min {
		n.fail(path, "must be at least %s", fmtNum(*f.Min))
		return false
	}
	if f.Max != nil && v > *f.Max {
		n.fail(path, "must be at most %s", fmtNum(*f.Max))
		return false
	}
	return true
}

func fmtNum(v float64) string { return fmt.Sprint(v) }

func (n *normalizer) length(f *orglife.Field, l int, path, unit string) bool {
	if f.MinLength != nil && l < *f.MinLength {
		n.fail(path, "must have at least %d %s", *f.MinLength, unit)
		return false
	}
	if limit, def := maxLength(f); l > limit {
		if def {
			key := "max_length"
			if f.Type == orglife.TypeList {
				key = "max_items"
			}
			n.fail(path, "must have at most %d %s (the default limit of a %s field; the workflow may set %s)", limit, unit, f.Type, key)
		} else {
			n.fail(path, "must have at most %d %s", limit, unit)
		}
		return false
	}
	return true
}

func (n *normalizer) date(x any, path string) (any, bool) {
	switch v := x.(type) {
	case time.Time:
		return v.In(n.loc).Format(orglife.DateLayout), true
	case string:
		if t, err := time.Parse(orglife.DateLayout, v); err == nil {
			return t.Format(orglife.DateLayout), true
		}
	}
	n.fail(path, "must be a date (YYYY-MM-DD)")
	return nil, false
}

func (n *normalizer) datetime(x any, path string) (any, bool) {
	switch v := x.(type) {
	case time.Time:
		return v.In(n.loc).Format(time.RFC3339Nano), true
	case string:
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return t.In(n.loc).Format(time.RFC3339Nano), true
		}
	}
	n.fail(path, "must be a date and time (RFC 3339)")
	return nil, false
}

func (n *normalizer) list(f *orglife.Field, x any, path string) (any, bool) {
	rv := reflect.ValueOf(x)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		n.fail(path, "must be a list")
		return nil, false
	}
	if !n.length(f, rv.Len(), path, "items") {
		return nil, false
	}
	out := make([]any, rv.Len())
	ok := true
	for i := range out {
		p := fmt.Sprintf("%s[%d]", path, i)
		e := rv.Index(i).Interface()
		if e == nil {
			n.fail(p, "must not be null")
			ok = false
			continue
		}
		v, good := n.value(f.Items, e, p)
		out[i] = v
		ok = ok && good
	}
	return out, ok
}

// MissingRequired returns a detail ("is required") for every required field, and every field
// named in extra (an event's require list), that is absent, null or an empty string in data
// (the merged data), and for required sub-fields of the objects present in data, recursively
// (paths such as absentees[0].name). Details follow the order of the fields.
func (d *Definition) MissingRequired(data map[string]any, extra []string) []orglife.Detail {
	var out []orglife.Detail
	missing(d.Fields, data, extra, "", &out)
	return out
}

func missing(fields []*orglife.Field, data map[string]any, extra []string, path string, out *[]orglife.Detail) {
	for _, f := range fields {
		p := join(path, f.Name)
		x := data[f.Name]
		if empty(x) {
			if f.Required || slices.Contains(extra, f.Name) {
				*out = append(*out, orglife.Detail{Field: p, Message: "is required"})
			}
			continue
		}
		nested(f, x, p, out)
	}
}

// nested checks the required sub-fields of a present value.
func nested(f *orglife.Field, x any, path string, out *[]orglife.Detail) {
	switch f.Type {
	case orglife.TypeObject:
		if m, ok := x.(map[string]any); ok {
			missing(f.Fields, m, nil, path, out)
		}
	case orglife.TypeList:
		rv := reflect.ValueOf(x)
		if f.Items == nil || (rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array) {
			return
		}
		for i := 0; i < rv.Len(); i++ {
			if e := rv.Index(i).Interface(); !empty(e) {
				nested(f.Items, e, fmt.Sprintf("%s[%d]", path, i), out)
			}
		}
	}
}

func empty(x any) bool {
	if x == nil {
		return true
	}
	s, ok := x.(string)
	return ok && s == ""
}

// UniqueKey returns the JSON array of the values of the unique fields in data (null for an
// unset one), or nil when the workflow declares no unique fields. Give it normalized data.
func (d *Definition) UniqueKey(data map[string]any) *string {
	if len(d.Unique) == 0 {
		return nil
	}
	vals := make([]any, len(d.Unique))
	for i, name := range d.Unique {
		vals[i] = data[name]
	}
	b, err := json.Marshal(vals)
	if err != nil {
		return nil
	}
	s := string(b)
	return &s
}

// OccursOnDate returns the date ("YYYY-MM-DD") of the occurs_on field in normalized data, or ""
// when the workflow has no occurs_on field or it is unset. A datetime, normalized in the
// deployment time zone, gives its local date.
func (d *Definition) OccursOnDate(data map[string]any) string {
	if d.OccursOn == "" {
		return ""
	}
	s, _ := data[d.OccursOn].(string)
	if len(s) < len(orglife.DateLayout) {
		return ""
	}
	return s[:len(orglife.DateLayout)]
}
