package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
)

// violationRoutes registers violations and the decisions on them.
func (s *server) violationRoutes(g *gin.RouterGroup) {
	g.GET("/violations", s.listViolations)
	g.GET("/violations/:id", s.getViolation)
	g.POST("/violations/:id/acknowledge", s.decide(compliance.DecideAcknowledge))
	g.POST("/violations/:id/waive", s.decide(compliance.DecideWaive))
	g.POST("/violations/:id/resolve", s.decide(compliance.DecideResolve))
}

func (s *server) listViolations(c *gin.Context) {
	lp, ok := s.listParams(c)
	if !ok {
		return
	}
	expiring := 0
	if v := c.Query("expiring_days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 366 {
			s.fail(c, &orglife.Error{Code: orglife.EINVALID, Message: "expiring_days must be a number of days from 1 to 366, such as 14",
				Details: []orglife.Detail{{Field: "expiring_days", Message: "not a number of days from 1 to 366: " + v}}})
			return
		}
		expiring = n
	}
	p, err := s.chk.ListViolations(c.Request.Context(), actorOf(c), compliance.ListViolationsParams{
		OrgID: c.Query("org_id"), Rule: c.Query("rule"), Status: c.Query("status"), Kind: c.Query("kind"),
		Severity: c.Query("severity"), Period: c.Query("period"), ExpiringDays: expiring, ListParams: lp})
	if err != nil {
		s.fail(c, err)
		return
	}
	items := make([]violationJSON, len(p.Items))
	for i, v := range p.Items {
		items[i] = newViolationJSON(v)
	}
	c.JSON(http.StatusOK, newPage(items, p.NextCursor))
}

// violationJSON is a violation as the API shows it: with due_on, the local due date people read
// (from its explanation; the ledger row keeps the RFC 3339 due).
type violationJSON struct {
	*orglife.Violation
	DueOn string `json:"due_on,omitempty"`
}

func newViolationJSON(v *orglife.Violation) violationJSON {
	return violationJSON{Violation: v, DueOn: v.Explanation.DueOn}
}

func (s *server) getViolation(c *gin.Context) {
	v, err := s.chk.GetViolation(c.Request.Context(), actorOf(c), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newViolationJSON(v))
}

// decide answers POST /v1/violations/:id/{acknowledge,waive,resolve} with body {note} (waive:
// {reason, expires_at, note?}); an empty body is allowed for acknowledge.
func (s *server) decide(decision string) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req compliance.DecideParams
		raw, ok := s.readBody(c)
		if !ok {
			return
		}
		if len(raw) > 0 && !s.decodeJSON(c, raw, &req) {
			return
		}
		v, err := s.chk.Decide(c.Request.Context(), actorOf(c), c.Param("id"), decision, req)
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, newViolationJSON(v))
	}
}
