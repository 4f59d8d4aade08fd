package engine

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"

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

// orgScope loads the path of an org and returns the actor's scope on it; not_found when the org
// does not exist.
func (s *Service) orgScope(ctx context.Context, actor orglife.Actor, orgID string) (orglife.Scope, error) {
	path, err := s.store.OrgPath(ctx, orgID)
	if err != nil {
		return orglife.Scope{}, err
	}
	if len(path) == 0 {
		return orglife.Scope{}, orglife.Errorf(orglife.ENOTFOUND, "org %s not found", orgID)
	}
	return actor.ScopeOn(path), nil
}
