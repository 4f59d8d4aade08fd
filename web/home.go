package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
)

// roleTitle is the Chinese name of a role.
func roleTitle(role string) string {
	switch role {
	case orglife.RoleAdmin:
		return "管理员"
	case orglife.RoleSupervisor:
		return "组织员"
	case orglife.RoleBranch:
		return "支部书记"
	}
	return role
}

func (s *server) home(c *gin.Context) {
	u := userOf(c)
	p := page{Title: "工作台", CSRF: sessionOf(c).CSRF, User: u, RoleTitle: roleTitle(u.Role)}
	if u.OrgID != "" {
		if o, err := s.svc.GetOrg(c.Request.Context(), actorOf(c), u.OrgID); err == nil {
			p.OrgName = o.Name
		}
	}
	s.render(c, http.StatusOK, "home", p)
}
