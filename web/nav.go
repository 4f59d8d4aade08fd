package web

import "github.com/orglife/orglife"

// navLink is one entry of the menu bar.
type navLink struct{ Href, Label string }

// navLinks is the menu of a role: every page the role may use.
func navLinks(role string) []navLink {
	links := []navLink{{"/", "工作台"}, {"/records", "记录"}, {"/violations?status=open", "问题清单"}, {"/handbook", "工作手册"}}
	if role == orglife.RoleAdmin || role == orglife.RoleSupervisor {
		links = append(links, supervisorLinks()...)
	}
	if role == orglife.RoleAdmin {
		links = append(links, adminLinks()...)
	}
	return links
}

// supervisorLinks are the pages of supervisors (and admins), one entry per page.
func supervisorLinks() []navLink {
	return []navLink{{"/review", "审核"}, {"/matrix", "合规矩阵"}, {"/assessment", "考核导出"}, {"/rules", "规则"}}
}

// adminLinks are the pages of admins only, one entry per page.
func adminLinks() []navLink {
	return []navLink{{"/admin/orgs", "组织与账号"}, {"/admin/import", "导入名册"}, {"/admin/reminders", "提醒"}}
}
