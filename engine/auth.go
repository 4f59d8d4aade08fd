package engine

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"slices"

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
