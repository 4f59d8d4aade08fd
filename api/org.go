package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
)

// orgRequest is the body of POST /v1/orgs.
type orgRequest struct {
	ID            string            `json:"id"`
	Name          string            `json:"name"`
	Kind          string            `json:"kind"`
	ParentID      *string           `json:"parent_id"`
	Attributes    map[string]string `json:"attributes"`
	EstablishedOn *string           `json:"established_on"`
	DissolvedOn   *string           `json:"dissolved_on"`
	TermStartedOn *string           `json:"term_started_on"`
	TermYears     int               `json:"term_years"`
}

// orgResponse is an org as the API shows it, with its derived term end.
type orgResponse struct {
	*orglife.Org
	TermEndsOn *string `json:"term_ends_on"`
}

func orgJSON(o *orglife.Org) orgResponse {
	r := orgResponse{Org: o}
	if end := o.TermEndsOn(); end != "" {
		r.TermEndsOn = &end
	}
	if o.Attributes == nil {
		o.Attributes = map[string]string{}
	}
	return r
}

// orgRoutes registers the org tree: POST/GET /v1/orgs, GET/PATCH /v1/orgs/:id.
func (s *server) orgRoutes(g *gin.RouterGroup) {
	g.POST("/orgs", s.createOrg)
	g.GET("/orgs", s.listOrgs)
	g.GET("/orgs/:id", s.getOrg)
	g.PATCH("/orgs/:id", s.updateOrg)
	g.GET("/orgs/:id/history", s.orgHistory)
}

func (s *server) createOrg(c *gin.Context) {
	var req orgRequest
	if _, ok := s.bind(c, &req); !ok {
		return
	}
	o, err := s.svc.CreateOrg(c.Request.Context(), actorOf(c), &orglife.Org{
		ID: req.ID, Name: req.Name, Kind: req.Kind, ParentID: req.ParentID, Attributes: req.Attributes,
		EstablishedOn: req.EstablishedOn, DissolvedOn: req.DissolvedOn, TermStartedOn: req.TermStartedOn, TermYears: req.TermYears,
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, orgJSON(o))
}

func (s *server) listOrgs(c *gin.Context) {
	lp, ok := s.listParams(c)
	if !ok {
		return
	}
	p, err := s.svc.ListOrgs(c.Request.Context(), actorOf(c), lp)
	if err != nil {
		s.fail(c, err)
		return
	}
	items := make([]orgResponse, len(p.Items))
	for i, o := range p.Items {
		items[i] = orgJSON(o)
	}
	c.JSON(http.StatusOK, newPage(items, p.NextCursor))
}

func (s *server) getOrg(c *gin.Context) {
	o, err := s.svc.GetOrg(c.Request.Context(), actorOf(c), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, orgJSON(o))
}

func (s *server) updateOrg(c *gin.Context) {
	var p engine.OrgPatch
	if _, ok := s.bind(c, &p); !ok {
		return
	}
	o, err := s.svc.UpdateOrg(c.Request.Context(), actorOf(c), c.Param("id"), p)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, orgJSON(o))
}

// orgHistory answers GET /v1/orgs/:id/history: the org's parent and term over time.
func (s *server) orgHistory(c *gin.Context) {
	h, err := s.svc.OrgHistory(c.Request.Context(), actorOf(c), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": h})
}
