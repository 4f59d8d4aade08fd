package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
)

// actorKey is the gin context key of the authenticated actor.
const actorKey = "orglife.actor"

// authenticate requires "Authorization: Bearer SECRET", resolves the secret to an actor through
// the service and stores it in the gin context. Missing, malformed, unknown, revoked or expired
// tokens answer 401. A presented token that fails counts against the caller's address: past the
// throttle's limit, failures answer 429 with Retry-After instead (valid tokens are still served).
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
		s.authFailed(c, errorf(codeUnauthorized, "the Authorization header must be \"Bearer TOKEN\""))
		return
	}
	actor, err := s.svc.Authenticate(c.Request.Context(), secret)
	if orglife.ErrorCode(err) == codeUnauthorized {
		s.authFailed(c, err)
		return
	} else if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(actorKey, actor)
	c.Next()
}

// authFailed answers a failed authentication: 401 with err, or 429 with Retry-After when the
// caller's address is past the throttle's limit.
func (s *server) authFailed(c *gin.Context, err error) {
	addr := clientAddr(c.Request.RemoteAddr)
	wait, first := s.throttle.fail(addr)
	if wait <= 0 {
		s.fail(c, err)
		return
	}
	if first {
		s.log.WarnContext(c.Request.Context(), "too many failed authentications; answering 429",
			"addr", addr, "limit", s.throttle.limit, "window", s.throttle.window.String())
	}
	secs := retryAfter(wait)
	c.Header("Retry-After", strconv.Itoa(secs))
	writeError(c, http.StatusTooManyRequests, codeUnauthorized,
		fmt.Sprintf("认证失败次数过多，请 %d 秒后再试（too many failed authentications from this address; retry after %d s）", secs, secs), nil)
}

// actorOf returns the actor that authenticate stored.
func actorOf(c *gin.Context) orglife.Actor {
	a, _ := c.Get(actorKey)
	actor, _ := a.(orglife.Actor)
	return actor
}
