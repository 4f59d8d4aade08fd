package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
)

// memberChangeLabels are the Chinese names of the kinds of member change.
var memberChangeLabels = map[string]string{
	orglife.ChangeJoin: "转入/入册", orglife.ChangeUpdate: "修改信息", orglife.ChangeTransfer: "组织关系转接",
	orglife.ChangeLeave: "离开", orglife.ChangeConfirm: "转正", orglife.ChangeRoles: "职务变动",
}

// roleChoice is one checkbox of the roles form.
type roleChoice struct {
	Value, Label string
	Checked      bool
}

// memberHistoryRow is one change of a member's history.
type memberHistoryRow struct {
	Seq                                                   int
	On, Kind, Org, Status, Roles, Actor, At, Reason, From string
}

// memberPage is the data of one member's page in 组织与账号: the member, the forms that change
// them, and their history a page at a time.
type memberPage struct {
	OrgID, OrgName string
	Member         memberRow
	Since, Left    string
	RawStatus      string
	RoleChoices    []roleChoice
	Orgs           []orgRow
	History        []memberHistoryRow
	Pager          *pager
	Error          string
	Today          string
}

// memberRoutes registers the member pages of 组织与账号 (admins only).
func (s *server) memberRoutes(g gin.IRoutes) {
	g.GET("/admin/orgs/:id/members/:member", s.adminOnly(s.memberPage))
	g.POST("/admin/orgs/:id/members/:member", s.adminOnly(s.changeMember))
}

func rolesLabel(rs []string) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = memberRoleLabel(r)
	}
	return strings.Join(out, "、")
}

func (s *server) memberPage(c *gin.Context) { s.memberPageWith(c, http.StatusOK, "") }

// memberPageWith renders a member with their history and forms, and the error of a refused form.
func (s *server) memberPageWith(c *gin.Context, status int, failure string) {
	ctx, actor := c.Request.Context(), actorOf(c)
	orgID, id := c.Param("id"), c.Param("member")
	o, err := s.svc.GetOrg(ctx, actor, orgID)
	if err != nil {
		s.failPage(c, err)
		return
	}
	m, err := s.svc.GetMember(ctx, actor, orgID, id)
	if err != nil {
		s.failPage(c, err)
		return
	}
	hist, err := s.svc.MemberHistory(ctx, actor, orgID, id)
	if err != nil {
		s.failPage(c, err)
		return
	}
	orgs, err := s.allOrgs(ctx, actor)
	if err != nil {
		s.failPage(c, err)
		return
	}
	names := map[string]string{}
	for _, x := range orgs {
		names[x.ID] = x.Name
	}
	mp := &memberPage{OrgID: o.ID, OrgName: o.Name, RawStatus: m.Status, Since: deref(m.Since), Left: deref(m.LeftOn), Error: failure,
		Member: memberRow{ID: m.ID, Name: m.Name, Status: memberStatusLabel(m.Status), Roles: rolesLabel(m.Roles), Leader: m.Leader, JoinedOn: deref(m.JoinedOn)},
		Today:  today(s.svc.Now(), s.svc.Location())}
	for _, r := range orglife.MemberRoles {
		mp.RoleChoices = append(mp.RoleChoices, roleChoice{Value: r, Label: memberRoleLabel(r), Checked: slices.Contains(m.Roles, r)})
	}
	for _, x := range orgTree(orgs) {
		if x.ID != o.ID {
			mp.Orgs = append(mp.Orgs, x)
		}
	}
	slices.Reverse(hist) // newest first
	mp.Pager = newPager(c, "/admin/orgs/"+url.PathEscape(o.ID)+"/members/"+url.PathEscape(m.ID), nil, 20)
	for _, h := range pageSlice(mp.Pager, hist, func(h *orglife.MemberChange) string { return strconv.Itoa(h.Seq) }) {
		row := memberHistoryRow{Seq: h.Seq, On: deref(h.On), Kind: memberChangeLabels[h.Kind], Org: names[h.OrgID], Status: memberStatusLabel(h.Status),
			Roles: rolesLabel(h.Roles), Actor: h.Actor, At: h.At.In(s.svc.Location()).Format("2006-01-02 15:04"), Reason: h.Reason}
		if row.On == "" {
			row.On = "（起始）"
		}
		if row.Org == "" {
			row.Org = h.OrgID
		}
		if h.FromOrgID != nil {
			row.From = names[*h.FromOrgID]
		}
		mp.History = append(mp.History, row)
	}
	s.render(c, status, "member", s.pageWith(c, m.Name+" · 党员", func(p *page) { p.Data = mp }))
}

// changeMember runs the member form named by action: update, transfer, confirm, roles or leave.
func (s *server) changeMember(c *gin.Context) {
	ctx, actor := c.Request.Context(), actorOf(c)
	orgID, id := c.Param("id"), c.Param("member")
	on := optional(c, "on")
	var m *orglife.Member
	var err error
	switch c.PostForm("action") {
	case "update":
		p := engine.MemberPatch{Name: optional(c, "name"), Status: optional(c, "status"), On: on}
		if v, ok := c.GetPostForm("joined_on"); ok {
			v = strings.TrimSpace(v)
			p.JoinedOn = &v
		}
		leader := c.PostForm("leader") == "true"
		p.Leader = &leader
		m, err = s.svc.UpdateMember(ctx, actor, orgID, id, p)
	case "transfer":
		m, err = s.svc.TransferMember(ctx, actor, orgID, id, engine.TransferParams{ToOrgID: c.PostForm("to_org_id"), On: on, Reason: strings.TrimSpace(c.PostForm("reason"))})
	case "confirm":
		m, err = s.svc.ConfirmMember(ctx, actor, orgID, id, on)
	case "roles":
		roles := []string{}
		for _, r := range c.PostFormArray("roles") {
			if r != "" {
				roles = append(roles, r)
			}
		}
		m, err = s.svc.SetMemberRoles(ctx, actor, orgID, id, engine.RolesParams{Roles: roles, On: on})
	case "leave":
		m, err = s.svc.LeaveMember(ctx, actor, orgID, id, engine.LeaveParams{On: on, Reason: strings.TrimSpace(c.PostForm("reason"))})
	default:
		s.memberPageWith(c, http.StatusUnprocessableEntity, "未能保存：未知的操作")
		return
	}
	if err != nil {
		s.refused(c, err, func(c *gin.Context, msg string) { s.memberPageWith(c, http.StatusUnprocessableEntity, msg) })
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/orgs/"+url.PathEscape(m.OrgID)+"/members/"+url.PathEscape(m.ID))
}

// today is the deployment's current date (the default of the forms' date fields).
func today(now time.Time, loc *time.Location) string { return now.In(loc).Format(orglife.DateLayout) }
