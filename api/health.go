package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// healthRoutes registers GET /healthz: {"status":"ok"} when the database answers within two
// seconds, 503 {"status":"unavailable"} otherwise. No authentication.
func (s *server) healthRoutes(r gin.IRoutes) {
	r.GET("/healthz", func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		if err := s.svc.Ping(ctx); err != nil {
			s.log.WarnContext(ctx, "health check failed", "err", err)
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable"})
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
	})
}
