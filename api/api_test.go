package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/storage/storagetest"
	"github.com/orglife/orglife/workflows"
)

// newTestAPI returns the handler on a fresh SQLite database and an admin secret.
func newTestAPI(t *testing.T, opts Options) (http.Handler, string) {
	t.Helper()
	db := storagetest.Open(t, "sqlite:"+t.TempDir()+"/api.db")
	set, ps := workflows.NewSet(nil)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	chk := compliance.New(compliance.Config{Store: db, Workflows: set})
	svc := engine.New(engine.Config{Store: db, Workflows: set, Evaluations: chk})
	secret, err := svc.Bootstrap(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return New(svc, chk, opts), secret
}

func do(t *testing.T, h http.Handler, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var out map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &out)
	return w.Code, out
}

func code(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func TestRequestErrors(t *testing.T) {
	h, admin := newTestAPI(t, Options{MaxBodyBytes: 256})
	org := `{"id":"c","name":"党委","kind":"committee"}`
	tests := []struct {
		name, method, path, token, body string
		status                          int
		code                            string
	}{
		{"no token", "GET", "/v1/orgs", "", "", 401, "unauthorized"},
		{"unknown token", "GET", "/v1/orgs", "nope", "", 401, "unauthorized"},
		{"malformed JSON", "POST", "/v1/orgs", admin, `{"id":`, 400, "invalid"},
		{"empty body", "POST", "/v1/orgs", admin, ``, 400, "invalid"},
		{"trailing data", "POST", "/v1/orgs", admin, org + `{}`, 400, "invalid"},
		{"unknown key", "POST", "/v1/orgs", admin, `{"id":"c","name":"x","kind":"committee","color":1}`, 400, "invalid"},
		{"wrong type", "POST", "/v1/orgs", admin, `{"id":1}`, 400, "invalid"},
		{"too large", "POST", "/v1/orgs", admin, `{"name":"` + strings.Repeat("x", 300) + `"}`, 413, "invalid"},
		{"bad limit", "GET", "/v1/orgs?limit=x", admin, "", 400, "invalid"},
		{"unknown org", "GET", "/v1/orgs/zz", admin, "", 404, "not_found"},
		{"unknown route", "GET", "/v1/nothing", admin, "", 404, "not_found"},
		{"unknown workflow", "GET", "/v1/workflows/zz", admin, "", 404, "not_found"},
		{"bad date filter", "GET", "/v1/instances?from=2025-13-01", admin, "", 400, "invalid"},
		{"created", "POST", "/v1/orgs", admin, org, 201, ""},
		{"duplicate", "POST", "/v1/orgs", admin, org, 409, "conflict"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := do(t, h, tt.method, tt.path, tt.token, tt.body)
			if status != tt.status || code(body) != tt.code {
				t.Fatalf("status %d code %q, want %d %q: %v", status, code(body), tt.status, tt.code, body)
			}
		})
	}
	if status, body := do(t, h, "GET", "/v1/orgs?limit=9999", admin, ""); status != 200 || len(body["items"].([]any)) != 1 {
		t.Fatalf("limit above 500 is clamped: %d %v", status, body)
	}
}

func TestFailHidesInternalErrors(t *testing.T) {
	var logs bytes.Buffer
	gin.SetMode(gin.ReleaseMode)
	s := &server{log: newLogger(&logs), metrics: NewMetrics()}
	r := gin.New()
	r.Use(s.recovery)
	r.GET("/plain", func(c *gin.Context) { s.fail(c, errors.New("secret database detail")) })
	r.GET("/odd", func(c *gin.Context) { s.fail(c, &orglife.Error{Code: "weird", Message: "secret odd detail"}) })
	r.GET("/panic", func(c *gin.Context) { panic("secret panic detail") })
	for _, p := range []string{"/plain", "/odd", "/panic"} {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest("GET", p, nil))
		if w.Code != 500 || strings.Contains(w.Body.String(), "secret") || !strings.Contains(w.Body.String(), `"internal"`) {
			t.Errorf("%s: %d %s", p, w.Code, w.Body.String())
		}
	}
	if !strings.Contains(logs.String(), "secret database detail") || !strings.Contains(logs.String(), "secret panic detail") {
		t.Errorf("internal errors are not logged:\n%s", logs.String())
	}
}

func TestHealthAndMetrics(t *testing.T) {
	h, _ := newTestAPI(t, Options{})
	if status, body := do(t, h, "GET", "/healthz", "", ""); status != 200 || body["status"] != "ok" {
		t.Fatalf("healthz: %d %v", status, body)
	}
	do(t, h, "GET", "/v1/orgs/abc", "", "")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	text, _ := io.ReadAll(w.Body)
	for _, want := range []string{`route="/v1/orgs/:id"`, "orglife_http_request_duration_seconds_bucket"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(string(text), "/v1/orgs/abc") {
		t.Errorf("metrics label a concrete path")
	}
}

func newLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func TestAuthorizationScheme(t *testing.T) {
	h, admin := newTestAPI(t, Options{})
	req := httptest.NewRequest("GET", "/v1/orgs", nil)
	req.Header.Set("Authorization", "Basic "+admin)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != 401 {
		t.Fatalf("Basic auth: %d", w.Code)
	}
}
