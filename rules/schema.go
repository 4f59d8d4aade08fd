package rules

import (
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/orglife/orglife"
)

// Schema is the typed view of workflow data: a Go struct type built with reflect.StructOf from
// the workflow's fields, so that expressions see `data.held_on` as a time and a misspelled field
// is a compile error. Fields are exported Go names with `expr:"snake_name"` tags. A Schema is
// immutable and safe for concurrent use.
type Schema struct {
	typ    reflect.Type
	fields []schemaField
	zero   any
}

type schemaField struct {
	name  string
	index int
	conv  converter
}

// converter sets a value of normalized JSON data into v (of the field's Go type). Values it does
// not understand leave v at its zero value.
type converter func(v reflect.Value, x any, loc *time.Location)

// NewSchema builds the schema of data with the given fields.
func NewSchema(fields []*orglife.Field) *Schema {
	s := buildStruct(fields)
	s.zero = reflect.Zero(s.typ).Interface()
	return s
}

// Type returns the Go struct type of the data.
func (s *Schema) Type() reflect.Type { return s.typ }

// Zero returns the zero value of the data struct: every field unset. Use it in compile-time
// environments.
func (s *Schema) Zero() any { return s.zero }

// Value returns the typed value of normalized JSON data (numbers as float64 or int, dates as
// "YYYY-MM-DD" read at midnight in loc, datetimes as RFC 3339, lists as []any, objects as
// map[string]any). Unset or unreadable fields read as their type's zero value; unknown keys are
// ignored.
func (s *Schema) Value(data map[string]any, loc *time.Location) any {
	v := reflect.New(s.typ).Elem()
	s.fill(v, data, loc)
	return v.Interface()
}

func (s *Schema) fill(v reflect.Value, data map[string]any, loc *time.Location) {
	if len(data) == 0 {
		return
	}
	for _, f := range s.fields {
		if x, ok := data[f.name]; ok && x != nil {
			f.conv(v.Field(f.index), x, loc)
		}
	}
}

// goFieldName returns the exported Go name of a snake_case field: its first letter in upper
// case (held_on → Held_on), which keeps distinct names distinct.
func goFieldName(name string) string {
	if name == "" {
		return "X"
	}
	if c := name[0]; c >= 'a' && c <= 'z' {
		return string(c-'a'+'A') + name[1:]
	}
	return "X" + name
}

func buildStruct(fields []*orglife.Field) *Schema {
	s := &Schema{}
	sf := make([]reflect.StructField, 0, len(fields))
	for _, f := range fields {
		if f == nil || f.Name == "" || strings.ContainsAny(f.Name, "\"`") {
			continue
		}
		t, conv := fieldType(f)
		s.fields = append(s.fields, schemaField{name: f.Name, index: len(sf), conv: conv})
		sf = append(sf, reflect.StructField{
			Name: goFieldName(f.Name),
			Type: t,
			Tag:  reflect.StructTag(`expr:"` + f.Name + `" json:"` + f.Name + `"`),
		})
	}
	s.typ = reflect.StructOf(sf)
	return s
}

var (
	timeType     = reflect.TypeOf(time.Time{})
	stringType   = reflect.TypeOf("")
	intType      = reflect.TypeOf(0)
	float64Type  = reflect.TypeOf(0.0)
	boolType     = reflect.TypeOf(false)
	anyType      = reflect.TypeOf((*any)(nil)).Elem()
	anySliceType = reflect.TypeOf([]any(nil))
)

// fieldType returns the Go type of a field and the converter filling it.
func fieldType(f *orglife.Field) (reflect.Type, converter) {
	switch f.Type {
	case orglife.TypeString, orglife.TypeText, orglife.TypeEnum, orglife.TypeMember:
		return stringType, convString
	case orglife.TypeInt:
		return intType, convInt
	case orglife.TypeNumber:
		return float64Type, convFloat
	case orglife.TypeBool:
		return boolType, convBool
	case orglife.TypeDate:
		return timeType, convDate
	case orglife.TypeDatetime:
		return timeType, convDatetime
	case orglife.TypeList:
		if f.Items == nil {
			return anySliceType, convAnyList
		}
		et, ec := fieldType(f.Items)
		return reflect.SliceOf(et), listConverter(et, ec)
	case orglife.TypeObject:
		s := buildStruct(f.Fields)
		return s.typ, func(v reflect.Value, x any, loc *time.Location) {
			if m, ok := x.(map[string]any); ok {
				s.fill(v, m, loc)
			}
		}
	}
	return anyType, func(v reflect.Value, x any, _ *time.Location) { v.Set(reflect.ValueOf(x)) }
}

func convString(v reflect.Value, x any, _ *time.Location) {
	if s, ok := x.(string); ok {
		v.SetString(s)
	}
}

func convInt(v reflect.Value, x any, _ *time.Location) {
	if n, ok := Number(x); ok {
		v.SetInt(int64(math.Round(n)))
	}
}

func convFloat(v reflect.Value, x any, _ *time.Location) {
	if n, ok := Number(x); ok {
		v.SetFloat(n)
	}
}

func convBool(v reflect.Value, x any, _ *time.Location) {
	if b, ok := x.(bool); ok {
		v.SetBool(b)
	}
}

func convDate(v reflect.Value, x any, loc *time.Location) {
	switch d := x.(type) {
	case string:
		if t, err := time.ParseInLocation(orglife.DateLayout, d, loc); err == nil {
			v.Set(reflect.ValueOf(t))
		} else if t, err := time.Parse(time.RFC3339Nano, d); err == nil {
			y, m, dd := t.In(loc).Date()
			v.Set(reflect.ValueOf(time.Date(y, m, dd, 0, 0, 0, 0, loc)))
		}
	case time.Time:
		y, m, dd := d.In(loc).Date()
		v.Set(reflect.ValueOf(time.Date(y, m, dd, 0, 0, 0, 0, loc)))
	}
}

func convDatetime(v reflect.Value, x any, loc *time.Location) {
	switch d := x.(type) {
	case string:
		if t, err := time.Parse(time.RFC3339Nano, d); err == nil {
			v.Set(reflect.ValueOf(t.In(loc)))
		} else if t, err := time.ParseInLocation(orglife.DateLayout, d, loc); err == nil {
			v.Set(reflect.ValueOf(t))
		}
	case time.Time:
		v.Set(reflect.ValueOf(d.In(loc)))
	}
}

func convAnyList(v reflect.Value, x any, _ *time.Location) {
	if l, ok := x.([]any); ok {
		v.Set(reflect.ValueOf(l))
	}
}

func listConverter(et reflect.Type, ec converter) converter {
	return func(v reflect.Value, x any, loc *time.Location) {
		rv := reflect.ValueOf(x)
		if rv.Kind() != reflect.Slice {
			return
		}
		n := rv.Len()
		out := reflect.MakeSlice(reflect.SliceOf(et), n, n)
		for i := 0; i < n; i++ {
			if e := rv.Index(i).Interface(); e != nil {
				ec(out.Index(i), e, loc)
			}
		}
		v.Set(out)
	}
}
