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
// (MissingRequired), on the merged data. Messages are Chinese and name the field by its title
// (「日期」须为日期……): a secretary reads them next to the form and in import reports.
func (d *Definition) NormalizeData(data map[string]any, loc *time.Location) (map[string]any, []orglife.Detail) {
	if loc == nil {
		loc = time.UTC
	}
	n := &normalizer{loc: loc}
	out := n.object(d.Fields, data, "", "")
	return out, n.details
}

type normalizer struct {
	loc     *time.Location
	details []orglife.Detail
}

func (n *normalizer) fail(path, label, format string, args ...any) {
	n.details = append(n.details, orglife.Detail{Field: path, Message: "「" + label + "」" + fmt.Sprintf(format, args...)})
}

// titleOf is the name people read for a field: its title, else its key.
func titleOf(f *orglife.Field) string {
	if f.Title != "" {
		return f.Title
	}
	return f.Name
}

// joinLabel is the label of a sub-field: 缺席人员第2项的姓名.
func joinLabel(label, name string) string {
	if label == "" {
		return name
	}
	return label + "的" + name
}

// itemLabel is the label of a list element (i from 0): 缺席人员第2项.
func itemLabel(label string, i int) string {
	return fmt.Sprintf("%s第%d项", label, i+1)
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func (n *normalizer) object(fields []*orglife.Field, data map[string]any, path, label string) map[string]any {
	out := make(map[string]any, len(data))
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		i := slices.IndexFunc(fields, func(f *orglife.Field) bool { return f.Name == k })
		if i < 0 {
			n.fail(join(path, k), joinLabel(label, k), "不是本表的栏目")
			continue
		}
		if v, ok := n.value(fields[i], data[k], join(path, k), joinLabel(label, titleOf(fields[i]))); ok {
			out[k] = v
		}
	}
	return out
}

// value normalizes one value; ok is false when it is invalid (a detail was added).
func (n *normalizer) value(f *orglife.Field, x any, path, label string) (any, bool) {
	if x == nil {
		return nil, true
	}
	switch f.Type {
	case orglife.TypeString, orglife.TypeText, orglife.TypeEnum:
		s, ok := x.(string)
		if !ok {
			n.fail(path, label, "须为文字")
			return nil, false
		}
		if f.Type == orglife.TypeEnum && !slices.Contains(f.Values, s) {
			names := make([]string, len(f.Values))
			for i, v := range f.Values {
				names[i] = v
				if l := f.Labels[v]; l != "" {
					names[i] = l + "（" + v + "）"
				}
			}
			n.fail(path, label, "须为以下之一：%s", strings.Join(names, "、"))
			return nil, false
		}
		return s, n.length(f, utf8.RuneCountInString(s), path, label, "个字")
	case orglife.TypeMember:
		s, ok := x.(string)
		if s = strings.TrimSpace(s); !ok || s == "" || utf8.RuneCountInString(s) > orglife.MaxIDLength {
			n.fail(path, label, "须为名册中党员的编号")
			return nil, false
		}
		return s, true
	case orglife.TypeInt:
		v, ok := rules.Number(x)
		if !ok || v != math.Trunc(v) || math.Abs(v) > 1<<53 {
			n.fail(path, label, "须为整数")
			return nil, false
		}
		return int(v), n.bounds(f, v, path, label)
	case orglife.TypeNumber:
		v, ok := rules.Number(x)
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
			n.fail(path, label, "须为数字")
			return nil, false
		}
		return v, n.bounds(f, v, path, label)
	case orglife.TypeBool:
		b, ok := x.(bool)
		if !ok {
			n.fail(path, label, "须选择是或否")
		}
		return b, ok
	case orglife.TypeDate:
		return n.date(x, path, label)
	case orglife.TypeDatetime:
		return n.datetime(x, path, label)
	case orglife.TypeList:
		return n.list(f, x, path, label)
	case orglife.TypeObject:
		m, ok := x.(map[string]any)
		if !ok {
			n.fail(path, label, "格式不对（须为一组栏目）")
			return nil, false
		}
		before := len(n.details)
		out := n.object(f.Fields, m, path, label)
		return out, len(n.details) == before
	}
	return x, true
}

