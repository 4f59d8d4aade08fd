package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife/storage"
	"github.com/orglife/orglife/storage/storagetest"
)

// hostileCase is one request with a hostile value. field is the field the answer must name (a
// trailing "." matches any field below it); status is the expected status; field "" asserts
// only that the answer is the status.
type hostileCase struct {
	name, method, path, token, body string
	headers                         []string
	status                          int
	field                           string
}

// TestHostileBytesEndToEnd sends NUL bytes, invalid UTF-8, over-long ids, keys and header
// values in every path parameter, list filter, JSON body string and header to a real server on
// each test database. Every answer is 400 invalid naming the field (or 401/431 where the
// authentication or the HTTP server decides first), never 500, and nothing is written.
func TestHostileBytesEndToEnd(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) { hostileBytes(t, dsn) })
	}
}

func hostileBytes(t *testing.T, dsn string) {
	s := startServer(t, dsn, "--now", pinned, "--eval-interval=0")
	admin := s.adminToken(t)
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "c", "name": "研究生院党委", "kind": "committee"})
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b", "name": "博士生第一党支部", "kind": "branch", "parent_id": "c"})
	branch := s.must(t, 201, "POST", "/v1/tokens", admin, obj{"name": "书记", "role": "branch", "org_id": "b"})["token"].(string)
	in := s.must(t, 201, "POST", "/v1/instances", branch, obj{"workflow": "meeting", "org_id": "b",
		"data": obj{"type": "committee", "held_on": "2025-01-10", "topic": "支委会"}}, "Idempotency-Key", "first")
	iid := in["id"].(string)

	cases := hostileCases(admin, branch, iid)
	s.settle(t) // the outbox worker has evaluated the setup
	before := countRows(t, dsn)
	for _, tc := range cases {
		got, body := s.call(t, tc.method, tc.path, tc.token, tc.body, tc.headers...)
		checkHostile(t, tc, got, body)
	}
	raw := rawHostileCases(admin)
	for _, tc := range raw {
		if got := rawStatus(t, s.base, tc.method, tc.path, tc.headers); got != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, got, tc.status)
		}
	}
	if after := countRows(t, dsn); after != before {
		t.Errorf("hostile requests wrote rows:\nbefore %s\nafter  %s", before, after)
	}
	s.must(t, 200, "GET", "/healthz", "", nil)
	s.must(t, 200, "GET", "/v1/instances/"+iid, branch, nil)
	t.Logf("%d hostile requests answered cleanly (%d through raw TCP)", len(cases)+len(raw), len(raw))
}

// checkHostile asserts one answer.
func checkHostile(t *testing.T, tc hostileCase, got int, body obj) {
	t.Helper()
	if got != tc.status {
		t.Errorf("%s: %s %.120s: status %d, want %d: %v", tc.name, tc.method, tc.path, got, tc.status, body)
		return
	}
	if tc.status != 400 || tc.field == "" {
		return
	}
	e, _ := body["error"].(obj)
	msg, _ := e["message"].(string)
	if errCode(body) != "invalid" {
		t.Errorf("%s: code %q, want invalid: %v", tc.name, errCode(body), body)
		return
	}
	details, _ := e["details"].([]any)
	for _, d := range details {
		f, _ := d.(obj)["field"].(string)
		if f == tc.field || strings.HasSuffix(tc.field, ".") && strings.HasPrefix(f, tc.field) {
			if !strings.Contains(msg, strings.TrimSuffix(tc.field, ".")) {
				t.Errorf("%s: message %q does not name %s", tc.name, msg, tc.field)
			}
			return
		}
	}
	t.Errorf("%s: details do not name %s: %v", tc.name, tc.field, body)
}

