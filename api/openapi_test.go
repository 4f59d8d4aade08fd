package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"github.com/orglife/orglife/api"
	"github.com/orglife/orglife/api/openapitest"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/reminders"
	"github.com/orglife/orglife/roster"
	"github.com/orglife/orglife/storage/storagetest"
	"github.com/orglife/orglife/workflows"
)

// newRouter returns the gin engine of the API on a fresh SQLite database and an admin secret,
// with every optional part (the reminder job, the roster importer) so that it serves every route.
func newRouter(t *testing.T) (*gin.Engine, string) {
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
	rem := reminders.New(reminders.Config{Store: db, Now: svc.Now, Location: chk.Location()})
	im := &roster.Importer{Read: db, Now: svc.Now, Location: chk.Location(), Write: roster.EngineWriter{Svc: svc, Store: db}}
	return api.New(svc, chk, api.Options{Reminders: rem, Importer: im}).(*gin.Engine), secret
}

// openAPIDoc is the part of the document the route test reads.
type openAPIDoc struct {
	Security []map[string][]string           `json:"security"`
	Paths    map[string]map[string]operation `json:"paths"`
}

type operation struct {
	OperationID string                     `json:"operationId"`
	Security    *[]map[string][]string     `json:"security"`
	Roles       *[]string                  `json:"x-orglife-roles"`
	Responses   map[string]json.RawMessage `json:"responses"`
}

var (
	ginParam   = regexp.MustCompile(`:([A-Za-z_]+)`)
	wholeParam = regexp.MustCompile(`^:[A-Za-z_]+$`)
)

// documentedRoutes returns "METHOD /path" for every operation of doc, in gin's notation.
func documentedRoutes(doc openAPIDoc) map[string]operation {
	out := map[string]operation{}
	for p, item := range doc.Paths {
		for method, op := range item {
			switch method {
			case "get", "put", "post", "delete", "patch", "head", "options", "trace":
				out[strings.ToUpper(method)+" "+regexp.MustCompile(`\{([A-Za-z_]+)\}`).ReplaceAllString(p, ":$1")] = op
			}
		}
	}
	return out
}

// serves reports whether the router's route ("GET /v1/exports/:file") serves the document's
// path ("GET /v1/exports/compliance.:format", in gin's notation): the same method and, segment by
// segment, the same literal, the same parameter, or a route's parameter for a segment of the
// document that is not one whole parameter — a file name such as assessment.xlsx or
// compliance.{format}, which the document describes one by one and the router serves with one
// route.
func serves(route, documented string) bool {
	rm, rp, _ := strings.Cut(route, " ")
	dm, dp, _ := strings.Cut(documented, " ")
	rs, ds := strings.Split(rp, "/"), strings.Split(dp, "/")
	if rm != dm || len(rs) != len(ds) {
		return false
	}
	for i, r := range rs {
		switch {
		case r == ds[i]:
		case strings.HasPrefix(r, ":") && !wholeParam.MatchString(ds[i]):
		default:
			return false
		}
	}
	return true
}

// routeDifferences names the routes the router has and the document lacks, and the reverse.
func routeDifferences(routes gin.RoutesInfo, doc openAPIDoc) (undocumented, unknown []string) {
	documented := documentedRoutes(doc)
	served := map[string]bool{}
	for _, r := range routes {
		key := r.Method + " " + r.Path
		served[key] = true
		found := false
		for d := range documented {
			found = found || serves(key, d)
		}
		if !found {
			undocumented = append(undocumented, key)
		}
	}
	for d := range documented {
		found := served[d]
		for key := range served {
			found = found || serves(key, d)
		}
		if !found {
			unknown = append(unknown, d)
		}
	}
	slices.Sort(undocumented)
	slices.Sort(unknown)
	return undocumented, unknown
}

func readDoc(t *testing.T, raw []byte) openAPIDoc {
	t.Helper()
	var doc openAPIDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("api/openapi.json: %v", err)
	}
	return doc
}

