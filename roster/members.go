package roster

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orglife/orglife"
)

// MemberRow is a member as the file gives it, with the place of its row.
type MemberRow struct {
	At string
	// Member carries the 转正日期 as ConfirmedOn (nil when the cell is empty: the stored one stays).
	orglife.Member
}

// readMembers checks every member row: all problems at once.
func readMembers(t *table, today string) ([]MemberRow, []Problem) {
	var out []MemberRow
	var ps []Problem
	seen := map[string]string{}
	bad := func(at, format string, args ...any) {
		ps = append(ps, Problem{At: at, Message: fmt.Sprintf(format, args...)})
	}
	for _, i := range t.rows {
		var m MemberRow
		m.At = t.place(i, 0)
		org, orgAt := t.cell(i, ColMemberOrg)
		switch {
		case org == "":
			bad(orgAt, "所在党组织编码不能为空")
		case !orglife.OrgIDPattern.MatchString(org):
			bad(orgAt, "所在党组织编码“%s”格式不对：只能用小写字母、数字、- 和 _", org)
		}
		m.OrgID = org
		name, nameAt := t.cell(i, ColMemberName)
		switch {
		case name == "":
			bad(nameAt, "姓名不能为空")
		case len([]rune(name)) > orglife.MaxNameLength:
			bad(nameAt, "姓名过长（最多 %d 字）", orglife.MaxNameLength)
		}
		m.Name = name
		id, idAt := t.cell(i, ColMemberID)
		m.ID = strings.ToLower(id)
		switch {
		case id == "":
			bad(idAt, "学工号不能为空")
		case !orglife.OrgIDPattern.MatchString(m.ID) || len(m.ID) > 64:
			bad(idAt, "学工号“%s”格式不对：只能用字母、数字、- 和 _（最多 64 位）", id)
		case seen[m.ID] != "":
			bad(idAt, "学工号 %s 与 %s 重复", id, seen[m.ID])
		default:
			seen[m.ID] = idAt
		}
		st, stAt := t.cell(i, ColMemberStatus)
		if m.Status = statusValues[st]; m.Status == "" {
			bad(stAt, "党籍状态应为“正式党员”或“预备党员”，而不是“%s”", st)
		}
		if v, at := t.cell(i, ColJoinedOn); v != "" {
			if d, ok := parseDate(v); !ok {
				bad(at, "入党日期“%s”不是日期（例如 2021-06-01）", v)
			} else if d > today {
				bad(at, "入党日期 %s 晚于今天", d)
			} else {
				m.JoinedOn = &d
			}
		}
		if v, at := t.cell(i, ColFullOn); v != "" {
			d, ok := parseDate(v)
			switch {
			case !ok:
				bad(at, "转正日期“%s”不是日期（例如 2022-06-01）", v)
			case m.Status == "probationary":
				bad(at, "预备党员不应有转正日期")
			case m.JoinedOn != nil && d < *m.JoinedOn:
				bad(at, "转正日期 %s 早于入党日期 %s", d, *m.JoinedOn)
			case d > today:
				bad(at, "转正日期 %s 晚于今天", d)
			default:
				m.ConfirmedOn = &d
			}
		}
		m.Roles = []string{}
		if v, at := t.cell(i, ColRoles); v != "" {
			for _, post := range splitList(v) {
				role, ok := roleValues[post]
				switch {
				case !ok:
					bad(at, "职务“%s”无法识别（可填：书记、副书记、组织委员、宣传委员、纪检委员、委员、党小组长）", post)
				case role != "" && !slices.Contains(m.Roles, role):
					m.Roles = append(m.Roles, role)
				}
			}
			slices.Sort(m.Roles)
		}
		if v, at := t.cell(i, ColLeader); v != "" {
			switch v {
			case "是", "Y", "y", "1":
				m.Leader = true
			case "否", "N", "n", "0":
			default:
				bad(at, "是否领导干部应为“是”或“否”，而不是“%s”", v)
			}
		}
		out = append(out, m)
	}
	return out, ps
}

// memberDiff lists the fields in which the file's member differs from the stored one.
func memberDiff(old *orglife.Member, m *MemberRow) []FieldChange {
	var out []FieldChange
	add := func(field, from, to string) {
		if from != to {
			out = append(out, FieldChange{Field: field, From: from, To: to})
		}
	}
	add(ColMemberOrg, old.OrgID, m.OrgID)
	add(ColMemberName, old.Name, m.Name)
	add(ColMemberStatus, statusLabel(old.Status), statusLabel(m.Status))
	add(ColJoinedOn, deref(old.JoinedOn), deref(m.JoinedOn))
	add(ColFullOn, deref(old.ConfirmedOn), deref(confirmedOn(old, m)))
	add(ColRoles, strings.Join(sortedRoles(old.Roles), ","), strings.Join(m.Roles, ","))
	add(ColLeader, yesNo(old.Leader), yesNo(m.Leader))
	return out
}

// confirmedOn is the 转正日期 the member has after the import: none for a probationary member,
// else the file's, else the stored one (an empty cell keeps it).
func confirmedOn(old *orglife.Member, m *MemberRow) *string {
	switch {
	case m.Status == orglife.MemberProbationary:
		return nil
	case m.ConfirmedOn != nil:
		return m.ConfirmedOn
	}
	return old.ConfirmedOn
}

func sortedRoles(rs []string) []string {
	out := slices.Clone(rs)
	slices.Sort(out)
	return out
}

func statusLabel(s string) string {
	if s == "probationary" {
		return "预备党员"
	}
	return "正式党员"
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// today is the local date of now.
func today(now time.Time, loc *time.Location) string { return now.In(loc).Format(orglife.DateLayout) }
