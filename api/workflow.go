package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/workflows"
)

// workflowResponse is a workflow definition as the API shows it.
type workflowResponse struct {
	ID         string           `json:"id"`
	Title      string           `json:"title"`
	Version    string           `json:"version"`
	Collection string           `json:"collection"`
	AppliesTo  []string         `json:"applies_to"`
	StartedBy  []string         `json:"started_by"`
	OccursOn   string           `json:"occurs_on,omitempty"`
	Unique     []string         `json:"unique"`
	Fields     []*orglife.Field `json:"fields"`
	States     []stateResponse  `json:"states"`
	Initial    string           `json:"initial"`
	Events     []eventResponse  `json:"events"`
	Actions    []actionResponse `json:"actions"`
	Source     string           `json:"source,omitempty"`
}

type stateResponse struct {
	ID       string `json:"id"`
	Title    string `json:"title,omitempty"`
	Complete bool   `json:"complete"`
	Final    bool   `json:"final"`
}

type eventResponse struct {
	Name            string   `json:"name"`
	Title           string   `json:"title,omitempty"`
	From            []string `json:"from"`
	To              string   `json:"to"`
	By              []string `json:"by"`
	Require         []string `json:"require"`
	Guard           string   `json:"guard,omitempty"`
	Message         string   `json:"message,omitempty"`
	CommentRequired bool     `json:"comment_required"`
	Sets            []string `json:"sets"`
}

type actionResponse struct {
	OnEnter       string            `json:"on_enter"`        // the first state of on_enter (kept for clients of one state)
	OnEnterStates []string          `json:"on_enter_states"` // every state whose entry runs the action
	Start         string            `json:"start"`
	ForEach       string            `json:"for_each,omitempty"`
	Data          map[string]string `json:"data"`
	// UpdateOrg holds the expressions of an update_org action (see docs/workflow-format.md).
	UpdateOrg map[string]string `json:"update_org,omitempty"`
}

func orEmpty(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

func workflowJSON(d *workflows.Definition) workflowResponse {
	r := workflowResponse{ID: d.ID, Title: d.Title, Version: d.Version, Collection: d.Collection,
		AppliesTo: orEmpty(d.AppliesTo), StartedBy: orEmpty(d.StartedBy), OccursOn: d.OccursOn, Unique: orEmpty(d.Unique), Fields: d.Fields,
		Initial: d.Initial, Source: d.Source, States: []stateResponse{}, Events: []eventResponse{},
		Actions: []actionResponse{}}
	if r.Fields == nil {
		r.Fields = []*orglife.Field{}
	}
	for _, st := range d.States {
		r.States = append(r.States, stateResponse{ID: st.ID, Title: st.Title, Complete: st.Complete, Final: st.Final})
	}
	for _, e := range d.Events {
		er := eventResponse{Name: e.Name, Title: e.Title, From: orEmpty(e.From), To: e.To, By: orEmpty(e.By),
			Require: orEmpty(e.Require), Message: e.Message, CommentRequired: e.CommentRequired, Sets: d.Settable(e)}
		if e.Guard != nil {
			er.Guard = e.Guard.Source
		}
		r.Events = append(r.Events, er)
	}
	for _, a := range d.Actions {
		ar := actionResponse{OnEnterStates: orEmpty(a.OnEnter), Start: a.Start, Data: map[string]string{}}
		if len(a.OnEnter) > 0 {
			ar.OnEnter = a.OnEnter[0]
		}
		if a.ForEach != nil {
			ar.ForEach = a.ForEach.Source
		}
		for _, ad := range a.Data {
			if ad.Expr != nil {
				ar.Data[ad.Field] = ad.Expr.Source
			}
		}
		if u := a.UpdateOrg; u != nil {
			ar.UpdateOrg = map[string]string{}
			for k, p := range map[string]*rules.Program{"term_started_on": u.TermStartedOn, "term_years": u.TermYears, "committee": u.Committee} {
				if p != nil {
					ar.UpdateOrg[k] = p.Source
				}
			}
		}
		r.Actions = append(r.Actions, ar)
	}
	return r
}

// workflowRoutes registers GET /v1/workflows and GET /v1/workflows/:id (?format=mermaid|dot for
// a diagram as text/plain).
func (s *server) workflowRoutes(g *gin.RouterGroup) {
	g.GET("/workflows", s.listWorkflows)
	g.GET("/workflows/:id", s.getWorkflow)
}

func (s *server) listWorkflows(c *gin.Context) {
	defs := s.svc.Workflows()
	items := make([]workflowResponse, len(defs))
	for i, d := range defs {
		items[i] = workflowJSON(d)
	}
	c.JSON(http.StatusOK, newPage(items, nil))
}

func (s *server) getWorkflow(c *gin.Context) {
	d, err := s.svc.Workflow(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	switch f := c.Query("format"); f {
	case "", "json":
		c.JSON(http.StatusOK, workflowJSON(d))
	case "mermaid":
		c.String(http.StatusOK, "%s", d.Mermaid())
	case "dot":
		c.String(http.StatusOK, "%s", d.Dot())
	default:
		s.fail(c, &orglife.Error{Code: codeInvalid, Message: "format must be json, mermaid or dot",
			Details: []orglife.Detail{{Field: "format", Message: "unknown format " + f}}})
	}
}