// TestOpenAPIRoutes walks the router: every route must be in the document and every path of
// the document must be a route, with its roles, its security and the error answers of a
// protected route.
func TestOpenAPIRoutes(t *testing.T) {
	r, _ := newRouter(t)
	doc := readDoc(t, api.OpenAPI())
	undocumented, unknown := routeDifferences(r.Routes(), doc)
	for _, k := range undocumented {
		t.Errorf("route %s is not described in api/openapi.json", ginParam.ReplaceAllString(k, "{$1}"))
	}
	for _, k := range unknown {
		t.Errorf("api/openapi.json describes %s, which the router does not serve", ginParam.ReplaceAllString(k, "{$1}"))
	}
	if len(r.Routes()) < 38 {
		t.Errorf("the router lists %d routes; expected at least 38", len(r.Routes()))
	}
	if len(doc.Security) != 1 || doc.Security[0]["bearer"] == nil {
		t.Errorf("the document's default security is %v, want bearer", doc.Security)
	}
	open := map[string]bool{"GET /healthz": true, "GET /metrics": true, "GET /v1/openapi.json": true}
	for key, op := range documentedRoutes(doc) {
		if op.OperationID == "" {
			t.Errorf("%s has no operationId", key)
		}
		if op.Roles == nil {
			t.Errorf("%s does not say who may call it (x-orglife-roles)", key)
		}
		public := op.Security != nil && len(*op.Security) == 0
		if public != open[key] {
			t.Errorf("%s: without authentication in the document: %v, in the router: %v", key, public, open[key])
		}
		if !public {
			for _, status := range []string{"401", "429", "500"} {
				if op.Responses[status] == nil {
					t.Errorf("%s does not document its %s answer", key, status)
				}
			}
		}
	}
}

// TestOpenAPIRouteDifferences shows that the coverage check fails both ways: a route added
// without its description, and a description of a route that does not exist.
func TestOpenAPIRouteDifferences(t *testing.T) {
	r, _ := newRouter(t)
	routes := append(r.Routes(), gin.RouteInfo{Method: "POST", Path: "/v1/orgs/:id/archive"})
	doc := readDoc(t, api.OpenAPI())
	doc.Paths["/v1/things/{id}"] = map[string]operation{"get": {OperationID: "getThing"}}
	// the route says :version
	doc.Paths["/v1/rules/versions/{id}"] = map[string]operation{"get": {OperationID: "ruleVersionByID"}}
	// a file of GET /v1/exports/:file, but POST is not a route of it
	doc.Paths["/v1/exports/budget.{format}"] = map[string]operation{"get": {OperationID: "exportBudget"}, "post": {OperationID: "postBudget"}}
	undocumented, unknown := routeDifferences(routes, doc)
	if !slices.Equal(undocumented, []string{"POST /v1/orgs/:id/archive"}) {
		t.Errorf("undocumented routes: %v", undocumented)
	}
	if !slices.Equal(unknown, []string{"GET /v1/rules/versions/:id", "GET /v1/things/:id", "POST /v1/exports/budget.:format"}) {
		t.Errorf("described routes that do not exist: %v", unknown)
	}
}

// TestOpenAPIServed fetches the document without a token and validates it as OpenAPI 3.1 with
// libopenapi-validator (the OAS 3.1 schema).
func TestOpenAPIServed(t *testing.T) {
	r, _ := newRouter(t)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/v1/openapi.json", nil))
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("GET /v1/openapi.json: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	body, _ := io.ReadAll(w.Body)
	if string(body) != string(api.OpenAPI()) {
		t.Fatalf("the served document differs from api/openapi.json")
	}
	doc, err := libopenapi.NewDocument(body)
	if err != nil {
		t.Fatal(err)
	}
	if v := doc.GetVersion(); v != "3.1.0" {
		t.Fatalf("OpenAPI version %q, want 3.1.0", v)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			t.Errorf("%s: %s (line %d)", e.Message, e.Reason, e.SpecLine)
			for _, s := range e.SchemaValidationErrors {
				t.Errorf("  %s: %s", s.FieldPath, s.Reason)
			}
		}
	}
	// The checker every end-to-end test uses validates the same document.
	openapitest.New(t)
}

