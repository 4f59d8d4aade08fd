package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
)

// complianceRoutes registers evaluations, the ledger and its summary.
func (s *server) complianceRoutes(g *gin.RouterGroup) {
	g.POST("/evaluations", s.evaluate)
	g.GET("/compliance", s.compliance)
	g.GET("/compliance/summary", s.complianceSummary)
}

// evaluationRequest is the body of POST /v1/evaluations; every field is optional.
type evaluationRequest struct {
	AsOf  *time.Time `json:"as_of"`
	From  string     `json:"from"`
	To    string     `json:"to"`
	OrgID string     `json:"org_id"`
	// DryRun computes and counts without persisting.
	DryRun bool `json:"dry_run"`
}

func (s *server) evaluate(c *gin.Context) {
	var req evaluationRequest
	raw, ok := s.readBody(c)
	if !ok {
		return
	}
	if len(raw) > 0 && !s.decodeJSON(c, raw, &req) {
		return
	}
	res, err := s.chk.Evaluate(c.Request.Context(), actorOf(c), compliance.EvaluateParams{AsOf: req.AsOf, From: req.From, To: req.To, OrgID: req.OrgID, DryRun: req.DryRun})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// asOfQuery reads an optional RFC 3339 as_of (a date means the end of that day is not meant:
// use an instant).
func (s *server) asOfQuery(c *gin.Context) (*time.Time, bool) {
	v := c.Query("as_of")
	if v == "" {
		return nil, true
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		s.fail(c, &orglife.Error{Code: codeInvalid, Message: "as_of must be an RFC 3339 instant, e.g. 2025-03-01T00:00:00+08:00",
			Details: []orglife.Detail{{Field: "as_of", Message: "not an RFC 3339 instant: " + v}}})
		return nil, false
	}
	return &t, true
}

// ledgerRowJSON is a stored ledger row as GET /v1/compliance shows it: updating is true while a
// change of its org waits in the outbox (the row is being brought up to date).
// due_on is the last day that counts of due, in the deployment time zone (people read it; due
// stays the RFC 3339 instant).
type ledgerRowJSON struct {
	*orglife.LedgerRow
	DueOn    string `json:"due_on,omitempty"`
	Updating bool   `json:"updating,omitempty"`
}

func (s *server) compliance(c *gin.Context) {
	lp, ok := s.listParams(c)
	if !ok {
		return
	}
	asOf, ok := s.asOfQuery(c)
	if !ok {
		return
	}
	from, to, ok := s.dateRange(c)
	if !ok {
		return
	}
	p, err := s.chk.Compliance(c.Request.Context(), actorOf(c), compliance.ComplianceParams{
		OrgID: c.Query("org_id"), Rule: c.Query("rule"), Period: c.Query("period"), Status: c.Query("status"),
		AsOf: asOf, From: from, To: to, ListParams: lp})
	if err != nil {
		s.fail(c, err)
		return
	}
	if asOf != nil { // computed: as up to date as the data
		rows := make([]ledgerRowJSON, len(p.Items))
		for i, r := range p.Items {
			rows[i] = ledgerRowJSON{LedgerRow: r, DueOn: r.Explanation.DueOn}
		}
		c.JSON(http.StatusOK, newPage(rows, p.NextCursor))
		return
	}
	updating, err := s.chk.Updating(c.Request.Context(), p.Items)
	if err != nil {
		s.fail(c, err)
		return
	}
	rows := make([]ledgerRowJSON, len(p.Items))
	for i, r := range p.Items {
		rows[i] = ledgerRowJSON{LedgerRow: r, DueOn: r.Explanation.DueOn, Updating: updating[r.OrgID]}
	}
	c.JSON(http.StatusOK, newPage(rows, p.NextCursor))
}

func (s *server) complianceSummary(c *gin.Context) {
	from, to, ok := s.dateRange(c)
	if !ok {
		return
	}
	rows, err := s.chk.Summary(c.Request.Context(), actorOf(c), compliance.SummaryParams{
		OrgID: c.Query("org_id"), Period: c.Query("period"), From: from, To: to})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newPage(rows, nil))
}
