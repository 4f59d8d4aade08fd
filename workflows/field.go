package workflows

import (
	"fmt"
	"slices"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/yamlfile"
)

var (
	fieldKeys  = []string{"type", "title", "description", "required", "min", "max", "min_length", "max_length", "max_items", "values", "labels", "items", "fields"}
	fieldTypes = []string{orglife.TypeString, orglife.TypeText, orglife.TypeInt, orglife.TypeNumber, orglife.TypeBool,
		orglife.TypeDate, orglife.TypeDatetime, orglife.TypeEnum, orglife.TypeList, orglife.TypeObject}
	// reservedFields are the names rule expressions add to every record of a collection.
	reservedFields = []string{"id", "state", "occurs_on", "recorded_at"}
)

// fields decodes a mapping of field name → field spec. path is the path of the enclosing
// object ("" at the top level).
func (dec *decoder) fields(n *yamlfile.Node, path string) []*orglife.Field {
	what := "fields"
	if path != "" {
		what = fmt.Sprintf("field %q: fields", path)
	}
	dec.problems = append(dec.problems, n.CheckKeys(what, nil)...)
	var out []*orglife.Field
	seen := map[string]bool{}
	for _, e := range n.Entries {
		name, _ := e.Key.Text()
		p := name
		if path != "" {
			p = path + "." + name
		}
		if !IDPattern.MatchString(name) {
			dec.add(e.Key, "field %q: invalid name (must match %s)", p, IDPattern)
			continue
		}
		if path == "" && slices.Contains(reservedFields, name) {
			dec.add(e.Key, "field %q: the name is reserved", p)
		}
		if seen[name] {
			continue // reported as a duplicate key
		}
		seen[name] = true
		f := dec.field(e.Value, p)
		f.Name = name
		out = append(out, f)
	}
	return out
}

// field decodes one field spec at path.
func (dec *decoder) field(n *yamlfile.Node, path string) *orglife.Field {
	f := &orglife.Field{}
	what := fmt.Sprintf("field %q", path)
	if !dec.mapping(n, what) {
		f.Type = orglife.TypeString
		return f
	}
	dec.problems = append(dec.problems, n.CheckKeys(what, fieldKeys)...)
	tn := n.Get("type")
	if tn.IsNull() {
		dec.add(n, "%s: missing \"type\"", what)
	} else if t, ok := dec.text(tn, what+": type"); ok {
		if slices.Contains(fieldTypes, t) {
			f.Type = t
		} else {
			dec.add(tn, "%s: unknown type %q", what, t)
		}
	}
	if t := n.Get("title"); !t.IsNull() {
		f.Title, _ = dec.text(t, what+": title")
	}
	f.Required = dec.boolean(n.Get("required"), what+": required")
	numeric := f.Type == orglife.TypeInt || f.Type == orglife.TypeNumber
	sized := f.Type == orglife.TypeString || f.Type == orglife.TypeText || f.Type == orglife.TypeList
	for _, c := range []struct {
		key string
		dst **float64
	}{{"min", &f.Min}, {"max", &f.Max}} {
		v := n.Get(c.key)
		if v.IsNull() {
			continue
		}
		x, ok := v.Float()
		switch {
		case !ok:
			dec.add(v, "%s: %s must be a number", what, c.key)
		case f.Type != "" && !numeric:
			dec.add(n.Entry(c.key).Key, "%s: %s does not apply to type %s", what, c.key, f.Type)
		case f.Type == orglife.TypeInt && x != float64(int64(x)):
			dec.add(v, "%s: %s must be an integer", what, c.key)
		default:
			*c.dst = &x
		}
	}
	if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
		dec.add(n.Get("max"), "%s: max is less than min", what)
	}
	for _, c := range []struct {
		key string
		dst **int
	}{{"min_length", &f.MinLength}, {"max_length", &f.MaxLength}, {"max_items", &f.MaxItems}} {
		v := n.Get(c.key)
		if v.IsNull() {
			continue
		}
		x, ok := v.Int()
		switch {
		case !ok || x < 0:
			dec.add(v, "%s: %s must be a non-negative integer", what, c.key)
		case f.Type != "" && !sized, c.key == "max_items" && f.Type != "" && f.Type != orglife.TypeList:
			dec.add(n.Entry(c.key).Key, "%s: %s does not apply to type %s", what, c.key, f.Type)
		default:
			*c.dst = &x
		}
	}
	if f.MinLength != nil && f.MaxLength != nil && *f.MinLength > *f.MaxLength {
		dec.add(n.Get("max_length"), "%s: max_length is less than min_length", what)
	}
	dec.fieldParts(f, n, path, what)
	return f
}

// fieldParts decodes values, items and fields, each allowed for one type only.
func (dec *decoder) fieldParts(f *orglife.Field, n *yamlfile.Node, path, what string) {
	if e := n.Entry("values"); e != nil {
		if f.Type != "" && f.Type != orglife.TypeEnum {
			dec.add(e.Key, "%s: values apply only to type enum", what)
		} else if e.Value.Kind != yamlfile.KindSeq {
			dec.add(e.Value, "%s: values must be a list", what)
		} else {
			vals, nodes := dec.list(e.Value, what+": values")
			for i, v := range vals {
				if slices.Contains(vals[:i], v) {
					dec.add(nodes[i], "%s: duplicate value %q", what, v)
				}
			}
			f.Values = vals
		}
	}
	if f.Type == orglife.TypeEnum && len(f.Values) == 0 && (n.Entry("values") == nil || n.Get("values").Kind == yamlfile.KindSeq) {
		dec.add(n.Get("type"), "%s: an enum needs values", what)
	}
	dec.labels(f, n, what)
	if e := n.Entry("items"); e != nil {
		if f.Type != "" && f.Type != orglife.TypeList {
			dec.add(e.Key, "%s: items apply only to type list", what)
		} else {
			f.Items = dec.field(e.Value, path+"[]")
		}
	}
	if f.Type == orglife.TypeList && f.Items == nil {
		dec.add(n.Get("type"), "%s: a list needs items", what)
	}
	if e := n.Entry("fields"); e != nil {
		if f.Type != "" && f.Type != orglife.TypeObject {
			dec.add(e.Key, "%s: fields apply only to type object", what)
		} else if dec.mapping(e.Value, what+": fields") {
			f.Fields = dec.fields(e.Value, path)
		}
	}
	if f.Type == orglife.TypeObject && len(f.Fields) == 0 && n.Entry("fields") == nil {
		dec.add(n.Get("type"), "%s: an object needs fields", what)
	}
}

// labels decodes the labels of an enum's values (value → the title a person reads), each of a
// value the enum has.
func (dec *decoder) labels(f *orglife.Field, n *yamlfile.Node, what string) {
	e := n.Entry("labels")
	if e == nil {
		return
	}
	if f.Type != "" && f.Type != orglife.TypeEnum {
		dec.add(e.Key, "%s: labels apply only to type enum", what)
		return
	}
	if !dec.mapping(e.Value, what+": labels") {
		return
	}
	f.Labels = map[string]string{}
	for _, l := range e.Value.Entries {
		v, _ := l.Key.Text()
		if !slices.Contains(f.Values, v) {
			dec.add(l.Key, "%s: labels: %q is not one of the values", what, v)
			continue
		}
		if t, ok := dec.text(l.Value, what+": labels: "+v); ok {
			f.Labels[v] = t
		}
	}
}