// hostileCases enumerates routes × hostile values sent through net/http.
func hostileCases(admin, branch, iid string) []hostileCase {
	var cs []hostileCase
	long := strings.Repeat("a", 2800)
	// Path parameters.
	paths := []struct{ method, pattern, body, field string }{
		{"GET", "/v1/orgs/%s", "", "id"},
		{"PATCH", "/v1/orgs/%s", `{"name":"x"}`, "id"},
		{"POST", "/v1/orgs/%s/members", `{"name":"x"}`, "id"},
		{"GET", "/v1/orgs/%s/members", "", "id"},
		{"GET", "/v1/workflows/%s", "", "id"},
		{"GET", "/v1/instances/%s", "", "id"},
		{"POST", "/v1/instances/%s/events", `{"event":"hold"}`, "id"},
		{"GET", "/v1/instances/%s/history", "", "id"},
		{"GET", "/v1/violations/%s", "", "id"},
		{"POST", "/v1/violations/%s/acknowledge", "", "id"},
		{"POST", "/v1/violations/%s/waive", `{"reason":"r"}`, "id"},
		{"POST", "/v1/violations/%s/resolve", `{"note":"n"}`, "id"},
		{"GET", "/v1/rules/versions/%s", "", "version"},
		{"POST", "/v1/rules/versions/%s/activate", "", "version"},
	}
	for _, p := range paths {
		for _, v := range []struct{ name, value string }{{"NUL", "a%00b"}, {"bad UTF-8", "%FF%FE"}, {"long", long}} {
			cs = append(cs, hostileCase{name: "path " + p.pattern + " " + v.name, method: p.method,
				path: fmt.Sprintf(p.pattern, v.value), token: admin, body: p.body, status: 400, field: p.field})
		}
	}
	// Query parameters: every filter of every list route.
	queries := []struct {
		method, path string
		filters      []string
	}{
		{"GET", "/v1/orgs", []string{"cursor"}},
		{"GET", "/v1/orgs/b/members", []string{"cursor"}},
		{"GET", "/v1/instances", []string{"workflow", "org_id", "state", "from", "to", "cursor"}},
		{"GET", "/v1/compliance", []string{"org_id", "rule", "period", "status", "as_of", "from", "to", "cursor"}},
		{"GET", "/v1/compliance/summary", []string{"org_id", "period", "from", "to"}},
		{"GET", "/v1/violations", []string{"org_id", "rule", "status", "kind", "severity", "period", "cursor"}},
		{"GET", "/v1/audit", []string{"action", "cursor"}},
		{"GET", "/v1/workflows/meeting", []string{"format"}},
		{"POST", "/v1/rules/preview", []string{"org_id", "from", "to", "as_of", "file"}},
		{"POST", "/v1/rules/validate", []string{"file"}},
		{"PUT", "/v1/rules", []string{"note", "file"}},
	}
	for _, q := range queries {
		for _, f := range q.filters {
			for _, v := range []struct{ name, value string }{{"NUL", "a%00b"}, {"bad UTF-8", "%FF"}, {"long", long}} {
				cs = append(cs, hostileCase{name: "query " + q.path + " " + f + " " + v.name, method: q.method,
					path: q.path + "?" + f + "=" + v.value, token: admin, body: "rules: []", status: 400, field: f})
			}
		}
	}
	cs = append(cs,
		hostileCase{name: "query name NUL", method: "GET", path: "/v1/orgs?a%00b=1", token: admin, status: 400, field: strconv.QuoteToASCII("a\x00b")},
		hostileCase{name: "query NUL, branch token", method: "GET", path: "/v1/violations?org_id=b%00", token: branch, status: 400, field: "org_id"},
		hostileCase{name: "query NUL, no token", method: "GET", path: "/v1/violations?org_id=b%00", status: 401},
		hostileCase{name: "path NUL, no token", method: "GET", path: "/v1/orgs/b%00", status: 401},
	)
	// JSON body strings: {X} is replaced by a NUL escape and by bytes that are not UTF-8.
	bodies := []struct {
		method, path, token, body, field string
	}{
		{"POST", "/v1/orgs", admin, `{"id":"{X}","name":"n","kind":"branch","parent_id":"c"}`, "id"},
		{"POST", "/v1/orgs", admin, `{"id":"x","name":"{X}","kind":"branch","parent_id":"c"}`, "name"},
		{"POST", "/v1/orgs", admin, `{"id":"x","name":"n","kind":"{X}","parent_id":"c"}`, "kind"},
		{"POST", "/v1/orgs", admin, `{"id":"x","name":"n","kind":"branch","parent_id":"{X}"}`, "parent_id"},
		{"POST", "/v1/orgs", admin, `{"id":"x","name":"n","kind":"branch","parent_id":"c","attributes":{"k":"{X}"}}`, "attributes.k"},
		{"POST", "/v1/orgs", admin, `{"id":"x","name":"n","kind":"branch","parent_id":"c","attributes":{"{X}":"v"}}`, "attributes."},
		{"POST", "/v1/orgs", admin, `{"id":"x","name":"n","kind":"branch","parent_id":"c","established_on":"{X}"}`, "established_on"},
		{"PATCH", "/v1/orgs/b", admin, `{"name":"{X}"}`, "name"},
		{"PATCH", "/v1/orgs/b", admin, `{"parent_id":"{X}"}`, "parent_id"},
		{"PATCH", "/v1/orgs/b", admin, `{"attributes":{"k":"{X}"}}`, "attributes.k"},
		{"POST", "/v1/orgs/b/members", admin, `{"id":"{X}","name":"n"}`, "id"},
		{"POST", "/v1/orgs/b/members", admin, `{"org_id":"{X}","name":"n"}`, "org_id"},
		{"POST", "/v1/orgs/b/members", admin, `{"name":"{X}"}`, "name"},
		{"POST", "/v1/orgs/b/members", admin, `{"name":"n","status":"{X}"}`, "status"},
		{"POST", "/v1/orgs/b/members", admin, `{"name":"n","roles":["secretary","{X}"]}`, "roles[1]"},
		{"POST", "/v1/orgs/b/members", admin, `{"name":"n","joined_on":"{X}"}`, "joined_on"},
		{"POST", "/v1/tokens", admin, `{"name":"{X}","role":"admin"}`, "name"},
		{"POST", "/v1/tokens", admin, `{"name":"n","role":"{X}"}`, "role"},
		{"POST", "/v1/tokens", admin, `{"name":"n","role":"branch","org_id":"{X}"}`, "org_id"},
		{"POST", "/v1/instances", branch, `{"workflow":"{X}","org_id":"b","data":{}}`, "workflow"},
		{"POST", "/v1/instances", branch, `{"workflow":"meeting","org_id":"{X}","data":{}}`, "org_id"},
		{"POST", "/v1/instances", branch, `{"workflow":"meeting","org_id":"b","data":{"type":"committee","held_on":"2025-01-11","topic":"{X}"}}`, "data.topic"},
		{"POST", "/v1/instances", branch, `{"workflow":"meeting","org_id":"b","data":{"type":"committee","held_on":"2025-01-11","topic":"t1","absentees":[{"name":"n"},{"name":"{X}"}]}}`, "data.absentees[1].name"},
		{"POST", "/v1/instances", branch, `{"workflow":"meeting","org_id":"b","data":{"type":"committee","held_on":"2025-01-11","topic":"t1","problems":["p","{X}"]}}`, "data.problems[1]"},
		{"POST", "/v1/instances", branch, `{"workflow":"meeting","org_id":"b","data":{"{X}":"v"}}`, "data."},
		{"POST", "/v1/instances/" + iid + "/events", branch, `{"event":"{X}"}`, "event"},
		{"POST", "/v1/instances/" + iid + "/events", branch, `{"event":"hold","comment":"{X}"}`, "comment"},
		{"POST", "/v1/instances/" + iid + "/events", branch, `{"event":"record","data":{"minutes":"{X}","expected":3,"present":3}}`, "data.minutes"},
		{"POST", "/v1/violations/v1/acknowledge", admin, `{"note":"{X}"}`, "note"},
		{"POST", "/v1/violations/v1/waive", admin, `{"reason":"{X}","expires_at":"2030-01-01T00:00:00Z"}`, "reason"},
		{"POST", "/v1/violations/v1/resolve", admin, `{"note":"{X}"}`, "note"},
		{"POST", "/v1/evaluations", admin, `{"org_id":"{X}"}`, "org_id"},
		{"POST", "/v1/evaluations", admin, `{"from":"{X}"}`, "from"},
		{"POST", "/v1/evaluations", admin, `{"to":"{X}"}`, "to"},
		{"POST", "/v1/rules/versions/abc/activate", admin, `{"note":"{X}"}`, "note"},
	}
	for _, b := range bodies {
		for _, v := range []struct{ name, value string }{{"NUL", `a\u0000b`}, {"bad UTF-8", "a\xff\xfeb"}} {
			cs = append(cs, hostileCase{name: "body " + b.method + " " + b.path + " " + b.field + " " + v.name, method: b.method,
				path: b.path, token: b.token, body: strings.ReplaceAll(b.body, "{X}", v.value), status: 400, field: b.field})
		}
	}
	// Over-long ids and text in bodies.
	text := strings.Repeat("长", 10001)
	for _, b := range []struct{ method, path, token, body, field string }{
		{"POST", "/v1/orgs", admin, `{"id":"` + long + `","name":"n","kind":"branch","parent_id":"c"}`, "id"},
		{"POST", "/v1/orgs", admin, `{"id":"x","name":"` + long + `","kind":"branch","parent_id":"c"}`, "name"},
		{"POST", "/v1/orgs", admin, `{"id":"x","name":"n","kind":"branch","parent_id":"` + long + `"}`, "parent_id"},
		{"POST", "/v1/orgs", admin, `{"id":"x","name":"n","kind":"branch","parent_id":"c","attributes":{"k":"` + text + `"}}`, "attributes.k"},
		{"PATCH", "/v1/orgs/b", admin, `{"name":"` + long + `"}`, "name"},
		{"PATCH", "/v1/orgs/b", admin, `{"parent_id":"` + long + `"}`, "parent_id"},
		{"POST", "/v1/orgs/b/members", admin, `{"id":"` + long + `","name":"n"}`, "id"},
		{"POST", "/v1/orgs/b/members", admin, `{"name":"` + long + `"}`, "name"},
		{"POST", "/v1/tokens", admin, `{"name":"` + long + `","role":"admin"}`, "name"},
		{"POST", "/v1/tokens", admin, `{"name":"n","role":"branch","org_id":"` + long + `"}`, "org_id"},
		{"POST", "/v1/instances", branch, `{"workflow":"meeting","org_id":"` + long + `","data":{}}`, "org_id"},
		{"POST", "/v1/instances/" + iid + "/events", branch, `{"event":"hold","comment":"` + text + `"}`, "comment"},
		{"POST", "/v1/violations/v1/resolve", admin, `{"note":"` + text + `"}`, "note"},
		{"POST", "/v1/evaluations", admin, `{"org_id":"` + long + `"}`, "org_id"},
	} {
		cs = append(cs, hostileCase{name: "long body " + b.method + " " + b.path + " " + b.field, method: b.method,
			path: b.path, token: b.token, body: b.body, status: 400, field: b.field})
	}
	// Headers.
	start := `{"workflow":"meeting","org_id":"b","data":{"type":"committee","held_on":"2025-01-12","topic":"t1"}}`
	for _, k := range []struct{ name, value string }{{"3000 characters", strings.Repeat("k", 3000)}, {"bad UTF-8", "k\xff\xfe"}} {
		cs = append(cs,
			hostileCase{name: "Idempotency-Key " + k.name + " on start", method: "POST", path: "/v1/instances", token: branch,
				body: start, headers: []string{"Idempotency-Key", k.value}, status: 400, field: "Idempotency-Key"},
			hostileCase{name: "Idempotency-Key " + k.name + " on an event", method: "POST", path: "/v1/instances/" + iid + "/events",
				token: branch, body: `{"event":"hold"}`, headers: []string{"Idempotency-Key", k.value}, status: 400, field: "Idempotency-Key"},
		)
	}
	cs = append(cs,
		hostileCase{name: "Authorization 3000 bytes", method: "GET", path: "/v1/orgs", headers: []string{"Authorization", "Bearer " + long},
			status: 400, field: "Authorization"},
		hostileCase{name: "Authorization bad UTF-8", method: "GET", path: "/v1/orgs", headers: []string{"Authorization", "Bearer \xff\xfe"},
			status: 401},
	)
	// Rule files: bytes the YAML front end must refuse, and file names.
	multipart := func(disposition string) string {
		return "--X\r\nContent-Disposition: form-data; name=\"f\"; " + disposition + "\r\n\r\nrules: []\r\n--X--\r\n"
	}
	for _, r := range []struct{ name, body string }{{"NUL", "rules:\n  - id: a\x00b\n"}, {"bad UTF-8", "rules:\n  - id: a\xff\xfe\n"}} {
		cs = append(cs, hostileCase{name: "PUT rules " + r.name, method: "PUT", path: "/v1/rules", token: admin, body: r.body,
			headers: []string{"Content-Type", "application/yaml"}, status: 422})
	}
	cs = append(cs, hostileCase{name: "rule file name NUL", method: "PUT", path: "/v1/rules", token: admin,
		body: multipart(`filename*=UTF-8''a%00b.yaml`), headers: []string{"Content-Type", "multipart/form-data; boundary=X"},
		status: 400, field: "file"})
	return cs
}

