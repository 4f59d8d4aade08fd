package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/storage/storagetest"
	"github.com/orglife/orglife/workflows"
)

// handlerOn returns an API handler with its own connection pool on the database at dsn, as a
// second server sharing that database would have.
func handlerOn(t *testing.T, dsn string, opts Options) (http.Handler, *engine.Service) {
	t.Helper()
	db := storagetest.Open(t, dsn)
	set, ps := workflows.NewSet(nil)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	chk := compliance.New(compliance.Config{Store: db, Workflows: set})
	svc := engine.New(engine.Config{Store: db, Workflows: set, Evaluations: chk})
	return New(svc, chk, opts), svc
}

// TestTokensTwoServers: two servers on one database (PostgreSQL when configured, an SQLite file
// otherwise); a token listed and revoked through one answers 401 at its next request on the other.
func TestTokensTwoServers(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a, svcA := handlerOn(t, dsn, Options{})
			b, _ := handlerOn(t, dsn, Options{})
			admin, err := svcA.Bootstrap(context.Background())
			if err != nil || admin == "" {
				t.Fatalf("bootstrap: %q %v", admin, err)
			}
			if st, body := do(t, a, "POST", "/v1/orgs", admin, `{"id":"c","name":"党委","kind":"committee"}`); st != 201 {
				t.Fatalf("org: %d %v", st, body)
			}
			exp := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
			st, created := do(t, a, "POST", "/v1/tokens", admin, `{"name":"组织员","role":"supervisor","org_id":"c","expires_at":"`+exp+`"}`)
			if st != 201 || created["expires_at"] != exp {
				t.Fatalf("create: %d %v", st, created)
			}
			secret, id := created["token"].(string), created["id"].(string)
			if st, body := do(t, a, "POST", "/v1/tokens", admin, `{"name":"x","role":"admin","expires_at":"2020-01-01T00:00:00Z"}`); st != 400 ||
				code(body) != "invalid" || !strings.Contains(fmt.Sprint(body["error"]), "expires_at") {
				t.Fatalf("past expiry: %d %v", st, body)
			}

			// The list on the other server: every field but the secret and its hash.
			st, list := do(t, b, "GET", "/v1/tokens?limit=1", admin, "")
			if st != 200 || list["next_cursor"] == nil || len(list["items"].([]any)) != 1 {
				t.Fatalf("list page 1: %d %v", st, list)
			}
			st, list = do(t, b, "GET", "/v1/tokens?cursor="+list["next_cursor"].(string), admin, "")
			if st != 200 || list["next_cursor"] != nil || len(list["items"].([]any)) != 1 {
				t.Fatalf("list page 2: %d %v", st, list)
			}
			item := list["items"].([]any)[0].(map[string]any)
			for _, k := range []string{"id", "name", "role", "org_id", "created_at", "last_used_at", "expires_at", "revoked", "revoked_at", "expired"} {
				if _, ok := item[k]; !ok {
					t.Errorf("listed token lacks %s: %v", k, item)
				}
			}
			raw, _ := json.Marshal(list)
			if strings.Contains(string(raw), secret) || strings.Contains(string(raw), engine.HashSecret(secret)) ||
				strings.Contains(string(raw), "hash") || strings.Contains(string(raw), `"token"`) {
				t.Fatalf("the list shows a secret or a hash: %s", raw)
			}
			if item["id"] != id || item["revoked"] != false || item["expires_at"] != exp || item["last_used_at"] != nil {
				t.Fatalf("listed token: %v", item)
			}

			// Non-admins neither list nor revoke; the token works on both servers.
			if st, body := do(t, b, "GET", "/v1/tokens", secret, ""); st != 403 {
				t.Fatalf("supervisor lists tokens: %d %v", st, body)
			}
			if st, body := do(t, b, "DELETE", "/v1/tokens/"+id, secret, ""); st != 403 {
				t.Fatalf("supervisor revokes: %d %v", st, body)
			}
			if st, _ := do(t, b, "GET", "/v1/orgs/c", secret, ""); st != 200 {
				t.Fatalf("token on server b: %d", st)
			}

			// Revoked on a, refused by b at its next request.
			if st, body := do(t, a, "DELETE", "/v1/tokens/"+id, admin, ""); st != 204 {
				t.Fatalf("revoke: %d %v", st, body)
			}
			if st, body := do(t, b, "GET", "/v1/orgs/c", secret, ""); st != 401 || code(body) != "unauthorized" {
				t.Fatalf("revoked token on server b: %d %v", st, body)
			}
			if st, body := do(t, a, "DELETE", "/v1/tokens/nope", admin, ""); st != 404 || code(body) != "not_found" {
				t.Fatalf("revoke unknown: %d %v", st, body)
			}
			_, list = do(t, a, "GET", "/v1/tokens", admin, "")
			for _, x := range list["items"].([]any) {
				if it := x.(map[string]any); it["id"] == id && (it["revoked"] != true || it["revoked_at"] == nil || it["last_used_at"] == nil) {
					t.Fatalf("revoked token listed as %v", it)
				}
			}
		})
	}
}

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// doFrom sends a GET from the client address addr and returns the recorder.
func doFrom(h http.Handler, addr, path, token string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", path, nil)
	req.RemoteAddr = addr
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// TestAuthThrottle: past the limit, failures from one address answer 429 with Retry-After until
// the window ends, while a valid token from that address and other addresses are served as usual.
func TestAuthThrottle(t *testing.T) {
	clock := &fakeClock{now: time.Date(2025, 2, 3, 10, 0, 0, 0, time.UTC)}
	h, admin := newTestAPI(t, Options{AuthFailureLimit: 3, AuthFailureWindow: time.Minute, Now: clock.Now})
	const attacker, neighbour = "203.0.113.7:4000", "198.51.100.2:5000"
	for i := range 3 {
		if w := doFrom(h, attacker, "/v1/orgs", "olt_wrong"); w.Code != 401 {
			t.Fatalf("failure %d: %d %s", i+1, w.Code, w.Body)
		}
	}
	clock.Add(15 * time.Second)
	w := doFrom(h, attacker, "/v1/orgs", "olt_wrong")
	if w.Code != 429 || w.Header().Get("Retry-After") != "45" || !strings.Contains(w.Body.String(), `"unauthorized"`) {
		t.Fatalf("failure past the limit: %d Retry-After %q %s", w.Code, w.Header().Get("Retry-After"), w.Body)
	}
	if w := doFrom(h, attacker, "/v1/orgs", "Basic x"); w.Code != 429 {
		t.Fatalf("a malformed header past the limit: %d", w.Code)
	}
	if w := doFrom(h, "[2001:db8::1]:443", "/v1/orgs", "olt_wrong"); w.Code != 401 {
		t.Fatalf("another address: %d", w.Code)
	}
	if w := doFrom(h, neighbour, "/v1/orgs", "olt_wrong"); w.Code != 401 {
		t.Fatalf("another address: %d", w.Code)
	}
	for range 3 { // no lockout: the valid token of the same address is served
		if w := doFrom(h, attacker, "/v1/orgs", admin); w.Code != 200 {
			t.Fatalf("valid token from a throttled address: %d %s", w.Code, w.Body)
		}
	}
	if w := doFrom(h, attacker, "/healthz", ""); w.Code != 200 {
		t.Fatalf("healthz from a throttled address: %d", w.Code)
	}
	clock.Add(45 * time.Second)
	if w := doFrom(h, attacker, "/v1/orgs", "olt_wrong"); w.Code != 401 {
		t.Fatalf("after the window: %d %s", w.Code, w.Body)
	}
}

// TestAuthThrottleBounded: the throttle forgets addresses past its bound.
func TestAuthThrottleBounded(t *testing.T) {
	clock := &fakeClock{now: time.Date(2025, 2, 3, 10, 0, 0, 0, time.UTC)}
	th := newAuthThrottle(2, time.Minute, 100, clock.Now)
	for i := range 1000 {
		th.fail(fmt.Sprintf("10.0.%d.%d", i/256, i%256))
		if i%10 == 0 {
			clock.Add(time.Second)
		}
	}
	if n := th.size(); n > 100 {
		t.Fatalf("the throttle remembers %d addresses, bound 100", n)
	}
	// A throttled address that is forgotten merely starts a new window.
	for range 3 {
		th.fail("192.0.2.9")
	}
	if wait, _ := th.fail("192.0.2.9"); wait <= 0 {
		t.Fatal("an address past its limit is not throttled")
	}
}
