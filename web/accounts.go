package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
)

// orgRow is one org of the tree, indented by its depth.
type orgRow struct {
	ID, Name, Kind, Established, Dissolved, TermEnds string
	Depth                                            int
	Indent                                           string
	// the edit form of one org
	TermStarted string
	TermYears   int
}

// memberRow is one member of an org.
type memberRow struct {
	ID, Name, Status, Roles, JoinedOn string
	Leader                            bool
}

// userRow is one user account.
type userRow struct {
	Username, Name, Role, RoleTitle, OrgID, OrgName string
	Disabled                                        bool
}

// tokenRow is one API token.
type tokenRow struct {
	ID, Name, Role, OrgID, Created, Expires, LastUsed, Revoked string
	Active                                                     bool
}

// accountsPage is the data of 组织与账号: the org tree, an org's members, the users and the
// tokens, and the errors of the last form (Form names it, FieldErrors are next to its fields).
type accountsPage struct {
	Tab string
	// Orgs is the whole org tree (the choices of the forms); OrgRows the page of it listed.
	Orgs        []orgRow
	OrgRows     []orgRow
	Pager       *pager
	Org         *orgRow
	Members     []memberRow
	Users       []userRow
	Tokens      []tokenRow
	Roles       []option
	Notice      string
	Error       string
	Form        string // "create" or the username of the failed edit form
	FieldErrors map[string]string
	New         engine.UserParams
	Kinds       []option
}

func memberStatusLabel(s string) string {
	switch s {
	case orglife.MemberFull:
		return "正式党员"
	case orglife.MemberProbationary:
		return "预备党员"
	}
	return s
}

func memberRoleLabel(r string) string {
	switch r {
	case "secretary":
		return "书记"
	case "deputy_secretary":
		return "副书记"
	case "committee":
		return "委员"
	case "group_leader":
		return "党小组长"
	case "organization_member":
		return "组织委员"
	case "publicity_member":
		return "宣传委员"
	case "discipline_member":
		return "纪检委员"
	}
	return r
}

// accountRoutes registers 组织与账号 (admins only).
func (s *server) accountRoutes(g gin.IRoutes) {
	g.GET("/admin/orgs", s.adminOnly(s.orgsPage))
	g.GET("/admin/orgs/:id", s.adminOnly(s.orgPage))
	g.GET("/admin/users", s.adminOnly(s.usersPage))
	g.POST("/admin/users", s.adminOnly(s.createUser))
	g.POST("/admin/users/:username", s.adminOnly(s.updateUser))
	g.GET("/admin/tokens", s.adminOnly(s.tokensPage))
	g.POST("/admin/tokens/:id/revoke", s.adminOnly(s.revokeToken))
}

// adminOnly answers 无权访问 to everyone but admins.
func (s *server) adminOnly(h gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if userOf(c).Role != orglife.RoleAdmin {
			s.failPage(c, errNotAdmin)
			return
		}
		h(c)
	}
}