// TestOpenAPIValidatorRefusesBrokenDocuments makes sure the validation above can fail.
func TestOpenAPIValidatorRefusesBrokenDocuments(t *testing.T) {
	for name, edit := range map[string]func(map[string]any){
		"no info": func(d map[string]any) { delete(d, "info") },
		"bad status code": func(d map[string]any) {
			op(d, "/v1/orgs", "get")["responses"].(map[string]any)["2000"] = map[string]any{"description": "x"}
		},
		"bad parameter in": func(d map[string]any) {
			op(d, "/v1/orgs/{id}", "get")["parameters"] = []any{map[string]any{"name": "id", "in": "body"}}
		},
	} {
		t.Run(name, func(t *testing.T) {
			var d map[string]any
			if err := json.Unmarshal(api.OpenAPI(), &d); err != nil {
				t.Fatal(err)
			}
			edit(d)
			raw, _ := json.Marshal(d)
			doc, err := libopenapi.NewDocument(raw)
			if err != nil {
				return // refused while parsing
			}
			v, errs := validator.NewValidator(doc)
			if len(errs) > 0 {
				return
			}
			if ok, _ := v.ValidateDocument(); ok {
				t.Errorf("a document with %s validates", name)
			}
		})
	}
}

func op(d map[string]any, path, method string) map[string]any {
	return d["paths"].(map[string]any)[path].(map[string]any)[method].(map[string]any)
}

