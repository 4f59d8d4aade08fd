package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/orglife/orglife/storage/storagetest"
)

// browser is an HTTP client with cookies that does not follow redirects, like a form post seen
// from the server.
type browser struct {
	t      *testing.T
	base   string
	client *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(path string) (int, string, http.Header) {
	b.t.Helper()
	resp, err := b.client.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

func (b *browser) post(path string, form url.Values) (int, string, http.Header) {
	b.t.Helper()
	resp, err := b.client.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token in the page:\n%.500s", page)
	}
	return m[1]
}

// TestLoginEndToEnd: an admin creates a user through the API (no password echoed); the person
// logs in through the login form and gets an HttpOnly, SameSite=Lax session cookie; forms without
// the CSRF token are refused; repeated failures are slowed down; logout and disabling the user end
// the session on every server.
func TestLoginEndToEnd(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			s := startServer(t, dsn, "--now", pinned, "--eval-interval=0")
			admin := s.adminToken(t)
			other := startServer(t, dsn, "--now", pinned, "--eval-interval=0")
			s.must(t, 201, "POST", "/v1/orgs", admin, obj{"id": "b", "name": "博士生第一党支部", "kind": "branch"})
			created := s.must(t, 201, "POST", "/v1/users", admin, obj{"username": "shuji", "name": "李书记", "role": "branch",
				"org_id": "b", "password": "correct horse"})
			if _, ok := created["password"]; ok || strings.Contains(jsonString(t, created), "argon2") {
				t.Fatalf("the password is echoed: %v", created)
			}
			if st, body := s.call(t, "POST", "/v1/users", admin, obj{"username": "x", "name": "x", "role": "branch", "org_id": "b", "password": "short"}); st != 400 || !strings.Contains(jsonString(t, body), "password") {
				t.Fatalf("a short password: %d %v", st, body)
			}
			if items := items(t, s.must(t, 200, "GET", "/v1/users", admin, nil)); len(items) != 2 || items[0]["username"] != "admin" || items[1]["username"] != "shuji" {
				t.Fatalf("users: %v", items)
			}

			b := newBrowser(t, s.base)
			if st, _, h := b.get("/"); st != 303 || h.Get("Location") != "/login" {
				t.Fatalf("/ before login: %d %s", st, h.Get("Location"))
			}
			st, page, _ := b.get("/login")
			if st != 200 || !strings.Contains(page, "用户名") || !strings.Contains(page, "密码") {
				t.Fatalf("login page: %d %.300s", st, page)
			}
			token := csrfOf(t, page)
			if st, _, _ := b.post("/login", url.Values{"username": {"shuji"}, "password": {"correct horse"}}); st != 403 {
				t.Fatalf("login without the CSRF token: %d", st)
			}
			st, page, _ = b.get("/login")
			token = csrfOf(t, page)
			st, page, _ = b.post("/login", url.Values{"csrf": {token}, "username": {"shuji"}, "password": {"wrong horse"}})
			if st != 401 || !strings.Contains(page, "用户名或密码错误") {
				t.Fatalf("a wrong password: %d %.300s", st, page)
			}
			token = csrfOf(t, page)
			st, _, h := b.post("/login", url.Values{"csrf": {token}, "username": {"shuji"}, "password": {"correct horse"}})
			cookie := h.Get("Set-Cookie")
			if st != 303 || h.Get("Location") != "/" {
				t.Fatalf("login: %d %v", st, h)
			}
			if !strings.Contains(h.Values("Set-Cookie")[len(h.Values("Set-Cookie"))-1], "HttpOnly") || !strings.Contains(strings.Join(h.Values("Set-Cookie"), ";"), "SameSite=Lax") {
				t.Fatalf("session cookie: %s", cookie)
			}
			st, home, _ := b.get("/")
			if st != 200 || !strings.Contains(home, "李书记") || !strings.Contains(home, "支部书记") || !strings.Contains(home, "博士生第一党支部") {
				t.Fatalf("home: %d %.400s", st, home)
			}
			// 我的待办: after an evaluation, the branch's overdue January theme day is on top
			s.must(t, 200, "POST", "/v1/evaluations", admin, obj{})
			st, home, _ = b.get("/")
			if st != 200 || !strings.Contains(home, "我的待办") || !strings.Contains(home, "逾期未办") || !strings.Contains(home, "2025年1月") ||
				!strings.Contains(home, "每月开展一次主题党日") {
				t.Fatalf("我的待办: %d %.2000s", st, home)
			}
			// the session is in the database: the other server accepts it
			b2 := &browser{t: t, base: other.base, client: b.client}
			if st, body, _ := b2.get("/"); st != 200 || !strings.Contains(body, "李书记") {
				t.Fatalf("home on the other server: %d", st)
			}
			if st, _, _ := b.post("/logout", url.Values{}); st != 403 {
				t.Fatalf("logout without the CSRF token: %d", st)
			}
			if st, _, h := b.post("/logout", url.Values{"csrf": {csrfOf(t, home)}}); st != 303 || h.Get("Location") != "/login" {
				t.Fatalf("logout: %d", st)
			}
			if st, _, _ := b2.get("/"); st != 303 {
				t.Fatalf("home on the other server after logout: %d", st)
			}

			// disabling the user ends its sessions
			login := func(password string) int {
				_, page, _ := b.get("/login")
				st, _, _ := b.post("/login", url.Values{"csrf": {csrfOf(t, page)}, "username": {"shuji"}, "password": {password}})
				return st
			}
			if st := login("correct horse"); st != 303 {
				t.Fatalf("login again: %d", st)
			}
			s.must(t, 200, "PATCH", "/v1/users/shuji", admin, obj{"disabled": true})
			if st, _, _ := b2.get("/"); st != 303 {
				t.Fatalf("a disabled user's session still works: %d", st)
			}
			if st := login("correct horse"); st != 401 {
				t.Fatalf("a disabled user logs in: %d", st)
			}
			// repeated failures are slowed down: after five (two so far), even the right password waits
			s.must(t, 200, "PATCH", "/v1/users/shuji", admin, obj{"disabled": false})
			for i := 0; i < 3; i++ {
				if st := login("wrong horse"); st != 401 {
					t.Fatalf("failure %d: %d", i, st)
				}
			}
			if st := login("correct horse"); st != 429 {
				t.Fatalf("a login after repeated failures: %d", st)
			}
		})
	}
}

// jsonString renders a decoded body for matching.
func jsonString(t *testing.T, body obj) string {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestWebBodyLimit: a huge form is refused before it is read.
func TestWebBodyLimit(t *testing.T) {
	s := startServer(t, storagetest.DSNs(t)["sqlite"], "--now", pinned, "--eval-interval=0")
	b := newBrowser(t, s.base)
	big := strings.Repeat("x", 3<<20)
	if st, _, _ := b.post("/login", url.Values{"username": {big}, "password": {"x"}}); st != 413 {
		t.Fatalf("a 3 MiB login form: %d", st)
	}
	s.must(t, 200, "GET", "/healthz", "", nil)
}
