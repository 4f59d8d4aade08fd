package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
)

// orgFormRoutes registers the admin's forms of 组织与账号 that change orgs and members.
func (s *server) orgFormRoutes(g gin.IRoutes) {
	g.POST("/admin/orgs", s.adminOnly(s.createOrg))
	g.POST("/admin/orgs/:id", s.adminOnly(s.updateOrg))
	g.POST("/admin/orgs/:id/members", s.adminOnly(s.createMember))
}

// optional returns a pointer to a trimmed form value, nil when it is empty.
func optional(c *gin.Context, key string) *string {
	v := strings.TrimSpace(c.PostForm(key))
	if v == "" {
		return nil
	}
	return &v
}

// refused renders the page again with the engine's refusal in Chinese above the form.
func (s *server) refused(c *gin.Context, err error, again func(c *gin.Context, msg string)) {
	var oe *orglife.Error
	if !errors.As(err, &oe) || (oe.Code != orglife.EINVALID && oe.Code != orglife.EUNPROCESSABLE && oe.Code != orglife.ECONFLICT) {
		s.failPage(c, err)
		return
	}
	msg := "未能保存：" + oe.Message
	for _, d := range chineseDetails(oe.Details) {
		msg += "；" + d.Field + "：" + d.Message
	}
	again(c, msg)
}

func (s *server) createOrg(c *gin.Context) {
	years, _ := strconv.Atoi(c.PostForm("term_years"))
	o := &orglife.Org{ID: strings.TrimSpace(c.PostForm("id")), Name: strings.TrimSpace(c.PostForm("name")), Kind: c.PostForm("kind"),
		ParentID: optional(c, "parent_id"), EstablishedOn: optional(c, "established_on"), TermStartedOn: optional(c, "term_started_on"), TermYears: years}
	if _, err := s.svc.CreateOrg(c.Request.Context(), actorOf(c), o); err != nil {
		s.refused(c, err, func(c *gin.Context, msg string) { s.orgsPageWith(c, http.StatusUnprocessableEntity, msg) })
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/orgs/"+url.PathEscape(o.ID))
}

func (s *server) updateOrg(c *gin.Context) {
	p := engine.OrgPatch{}
	for key, dst := range map[string]**string{"name": &p.Name, "established_on": &p.EstablishedOn, "dissolved_on": &p.DissolvedOn,
		"term_started_on": &p.TermStartedOn} {
		if _, ok := c.GetPostForm(key); ok {
			v := strings.TrimSpace(c.PostForm(key))
			*dst = &v // "" clears a date
		}
	}
	if v, ok := c.GetPostForm("term_years"); ok {
		years, _ := strconv.Atoi(v)
		p.TermYears = &years
	}
	if _, err := s.svc.UpdateOrg(c.Request.Context(), actorOf(c), c.Param("id"), p); err != nil {
		s.refused(c, err, func(c *gin.Context, msg string) { s.orgPageWith(c, http.StatusUnprocessableEntity, msg) })
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/orgs/"+url.PathEscape(c.Param("id")))
}

func (s *server) createMember(c *gin.Context) {
	var roles []string
	for _, r := range c.PostFormArray("roles") {
		if r != "" {
			roles = append(roles, r)
		}
	}
	m := &orglife.Member{ID: strings.TrimSpace(c.PostForm("id")), Name: strings.TrimSpace(c.PostForm("name")), Status: c.PostForm("status"),
		Roles: roles, Leader: c.PostForm("leader") == "true", JoinedOn: optional(c, "joined_on"), Since: optional(c, "since")}
	if _, err := s.svc.CreateMember(c.Request.Context(), actorOf(c), c.Param("id"), m); err != nil {
		s.refused(c, err, func(c *gin.Context, msg string) { s.orgPageWith(c, http.StatusUnprocessableEntity, msg) })
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/orgs/"+url.PathEscape(c.Param("id")))
}
