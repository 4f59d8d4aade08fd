package engine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
)

// TestTokenLifeCycle: expiry at creation, last use written at most once a minute, listing without
// secrets, revocation, and audit entries for create and revoke.
func TestTokenLifeCycle(t *testing.T) {
	forEachDB(t, func(t *testing.T, _ *engine.Service, st engine.Store) {
		ctx := context.Background()
		now := time.Date(2025, 2, 3, 2, 0, 0, 0, time.UTC)
		svc := engine.New(engine.Config{Store: st, Workflows: testSet(t), Now: func() time.Time { return now }})

		// Creation: an expiry must be RFC 3339 and in the future; only admins create.
		for _, bad := range []string{"2025-02-03", now.Add(-time.Second).Format(time.RFC3339), now.Format(time.RFC3339)} {
			_, _, err := svc.CreateToken(ctx, admin, engine.CreateTokenParams{Name: "x", Role: orglife.RoleAdmin, ExpiresAt: bad})
			if code(err) != orglife.EINVALID || len(orglife.ErrorDetails(err)) != 1 || orglife.ErrorDetails(err)[0].Field != "expires_at" {
				t.Fatalf("expires_at %q: %v %v", bad, err, orglife.ErrorDetails(err))
			}
		}
		if _, _, err := svc.CreateToken(ctx, supervisor, engine.CreateTokenParams{Name: "x", Role: orglife.RoleAdmin}); code(err) != orglife.EFORBIDDEN {
			t.Fatalf("supervisor creates a token: %v", err)
		}
		exp := now.Add(time.Hour)
		tok, secret, err := svc.CreateToken(ctx, admin, engine.CreateTokenParams{Name: "b-书记", Role: orglife.RoleBranch, OrgID: "b",
			ExpiresAt: exp.In(time.FixedZone("CST", 8*3600)).Format(time.RFC3339)})
		if err != nil {
			t.Fatal(err)
		}
		if tok.ExpiresAt == nil || !tok.ExpiresAt.Equal(exp) {
			t.Fatalf("expires_at = %v", tok.ExpiresAt)
		}
		other, otherSecret, err := svc.CreateToken(ctx, admin, engine.CreateTokenParams{Name: "ops", Role: orglife.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}

		// Authentication writes the last use, then at most once a minute.
		lastUsed := func(id string) *time.Time {
			t.Helper()
			p, err := svc.ListTokens(ctx, admin, orglife.ListParams{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range p.Items {
				if x.ID == id {
					return x.LastUsedAt
				}
			}
			t.Fatalf("token %s not listed", id)
			return nil
		}
		if a, err := svc.Authenticate(ctx, secret); err != nil || a.Role != orglife.RoleBranch || a.OrgID != "b" {
			t.Fatalf("authenticate: %+v %v", a, err)
		}
		first := now
		if lu := lastUsed(tok.ID); lu == nil || !lu.Equal(first) {
			t.Fatalf("last_used_at = %v, want %v", lu, first)
		}
		now = now.Add(59 * time.Second)
		if _, err := svc.Authenticate(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if lu := lastUsed(tok.ID); !lu.Equal(first) {
			t.Fatalf("last_used_at = %v within a minute, want %v", lu, first)
		}
		now = now.Add(time.Second)
		if _, err := svc.Authenticate(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if lu := lastUsed(tok.ID); !lu.Equal(now) {
			t.Fatalf("last_used_at = %v after a minute, want %v", lu, now)
		}

		// Expiry: at the instant itself the token no longer authenticates.
		now = exp
		_, err = svc.Authenticate(ctx, secret)
		if code(err) != orglife.EUNAUTHORIZED || !strings.Contains(orglife.ErrorMessage(err), "过期") {
			t.Fatalf("expired token: %v", err)
		}

		// Listing: admin only, paged, no hash in the JSON.
		if _, err := svc.ListTokens(ctx, branchB, orglife.ListParams{}); code(err) != orglife.EFORBIDDEN {
			t.Fatalf("branch lists tokens: %v", err)
		}
		p1, err := svc.ListTokens(ctx, admin, orglife.ListParams{Limit: 1})
		if err != nil || len(p1.Items) != 1 || p1.NextCursor == nil {
			t.Fatalf("page 1: %+v %v", p1, err)
		}
		p2, err := svc.ListTokens(ctx, admin, orglife.ListParams{Limit: 1, Cursor: *p1.NextCursor})
		if err != nil || len(p2.Items) != 1 || p2.NextCursor != nil || p2.Items[0].ID == p1.Items[0].ID {
			t.Fatalf("page 2: %+v %v", p2, err)
		}

		// Revocation: admin only, idempotent, unknown ids not found, effective at once.
		if err := svc.RevokeToken(ctx, supervisor, other.ID); code(err) != orglife.EFORBIDDEN {
			t.Fatalf("supervisor revokes: %v", err)
		}
		if err := svc.RevokeToken(ctx, admin, "nope"); code(err) != orglife.ENOTFOUND {
			t.Fatalf("revoke unknown: %v", err)
		}
		if _, err := svc.Authenticate(ctx, otherSecret); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := svc.RevokeToken(ctx, admin, other.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := svc.Authenticate(ctx, otherSecret); code(err) != orglife.EUNAUTHORIZED || !strings.Contains(orglife.ErrorMessage(err), "吊销") {
			t.Fatalf("revoked token: %v", err)
		}

		// Audit: one entry per creation, one for the revocation.
		for action, want := range map[string]int{"token.create": 2, "token.revoke": 1} {
			a, err := svc.Audit(ctx, admin, engine.AuditParams{Action: action, ListParams: orglife.ListParams{Limit: 500}})
			if err != nil || len(a.Items) != want {
				t.Fatalf("audit %s: %d entries, want %d (%v)", action, len(a.Items), want, err)
			}
			if action == "token.revoke" && (a.Items[0].Target != "token "+other.ID || a.Items[0].Actor != admin.Name) {
				t.Fatalf("revoke audit: %+v", a.Items[0])
			}
		}
	})
}
