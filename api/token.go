package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife/engine"
)

// tokenResponse is the answer of POST /v1/tokens: the secret (shown this once) and the token.
type tokenResponse struct {
	Token     string    `json:"token"`
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	OrgID     string    `json:"org_id"`
	CreatedAt time.Time `json:"created_at"`
}

// tokenRoutes registers POST /v1/tokens (admin).
func (s *server) tokenRoutes(g *gin.RouterGroup) {
	g.POST("/tokens", s.createToken)
}

func (s *server) createToken(c *gin.Context) {
	var p engine.CreateTokenParams
	if _, ok := s.bind(c, &p); !ok {
		return
	}
	t, secret, err := s.svc.CreateToken(c.Request.Context(), actorOf(c), p)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, tokenResponse{Token: secret, ID: t.ID, Name: t.Name, Role: t.Role,
		OrgID: t.OrgID, CreatedAt: t.CreatedAt})
}
