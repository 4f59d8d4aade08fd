package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife/reminders"
)

// reminderRoutes registers the to-do list and, when the server runs a reminder job, the webhooks
// and the reminders sent.
func (s *server) reminderRoutes(g *gin.RouterGroup) {
	g.GET("/todo", s.todo)
	if s.rem == nil {
		return
	}
	g.GET("/webhooks", s.listWebhooks)
	g.GET("/orgs/:id/webhook", s.getWebhook)
	g.PUT("/orgs/:id/webhook", s.putWebhook)
	g.DELETE("/orgs/:id/webhook", s.deleteWebhook)
	g.GET("/reminders", s.listReminders)
}

// todo answers GET /v1/todo?org_id=: what the org (default: the caller's) must do next.
func (s *server) todo(c *gin.Context) {
	actor := actorOf(c)
	org := c.Query("org_id")
	if org == "" {
		org = actor.OrgID
	}
	if org == "" {
		s.fail(c, errorf(codeInvalid, "org_id is required for a caller without an org"))
		return
	}
	l, err := reminders.Lister{Svc: s.svc, Chk: s.chk}.Todo(c.Request.Context(), actor, org)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, l)
}

// webhookRequest is the body of PUT /v1/orgs/{id}/webhook.
type webhookRequest struct {
	URL string `json:"url"`
}

func (s *server) putWebhook(c *gin.Context) {
	var req webhookRequest
	if _, ok := s.bind(c, &req); !ok {
		return
	}
	w, err := s.rem.SetWebhook(c.Request.Context(), actorOf(c), c.Param("id"), req.URL)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, w)
}

func (s *server) getWebhook(c *gin.Context) {
	w, err := s.rem.Webhook(c.Request.Context(), actorOf(c), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, w)
}

func (s *server) deleteWebhook(c *gin.Context) {
	if err := s.rem.DeleteWebhook(c.Request.Context(), actorOf(c), c.Param("id")); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *server) listWebhooks(c *gin.Context) {
	ws, err := s.rem.Webhooks(c.Request.Context(), actorOf(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newPage(ws, nil))
}

// listReminders answers GET /v1/reminders?status=&limit= (admin): what was sent, is retrying or
// failed, newest first.
func (s *server) listReminders(c *gin.Context) {
	limit, _ := strconv.Atoi(c.DefaultQuery("limit", "100"))
	rs, err := s.rem.Reminders(c.Request.Context(), actorOf(c), c.Query("status"), limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newPage(rs, nil))
}
