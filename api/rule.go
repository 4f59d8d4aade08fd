package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife/rules"
)

// ruleRoutes registers the rule-set routes.
func (s *server) ruleRoutes(g *gin.RouterGroup) {
	g.GET("/rules", s.getRules)
}

// ruleJSON is one rule as GET /v1/rules shows it.
type ruleJSON struct {
	ID             string      `json:"id"`
	Title          string      `json:"title"`
	Description    string      `json:"description,omitempty"`
	Source         string      `json:"source"`
	Strength       string      `json:"strength,omitempty"`
	Severity       string      `json:"severity"`
	Scope          string      `json:"scope"`
	Timing         string      `json:"timing"`
	Every          string      `json:"every,omitempty"`
	Grace          int         `json:"grace_days"`
	Warn           int         `json:"warn_days"`
	Workflow       string      `json:"workflow,omitempty"`
	Where          string      `json:"where,omitempty"`
	Due            string      `json:"due,omitempty"`
	Require        string      `json:"require"`
	Message        string      `json:"message"`
	Mode           string      `json:"mode"`
	EffectiveFrom  *string     `json:"effective_from"`
	EffectiveUntil *string     `json:"effective_until"`
	Shallow        []checkJSON `json:"shallow"`
	File           string      `json:"file"`
	Line           int         `json:"line"`
}

type checkJSON struct {
	ID       string `json:"id"`
	When     string `json:"when"`
	Message  string `json:"message"`
	Severity string `json:"severity"`
}

func dateOf(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format("2006-01-02")
	return &s
}

func rulesJSON(rs *rules.RuleSet) []ruleJSON {
	out := []ruleJSON{}
	for _, r := range rs.Rules {
		j := ruleJSON{ID: r.ID, Title: r.Title, Description: r.Description, Source: r.Source, Strength: r.Strength,
			Severity: r.Severity, Scope: r.Scope, Timing: r.Timing(), Every: r.Every, Grace: r.Grace, Warn: r.Warn,
			Workflow: r.Workflow, Where: r.Where, Due: r.Due, Require: r.Require, Message: r.Message, Mode: r.Mode,
			EffectiveFrom: dateOf(r.EffectiveFrom), EffectiveUntil: dateOf(r.EffectiveUntil), Shallow: []checkJSON{},
			File: r.File, Line: r.Line}
		for _, c := range r.Shallow {
			j.Shallow = append(j.Shallow, checkJSON{ID: c.ID, When: c.When, Message: c.Message, Severity: c.Severity})
		}
		out = append(out, j)
	}
	return out
}

func (s *server) getRules(c *gin.Context) {
	rs := s.svc.RuleSet()
	if rs == nil {
		c.JSON(http.StatusOK, gin.H{"version": nil, "rules": []ruleJSON{}})
		return
	}
	c.JSON(http.StatusOK, gin.H{"version": rs.Version, "rules": rulesJSON(rs)})
}
