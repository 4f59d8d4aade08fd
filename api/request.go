package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
)

// maxLimit is the largest page size; larger limits are clamped to it.
const maxLimit = 500

// readBody reads the whole request body, at most s.maxBody bytes. A larger body answers 413
// (code invalid) and returns ok=false.
func (s *server) readBody(c *gin.Context) ([]byte, bool) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.maxBody)
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeError(c, http.StatusRequestEntityTooLarge, codeInvalid,
				fmt.Sprintf("request body is larger than %d bytes", s.maxBody), nil)
			return nil, false
		}
		s.fail(c, errorf(codeInvalid, "cannot read the request body: %v", err))
		return nil, false
	}
	return raw, true
}

// decodeJSON decodes raw strictly into v: one JSON value, no unknown keys, no string with a NUL
// byte or bytes that are not UTF-8. It answers 400 invalid and returns false on any problem.
func (s *server) decodeJSON(c *gin.Context, raw []byte, v any) bool {
	if len(bytes.TrimSpace(raw)) == 0 {
		s.fail(c, errorf(codeInvalid, "request body is empty; a JSON object is expected"))
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		s.fail(c, errorf(codeInvalid, "malformed JSON body: %s", jsonProblem(err)))
		return false
	}
	if _, err := dec.Token(); err != io.EOF {
		s.fail(c, errorf(codeInvalid, "malformed JSON body: unexpected data after the JSON value"))
		return false
	}
	if err := bodyTextProblem(raw); err != nil {
		s.fail(c, err)
		return false
	}
	return true
}

// bind reads and strictly decodes the request body into v and returns the raw body.
func (s *server) bind(c *gin.Context, v any) ([]byte, bool) {
	raw, ok := s.readBody(c)
	if !ok {
		return nil, false
	}
	return raw, s.decodeJSON(c, raw, v)
}

// jsonProblem explains a decoding error in a sentence.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("syntax error at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Sprintf("field %q must be %s, not %s", typ.Field, typ.Type, typ.Value)
		}
		return fmt.Sprintf("expected %s, not %s", typ.Type, typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected end of input"
	}
	return err.Error() // e.g. `json: unknown field "x"`
}

// requestHash identifies a request for idempotency: the SHA-256 of method, path and raw body.
func requestHash(c *gin.Context, raw []byte) string {
	h := sha256.New()
	h.Write([]byte(c.Request.Method))
	h.Write([]byte{0})
	h.Write([]byte(c.Request.URL.Path))
	h.Write([]byte{0})
	h.Write(raw)
	return hex.EncodeToString(h.Sum(nil))
}

// listParams reads limit and cursor. limit defaults to 50; above 500 it is clamped to 500; a
// limit that is not a positive integer answers 400.
func (s *server) listParams(c *gin.Context) (orglife.ListParams, bool) {
	p := orglife.ListParams{Limit: 50, Cursor: c.Query("cursor")}
	if v, ok := c.GetQuery("limit"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			s.fail(c, &orglife.Error{Code: codeInvalid, Message: "limit must be a positive integer",
				Details: []orglife.Detail{{Field: "limit", Message: "not a positive integer: " + v}}})
			return p, false
		}
		p.Limit = min(n, maxLimit)
	}
	return p, true
}

// dateQuery reads an optional YYYY-MM-DD query parameter.
func (s *server) dateQuery(c *gin.Context, name string) (string, bool) {
	v := c.Query(name)
	if v == "" {
		return "", true
	}
	if _, err := time.Parse(orglife.DateLayout, v); err != nil {
		s.fail(c, &orglife.Error{Code: codeInvalid, Message: name + " must be a date YYYY-MM-DD",
			Details: []orglife.Detail{{Field: name, Message: "not a date: " + v}}})
		return "", false
	}
	return v, true
}

// dateRange reads the optional from and to dates of a query.
func (s *server) dateRange(c *gin.Context) (from, to string, ok bool) {
	if from, ok = s.dateQuery(c, "from"); !ok {
		return "", "", false
	}
	to, ok = s.dateQuery(c, "to")
	return from, to, ok
}

// page is the JSON of a list answer.
type page[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// newPage returns a page whose items are never null.
func newPage[T any](items []T, next *string) page[T] {
	if items == nil {
		items = []T{}
	}
	return page[T]{Items: items, NextCursor: next}
}
