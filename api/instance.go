package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
)

// startRequest is the body of POST /v1/instances.
type startRequest struct {
	Workflow string         `json:"workflow"`
	OrgID    string         `json:"org_id"`
	Data     map[string]any `json:"data"`
}

// eventRequest is the body of POST /v1/instances/:id/events.
type eventRequest struct {
	Event           string         `json:"event"`
	Data            map[string]any `json:"data"`
	Comment         string         `json:"comment"`
	ExpectedVersion *int           `json:"expected_version"`
}

// instanceResponse is an instance (spec §5.1) with the events this caller may fire now.
type instanceResponse struct {
	*orglife.Instance
	AvailableEvents []engine.EventRef `json:"available_events"`
}

func (s *server) instanceJSON(actor orglife.Actor, in *orglife.Instance) instanceResponse {
	ev := s.svc.AvailableEvents(actor, in)
	if ev == nil {
		ev = []engine.EventRef{}
	}
	if in.Data == nil {
		in.Data = map[string]any{}
	}
	return instanceResponse{Instance: in, AvailableEvents: ev}
}

// instanceRoutes registers the workflow instances: start, list, get, fire an event, history.
func (s *server) instanceRoutes(g *gin.RouterGroup) {
	g.POST("/instances", s.startInstance)
	g.GET("/instances", s.listInstances)
	g.GET("/instances/:id", s.getInstance)
	g.POST("/instances/:id/events", s.fireEvent)
	g.GET("/instances/:id/history", s.instanceHistory)
}

func (s *server) startInstance(c *gin.Context) {
	var req startRequest
	raw, ok := s.bind(c, &req)
	if !ok {
		return
	}
	actor := actorOf(c)
	in, err := s.svc.Start(c.Request.Context(), actor, engine.StartParams{
		Workflow: req.Workflow, OrgID: req.OrgID, Data: req.Data,
		IdempotencyKey: c.GetHeader("Idempotency-Key"), RequestHash: requestHash(c, raw),
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, s.instanceJSON(actor, in))
}

func (s *server) listInstances(c *gin.Context) {
	lp, ok := s.listParams(c)
	if !ok {
		return
	}
	from, to, ok := s.dateRange(c)
	if !ok {
		return
	}
	actor := actorOf(c)
	p, err := s.svc.ListInstances(c.Request.Context(), actor, engine.ListInstancesParams{
		Workflow: c.Query("workflow"), OrgID: c.Query("org_id"), State: c.Query("state"),
		From: from, To: to, ListParams: lp,
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	items := make([]instanceResponse, len(p.Items))
	for i, in := range p.Items {
		items[i] = s.instanceJSON(actor, in)
	}
	c.JSON(http.StatusOK, newPage(items, p.NextCursor))
}

func (s *server) getInstance(c *gin.Context) {
	actor := actorOf(c)
	in, err := s.svc.GetInstance(c.Request.Context(), actor, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s.instanceJSON(actor, in))
}

func (s *server) fireEvent(c *gin.Context) {
	var req eventRequest
	raw, ok := s.bind(c, &req)
	if !ok {
		return
	}
	actor := actorOf(c)
	in, err := s.svc.Fire(c.Request.Context(), actor, engine.FireParams{
		InstanceID: c.Param("id"), Event: req.Event, Data: req.Data, Comment: req.Comment,
		ExpectedVersion: req.ExpectedVersion,
		IdempotencyKey:  c.GetHeader("Idempotency-Key"), RequestHash: requestHash(c, raw),
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	s.metrics.transition(in.Workflow, req.Event)
	c.JSON(http.StatusOK, s.instanceJSON(actor, in))
}

func (s *server) instanceHistory(c *gin.Context) {
	ts, err := s.svc.History(c.Request.Context(), actorOf(c), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, t := range ts {
		if t.Data == nil {
			t.Data = map[string]any{}
		}
	}
	if ts == nil {
		ts = []*orglife.Transition{}
	}
	c.JSON(http.StatusOK, gin.H{"items": ts})
}
