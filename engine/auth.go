package engine

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/orglife/orglife"
)

// secretPrefix marks orglife secrets so they are recognisable in logs and secret scanners.
const secretPrefix = "olt_"

// HashSecret returns the SHA-256 hex digest under which a token's secret is stored.
func HashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

func newSecret() string {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("engine: no randomness: " + err.Error())
	}
	return secretPrefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// Authenticate returns the actor of a bearer secret; unauthorized when empty or unknown.
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
	return orglife.Actor{Role: t.Role, OrgID: t.OrgID, Name: t.Name}, nil
}

// SystemActor is the actor of command-line operations run by whoever holds the database.
var SystemActor = orglife.Actor{Role: orglife.RoleAdmin, Name: "system"}

// Bootstrap creates an admin token named "admin" when the database has no token and returns its
// secret; it returns "" when tokens exist.
func (s *Service) Bootstrap(ctx context.Context) (string, error) {
	n, err := s.store.CountTokens(ctx)
	if err != nil || n > 0 {
		return "", err
	}
	_, secret, err := s.CreateToken(ctx, SystemActor, CreateTokenParams{Name: "admin", Role: orglife.RoleAdmin})
	return secret, err
}

// CreateToken creates a token (admin only) and returns it with its secret, shown once. Admin
// tokens may omit the org; supervisor and branch tokens need an existing org.
func (s *Service) CreateToken(ctx context.Context, actor orglife.Actor, p CreateTokenParams) (*orglife.Token, string, error) {
	if !actor.IsAdmin() {
		return nil, "", orglife.Errorf(orglife.EFORBIDDEN, "only an admin may create tokens")
	}
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
	now := s.instant()
	t := &orglife.Token{ID: orglife.NewID(now), Name: p.Name, Role: p.Role, OrgID: p.OrgID, Hash: HashSecret(secret), CreatedAt: now}
	err := s.store.InTx(ctx, func(ctx context.Context, tx Store) error {
		if err := tx.CreateToken(ctx, t); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "token.create", "token "+t.ID, map[string]any{"name": t.Name, "role": t.Role, "org_id": t.OrgID})
	})
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// scope answers what an actor may see and do on one org, from the org's path (root first).
type scope struct {
	read   bool // may read the org and its records
	branch bool // acts as the org's own branch (start, fire branch events)
	above  bool // supervises it from strictly above (fire supervisor events, decide violations)
}

func scopeOf(actor orglife.Actor, path []string) scope {
	if actor.IsAdmin() {
		return scope{read: true, branch: true, above: true}
	}
	if len(path) == 0 {
		return scope{}
	}
	own := path[len(path)-1] == actor.OrgID
	in := slices.Contains(path, actor.OrgID)
	switch actor.Role {
	case orglife.RoleSupervisor:
		return scope{read: in, above: in && !own}
	case orglife.RoleBranch:
		return scope{read: own, branch: own}
	}
	return scope{}
}

// orgScope loads the path of an org and returns the actor's scope on it; not_found when the org
// does not exist.
func (s *Service) orgScope(ctx context.Context, actor orglife.Actor, orgID string) (scope, error) {
	path, err := s.store.OrgPath(ctx, orgID)
	if err != nil {
		return scope{}, err
	}
	if len(path) == 0 {
		return scope{}, orglife.Errorf(orglife.ENOTFOUND, "org %s not found", orgID)
	}
	return scopeOf(actor, path), nil
}

// outOfScope is the error for objects outside the caller's scope. orglife answers 403 (not 404)
// for them, consistently: ids are not secret inside one deployment, and a clear 403 helps users.
func outOfScope(what string) error {
	return orglife.Errorf(orglife.EFORBIDDEN, "%s is outside your scope", what)
}
