package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife/engine"
)

// auditRoutes registers the audit log (admin only).
func (s *server) auditRoutes(g *gin.RouterGroup) {
	g.GET("/audit", s.listAudit)
}

func (s *server) listAudit(c *gin.Context) {
	lp, ok := s.listParams(c)
	if !ok {
		return
	}
	p, err := s.svc.Audit(c.Request.Context(), actorOf(c), engine.AuditParams{Action: c.Query("action"), ListParams: lp})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newPage(p.Items, p.NextCursor))
}
