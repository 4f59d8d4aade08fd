package orglife

import (
	"errors"
	"fmt"
)

// Error codes. They are few on purpose and map one-to-one onto HTTP statuses in the api package.
const (
	EINVALID       = "invalid"       // malformed input, unknown event or field (400)
	EUNAUTHORIZED  = "unauthorized"  // missing or unknown token (401)
	EFORBIDDEN     = "forbidden"     // outside the caller's role or scope (403)
	ENOTFOUND      = "not_found"     // no such object (404)
	ECONFLICT      = "conflict"      // stale version, wrong state, duplicate key (409)
	EUNPROCESSABLE = "unprocessable" // required field missing, guard false, invalid pack (422)
	EINTERNAL      = "internal"      // anything else; details are never shown (500)
)

// Error is the application error. Code is one of the E* constants; Message is safe to show to the
// caller; Details lists field paths or file positions.
type Error struct {
	Code    string
	Message string
	Details []Detail
}

// Detail is one item of an error's details: a field path, a file position, or both.
type Detail struct {
	Field   string `json:"field,omitempty"`
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("orglife error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrNotFound is returned by stores when a row does not exist. Compare with ErrorCode.
var ErrNotFound = &Error{Code: ENOTFOUND, Message: "not found"}

// ErrorCode returns the code of an application error, or EINTERNAL for any other non-nil error
// and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of an application error, or a generic message otherwise.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// ErrorDetails returns the details of an application error, if any.
func ErrorDetails(err error) []Detail {
	var e *Error
	if errors.As(err, &e) {
		return e.Details
	}
	return nil
}
