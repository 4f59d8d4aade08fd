package workflows

import (
	"fmt"

	"github.com/orglife/orglife"
)

// MemberRef is one member id named in a record's data: where it stands (a detail path such as
// absentees[1].member), the label people read for that place (缺席人员第2项的党员编号) and the id.
type MemberRef struct {
	Path, Label, ID string
}

// MemberRefs lists the member ids that data (normalized, or a patch of it) names in fields of
// type member, at any depth, in field order.
func (d *Definition) MemberRefs(data map[string]any) []MemberRef {
	var out []MemberRef
	memberRefs(d.Fields, data, "", "", &out)
	return out
}

func memberRefs(fields []*orglife.Field, data map[string]any, path, label string, out *[]MemberRef) {
	for _, f := range fields {
		if v, ok := data[f.Name]; ok {
			memberRef(f, v, join(path, f.Name), joinLabel(label, titleOf(f)), out)
		}
	}
}

func memberRef(f *orglife.Field, v any, path, label string, out *[]MemberRef) {
	switch f.Type {
	case orglife.TypeMember:
		if s, ok := v.(string); ok && s != "" {
			*out = append(*out, MemberRef{Path: path, Label: label, ID: s})
		}
	case orglife.TypeObject:
		if m, ok := v.(map[string]any); ok {
			memberRefs(f.Fields, m, path, label, out)
		}
	case orglife.TypeList:
		if l, ok := v.([]any); ok && f.Items != nil {
			for i, e := range l {
				memberRef(f.Items, e, fmt.Sprintf("%s[%d]", path, i), itemLabel(label, i), out)
			}
		}
	}
}

// HasMemberFields reports whether any field of the definition, at any depth, is of type member.
func (d *Definition) HasMemberFields() bool { return hasMember(d.Fields) }

func hasMember(fields []*orglife.Field) bool {
	for _, f := range fields {
		if f.Type == orglife.TypeMember || (f.Items != nil && hasMember([]*orglife.Field{f.Items})) || hasMember(f.Fields) {
			return true
		}
	}
	return false
}
