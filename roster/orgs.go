package roster

import (
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/orglife/orglife"
)

// OrgRow is an org as the file gives it, with the place of its row.
type OrgRow struct {
	At string
	orglife.Org
	// ParentAt is the place of its 上级党组织编码 cell.
	ParentAt string
}

// readOrgs checks every org row: all problems at once.
func readOrgs(t *table, today string) ([]OrgRow, []Problem) {
	var out []OrgRow
	var ps []Problem
	seen := map[string]string{}
	bad := func(at, format string, args ...any) {
		ps = append(ps, Problem{At: at, Message: fmt.Sprintf(format, args...)})
	}
	date := func(i int, col string, dst **string) {
		v, at := t.cell(i, col)
		if v == "" {
			return
		}
		d, ok := parseDate(v)
		switch {
		case !ok:
			bad(at, "%s“%s”不是日期（例如 2023-09-01）", col, v)
		case d > today:
			bad(at, "%s %s 晚于今天", col, d)
		default:
			*dst = &d
		}
	}
	for _, i := range t.rows {
		o := OrgRow{At: t.place(i, 0)}
		o.Attributes = map[string]string{}
		id, idAt := t.cell(i, ColOrgID)
		switch {
		case id == "":
			bad(idAt, "党组织编码不能为空")
		case !orglife.OrgIDPattern.MatchString(id) || len(id) > 64:
			bad(idAt, "党组织编码“%s”格式不对：只能用小写字母、数字、- 和 _（最多 64 位）", id)
		case seen[id] != "":
			bad(idAt, "党组织编码 %s 与 %s 重复", id, seen[id])
		default:
			seen[id] = idAt
		}
		o.ID = id
		name, nameAt := t.cell(i, ColOrgName)
		switch {
		case name == "":
			bad(nameAt, "党组织名称不能为空")
		case len([]rune(name)) > orglife.MaxNameLength:
			bad(nameAt, "党组织名称过长（最多 %d 字）", orglife.MaxNameLength)
		}
		o.Name = name
		kind, kindAt := t.cell(i, ColOrgKind)
		if o.Kind = kindValues[kind]; o.Kind == "" {
			bad(kindAt, "组织类型应为党委、党总支、党支部或党小组，而不是“%s”", kind)
		}
		if p, at := t.cell(i, ColOrgParent); p != "" {
			o.ParentID, o.ParentAt = &p, at
			if p == id {
				bad(at, "上级党组织不能是自己")
			}
		}
		date(i, ColEstablished, &o.EstablishedOn)
		date(i, ColTermStarted, &o.TermStartedOn)
		if v, at := t.cell(i, ColTermYears); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 10 {
				bad(at, "任期年限应为 1 到 10 的整数，而不是“%s”", v)
			}
			o.TermYears = n
		}
		if v, at := t.cell(i, ColBranchType); v != "" {
			attrs, ok := branchTypes[v]
			if !ok {
				bad(at, "支部类型“%s”无法识别（可填：%s）", v, joinKeys(branchTypes))
			}
			maps.Copy(o.Attributes, attrs)
		}
		out = append(out, o)
	}
	return out, ps
}

// orgDiff lists the fields in which the file's org differs from the stored one; the stored
// attributes the file does not set are kept.
func orgDiff(old *orglife.Org, o *OrgRow) []FieldChange {
	var out []FieldChange
	add := func(field, from, to string) {
		if from != to {
			out = append(out, FieldChange{Field: field, From: from, To: to})
		}
	}
	add(ColOrgName, old.Name, o.Name)
	add(ColOrgKind, old.Kind, o.Kind)
	add(ColOrgParent, deref(old.ParentID), deref(o.ParentID))
	if o.EstablishedOn != nil {
		add(ColEstablished, deref(old.EstablishedOn), *o.EstablishedOn)
	}
	if o.TermStartedOn != nil {
		add(ColTermStarted, deref(old.TermStartedOn), *o.TermStartedOn)
	}
	if o.TermYears != 0 {
		add(ColTermYears, strconv.Itoa(old.TermYears), strconv.Itoa(o.TermYears))
	}
	for _, k := range slices.Sorted(maps.Keys(o.Attributes)) {
		add(ColBranchType+"."+k, old.Attributes[k], o.Attributes[k])
	}
	return out
}

func joinKeys[V any](m map[string]V) string {
	ks := slices.Sorted(maps.Keys(m))
	s := ""
	for i, k := range ks {
		if i > 0 {
			s += "、"
		}
		s += k
	}
	return s
}
