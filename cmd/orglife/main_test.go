package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/api/openapitest"
	partybranch "github.com/orglife/orglife/examples/party-branch"
	"github.com/orglife/orglife/storage"
	"github.com/orglife/orglife/storage/storagetest"
)

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testEnv(stdout, stderr io.Writer) env {
	return env{stdin: strings.NewReader(""), stdout: stdout, stderr: stderr, getenv: func(string) string { return "" }}
}

// runCmd runs one subcommand in-process and returns its exit code, stdout and stderr.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb syncBuffer
	code := run(context.Background(), args, testEnv(&out, &errb))
	return code, out.String(), errb.String()
}

// testServer is an "orglife serve" running in-process on 127.0.0.1:0.
type testServer struct {
	base   string
	stderr *syncBuffer
	stop   func() int
	dsn    string
	// answers checks every API answer that call receives against api/openapi.json.
	answers *openapitest.Checker
}

// settle waits, for at most 5 s, until the outbox of the database at dsn is empty: the server's
// worker has then brought the ledger up to date with every committed change (it deletes an
// entry in the transaction that writes its rows).
func settle(t *testing.T, dsn string) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatalf("settle: %v", err)
	}
	defer db.Close()
	var es []*orglife.OutboxEntry
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if es, err = db.OutboxEntries(ctx, 0); err == nil && len(es) == 0 {
			return
		}
	}
	t.Fatalf("the outbox did not empty within 5 s: %d entries left (err %v), first %+v", len(es), err, es)
}

// settle waits until the server's worker has processed the outbox (see settle).
func (s *testServer) settle(t *testing.T) {
	t.Helper()
	settle(t, s.dsn)
}

var listenRE = regexp.MustCompile(`msg=listening addr=(\S+)`)

// startServer runs serve with the given database and extra flags and waits until it listens.
func startServer(t *testing.T, dsn string, extra ...string) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncBuffer{}
	args := append([]string{"serve", "--db", dsn, "--addr", "127.0.0.1:0"}, extra...)
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, testEnv(io.Discard, stderr)) }()
	var stopped bool
	var code int
	stop := func() int {
		if !stopped {
			cancel()
			code = <-done
			stopped = true
		}
		return code
	}
	t.Cleanup(func() { stop() })
	settled := func() int { // an explicit stop lets the outbox worker finish first, as a graceful stop would
		if !stopped {
			settle(t, dsn)
		}
		return stop()
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case code := <-done:
			stopped = true
			t.Fatalf("serve exited with %d:\n%s", code, stderr.String())
		default:
		}
		if m := listenRE.FindStringSubmatch(stderr.String()); m != nil {
			return &testServer{base: "http://" + m[1], stderr: stderr, stop: settled, dsn: dsn, answers: openapitest.New(t)}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("serve did not start:\n%s", stderr.String())
	return nil
}

// adminToken returns the secret printed as "admin token: SECRET".
func (s *testServer) adminToken(t *testing.T) string {
	t.Helper()
	m := regexp.MustCompile(`admin token: (\S+)`).FindStringSubmatch(s.stderr.String())
	if m == nil {
		t.Fatalf("no admin token printed:\n%s", s.stderr.String())
	}
	return m[1]
}

// obj is a decoded JSON object.
type obj = map[string]any

// call sends a request with a JSON body (a string body is sent as is) and decodes the answer.
// An answer of the API (/v1/, /healthz, /metrics) must be what api/openapi.json describes.
func (s *testServer) call(t *testing.T, method, path, token string, body any, headers ...string) (int, obj) {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.base+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if p := req.URL.Path; s.answers != nil && (strings.HasPrefix(p, "/v1/") || p == "/healthz" || p == "/metrics") {
		s.answers.Check(t, req, resp.StatusCode, resp.Header, raw)
	}
	var out obj
	if len(raw) > 0 && json.Unmarshal(raw, &out) != nil {
		out = obj{"_text": string(raw)}
	}
	return resp.StatusCode, out
}