func (n *normalizer) bounds(f *orglife.Field, v float64, path, label string) bool {
	if f.Min != nil && v < *f.Min {
		n.fail(path, label, "不能小于%s", fmtNum(*f.Min))
		return false
	}
	if f.Max != nil && v > *f.Max {
		n.fail(path, label, "不能大于%s", fmtNum(*f.Max))
		return false
	}
	return true
}

func fmtNum(v float64) string { return fmt.Sprint(v) }

func (n *normalizer) length(f *orglife.Field, l int, path, label, unit string) bool {
	if f.MinLength != nil && l < *f.MinLength {
		n.fail(path, label, "至少%d%s", *f.MinLength, unit)
		return false
	}
	if limit, def := maxLength(f); l > limit {
		if def {
			key := "max_length"
			if f.Type == orglife.TypeList {
				key = "max_items"
			}
			n.fail(path, label, "至多%d%s（系统默认上限，工作流可用 %s 调整）", limit, unit, key)
		} else {
			n.fail(path, label, "至多%d%s", limit, unit)
		}
		return false
	}
	return true
}

func (n *normalizer) date(x any, path, label string) (any, bool) {
	switch v := x.(type) {
	case time.Time:
		return v.In(n.loc).Format(orglife.DateLayout), true
	case string:
		if t, err := time.Parse(orglife.DateLayout, v); err == nil {
			return t.Format(orglife.DateLayout), true
		}
	}
	n.fail(path, label, "须为日期，格式为 YYYY-MM-DD（如 2025-03-10）")
	return nil, false
}

func (n *normalizer) datetime(x any, path, label string) (any, bool) {
	switch v := x.(type) {
	case time.Time:
		return v.In(n.loc).Format(time.RFC3339Nano), true
	case string:
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return t.In(n.loc).Format(time.RFC3339Nano), true
		}
	}
	n.fail(path, label, "须为日期和时间（如 2025-03-10T14:30:00+08:00）")
	return nil, false
}

func (n *normalizer) list(f *orglife.Field, x any, path, label string) (any, bool) {
	rv := reflect.ValueOf(x)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		n.fail(path, label, "须为列表")
		return nil, false
	}
	if !n.length(f, rv.Len(), path, label, "项") {
		return nil, false
	}
	out := make([]any, rv.Len())
	ok := true
	for i := range out {
		p := fmt.Sprintf("%s[%d]", path, i)
		e := rv.Index(i).Interface()
		if e == nil {
			n.fail(p, itemLabel(label, i), "不能为空")
			ok = false
			continue
		}
		v, good := n.value(f.Items, e, p, itemLabel(label, i))
		out[i] = v
		ok = ok && good
	}
	return out, ok
}

// MissingRequired returns a detail (「日期」为必填项) for every required field, and every field
// named in extra (an event's require list), that is absent, null or an empty string in data
// (the merged data), and for required sub-fields of the objects present in data, recursively
// (paths such as absentees[0].name). Details follow the order of the fields.
func (d *Definition) MissingRequired(data map[string]any, extra []string) []orglife.Detail {
	var out []orglife.Detail
	missing(d.Fields, data, extra, "", "", &out)
	return out
}

// RequiredSuffix ends the message of every detail of MissingRequired (「日期」为必填项), so callers
// can tell a missing field from an invalid one.
const RequiredSuffix = "为必填项"

func missing(fields []*orglife.Field, data map[string]any, extra []string, path, label string, out *[]orglife.Detail) {
	for _, f := range fields {
		p, l := join(path, f.Name), joinLabel(label, titleOf(f))
		x := data[f.Name]
		if empty(x) {
			if f.Required || slices.Contains(extra, f.Name) {
				*out = append(*out, orglife.Detail{Field: p, Message: "「" + l + "」" + RequiredSuffix})
			}
			continue
		}
		nested(f, x, p, l, out)
	}
}

// nested checks the required sub-fields of a present value.
func nested(f *orglife.Field, x any, path, label string, out *[]orglife.Detail) {
	switch f.Type {
	case orglife.TypeObject:
		if m, ok := x.(map[string]any); ok {
			missing(f.Fields, m, nil, path, label, out)
		}
	case orglife.TypeList:
		rv := reflect.ValueOf(x)
		if f.Items == nil || (rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array) {
			return
		}
		for i := 0; i < rv.Len(); i++ {
			if e := rv.Index(i).Interface(); !empty(e) {
				nested(f.Items, e, fmt.Sprintf("%s[%d]", path, i), itemLabel(label, i), out)
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
