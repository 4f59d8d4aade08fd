package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
)

// tokenResponse is the answer of POST /v1/tokens: the secret (shown this once) and the token.
type tokenResponse struct {
	Token     string     `json:"token"`
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	OrgID     string     `json:"org_id"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at"`
}

// TokenView is a token as GET /v1/tokens lists it: never the secret nor its hash. Revoked is
// true once the token was revoked; Expired once its expiry has passed.
type TokenView struct {
	*orglife.Token
	Revoked bool `json:"revoked"`
	Expired bool `json:"expired"`
}

// NewTokenView returns the listed form of t at the instant now.
func NewTokenView(t *orglife.Token, now time.Time) TokenView {
	return TokenView{Token: t, Revoked: t.RevokedAt != nil, Expired: t.Expired(now)}
}

// tokenRoutes registers the token routes (admin): create, list and revoke.
func (s *server) tokenRoutes(g *gin.RouterGroup) {
	g.POST("/tokens", s.createToken)
	g.GET("/tokens", s.listTokens)
	g.DELETE("/tokens/:id", s.revokeToken)
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
		OrgID: t.OrgID, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt})
}

func (s *server) listTokens(c *gin.Context) {
	lp, ok := s.listParams(c)
	if !ok {
		return
	}
	p, err := s.svc.ListTokens(c.Request.Context(), actorOf(c), lp)
	if err != nil {
		s.fail(c, err)
		return
	}
	now := s.svc.Now()
	views := make([]TokenView, len(p.Items))
	for i, t := range p.Items {
		views[i] = NewTokenView(t, now)
	}
	c.JSON(http.StatusOK, newPage(views, p.NextCursor))
}

func (s *server) revokeToken(c *gin.Context) {
	if err := s.svc.RevokeToken(c.Request.Context(), actorOf(c), c.Param("id")); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