// must asserts a status and returns the body.
func (s *testServer) must(t *testing.T, want int, method, path, token string, body any, headers ...string) obj {
	t.Helper()
	got, out := s.call(t, method, path, token, body, headers...)
	if got != want {
		t.Fatalf("%s %s: status %d, want %d: %v", method, path, got, want, out)
	}
	return out
}

func items(t *testing.T, body obj) []obj {
	t.Helper()
	raw, ok := body["items"].([]any)
	if !ok {
		t.Fatalf("no items in %v", body)
	}
	out := make([]obj, len(raw))
	for i, x := range raw {
		out[i] = x.(obj)
	}
	return out
}

func errCode(body obj) string {
	e, _ := body["error"].(obj)
	c, _ := e["code"].(string)
	return c
}

const pinned = "2025-02-03T10:00:00+08:00"

// TestEndToEnd runs the server on :0 with each test database and walks the annual plan, the
// concurrency and idempotency guarantees, actions, and the tamper-evident history.
func TestEndToEnd(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) { endToEnd(t, dsn) })
	}
}

func endToEnd(t *testing.T, dsn string) {
	s := startServer(t, dsn, "--now", pinned)
	admin := s.adminToken(t)

	// Health, metrics, authentication and request errors.
	if body := s.must(t, 200, "GET", "/healthz", "", nil); body["status"] != "ok" {
		t.Fatalf("healthz: %v", body)
	}
	if _, b := s.call(t, "GET", "/v1/orgs", "", nil); errCode(b) != "unauthorized" {
		t.Fatalf("no token: %v", b)
	}
	s.must(t, 401, "GET", "/v1/orgs", "nope", nil)

	// The org tree.
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "c", "name": "研究生院党委", "kind": "committee"})
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b1", "name": "博士生第一党支部", "kind": "branch",
		"parent_id": "c", "term_started_on": "2023-03-01", "term_years": 3})
	s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b2", "name": "博士生第二党支部", "kind": "branch", "parent_id": "c"})
	if _, b := s.call(t, "POST", "/v1/orgs", admin, obj{"id": "x", "name": "X", "kind": "branch", "colour": "red"}); errCode(b) != "invalid" {
		t.Fatalf("unknown key: %v", b)
	}
	if got, b := s.call(t, "POST", "/v1/orgs", admin, `{"id": "x",`); got != 400 || errCode(b) != "invalid" {
		t.Fatalf("malformed JSON: %d %v", got, b)
	}
	s.must(t, 201, "POST", "/v1/orgs/b1/members", admin, obj{"id": "m1", "name": "张伟", "roles": []string{"secretary"}})
	if ms := items(t, s.must(t, 200, "GET", "/v1/orgs/b1/members", admin, nil)); len(ms) != 1 {
		t.Fatalf("members: %v", ms)
	}

	token := func(role, org string) string {
		b := s.must(t, 201, "POST", "/v1/tokens", admin, obj{"name": role + "-" + org, "role": role, "org_id": org})
		return b["token"].(string)
	}
	sup, br1, br2 := token("supervisor", "c"), token("branch", "b1"), token("branch", "b2")
	s.must(t, 403, "POST", "/v1/tokens", br1, obj{"name": "x", "role": "admin"})
	s.must(t, 403, "GET", "/v1/orgs/b1", br2, nil)
	if orgs := items(t, s.must(t, 200, "GET", "/v1/orgs", sup, nil)); len(orgs) != 3 {
		t.Fatalf("supervisor sees %d orgs, want 3", len(orgs))
	}

	// Workflows and diagrams.
	if wf := s.must(t, 200, "GET", "/v1/workflows/plan", br1, nil); wf["id"] != "plan" {
		t.Fatalf("workflow: %v", wf)
	}
	if d := s.must(t, 200, "GET", "/v1/workflows/plan?format=mermaid", br1, nil); !strings.Contains(fmt.Sprint(d["_text"]), "submitted") {
		t.Fatalf("mermaid: %v", d)
	}

	// The annual plan: submit, refused to another branch, returned, resubmitted, filed.
	plan := s.must(t, 201, "POST", "/v1/instances", br1, obj{"workflow": "plan", "org_id": "b1",
		"data": obj{"year": 2025, "content": "全年三会一课安排：每月主题党日，每季度党员大会和党课。"}})
	pid := plan["id"].(string)
	if plan["state"] != "draft" {
		t.Fatalf("plan: %v", plan)
	}
	fire := func(tok string, want int, body obj) obj {
		t.Helper()
		return s.must(t, want, "POST", "/v1/instances/"+pid+"/events", tok, body)
	}
	fire(br1, 200, obj{"event": "submit"})
	fire(br2, 403, obj{"event": "submit"})
	fire(br1, 403, obj{"event": "file"})
	fire(sup, 422, obj{"event": "return"}) // comment required
	fire(sup, 200, obj{"event": "return", "comment": "请补充党课安排"})
	fire(br1, 200, obj{"event": "submit", "data": obj{"content": "全年三会一课安排：每月主题党日，每季度党员大会和党课，书记讲党课两次。"}})
	if got := fire(sup, 200, obj{"event": "file"}); got["state"] != "filed" || got["complete"] != true {
		t.Fatalf("filed: %v", got)
	}
	hist := items(t, s.must(t, 200, "GET", "/v1/instances/"+pid+"/history", br1, nil))
	var events []string
	for _, h := range hist {
		events = append(events, fmt.Sprint(h["event"]))
		if h["actor"] == "" || h["actor"] == nil {
			t.Errorf("transition without actor: %v", h)
		}
	}
	if strings.Join(events, ",") != "submit,return,submit,file" {
		t.Fatalf("history events %v", events)
	}
	if hist[1]["comment"] != "请补充党课安排" {
		t.Fatalf("return comment: %v", hist[1])
	}

	// Concurrency: twenty requests with one expected_version; exactly one wins.
	m := s.must(t, 201, "POST", "/v1/instances", br1, obj{"workflow": "meeting", "org_id": "b1",
		"data": obj{"type": "theme_day", "held_on": "2025-01-15", "topic": "学习党章"}})
	mid, version := m["id"].(string), m["version"]
	statuses := make(chan int, 20)
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, _ := s.call(t, "POST", "/v1/instances/"+mid+"/events", br1, obj{"event": "hold", "expected_version": version})
			statuses <- got
		}()
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for st := range statuses {
		count[st]++
	}
	if count[200] != 1 || count[409] != 19 {
		t.Fatalf("concurrent fire: %v, want one 200 and nineteen 409", count)
	}
	if h := items(t, s.must(t, 200, "GET", "/v1/instances/"+mid+"/history", br1, nil)); len(h) != 1 {
		t.Fatalf("concurrent fire wrote %d history rows, want 1", len(h))
	}

	// Actions: a record with three problems starts three rectification items.
	rec := s.must(t, 200, "POST", "/v1/instances/"+mid+"/events", br1, obj{"event": "record", "data": obj{
		"minutes": "学习党章第一章，讨论发言", "expected": 20, "present": 15,
		"problems": []string{"理论学习不够深入", "发言准备不足", "缺席人员未补学"}}})
	if rec["state"] != "recorded" {
		t.Fatalf("record: %v", rec)
	}
	if rs := items(t, s.must(t, 200, "GET", "/v1/instances?workflow=rectification&org_id=b1", sup, nil)); len(rs) != 3 {
		t.Fatalf("%d rectification items, want 3", len(rs))
	}
	if got, b := s.call(t, "POST", "/v1/instances/"+mid+"/events", br1, obj{"event": "hold"}); got != 409 {
		t.Fatalf("event in the wrong state: %d %v", got, b)
	}

	// Idempotency: a retried start creates one instance; the same key with another body is 409.
	start := obj{"workflow": "meeting", "org_id": "b2", "data": obj{"type": "lecture", "held_on": "2025-01-20", "topic": "党课"}}
	a := s.must(t, 201, "POST", "/v1/instances", br2, start, "Idempotency-Key", "k-1")
	b := s.must(t, 201, "POST", "/v1/instances", br2, start, "Idempotency-Key", "k-1")
	if a["id"] != b["id"] {
		t.Fatalf("retried start made two instances: %v %v", a["id"], b["id"])
	}
	start["data"].(obj)["topic"] = "另一个党课"
	s.must(t, 409, "POST", "/v1/instances", br2, start, "Idempotency-Key", "k-1")
	if ms := items(t, s.must(t, 200, "GET", "/v1/instances?workflow=meeting&org_id=b2", br2, nil)); len(ms) != 1 {
		t.Fatalf("%d meetings in b2, want 1", len(ms))
	}

	// Metrics count the transitions.
	if got := s.must(t, 200, "GET", "/metrics", "", nil); !strings.Contains(fmt.Sprint(got["_text"]), `orglife_transitions_total{event="file",workflow="plan"} 1`) {
		t.Fatalf("metrics: %.2000s", got["_text"])
	}

	// The history verifies; altering one stored row breaks it, and verify names the row.
	if code := s.stop(); code != 0 {
		t.Fatalf("serve exited with %d:\n%s", code, s.stderr.String())
	}
	if code, out, errs := runCmd(t, "verify", "--db", dsn); code != 0 {
		t.Fatalf("verify: exit %d\n%s%s", code, out, errs)
	}
	db, err := storage.Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Bun().ExecContext(context.Background(),
		"UPDATE transitions SET comment = ? WHERE instance_id = ? AND seq = ?", "已修改", pid, 2)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, "verify", "--db", dsn)
	if code != 1 || !strings.Contains(out, pid) || !strings.Contains(out, "seq 2") {
		t.Fatalf("verify after tampering: exit %d, want 1 naming %s seq 2\n%s%s", code, pid, out, errs)
	}
}