// allOrgs reads every org in scope, following the cursor.
func (s *server) allOrgs(ctx context.Context, actor orglife.Actor) ([]*orglife.Org, error) {
	var out []*orglife.Org
	cursor := ""
	for {
		p, err := s.svc.ListOrgs(ctx, actor, orglife.ListParams{Limit: 500, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		out = append(out, p.Items...)
		if p.NextCursor == nil || len(p.Items) == 0 {
			return out, nil
		}
		cursor = *p.NextCursor
	}
}

func rowOf(o *orglife.Org, depth int) orgRow {
	r := orgRow{ID: o.ID, Name: o.Name, Kind: orglife.OrgKindLabel(o.Kind), TermEnds: o.TermEndsOn(), Depth: depth,
		Indent: strings.Repeat("　　", depth)}
	if o.EstablishedOn != nil {
		r.Established = *o.EstablishedOn
	}
	if o.DissolvedOn != nil {
		r.Dissolved = *o.DissolvedOn
	}
	return r
}

// orgTree orders orgs depth first under their parents (orgs whose parent is unknown are roots).
func orgTree(orgs []*orglife.Org) []orgRow {
	known := map[string]bool{}
	for _, o := range orgs {
		known[o.ID] = true
	}
	children := map[string][]*orglife.Org{}
	for _, o := range orgs {
		parent := ""
		if o.ParentID != nil && known[*o.ParentID] {
			parent = *o.ParentID
		}
		children[parent] = append(children[parent], o)
	}
	var out []orgRow
	seen := map[string]bool{}
	var walk func(parent string, depth int)
	walk = func(parent string, depth int) {
		list := children[parent]
		slices.SortFunc(list, func(a, b *orglife.Org) int { return strings.Compare(a.ID, b.ID) })
		for _, o := range list {
			if seen[o.ID] {
				continue
			}
			seen[o.ID] = true
			out = append(out, rowOf(o, depth))
			walk(o.ID, depth+1)
		}
	}
	walk("", 0)
	return out
}

func (s *server) orgsPage(c *gin.Context) { s.orgsPageWith(c, http.StatusOK, "") }

// orgsPageWith renders the org tree with its form, and the error of a refused form.
func (s *server) orgsPageWith(c *gin.Context, status int, failure string) {
	orgs, err := s.allOrgs(c.Request.Context(), actorOf(c))
	if err != nil {
		s.failPage(c, err)
		return
	}
	ap := &accountsPage{Tab: "orgs", Orgs: orgTree(orgs), Error: failure, Kinds: orgKinds()}
	ap.Pager = newPager(c, "/admin/orgs", nil, 100)
	ap.OrgRows = pageSlice(ap.Pager, ap.Orgs, func(r orgRow) string { return r.ID })
	s.render(c, status, "accounts", s.pageWith(c, "组织与账号", func(p *page) { p.Data = ap }))
}

// orgKinds are the choices of an org's kind.
func orgKinds() []option {
	var out []option
	for _, k := range orglife.OrgKinds {
		out = append(out, option{Value: k, Label: orglife.OrgKindLabel(k)})
	}
	return out
}

func (s *server) orgPage(c *gin.Context) { s.orgPageWith(c, http.StatusOK, "") }

// orgPageWith renders one org with its members and forms, and the error of a refused form.
func (s *server) orgPageWith(c *gin.Context, status int, failure string) {
	ctx, actor := c.Request.Context(), actorOf(c)
	o, err := s.svc.GetOrg(ctx, actor, c.Param("id"))
	if err != nil {
		s.failPage(c, err)
		return
	}
	row := rowOf(o, 0)
	row.TermStarted = deref(o.TermStartedOn)
	row.TermYears = o.TermYears
	ap := &accountsPage{Tab: "org", Org: &row, Error: failure}
	ap.Pager = newPager(c, "/admin/orgs/"+url.PathEscape(o.ID), nil, 50)
	ms, err := s.svc.ListMembers(ctx, actor, o.ID, ap.Pager.Params())
	if err != nil {
		s.failPage(c, err)
		return
	}
	for _, m := range ms.Items {
		roles := make([]string, len(m.Roles))
		for i, r := range m.Roles {
			roles[i] = memberRoleLabel(r)
		}
		mr := memberRow{ID: m.ID, Name: m.Name, Status: memberStatusLabel(m.Status), Roles: strings.Join(roles, "、"), Leader: m.Leader}
		if m.JoinedOn != nil {
			mr.JoinedOn = *m.JoinedOn
		}
		ap.Members = append(ap.Members, mr)
	}
	ap.Pager.Done(ms.NextCursor)
	s.render(c, status, "accounts", s.pageWith(c, o.Name, func(p *page) { p.Data = ap }))
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (s *server) usersPage(c *gin.Context) {
	notice := ""
	switch c.Query("notice") {
	case "created":
		notice = "已创建账号 " + c.Query("username") + "。"
	case "updated":
		notice = "已保存账号 " + c.Query("username") + "。"
	}
	s.showUsers(c, http.StatusOK, &accountsPage{Notice: notice})
}

func (s *server) showUsers(c *gin.Context, status int, ap *accountsPage) {
	ctx, actor := c.Request.Context(), actorOf(c)
	ap.Tab = "users"
	for _, r := range []string{orglife.RoleBranch, orglife.RoleSupervisor, orglife.RoleAdmin} {
		ap.Roles = append(ap.Roles, option{Value: r, Label: roleTitle(r)})
	}
	orgs, err := s.allOrgs(ctx, actor)
	if err != nil {
		s.failPage(c, err)
		return
	}
	names := map[string]string{}
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	ap.Orgs = orgTree(orgs)
	ap.Pager = newPager(c, "/admin/users", nil, 50)
	us, err := s.svc.Users(ctx, actor, ap.Pager.Params())
	if err != nil {
		s.failPage(c, err)
		return
	}
	for _, u := range us.Items {
		ap.Users = append(ap.Users, userRow{Username: u.Username, Name: u.Name, Role: u.Role, RoleTitle: roleTitle(u.Role),
			OrgID: u.OrgID, OrgName: names[u.OrgID], Disabled: u.Disabled})
	}
	ap.Pager.Done(us.NextCursor)
	s.render(c, status, "accounts", s.pageWith(c, "组织与账号", func(p *page) { p.Data = ap }))
}

// userFailure puts the engine's refusal of a user form on the page: each detail next to its field.
func (s *server) userFailure(c *gin.Context, ap *accountsPage, err error) {
	var oe *orglife.Error
	if !errors.As(err, &oe) || (oe.Code != orglife.EINVALID && oe.Code != orglife.EUNPROCESSABLE && oe.Code != orglife.ECONFLICT && oe.Code != orglife.ENOTFOUND) {
		s.failPage(c, err)
		return
	}
	ap.FieldErrors = map[string]string{}
	for _, d := range oe.Details {
		msg := d.Message
		switch {
		case d.Field == "org_id" && msg == "no such org":
			msg = "没有这个组织"
		case d.Field == "username" && msg == "exists":
			msg = "用户名已存在"
		default:
			msg = chineseDetails([]orglife.Detail{d})[0].Message
		}
		if _, dup := ap.FieldErrors[d.Field]; !dup {
			ap.FieldErrors[d.Field] = msg
		}
	}
	ap.Error = "未能保存：请按标红处的提示修改后重试"
	if len(oe.Details) == 0 {
		ap.Error = "未能保存：" + oe.Message
	}
	status := http.StatusUnprocessableEntity
	switch oe.Code {
	case orglife.EINVALID:
		status = http.StatusBadRequest
	case orglife.ECONFLICT:
		status = http.StatusConflict
	case orglife.ENOTFOUND:
		status = http.StatusNotFound
	}
	s.showUsers(c, status, ap)
}

func (s *server) createUser(c *gin.Context) {
	p := engine.UserParams{Username: strings.TrimSpace(c.PostForm("username")), Name: c.PostForm("name"), Role: c.PostForm("role"),
		OrgID: strings.TrimSpace(c.PostForm("org_id")), Password: c.PostForm("password")}
	if _, err := s.svc.CreateUser(c.Request.Context(), actorOf(c), p); err != nil {
		p.Password = ""
		s.userFailure(c, &accountsPage{Form: "create", New: p}, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/users?notice=created&username="+p.Username)
}

func (s *server) updateUser(c *gin.Context) {
	username := c.Param("username")
	var patch engine.UserPatch
	switch c.PostForm("action") {
	case "disable", "enable":
		disabled := c.PostForm("action") == "disable"
		patch.Disabled = &disabled
	default:
		name, role, org := c.PostForm("name"), c.PostForm("role"), strings.TrimSpace(c.PostForm("org_id"))
		patch.Name, patch.Role, patch.OrgID = &name, &role, &org
		if pw := c.PostForm("password"); pw != "" {
			patch.Password = &pw
		}
	}
	if _, err := s.svc.UpdateUser(c.Request.Context(), actorOf(c), username, patch); err != nil {
		s.userFailure(c, &accountsPage{Form: username}, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/users?notice=updated&username="+username)
}

func (s *server) tokensPage(c *gin.Context) {
	ap := &accountsPage{}
	if c.Query("notice") == "revoked" {
		ap.Notice = "已吊销令牌。"
	}
	s.showTokens(c, http.StatusOK, ap)
}

func (s *server) showTokens(c *gin.Context, status int, ap *accountsPage) {
	ctx, actor := c.Request.Context(), actorOf(c)
	ap.Tab = "tokens"
	loc := s.svc.Location()
	at := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	now := s.svc.Now()
	ap.Pager = newPager(c, "/admin/tokens", nil, 50)
	ts, err := s.svc.ListTokens(ctx, actor, ap.Pager.Params())
	if err != nil {
		s.failPage(c, err)
		return
	}
	for _, t := range ts.Items {
		ap.Tokens = append(ap.Tokens, tokenRow{ID: t.ID, Name: t.Name, Role: roleTitle(t.Role), OrgID: t.OrgID, Created: at(&t.CreatedAt),
			Expires: at(t.ExpiresAt), LastUsed: at(t.LastUsedAt), Revoked: at(t.RevokedAt), Active: t.RevokedAt == nil && !t.Expired(now)})
	}
	ap.Pager.Done(ts.NextCursor)
	s.render(c, status, "accounts", s.pageWith(c, "组织与账号", func(p *page) { p.Data = ap }))
}

func (s *server) revokeToken(c *gin.Context) {
	err := s.svc.RevokeToken(c.Request.Context(), actorOf(c), c.Param("id"))
	switch orglife.ErrorCode(err) {
	case "":
		c.Redirect(http.StatusSeeOther, "/admin/tokens?notice=revoked")
	case orglife.ENOTFOUND, orglife.EINVALID:
		s.showTokens(c, http.StatusNotFound, &accountsPage{Error: "未能吊销：没有令牌 " + c.Param("id")})
	default:
		s.failPage(c, err)
	}
}

// fieldError is the error of a field of the form named form, or "".
func fieldError(ap *accountsPage, form, field string) string {
	if ap == nil || ap.Form != form {
		return ""
	}
	return ap.FieldErrors[field]
}
