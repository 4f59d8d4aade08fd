package api

import (
	"errors"
	"net/http"
	"runtime/debug"

	"github.com/gin-gonic/gin"
)

// recovery turns a panic in a handler into a 500 internal answer; the panic value and stack go
// to the log only. http.ErrAbortHandler is re-raised so net/http aborts the response.
func (s *server) recovery(c *gin.Context) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
			panic(v)
		}
		s.log.ErrorContext(c.Request.Context(), "panic in handler",
			"method", c.Request.Method, "path", c.Request.URL.Path, "panic", v, "stack", string(debug.Stack()))
		if c.Writer.Written() {
			c.Abort()
			return
		}
		writeError(c, http.StatusInternalServerError, codeInternal, "internal error", nil)
	}()
	c.Next()
}