// copyPack writes the built-in pack into a directory.
func copyPack(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(partybranch.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, p), 0o755)
		}
		b, err := fs.ReadFile(partybranch.FS, p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, p), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// breakPlan points an event of plan.yaml at an unknown state and returns the 1-based line.
func breakPlan(t *testing.T, dir string) int {
	t.Helper()
	path := filepath.Join(dir, "workflows", "plan.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) == "to: filed" {
			lines[i] = strings.Replace(l, "to: filed", "to: archived", 1)
			if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
				t.Fatal(err)
			}
			return i + 1
		}
	}
	t.Fatal("no 'to: filed' line in plan.yaml")
	return 0
}

// TestServeRejectsInvalidPack: serve reports file:line:column and exits non-zero.
func TestServeRejectsInvalidPack(t *testing.T) {
	dir := copyPack(t)
	line := breakPlan(t, dir)
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "x.db")
	code, _, errs := runCmd(t, "serve", "--db", dsn, "--addr", "127.0.0.1:0", "--pack", dir)
	want := fmt.Sprintf("plan.yaml:%d:", line)
	if code == 0 || !strings.Contains(errs, want) {
		t.Fatalf("serve with an invalid pack: exit %d, want non-zero and %q in:\n%s", code, want, errs)
	}
}

// TestValidate: validate exits 0 on the built-in pack and 1 with file:line:column on a broken one.
func TestValidate(t *testing.T) {
	dir := copyPack(t)
	if code, out, errs := runCmd(t, "validate", dir); code != 0 || !strings.HasPrefix(out, "ok: ") {
		t.Fatalf("validate: exit %d\n%s%s", code, out, errs)
	}
	line := breakPlan(t, dir)
	code, out, _ := runCmd(t, "validate", dir)
	want := fmt.Sprintf("%s:%d:", filepath.Join(dir, "workflows", "plan.yaml"), line)
	if code != 1 || !strings.Contains(out, want) {
		t.Fatalf("validate broken pack: exit %d, want 1 and %q in:\n%s", code, want, out)
	}
}

