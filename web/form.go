package web

import (
	"cmp"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orglife/orglife"
)

// extraRows is how many empty rows a list shows for new elements.
const extraRows = 2

// formField is one input of a generated form: a scalar (input, textarea, select, checkbox), a
// list (repeatable rows) or an object (grouped fields). Name is the form key: the field path,
// such as absentees.1.name.
type formField struct {
	Name, Label, Kind, Value, Error string
	Required                        bool
	Options                         []option
	// Selected are the checked options of a list of members (Kind "members").
	Selected map[string]bool
	Rows     [][]formField // list of objects, or list of scalars (one field per row)
	Fields   []formField   // object
}

// option is one choice of a select: the value sent and the label shown.
type option struct{ Value, Label string }

// formFields builds the inputs of the fields named in only (all when only is nil), filled from
// data, with the errors of details next to the fields they name. roster is what a field of type
// member offers: a select of the org's members, checkboxes for a list of them.
func formFields(fields []*orglife.Field, only []string, data map[string]any, details []orglife.Detail, roster []option) []formField {
	errs := map[string]string{}
	for _, d := range details {
		key := strings.NewReplacer("[", ".", "]", "").Replace(d.Field)
		errs[key] = cmp.Or(errs[key]+" ", "") + d.Message
	}
	var out []formField
	for _, f := range fields {
		if only != nil && !slices.Contains(only, f.Name) {
			continue
		}
		out = append(out, field(f, f.Name, data[f.Name], errs, roster))
	}
	return out
}

func field(f *orglife.Field, name string, v any, errs map[string]string, roster []option) formField {
	ff := formField{Name: name, Label: cmp.Or(f.Title, f.Name), Kind: f.Type, Required: f.Required, Error: strings.TrimSpace(errs[name])}
	switch {
	case f.Type == orglife.TypeMember:
		ff.Value = scalar(v)
		ff.Options = withValues(roster, ff.Value)
		return ff
	case f.Type == orglife.TypeList && f.Items != nil && f.Items.Type == orglife.TypeMember:
		items, _ := v.([]any)
		ff.Kind, ff.Selected = "members", map[string]bool{}
		var ids []string
		for _, e := range items {
			ids = append(ids, scalar(e))
			ff.Selected[scalar(e)] = true
		}
		ff.Options = withValues(roster, ids...)
		// the errors of the elements (participants.1) are shown with the group
		for _, k := range slices.Sorted(maps.Keys(errs)) {
			if strings.HasPrefix(k, name+".") {
				ff.Error = strings.TrimSpace(ff.Error + " " + errs[k])
			}
		}
		return ff
	}
	switch f.Type {
	case orglife.TypeEnum:
		for _, val := range f.Values {
			ff.Options = append(ff.Options, option{Value: val, Label: cmp.Or(f.Labels[val], val)})
		}
		ff.Value = scalar(v)
	case orglife.TypeObject:
		m, _ := v.(map[string]any)
		for _, sub := range f.Fields {
			ff.Fields = append(ff.Fields, field(sub, name+"."+sub.Name, m[sub.Name], errs, roster))
		}
	case orglife.TypeList:
		items, _ := v.([]any)
		if f.Items == nil {
			break
		}
		for i := 0; i < len(items)+extraRows; i++ {
			var item any
			if i < len(items) {
				item = items[i]
			}
			row := field(f.Items, fmt.Sprintf("%s.%d", name, i), item, errs, roster)
			row.Label = fmt.Sprintf("%s %d", ff.Label, i+1)
			row.Required = false
			if f.Items.Type == orglife.TypeObject {
				ff.Rows = append(ff.Rows, row.Fields)
			} else {
				ff.Rows = append(ff.Rows, []formField{row})
			}
		}
	default:
		ff.Value = scalar(v)
	}
	return ff
}

// withValues returns the roster's options, followed by the values not among them (an id typed
// through the API, or of a member no longer listed), shown as they are.
func withValues(roster []option, values ...string) []option {
	out := roster
	for _, v := range values {
		if v != "" && !slices.ContainsFunc(out, func(o option) bool { return o.Value == v }) {
			out = append(slices.Clip(out), option{Value: v, Label: v})
		}
	}
	return out
}

func scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

// formData reads the values of the fields named in only (all when nil) from a posted form:
// empty inputs are left out, numbers are parsed (a value that is not a number is kept as text,
// so the engine names the field), yes/no selects become booleans, a datetime-local input is read
// in loc, and list rows whose inputs are all empty are dropped.
func formData(fields []*orglife.Field, only []string, form url.Values, loc *time.Location) map[string]any {
	out := map[string]any{}
	for _, f := range fields {
		if only != nil && !slices.Contains(only, f.Name) {
			continue
		}
		if v, ok := formValue(f, f.Name, form, loc); ok {
			out[f.Name] = v
		}
	}
	return out
}

func formValue(f *orglife.Field, name string, form url.Values, loc *time.Location) (any, bool) {
	switch f.Type {
	case orglife.TypeObject:
		m := map[string]any{}
		for _, sub := range f.Fields {
			if v, ok := formValue(sub, name+"."+sub.Name, form, loc); ok {
				m[sub.Name] = v
			}
		}
		return m, len(m) > 0
	case orglife.TypeList:
		if f.Items == nil {
			return nil, false
		}
		if vals, ok := form[name]; ok && f.Items.Type == orglife.TypeMember {
			// the checkboxes of a list of members: one value per checked member
			var items []any
			for _, v := range vals {
				if v = strings.TrimSpace(v); v != "" && !slices.Contains(items, any(v)) {
					items = append(items, v)
				}
			}
			return items, len(items) > 0
		}
		var items []any
		for i := 0; i < 1000; i++ {
			prefix := fmt.Sprintf("%s.%d", name, i)
			if !hasPrefix(form, prefix) {
				break
			}
			if v, ok := formValue(f.Items, prefix, form, loc); ok {
				items = append(items, v)
			}
		}
		return items, len(items) > 0
	}
	s := strings.TrimSpace(form.Get(name))
	if s == "" {
		return nil, false
	}
	switch f.Type {
	case orglife.TypeInt, orglife.TypeNumber:
		if n, err := strconv.ParseFloat(s, 64); err == nil {
			return n, true
		}
	case orglife.TypeBool:
		if b, err := strconv.ParseBool(s); err == nil {
			return b, true
		}
	case orglife.TypeDatetime:
		// an input of type datetime-local has no seconds and no zone: the deployment's
		if t, err := time.ParseInLocation("2006-01-02T15:04", s, loc); err == nil {
			return t.Format(time.RFC3339), true
		}
	}
	return s, true
}

func hasPrefix(form url.Values, prefix string) bool {
	for k := range form {
		if k == prefix || strings.HasPrefix(k, prefix+".") {
			return true
		}
	}
	return false
}