// TestOpenAPIAnswers checks answers of the router (SQLite) against the document, including
// errors, and shows that a disagreeing answer is reported.
func TestOpenAPIAnswers(t *testing.T) {
	r, admin := newRouter(t)
	c := openapitest.New(t)
	send := func(method, path, token, contentType, body string, want int) {
		t.Helper()
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		if w.Code != want {
			t.Fatalf("%s %s: %d, want %d: %s", method, path, w.Code, want, w.Body)
		}
		c.Check(t, req, w.Code, w.Header(), w.Body.Bytes())
	}
	call := func(method, path, token, body string, want int) {
		t.Helper()
		send(method, path, token, "application/json", body, want)
	}
	call("GET", "/healthz", "", "", 200)
	call("GET", "/v1/openapi.json", "", "", 200)
	call("GET", "/v1/orgs", "", "", 401)
	call("POST", "/v1/orgs", admin, `{"id":"c","name":"研究生院党委","kind":"committee"}`, 201)
	call("POST", "/v1/orgs", admin, `{"id":"b1","name":"第一支部","kind":"branch","parent_id":"c","term_started_on":"2023-03-01","term_years":3}`, 201)
	call("POST", "/v1/orgs", admin, `{"id":"c","name":"x","kind":"committee"}`, 409)
	call("POST", "/v1/orgs", admin, `{"id":"x","colour":"red"}`, 400)
	call("GET", "/v1/orgs?limit=1", admin, "", 200)
	call("GET", "/v1/orgs/b1", admin, "", 200)
	call("GET", "/v1/orgs/zz", admin, "", 404)
	call("PATCH", "/v1/orgs/b1", admin, `{"attributes":{"level":"phd"}}`, 200)
	call("POST", "/v1/orgs/b1/members", admin, `{"id":"m1","name":"张伟","roles":["secretary"],"joined_on":"2016-06-01"}`, 201)
	call("GET", "/v1/orgs/b1/members", admin, "", 200)
	call("POST", "/v1/orgs", admin, `{"id":"b2","name":"第二支部","kind":"branch","parent_id":"c"}`, 201)
	call("PATCH", "/v1/orgs/b2", admin, `{"term_started_on":"2024-03-01","term_years":3,"effective_on":"2024-03-05"}`, 200)
	call("GET", "/v1/orgs/b2/history", admin, "", 200)
	call("POST", "/v1/orgs/b1/members", admin, `{"id":"m2","name":"李娜","status":"probationary","since":"2024-09-01"}`, 201)
	call("GET", "/v1/orgs/b1/members/m2", admin, "", 200)
	call("GET", "/v1/orgs/b2/members/m2", admin, "", 404)
	call("PATCH", "/v1/orgs/b1/members/m2", admin, `{"joined_on":"2024-06-30","on":"2024-10-01"}`, 200)
	call("POST", "/v1/orgs/b1/members/m2/confirm", admin, `{"on":"2025-07-01"}`, 200)
	call("POST", "/v1/orgs/b1/members/m2/confirm", admin, `{}`, 422)
	call("POST", "/v1/orgs/b1/members/m2/roles", admin, `{"roles":["organization_member"],"on":"2025-07-02"}`, 200)
	call("POST", "/v1/orgs/b1/members/m2/transfer", admin, `{"to_org_id":"b2","on":"2025-08-01","reason":"转入"}`, 200)
	call("GET", "/v1/orgs/b2/members/m2/history", admin, "", 200)
	call("POST", "/v1/orgs/b2/members/m2/leave", admin, `{"on":"2025-09-01"}`, 400)
	call("DELETE", "/v1/orgs/b2/members/m2", admin, "", 200)
	call("GET", "/v1/orgs/b2/members/m2", admin, "", 200)
	call("POST", "/v1/tokens", admin, `{"name":"b1","role":"branch","org_id":"b1"}`, 201)
	call("GET", "/v1/tokens", admin, "", 200)
	call("GET", "/v1/workflows", admin, "", 200)
	call("GET", "/v1/rules", admin, "", 200)
	call("GET", "/v1/audit", admin, "", 200)
	call("GET", "/v1/audit?action=member.transfer", admin, "", 200)

	// Exports: binary answers, and JSON errors.
	call("GET", "/v1/exports/assessment.xlsx?org_id=c&year=2025", admin, "", 200)
	call("GET", "/v1/exports/assessment.xlsx?org_id=c&year=x", admin, "", 400)
	call("GET", "/v1/exports/assessment.csv?org_id=c&year=2025", admin, "", 404)
	call("GET", "/v1/exports/compliance.xlsx?org_id=b1", admin, "", 200)
	call("GET", "/v1/exports/compliance.csv?as_of=soon", admin, "", 400)
	call("GET", "/v1/exports/violations.csv?status=open", admin, "", 200)
	call("GET", "/v1/exports/records.csv?org_id=zz", admin, "", 404)
	call("GET", "/v1/exports/records.xlsx", admin, "", 200)
	call("GET", "/v1/exports/budget.xlsx", admin, "", 404)

	// To-do list, webhooks, reminders.
	call("GET", "/v1/todo", admin, "", 400)
	call("GET", "/v1/todo?org_id=b1", admin, "", 200)
	call("PUT", "/v1/orgs/b1/webhook", admin, `{"url":"ftp://x"}`, 400)
	call("PUT", "/v1/orgs/zz/webhook", admin, `{"url":"https://oapi.dingtalk.com/robot/send?access_token=t"}`, 404)
	call("PUT", "/v1/orgs/b1/webhook", admin, `{"url":"https://oapi.dingtalk.com/robot/send?access_token=t"}`, 200)
	call("GET", "/v1/orgs/b1/webhook", admin, "", 200)
	call("GET", "/v1/webhooks", admin, "", 200)
	call("GET", "/v1/reminders?status=failed", admin, "", 200)
	call("GET", "/v1/reminders?status=lost", admin, "", 400)
	call("DELETE", "/v1/orgs/b1/webhook", admin, "", 204)
	call("GET", "/v1/orgs/b1/webhook", admin, "", 404)
	call("DELETE", "/v1/orgs/b1/webhook", admin, "", 404)

	// Imports: a raw body and a multipart one, a dry run, a file with problems.
	orgs := "党组织编码,党组织名称,组织类型,上级党组织编码\nb3,第三支部,党支部,c\n"
	send("POST", "/v1/imports/orgs?format=csv&dry_run=true", admin, "text/csv", orgs, 200)
	send("POST", "/v1/imports/orgs", admin, "text/csv", orgs, 400)
	send("POST", "/v1/imports/orgs?filename=orgs.csv", admin, "application/octet-stream", orgs, 200)
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("file", "members.csv")
	_, _ = io.WriteString(fw, "所在党组织编码,姓名,学工号,党籍状态\nb3,赵六,B2025009,预备党员\n")
	_ = mw.Close()
	send("POST", "/v1/imports/members?full=true", admin, mw.FormDataContentType(), form.String(), 200)
	send("POST", "/v1/imports/members?format=csv", admin, "text/csv", "所在党组织编码,姓名,学工号,党籍状态\nb3,,x1,正式党员\nzz,乙,x2,群众\n", 422)
	send("POST", "/v1/imports/things?format=csv", admin, "text/csv", orgs, 404)

	for _, k := range []string{"GET /v1/orgs", "GET /v1/orgs/{id}", "POST /v1/orgs", "GET /healthz", "GET /v1/orgs/{id}/history",
		"GET /v1/orgs/{id}/members/{member}", "DELETE /v1/orgs/{id}/members/{member}", "GET /v1/orgs/{id}/members/{member}/history",
		"GET /v1/exports/assessment.xlsx", "GET /v1/exports/compliance.{format}", "GET /v1/exports/violations.{format}",
		"GET /v1/exports/records.{format}", "GET /v1/todo", "PUT /v1/orgs/{id}/webhook", "GET /v1/orgs/{id}/webhook",
		"DELETE /v1/orgs/{id}/webhook", "GET /v1/webhooks", "GET /v1/reminders", "POST /v1/imports/orgs", "POST /v1/imports/members"} {
		if c.Checked()[k] == 0 {
			t.Errorf("%s was not checked: %v", k, c.Checked())
		}
	}
}

