package api

import (
	"fmt"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
)

// actorKey is the gin context key of the authenticated actor.
const actorKey = "orglife.actor"

// authenticate requires "Authorization: Bearer SECRET", resolves the secret to an actor through
// the service and stores it in the gin context. Missing or unknown tokens answer 401.
func (s *server) authenticate(c *gin.Context) {
	h := c.GetHeader("Authorization")
	scheme, secret, ok := strings.Cut(h, " ")
	secret = strings.TrimSpace(secret)
	if h == "" {
		s.fail(c, errorf(codeUnauthorized, "missing Authorization: Bearer token"))
		return
	}
	if len(h) > maxAuthorizationBytes {
		s.fail(c, orglife.InvalidInput([]orglife.Detail{{Field: "Authorization",
			Message: fmt.Sprintf("Authorization is longer than %d bytes", maxAuthorizationBytes)}}))
		return
	}
	if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" {
		s.fail(c, errorf(codeUnauthorized, "the Authorization header must be \"Bearer TOKEN\""))
		return
	}
	actor, err := s.svc.Authenticate(c.Request.Context(), secret)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(actorKey, actor)
	c.Next()
}

// actorOf returns the actor that authenticate stored.
func actorOf(c *gin.Context) orglife.Actor {
	a, _ := c.Get(actorKey)
	actor, _ := a.(orglife.Actor)
	return actor
}