// rawHostileCases are requests net/http refuses to send: NUL bytes in header values, and a
// header section past the server's limit.
func rawHostileCases(admin string) []hostileCase {
	return []hostileCase{
		{name: "raw Idempotency-Key NUL", method: "POST", path: "/v1/instances",
			headers: []string{"Authorization", "Bearer " + admin, "Idempotency-Key", "a\x00b"}, status: 400},
		{name: "raw Authorization NUL", method: "GET", path: "/v1/orgs", headers: []string{"Authorization", "Bearer a\x00b"}, status: 400},
		{name: "raw 2 MiB header", method: "GET", path: "/v1/orgs",
			headers: []string{"Authorization", "Bearer " + admin, "X-Junk", strings.Repeat("j", 2<<20)}, status: 431},
	}
}

// rawStatus writes one request on a TCP connection and returns the status of the answer.
func rawStatus(t *testing.T, base, method, path string, headers []string) int {
	t.Helper()
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n", method, path)
	for i := 0; i+1 < len(headers); i += 2 {
		fmt.Fprintf(&b, "%s: %s\r\n", headers[i], headers[i+1])
	}
	b.WriteString("\r\n{}")
	go func() { _, _ = conn.Write([]byte(b.String())) }()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	return resp.StatusCode
}

// countRows counts the rows of every table a request could write, as one comparable string.
func countRows(t *testing.T, dsn string) string {
	t.Helper()
	driver, name := "pgx", dsn
	if path, ok := strings.CutPrefix(dsn, storage.SQLite+":"); ok {
		driver, name = "sqlite", "file:"+path
	}
	db, err := sql.Open(driver, name)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []string
	for _, table := range []string{"orgs", "members", "tokens", "instances", "transitions", "idempotency_keys",
		"violations", "violation_history", "rule_sets", "rule_activations", "audit"} {
		var n int
		if err := db.QueryRowContext(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		out = append(out, fmt.Sprintf("%s=%d", table, n))
	}
	return strings.Join(out, " ")
}
