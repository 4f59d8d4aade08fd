// Package openapitest checks real HTTP answers against the OpenAPI document of package api
// (api/openapi.json), for tests: an answer whose status is not documented for its route, or
// whose body disagrees with the documented schema, fails the test. It imports api and the
// OpenAPI libraries (pb33f/libopenapi and libopenapi-validator), which nothing else imports.
//
// A download (GET /v1/exports/…) is not JSON: its status, its content type and its documented
// headers (Content-Disposition) are checked like any answer's, and its body must be what the
// content type says — an .xlsx body an OOXML package (a ZIP archive holding
// [Content_Types].xml), a CSV body UTF-8 text that parses as CSV — and is then checked, as a
// string, against the documented schema (type string, format binary).
package openapitest

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	"github.com/pb33f/libopenapi-validator/content"
	verrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/paths"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"

	"github.com/orglife/orglife/api"
)

// Checker validates answers against the document. It is safe for concurrent use.
type Checker struct {
	mu    sync.Mutex
	v     validator.Validator
	model *v3.Document
	opts  *config.ValidationOptions
	// checked counts the answers that passed, by "METHOD /path/template" (the document's path).
	checked map[string]int
}

// Document parses the document served at GET /v1/openapi.json.
func Document(t testing.TB) libopenapi.Document {
	t.Helper()
	doc, err := libopenapi.NewDocument(api.OpenAPI())
	if err != nil {
		t.Fatalf("openapitest: parse the OpenAPI document: %v", err)
	}
	return doc
}

// New returns a checker of answers against the document; the test fails when the document
// itself does not validate as OpenAPI 3.1.
func New(t testing.TB) *Checker {
	t.Helper()
	doc := Document(t)
	v, errs := validator.NewValidator(doc, config.WithFormatAssertions(),
		config.WithBodyDecoder(XLSXType, content.DecoderFunc(decodeXLSX)),
		config.WithBodyDecoder(CSVType, content.DecoderFunc(decodeCSV)))
	if len(errs) > 0 {
		t.Fatalf("openapitest: build the validator: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		t.Fatalf("openapitest: the OpenAPI document does not validate:\n%s", describe(verrs))
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		t.Fatalf("openapitest: build the OpenAPI model: %v", err)
	}
	return &Checker{v: v, model: &model.Model, opts: config.NewValidationOptions(), checked: map[string]int{}}
}

// The media types of the downloads, whose bodies are not JSON.
const (
	XLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	CSVType  = "text/csv"
)

// decodeXLSX accepts an OOXML package: a ZIP archive with a [Content_Types].xml entry. It returns
// the bytes as a string, for the schema {type: string, format: binary}.
func decodeXLSX(in *content.DecodeInput) (any, error) {
	body, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, err
	}
	z, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return nil, fmt.Errorf("not an .xlsx workbook (a ZIP archive): %w", err)
	}
	for _, f := range z.File {
		if f.Name == "[Content_Types].xml" {
			return string(body), nil
		}
	}
	return nil, errors.New("not an .xlsx workbook: the ZIP archive has no [Content_Types].xml")
}

// decodeCSV accepts UTF-8 text (a BOM allowed) that parses as CSV, its records of any length (an
// export's filter lines come before its header). It returns the text.
func decodeCSV(in *content.DecodeInput) (any, error) {
	body, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(body) {
		return nil, errors.New("the CSV body is not UTF-8")
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	if _, err := r.ReadAll(); err != nil {
		return nil, fmt.Errorf("the body is not CSV: %w", err)
	}
	return string(body), nil
}

// Check fails the test when the answer (status, header, body) to req is not what the document
// describes for req's method and path: an undocumented status, a body that does not match the
// schema of that status and content type. A request that no operation describes must answer 404
// or 405 with the error body (the route-coverage test keeps the document and router equal).
// req's body is not read.
func (c *Checker) Check(t testing.TB, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	if header == nil {
		header = http.Header{}
	}
	resp := &http.Response{StatusCode: status, Header: header, Body: io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)), Request: req}
	// The validator reads the request's body for nothing here; give it an empty one.
	r := req.Clone(req.Context())
	r.Body = http.NoBody
	c.mu.Lock()
	item, _, template := paths.FindPath(r, c.model, c.opts)
	if item == nil || item.GetOperations().GetOrZero(strings.ToLower(req.Method)) == nil {
		c.mu.Unlock()
		c.checkUnmatched(t, req, status, body)
		return
	}
	ok, errs := c.v.ValidateHttpResponse(r, resp)
	if ok {
		c.checked[req.Method+" "+template]++
	}
	c.mu.Unlock()
	if !ok {
		t.Errorf("openapitest: %s %s answered %d, which the OpenAPI document does not describe:\n%s\nbody: %.2000s",
			req.Method, req.URL.RequestURI(), status, describe(errs), body)
	}
}

// checkUnmatched checks the answer to a request that no operation of the document describes:
// it must be 404 (no such route) or 405 (no such method on the path) with the error body.
func (c *Checker) checkUnmatched(t testing.TB, req *http.Request, status int, body []byte) {
	t.Helper()
	var e struct {
		Error struct {
			Code    string            `json:"code"`
			Message string            `json:"message"`
			Details []json.RawMessage `json:"details"`
		} `json:"error"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(&e)
	want := map[int]string{http.StatusNotFound: "not_found", http.StatusMethodNotAllowed: "invalid"}[status]
	if err != nil || want == "" || e.Error.Code != want || e.Error.Message == "" || e.Error.Details == nil {
		t.Errorf("openapitest: %s %s is not in the OpenAPI document, so it must answer 404 not_found or 405 invalid with an error body; it answered %d: %.2000s",
			req.Method, req.URL.RequestURI(), status, body)
	}
}

// Checked returns how many answers passed, by method and the document's path template
// ("GET /v1/orgs/{id}").
func (c *Checker) Checked() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.checked))
	for k, v := range c.checked {
		out[k] = v
	}
	return out
}

// describe renders validation errors one per line, with the schema problems under each.
func describe(errs []*verrors.ValidationError) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "- %s: %s", e.Message, e.Reason)
		if e.SpecLine > 0 {
			fmt.Fprintf(&b, " (openapi.json:%d:%d)", e.SpecLine, e.SpecCol)
		}
		b.WriteString("\n")
		for _, s := range e.SchemaValidationErrors {
			fmt.Fprintf(&b, "    %s: %s\n", s.FieldPath, s.Reason)
		}
	}
	return b.String()
}