// TestOpenAPIAuditActions: the document's audit actions — of an entry and of the ?action= filter
// — are the actions the log records and the filter accepts (engine.AuditActions), in its order.
func TestOpenAPIAuditActions(t *testing.T) {
	var d struct {
		Paths struct {
			Audit struct {
				Get struct {
					Parameters []struct {
						Name   string `json:"name"`
						Schema struct {
							Enum []string `json:"enum"`
						} `json:"schema"`
					} `json:"parameters"`
				} `json:"get"`
			} `json:"/v1/audit"`
		} `json:"paths"`
		Components struct {
			Schemas struct {
				AuditEntry struct {
					Properties struct {
						Action struct {
							Enum []string `json:"enum"`
						} `json:"action"`
					} `json:"properties"`
				} `json:"AuditEntry"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(api.OpenAPI(), &d); err != nil {
		t.Fatal(err)
	}
	if got := d.Components.Schemas.AuditEntry.Properties.Action.Enum; !slices.Equal(got, engine.AuditActions) {
		t.Errorf("AuditEntry.action lists %v; the log records %v", got, engine.AuditActions)
	}
	var filter []string
	for _, p := range d.Paths.Audit.Get.Parameters {
		if p.Name == "action" {
			filter = p.Schema.Enum
		}
	}
	if !slices.Equal(filter, engine.AuditActions) {
		t.Errorf("GET /v1/audit?action= lists %v; the filter accepts %v", filter, engine.AuditActions)
	}
}
