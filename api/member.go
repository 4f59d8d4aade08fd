package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
)

// memberRequest is the body of POST /v1/orgs/:id/members. org_id may be given; it must then
// equal the org of the path.
type memberRequest struct {
	ID       string   `json:"id"`
	OrgID    string   `json:"org_id"`
	Name     string   `json:"name"`
	Status   string   `json:"status"`
	Roles    []string `json:"roles"`
	Leader   bool     `json:"leader"`
	JoinedOn *string  `json:"joined_on"`
	Since    *string  `json:"since"`
}

// memberRoutes registers the members of an org and their changes: POST/GET /v1/orgs/:id/members,
// GET/PATCH/DELETE /v1/orgs/:id/members/:member, POST …/transfer, …/leave, …/confirm, …/roles
// and GET …/history.
func (s *server) memberRoutes(g *gin.RouterGroup) {
	g.POST("/orgs/:id/members", s.createMember)
	g.GET("/orgs/:id/members", s.listMembers)
	g.GET("/orgs/:id/members/:member", s.getMember)
	g.PATCH("/orgs/:id/members/:member", s.updateMember)
	g.DELETE("/orgs/:id/members/:member", s.deleteMember)
	g.POST("/orgs/:id/members/:member/transfer", s.transferMember)
	g.POST("/orgs/:id/members/:member/leave", s.leaveMember)
	g.POST("/orgs/:id/members/:member/confirm", s.confirmMember)
	g.POST("/orgs/:id/members/:member/roles", s.memberRoles)
	g.GET("/orgs/:id/members/:member/history", s.memberHistory)
}

func (s *server) createMember(c *gin.Context) {
	var req memberRequest
	if _, ok := s.bind(c, &req); !ok {
		return
	}
	orgID := c.Param("id")
	if req.OrgID != "" && req.OrgID != orgID {
		s.fail(c, &orglife.Error{Code: codeInvalid, Message: "org_id in the body differs from the org in the path",
			Details: []orglife.Detail{{Field: "org_id", Message: "must be " + orgID + " or absent"}}})
		return
	}
	if req.Roles == nil {
		req.Roles = []string{}
	}
	m, err := s.svc.CreateMember(c.Request.Context(), actorOf(c), orgID, &orglife.Member{
		ID: req.ID, OrgID: orgID, Name: req.Name, Status: req.Status, Roles: req.Roles,
		Leader: req.Leader, JoinedOn: req.JoinedOn, Since: req.Since,
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, m)
}

func (s *server) listMembers(c *gin.Context) {
	lp, ok := s.listParams(c)
	if !ok {
		return
	}
	p, err := s.svc.ListMembers(c.Request.Context(), actorOf(c), c.Param("id"), lp)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newPage(p.Items, p.NextCursor))
}
