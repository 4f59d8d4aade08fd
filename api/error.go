package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
)

// Short names for the error codes used by the handlers.
const (
	codeInvalid      = orglife.EINVALID
	codeUnauthorized = orglife.EUNAUTHORIZED
	codeForbidden    = orglife.EFORBIDDEN
	codeNotFound     = orglife.ENOTFOUND
	codeInternal     = orglife.EINTERNAL
)

// statusOf is THE table from orglife error codes to HTTP statuses. A code missing here answers
// 500 with a generic message.
var statusOf = map[string]int{
	orglife.EINVALID:       http.StatusBadRequest,
	orglife.EUNAUTHORIZED:  http.StatusUnauthorized,
	orglife.EFORBIDDEN:     http.StatusForbidden,
	orglife.ENOTFOUND:      http.StatusNotFound,
	orglife.ECONFLICT:      http.StatusConflict,
	orglife.EUNPROCESSABLE: http.StatusUnprocessableEntity,
	orglife.EINTERNAL:      http.StatusInternalServerError,
}

// errorBody is the JSON of every error answer: {"error": {"code", "message", "details"}}.
type errorBody struct {
	Error errorPayload `json:"error"`
}

type errorPayload struct {
	Code    string           `json:"code"`
	Message string           `json:"message"`
	Details []orglife.Detail `json:"details"`
}

// errorf returns an application error with the given code.
func errorf(code, format string, args ...any) error {
	return orglife.Errorf(code, format, args...)
}

// fail answers err with the status of its code. Internal and unknown errors are logged and
// answered with a generic message: their text never reaches the caller.
func (s *server) fail(c *gin.Context, err error) {
	code := orglife.ErrorCode(err)
	status, known := statusOf[code]
	var appErr *orglife.Error
	if !known || code == orglife.EINTERNAL || !errors.As(err, &appErr) {
		s.log.ErrorContext(c.Request.Context(), "request failed",
			"method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
		writeError(c, http.StatusInternalServerError, orglife.EINTERNAL, "internal error", nil)
		return
	}
	writeError(c, status, code, orglife.ErrorMessage(err), orglife.ErrorDetails(err))
}

// writeError writes an error body and aborts the handler chain.
func writeError(c *gin.Context, status int, code, message string, details []orglife.Detail) {
	if details == nil {
		details = []orglife.Detail{}
	}
	c.AbortWithStatusJSON(status, errorBody{Error: errorPayload{Code: code, Message: message, Details: details}})
}
