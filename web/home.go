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
	if u.Role == orglife.RoleBranch {
		h, err := s.loadSecretaryHome(c.Request.Context(), actorOf(c), u.OrgID, s.svc.Location())
		if err != nil {
			s.log.Error("secretary home", "user", u.Username, "err", err)
			p.Error = "待办加载失败，请稍后刷新"
		}
		p.Secretary = h
	} else {
		h, err := s.loadSupervisorHome(c.Request.Context(), actorOf(c), u.OrgID)
		if err != nil {
			s.log.Error("supervisor home", "user", u.Username, "err", err)
			p.Error = "统计加载失败，请稍后刷新"
		}
		p.Supervisor = h
	}
	s.render(c, http.StatusOK, "home", p)
}