// TestGraphAndTokenCreate covers graph and token create on a fresh SQLite database.
func TestGraphAndTokenCreate(t *testing.T) {
	code, out, errs := runCmd(t, "graph", "plan", "--format", "dot")
	if code != 0 || !strings.Contains(out, "digraph") {
		t.Fatalf("graph: exit %d\n%s%s", code, out, errs)
	}
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "t.db")
	if code, _, errs := runCmd(t, "token", "create", "--db", dsn, "--name", "ops", "--role", "admin"); code != 1 || !strings.Contains(errs, "no database") && !strings.Contains(errs, "orglife migrate") {
		t.Fatalf("token create before migrate: exit %d\n%s", code, errs)
	}
	if code, _, errs := runCmd(t, "migrate", "--db", dsn); code != 0 {
		t.Fatalf("migrate: exit %d\n%s", code, errs)
	}
	code, out, errs = runCmd(t, "token", "create", "--db", dsn, "--name", "ops", "--role", "admin")
	first, _, _ := strings.Cut(out, "\n")
	if code != 0 || len(first) < 16 || strings.Contains(first, " ") {
		t.Fatalf("token create: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := runCmd(t, "token", "create", "--db", dsn, "--name", "x", "--role", "boss"); code != 1 {
		t.Fatalf("token create with a bad role: exit %d\n%s", code, errs)
	}
}

