package engine

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/orglife/orglife"
)

// TokenTouchInterval is how often, at most, a token's last use is written: authentication
// records last_used_at only when the stored one is older, so a busy token costs one write a
// minute, not one per request.
const TokenTouchInterval = time.Minute

// Authenticate returns the actor of a bearer secret. It reads the token from the store at every
// call (no cache), so a revocation takes effect at the next request on every server sharing the
// database. Empty, unknown, revoked and expired secrets are unauthorized.
func (s *Service) Authenticate(ctx context.Context, secret string) (orglife.Actor, error) {
	secret = strings.TrimSpace(secret)
	if secret == "" {
		return orglife.Actor{}, orglife.Errorf(orglife.EUNAUTHORIZED, "missing bearer token")
	}
	t, err := s.store.TokenByHash(ctx, HashSecret(secret))
	if orglife.ErrorCode(err) == orglife.ENOTFOUND {
		return orglife.Actor{}, orglife.Errorf(orglife.EUNAUTHORIZED, "unknown token")
	} else if err != nil {
		return orglife.Actor{}, err
	}
	now := s.instant()
	switch {
	case t.RevokedAt != nil:
		return orglife.Actor{}, orglife.Errorf(orglife.EUNAUTHORIZED, "令牌已吊销，请向管理员申请新令牌（token revoked）")
	case t.Expired(now):
		return orglife.Actor{}, orglife.Errorf(orglife.EUNAUTHORIZED, "令牌已于 %s 过期，请向管理员申请新令牌（token expired）",
			t.ExpiresAt.Format(time.RFC3339))
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= TokenTouchInterval {
		// A failed write of the last use must not refuse a valid token; it is retried at the next request.
		if err := s.store.TouchToken(ctx, t.ID, now, now.Add(-TokenTouchInterval)); err != nil {
			s.log.WarnContext(ctx, "cannot record the last use of a token", "token", t.ID, "err", err)
		}
	}
	return orglife.Actor{Role: t.Role, OrgID: t.OrgID, Name: t.Name}, nil
}

// Bootstrap creates an admin token named "admin" when the database has no token (revoked ones
// count) and returns its secret; it returns "" when tokens exist.
func (s *Service) Bootstrap(ctx context.Context) (string, error) {
	n, err := s.store.CountTokens(ctx)
	if err != nil || n > 0 {
		return "", err
	}
	_, secret, err := s.CreateToken(ctx, orglife.SystemActor, CreateTokenParams{Name: "admin", Role: orglife.RoleAdmin})
	return secret, err
}

// CreateToken creates a token (admin only) and returns it with its secret, shown once. Admin
// tokens may omit the org; supervisor and branch tokens need an existing org. An expiry must be an
// RFC 3339 instant in the future.
func (s *Service) CreateToken(ctx context.Context, actor orglife.Actor, p CreateTokenParams) (*orglife.Token, string, error) {
	if !actor.IsAdmin() {
		return nil, "", orglife.Errorf(orglife.EFORBIDDEN, "only an admin may create tokens")
	}
	now := s.instant()
	p.Name = strings.TrimSpace(p.Name)
	var details []orglife.Detail
	if p.Name == "" {
		details = append(details, orglife.Detail{Field: "name", Message: "name is required"})
	}
	details = append(details, orglife.CheckText("name", p.Name, orglife.MaxNameLength)...)
	details = append(details, orglife.CheckID("org_id", p.OrgID)...)
	if !slices.Contains([]string{orglife.RoleAdmin, orglife.RoleSupervisor, orglife.RoleBranch}, p.Role) {
		details = append(details, orglife.Detail{Field: "role", Message: "role must be admin, supervisor or branch"})
	}
	if p.Role != orglife.RoleAdmin && p.OrgID == "" {
		details = append(details, orglife.Detail{Field: "org_id", Message: "org_id is required for supervisor and branch tokens"})
	}
	var expires *time.Time
	if p.ExpiresAt != "" {
		at, err := time.Parse(time.RFC3339, p.ExpiresAt)
		switch {
		case err != nil:
			details = append(details, orglife.Detail{Field: "expires_at",
				Message: "expires_at must be an RFC 3339 instant, e.g. 2026-01-01T00:00:00+08:00 (过期时间格式不对)"})
		case !at.After(now):
			details = append(details, orglife.Detail{Field: "expires_at",
				Message: "expires_at must be in the future (过期时间必须晚于现在): " + p.ExpiresAt})
		default:
			expires = &at
		}
	}
	if len(details) > 0 {
		return nil, "", &orglife.Error{Code: orglife.EINVALID, Message: "invalid token request: " + details[0].Message, Details: details}
	}
	if p.OrgID != "" {
		if _, err := s.store.Org(ctx, p.OrgID); orglife.ErrorCode(err) == orglife.ENOTFOUND {
			return nil, "", &orglife.Error{Code: orglife.EUNPROCESSABLE, Message: "unknown org " + p.OrgID,
				Details: []orglife.Detail{{Field: "org_id", Message: "no such org"}}}
		} else if err != nil {
			return nil, "", err
		}
	}
	secret := newSecret()
	t := &orglife.Token{ID: orglife.NewID(now), Name: p.Name, Role: p.Role, OrgID: p.OrgID, Hash: HashSecret(secret),
		CreatedAt: now, ExpiresAt: expires}
	err := s.inTx(ctx, func(ctx context.Context, tx Store) error {
		if err := tx.CreateToken(ctx, t); err != nil {
			return err
		}
		detail := map[string]any{"name": t.Name, "role": t.Role, "org_id": t.OrgID}
		if t.ExpiresAt != nil {
			detail["expires_at"] = t.ExpiresAt.Format(time.RFC3339)
		}
		return s.audit(ctx, tx, actor, "token.create", "token "+t.ID, detail)
	})
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// ListTokens pages through every token by id (admin only), revoked and expired ones included.
// Secrets are never stored; a token's hash is never encoded to JSON.
func (s *Service) ListTokens(ctx context.Context, actor orglife.Actor, p orglife.ListParams) (orglife.Page[*orglife.Token], error) {
	if !actor.IsAdmin() {
		return orglife.Page[*orglife.Token]{}, orglife.Errorf(orglife.EFORBIDDEN, "only an admin may list tokens")
	}
	ts, err := s.store.Tokens(ctx, p.Cursor, p.PageSize()+1)
	if err != nil {
		return orglife.Page[*orglife.Token]{}, err
	}
	out := orglife.Page[*orglife.Token]{Items: ts}
	if n := p.PageSize(); len(ts) > n {
		out.Items = ts[:n]
		next := ts[n-1].ID
		out.NextCursor = &next
	}
	return out, nil
}

// RevokeToken revokes a token (admin only) and audits it; revoking a revoked token changes
// nothing. Not found when no token has the id. The revocation holds at the next request on
// every server, as Authenticate reads the store each time.
func (s *Service) RevokeToken(ctx context.Context, actor orglife.Actor, id string) error {
	if !actor.IsAdmin() {
		return orglife.Errorf(orglife.EFORBIDDEN, "only an admin may revoke tokens")
	}
	return s.inTx(ctx, func(ctx context.Context, tx Store) error {
		changed, err := tx.RevokeToken(ctx, id, s.instant())
		if orglife.ErrorCode(err) == orglife.ENOTFOUND {
			return orglife.Errorf(orglife.ENOTFOUND, "token %s not found", id)
		} else if err != nil || !changed {
			return err
		}
		return s.audit(ctx, tx, actor, "token.revoke", "token "+id, map[string]any{"id": id})
	})
}
