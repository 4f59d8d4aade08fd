package openapitest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps the failures instead of failing.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

const org = `{"id":"b1","name":"第一支部","kind":"branch","parent_id":"c","attributes":{},"established_on":null,
"dissolved_on":null,"term_started_on":"2023-03-01","term_years":3,"created_at":"2025-02-03T02:00:00Z",
"updated_at":"2025-02-03T02:00:00Z","term_ends_on":"2026-03-01"}`

func TestCheck(t *testing.T) {
	c := New(t)
	json := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	tests := []struct {
		name, method, path string
		status             int
		body               string
		problem            string // "" when the answer agrees with the document
	}{
		{"an org", "GET", "/v1/orgs/b1", 200, org, ""},
		{"a page of orgs", "GET", "/v1/orgs?limit=1", 200, `{"items":[` + org + `],"next_cursor":"b1"}`, ""},
		{"an error", "GET", "/v1/orgs/zz", 404, `{"error":{"code":"not_found","message":"no org zz","details":[]}}`, ""},
		{"unknown kind", "GET", "/v1/orgs/b1", 200, strings.Replace(org, `"branch"`, `"club"`, 1), "kind"},
		{"missing field", "GET", "/v1/orgs/b1", 200, strings.Replace(org, `"term_years":3,`, ``, 1), "term_years"},
		{"undocumented field", "GET", "/v1/orgs/b1", 200, strings.Replace(org, `{"id"`, `{"colour":"red","id"`, 1), "colour"},
		{"not a date", "GET", "/v1/orgs/b1", 200, strings.Replace(org, `"2026-03-01"`, `"soon"`, 1), "term_ends_on"},
		{"page without next_cursor", "GET", "/v1/orgs", 200, `{"items":[]}`, "next_cursor"},
		{"error code outside the table", "GET", "/v1/orgs/zz", 404, `{"error":{"code":"missing","message":"x","details":[]}}`, "code"},
		{"undocumented status", "GET", "/v1/orgs/b1", 418, `{"error":{"code":"invalid","message":"x","details":[]}}`, "418"},
		{"unknown route", "GET", "/v1/things", 404, `{"error":{"code":"not_found","message":"no route","details":[]}}`, ""},
		{"unknown method", "DELETE", "/v1/orgs", 405, `{"error":{"code":"invalid","message":"method DELETE","details":[]}}`, ""},
		{"unknown route answered", "GET", "/v1/things", 200, `{}`, "/v1/things"},
		{"unknown route, bad body", "GET", "/v1/things", 404, `{"error":"nope"}`, "/v1/things"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{TB: t}
			c.Check(r, httptest.NewRequest(tt.method, tt.path, nil), tt.status, json, []byte(tt.body))
			switch {
			case tt.problem == "" && len(r.errors) > 0:
				t.Errorf("a valid answer was refused: %v", r.errors)
			case tt.problem != "" && len(r.errors) == 0:
				t.Errorf("an answer with a wrong %s passed", tt.problem)
			case tt.problem != "" && !strings.Contains(r.errors[0], tt.problem):
				t.Log(r.errors[0])
				t.Errorf("the failure does not name %s: %v", tt.problem, r.errors)
			}
		})
	}
}