// TestDemo: serve --demo seeds the tree idempotently and prints three labelled tokens at its first
// start only; later starts say that the tokens exist and mint none, unless one was revoked.
func TestDemo(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "demo.db")
	labels := []string{"demo admin token: ", "demo supervisor token", "demo branch token"}
	var tok string
	for i := range 3 {
		s := startServer(t, dsn, "--demo")
		log := s.stderr.String()
		switch i {
		case 0:
			for _, label := range labels {
				if !strings.Contains(log, label) {
					t.Fatalf("no %q in:\n%s", label, log)
				}
			}
			tok = regexp.MustCompile(`demo supervisor token[^:]*: (\S+)`).FindStringSubmatch(log)[1]
		case 1:
			for _, label := range labels {
				if strings.Contains(log, label) {
					t.Fatalf("a later start printed %q:\n%s", label, log)
				}
			}
			if !strings.Contains(log, "demo tokens exist already (demo-admin, demo-supervisor, demo-branch)") || !strings.Contains(log, "orglife token list") {
				t.Fatalf("a later start does not say that the demo tokens exist:\n%s", log)
			}
		case 2: // the branch token was revoked: only it is minted again
			if !strings.Contains(log, "demo branch token") || strings.Contains(log, "demo admin token: ") ||
				!strings.Contains(log, "demo tokens exist already (demo-admin, demo-supervisor)") {
				t.Fatalf("after revoking the branch token:\n%s", log)
			}
		}
		if orgs := items(t, s.must(t, 200, "GET", "/v1/orgs?limit=100", tok, nil)); len(orgs) != 7 {
			t.Fatalf("supervisor sees %d orgs, want 7", len(orgs))
		}
		if code := s.stop(); code != 0 {
			t.Fatalf("serve exited with %d", code)
		}
		code, out, errs := runCmd(t, "token", "list", "--db", dsn, "--format", "json")
		var list []map[string]any
		if code != 0 || json.Unmarshal([]byte(out), &list) != nil {
			t.Fatalf("token list: %d\n%s%s", code, out, errs)
		}
		if want := []int{4, 4, 5}[i]; len(list) != want { // the bootstrap admin and the demo tokens
			t.Fatalf("after start %d: %d tokens, want %d", i+1, len(list), want)
		}
		if i == 1 {
			for _, x := range list {
				if x["name"] == "demo-branch" {
					if code, _, errs := runCmd(t, "token", "revoke", "--db", dsn, x["id"].(string)); code != 0 {
						t.Fatalf("revoke: %s", errs)
					}
				}
			}
		}
	}
}
