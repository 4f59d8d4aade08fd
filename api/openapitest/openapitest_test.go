package openapitest

import (
	"archive/zip"
	"bytes"
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

// workbook returns a ZIP archive holding the named entries, like an .xlsx file's.
func workbook(t *testing.T, names ...string) string {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, n := range names {
		w, err := z.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte("<x/>"))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestCheckDownloads: a download's status, content type, Content-Disposition and body (an OOXML
// package, UTF-8 CSV) are checked; a wrong one of each is reported.
func TestCheckDownloads(t *testing.T) {
	c := New(t)
	const disposition = `attachment; filename="violations.csv"; filename*=UTF-8''%E9%97%AE%E9%A2%98.csv`
	header := func(ct string, cd bool) http.Header {
		h := http.Header{"Content-Type": {ct}}
		if cd {
			h.Set("Content-Disposition", disposition)
		}
		return h
	}
	xlsx := workbook(t, "[Content_Types].xml", "xl/workbook.xml")
	csv := "\ufeff问题清单\n筛选条件,org_id=g1&status=open\n\n序号,支部,规则\n1,第一支部,theme_day_monthly\n"
	tests := []struct {
		name, path string
		status     int
		header     http.Header
		body       string
		problem    string // "" when the answer agrees with the document
	}{
		{"a workbook", "/v1/exports/assessment.xlsx?org_id=g1&year=2025", 200, header(XLSXType, true), xlsx, ""},
		{"a list as .xlsx", "/v1/exports/records.xlsx", 200, header(XLSXType, true), xlsx, ""},
		{"a list as CSV", "/v1/exports/violations.csv?org_id=g1&status=open", 200, header(CSVType+"; charset=utf-8", true), csv, ""},
		{"an error", "/v1/exports/compliance.csv?as_of=x", 400, header("application/json; charset=utf-8", false),
			`{"error":{"code":"invalid","message":"as_of","details":[]}}`, ""},
		{"no such export", "/v1/exports/budget.xlsx", 404, header("application/json; charset=utf-8", false),
			`{"error":{"code":"not_found","message":"no export budget.xlsx","details":[]}}`, ""},
		{"an assessment as CSV", "/v1/exports/assessment.csv", 200, header(CSVType, true), csv, "assessment.csv"},
		{"undocumented content type", "/v1/exports/compliance.xlsx", 200, header("application/pdf", true), xlsx, "application/pdf"},
		{"JSON for a workbook", "/v1/exports/compliance.xlsx", 200, header("application/json", true), `{}`, "application/json"},
		{"no Content-Disposition", "/v1/exports/records.csv", 200, header(CSVType, false), csv, "Content-Disposition"},
		{"not a ZIP archive", "/v1/exports/records.xlsx", 200, header(XLSXType, true), "PK but not really", "ZIP"},
		{"a ZIP archive but no workbook", "/v1/exports/records.xlsx", 200, header(XLSXType, true), workbook(t, "a.txt"), "[Content_Types].xml"},
		{"CSV not UTF-8", "/v1/exports/records.csv", 200, header(CSVType, true), "\xd6\xd0\xce\xc4,x\n", "UTF-8"},
		{"not CSV", "/v1/exports/records.csv", 200, header(CSVType, true), "a,\"b\nc", "CSV"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{TB: t}
			c.Check(r, httptest.NewRequest("GET", tt.path, nil), tt.status, tt.header, []byte(tt.body))
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
