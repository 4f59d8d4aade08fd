package workflows

import (
	"fmt"
	"math"
	"slices"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/yamlfile"
)

var (
	fieldKeys  = []string{"type", "title", "description", "required", "min", "max", "min_length", "max_length", "max_items", "values", "labels", "items", "fields"}
	fieldTypes = []string{orglife.TypeString, orglife.TypeText, orglife.TypeInt, orglife.TypeNumber, orglife.TypeBool,
		orglife.TypeDate, orglife.TypeDatetime, orglife.TypeEnum, orglife.TypeMember, orglife.TypeList, orglife.TypeObject}
	// reservedFields are the names rule expressions add to every record of a collection.
	reservedFields = []string{"id", "state", "occurs_on", "recorded_at"}
)

// fields decodes a mapping of field name → field spec, its keys already checked. path is the
// path of the enclosing object ("" at the top level).
func (dec *decoder) fields(n *yamlfile.Node, path string) []*orglife.Field {
	what := "fields"
	if path != "" {
		what = fmt.Sprintf("field %q: fields", path)
	}
	var out []*orglife.Field
	seen := map[string]bool{}
	for _, e := range n.Entries {
		name := e.Key.Value
		p := name
		if path != "" {
			p = path + "." + name
		}
		if _, ok := dec.Name(e.Key, what, IDPattern); !ok {
			continue
		}
		if path == "" && slices.Contains(reservedFields, name) {
			dec.Add(e.Key, "field %q: the name is reserved", p)
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
	if !dec.Map(n, what, fieldKeys) {
		f.Type = orglife.TypeString
		return f
	}
	if tn := dec.Required(n, "type", what); tn != nil {
		f.Type, _ = dec.OneOf(tn, what+": type", fieldTypes)
		if !slices.Contains(fieldTypes, f.Type) {
			f.Type = ""
		}
	}
	f.Title, _ = dec.Text(n.Present("title"), what+": title")
	f.Required, _ = dec.Bool(n.Present("required"), what+": required")
	numeric := f.Type == orglife.TypeInt || f.Type == orglife.TypeNumber
	sized := f.Type == orglife.TypeString || f.Type == orglife.TypeText || f.Type == orglife.TypeList
	for _, c := range []struct {
		key string
		dst **float64
	}{{"min", &f.Min}, {"max", &f.Max}} {
		v := n.Present(c.key)
		if v == nil {
			continue
		}
		x, ok := dec.Number(v, what+": "+c.key)
		switch {
		case !ok:
		case f.Type != "" && !numeric:
			dec.Addf(n.Entry(c.key).Key, what, "%s does not apply to type %s", c.key, f.Type)
		case f.Type == orglife.TypeInt && x != float64(int64(x)):
			dec.Addf(v, what+": "+c.key, "must be a whole number (the field is an int)")
		default:
			*c.dst = &x
		}
	}
	if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
		dec.Addf(n.Get("max"), what, "max is less than min")
	}
	for _, c := range []struct {
		key string
		dst **int
	}{{"min_length", &f.MinLength}, {"max_length", &f.MaxLength}, {"max_items", &f.MaxItems}} {
		v := n.Present(c.key)
		if v == nil {
			continue
		}
		x, ok := dec.Int(v, what+": "+c.key, 0, math.MaxInt)
		switch {
		case !ok:
		case f.Type != "" && !sized, c.key == "max_items" && f.Type != "" && f.Type != orglife.TypeList:
			dec.Addf(n.Entry(c.key).Key, what, "%s does not apply to type %s", c.key, f.Type)
		default:
			*c.dst = &x
		}
	}
	if f.MinLength != nil && f.MaxLength != nil && *f.MinLength > *f.MaxLength {
		dec.Addf(n.Get("max_length"), what, "max_length is less than min_length")
	}
	dec.fieldParts(f, n, path, what)
	return f
}

// fieldParts decodes values, items and fields, each allowed for one type only.
func (dec *decoder) fieldParts(f *orglife.Field, n *yamlfile.Node, path, what string) {
	if e := n.Entry("values"); e != nil {
		if f.Type != "" && f.Type != orglife.TypeEnum {
			dec.Addf(e.Key, what, "values apply only to type enum")
		} else {
			vals, nodes := dec.Texts(e.Value, what+": values", nil)
			for i, v := range vals {
				if slices.Contains(vals[:i], v) {
					dec.Addf(nodes[i], what, "duplicate value %q", v)
				}
			}
			f.Values = vals
		}
	}
	if f.Type == orglife.TypeEnum && len(f.Values) == 0 && (n.Entry("values") == nil || n.Get("values").Kind == yamlfile.KindSeq) {
		dec.Addf(n.Get("type"), what, "an enum needs values")
	}
	dec.labels(f, n, what)
	if e := n.Entry("items"); e != nil {
		if f.Type != "" && f.Type != orglife.TypeList {
			dec.Addf(e.Key, what, "items apply only to type list")
		} else {
			f.Items = dec.field(e.Value, path+"[]")
		}
	}
	if f.Type == orglife.TypeList && f.Items == nil {
		dec.Addf(n.Get("type"), what, "a list needs items")
	}
	if e := n.Entry("fields"); e != nil {
		if f.Type != "" && f.Type != orglife.TypeObject {
			dec.Addf(e.Key, what, "fields apply only to type object")
		} else if dec.Map(e.Value, what+": fields", nil) {
			f.Fields = dec.fields(e.Value, path)
		}
	}
	if f.Type == orglife.TypeObject && len(f.Fields) == 0 && n.Entry("fields") == nil {
		dec.Addf(n.Get("type"), what, "an object needs fields")
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
		dec.Addf(e.Key, what, "labels apply only to type enum")
		return
	}
	if !dec.Map(e.Value, what+": labels", nil) {
		return
	}
	f.Labels = map[string]string{}
	for _, l := range e.Value.Entries {
		v := l.Key.Value
		if !slices.Contains(f.Values, v) {
			dec.Addf(l.Key, what+": labels", "%q is not one of the values", v)
			continue
		}
		if t, ok := dec.Text(l.Value, what+": labels: "+v); ok {
			f.Labels[v] = t
		}
	}
}
